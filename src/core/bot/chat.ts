import { actsFor } from '../accounts/index.ts';
import { trackCourse, type Course } from '../lessons/types.ts';
import type { OrgNode, OrgTree } from '../org.ts';
import type { CardAnswer } from '../channel.ts';
import type { LessonSnapshot } from '../lessons/snapshot.ts';
import type { AnswerOutcome, Group, Push, QuizRef, Store } from '../ports.ts';
import { looksLikeAnswer, parseAnswers, unclear, type AnswerSheet } from '../quiz/answers.ts';
import { cardChoice, parseCardTaskId } from '../quiz/cards.ts';
import { isLessonDay, yearsWithoutHolidays } from '../schedule/calendar.ts';
import { expectedParticipants, sourceLabels } from '../quiz/participants.ts';
import { recordSheet } from '../quiz/record.ts';
import { isTeam, resolveTeam } from '../roster/import.ts';
import { codePattern } from '../roster/roster.ts';
import { rollOf } from '../quiz/roll.ts';
import { remindCommand } from '../engage/remind.ts';
import { digestCommand } from '../engage/digest.ts';
import { maxLeadMs, minuteOf, roomsPerMinute, waveAt } from '../schedule/plan.ts';
import { slowestSecondsPerBatch } from '../send/queue.ts';
import { addDays, instantOf, isoWeekday, minuteMs, parseHhmm, wallClock } from '../time.ts';
import { badgeLabels } from '../engage/badges.ts';
import { isTimeShaped, parseCommand, stripMention, type CommandName } from './commands.ts';
import type { ChatContext } from './context.ts';
import type { Daily } from './daily.ts';
import type { BotDeps } from './deps.ts';
import { answerHint, codeRefusal, courseChoices, describeDay, describeDays, enrolHint, enrolUsage, headcountUsage, helpText, leaderOnly, leaveQuestion, leftHint, percent, shortHelp } from './texts.ts';
import { Router, type Middleware } from './router.ts';
import { peopleNamed } from './people.ts';
import { absence, expectedOn, isLeaveVerb, leaderAbsence, leaveLines } from '../engage/leave.ts';
import { featuresCommand } from '../engage/features-command.ts';
import { myMistakes } from '../engage/mistakes.ts';
import { answerRepetition } from '../engage/repetition.ts';

type Handler = (ctx: ChatContext) => Promise<void>;

/** Builds the message pipeline: clean up → command → answer → a short help for anything addressed to the bot. */
export function chatRouter(daily: Daily): Router<ChatContext> {
  const handlers: Record<CommandName, Handler> = {
    help: async (ctx) => ctx.reply(helpText),
    enroll: (ctx) => enroll(ctx),
    time: leaderOf('设置本群', async (ctx, g) => {
      const time = parseHhmm(ctx.command!.args[0] ?? '');
      if (!time) return ctx.reply(`时间“${ctx.command!.args[0] ?? ''}”不对，请用 24 小时制，例如：时间 07:50`);
      // A new time applies from now on: a time already past today is not a missed push.
      await ctx.deps.store.saveGroup({ ...g, time, activeSince: ctx.deps.clock.now() });
      ctx.reply(`好的，以后每个工作日 ${time} 推送。${await capacityWarning(ctx, time, g.gid)}`);
    }),
    days: leaderOf('设置本群', async (ctx, g) => {
      const days = parseDays(ctx.command!.args.join(''));
      if (!days) return ctx.reply('工作日请用 1–7 的数字表示星期，例如：工作日 1-5，或 工作日 1-6，或 工作日 1,3,5');
      await ctx.deps.store.saveGroup({ ...g, days, activeSince: ctx.deps.clock.now() });
      ctx.reply(`好的，工作日改为${describeDays(days)}（法定节假日休息，调休上班日照常推送）。`);
    }),
    window: leaderOf('设置本群', async (ctx, g) => {
      const minutes = Number(/^\d+/.exec(ctx.command!.args[0] ?? '')?.[0]);
      if (ctx.command!.args.length !== 1 || !Number.isInteger(minutes) || minutes < 5 || minutes > 720) {
        return ctx.reply('答题时长请填 5 到 720 之间的分钟数，例如：答题时长 90');
      }
      await ctx.deps.store.saveGroup({ ...g, windowMinutes: minutes });
      ctx.reply(`好的，以后每课答题时间 ${minutes} 分钟，到时公布答案。`);
    }),
    pause: leaderOf('暂停推送', async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'paused' });
      ctx.reply('已暂停推送。发送“恢复”继续。');
    }),
    resume: leaderOf('恢复推送', async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'active', activeSince: ctx.deps.clock.now() });
      ctx.reply(`已恢复，下一课：${describeDay(firstLessonDay(ctx, g))} ${g.time}。`);
    }),
    // Leaving is the one command a group would regret, so it takes a second, unmistakable message.
    leave: leaderOf('退订', async (ctx) => ctx.reply(leaveQuestion)),
    confirmLeave: leaderOf('退订', async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'left' });
      ctx.reply('已退订，不再推送。学习记录都保留着，重新“报名”即可接着学。');
    }),
    push: leaderOf('立即推送', async (ctx, g) => {
      const today = wallClock(ctx.deps.clock.now(), ctx.deps.settings.timezone).day;
      const r = await daily.push({ ...g, status: 'active' }, today, 'manual');
      if (r === 'taken') ctx.reply('今天的课已经推送过了。');
      else if (r === 'no-lessons') ctx.reply(`课程“${g.track}”里没有可用的课，请联系管理员检查课程文件。`);
    }),
    status: leaderOf('查看本群统计', (ctx, g) => status(ctx, g)),
    headcount: leaderOf('设置人数', async (ctx, g) => {
      const n = Number(/^\d+/.exec(ctx.command!.args[0] ?? '')?.[0]);
      if (ctx.command!.args.length !== 1 || !Number.isInteger(n) || n > 1000) return ctx.reply(headcountUsage);
      await ctx.deps.roster.setHeadcount(g.gid, n || undefined);
      const now = await expectedParticipants(ctx.deps, g);
      const said = n ? `好的，本群应参与人数设为 ${n} 人。` : '已取消设定的人数。';
      ctx.reply(now.source === 'headcount' ? said : `${said}统计的应参与人数现在${sourceLabels[now.source]}：${now.count} 人。`);
    }),
    leader: leaderOf((ctx) => (isLeaveVerb(ctx.command!.args[0]) ? '为工友请假' : '添加班长'), async (ctx, g) => {
      const [verb, ...rest] = ctx.command!.args;
      if (isLeaveVerb(verb)) return leaderAbsence(ctx, g);
      // "@孙伟 @周丽" names several people; without "@" the rest is one name (names may contain spaces).
      const joined = rest.join(' ');
      const names = (joined.includes('@') ? joined.split('@') : [joined]).map((n) => n.trim()).filter(Boolean);
      if (!/^(add|添加)$/i.test(verb ?? '') || !names.length) return ctx.reply('用法：班长 添加 @名字（可以一次写几个人，或 /leader add @name）');
      const { people, missing } = await peopleNamed(ctx, g, names);
      for (const p of people) await ctx.deps.store.addLeader(g.gid, await ctx.deps.store.resolveWorker(g.gid, p.id, p.name));
      const added = people.map((p) => p.name);
      const lines = [added.length ? `已添加 ${added.join('、')} 为班长，可以设置本群。` : '', missing.length ? `群里没有找到“${missing.join('”“')}”。` : ''];
      ctx.reply(lines.filter(Boolean).join('\n'));
    }),
    team: leaderOf('设置班组', async (ctx, g) => {
      const query = ctx.command!.args.join(' ');
      if (!query) return ctx.reply('用法：班组 班组名称（或完整路径），例如：班组 总装车间一班');
      const found = ctx.deps.org.resolve(query);
      if ('error' in found) return ctx.reply(found.error);
      // A group is a team: a workshop, a company or the district is never its binding.
      const node = found.node;
      if (!isTeam(ctx.deps.org, node)) {
        const teams = leaves(node).filter((n) => isTeam(ctx.deps.org, n)).slice(0, 5).map((n) => n.name);
        return ctx.reply(`“${node.name}”不是班组，请写本群所在的班组${teams.length ? `，例如：班组 ${teams[0]}（可选：${teams.join('、')}）` : ''}。`);
      }
      await bindTeam(ctx.deps.store, ctx.deps.org, g, node.path);
      ctx.reply(`已归属：${node.path}`);
    }),
    me: (ctx) => me(ctx),
    absence: (ctx) => absence(ctx),
    cancelAbsence: (ctx) => absence(ctx, true),
    remind: leaderOf('设置答题提醒', remindCommand),
    digest: leaderOf('设置班长日报', digestCommand),
    mistakes: (ctx) => myMistakes(ctx),
    features: leaderOf('设置本群功能', featuresCommand),
  };

  const clean: Middleware<ChatContext> = async (ctx, next) => {
    const raw = ctx.msg.text;
    if (!raw || !raw.trim()) return;
    const { text, mentioned } = stripMention(raw, ctx.deps.settings.botName);
    // A platform that gives names (Wechaty, DingTalk's senderNick) fills the roster as people speak.
    const { id, name } = ctx.msg.sender;
    if (name && name !== id) await ctx.deps.roster.heard(id, name);
    ctx.text = text;
    ctx.mentioned = mentioned || ctx.msg.mentioned;
    await next();
  };

  const command: Middleware<ChatContext> = async (ctx, next) => {
    const { library, org } = ctx.deps;
    ctx.command = parseCommand(ctx.text, ctx.mentioned || !ctx.inRoom, {
      isCourse: (word) => !!library().course(word),
      isOrgNode: (query) => org.find(query).candidates.length > 0,
    });
    if (!ctx.command) return next();
    // Another account owns this group (several robots in one group all hear it): it answers, this one is silent.
    if (!(await ctx.actsHere())) return;
    await handlers[ctx.command.name](ctx);
  };

  /**
   * A typed answer goes to the group's latest quiz (store.answerTarget). That target is cached, and the write
   * checks it; whatever the cached one can't settle (no quiz, not an answer to it, unclear, moved on) is
   * looked at again with a fresh read.
   */
  const answer: Middleware<ChatContext> = async (ctx, next) => {
    const gid = ctx.msg.room && looksLikeAnswer(ctx.text) ? await ctx.gid() : undefined;
    if (gid === undefined) return next();
    if (!(await ctx.actsHere())) return;
    for (const fresh of [false, true]) {
      const target = await ctx.deps.store.answerTarget(gid, fresh);
      // The quiz as it was sent: edits to the lesson file apply from the next push.
      const lesson = target && (await ctx.deps.store.snapshot(target.lessonHash));
      const sheet = lesson && parseAnswers(ctx.text, lesson.quiz);
      if (!fresh && (!sheet || sheet === unclear)) continue;
      if (!target || !lesson || !sheet) return next();
      // Both lookups at once: each may be a round trip, and the write waits for both.
      const [wid, name] = await Promise.all([ctx.wid(), ctx.senderName()]);
      if (sheet === unclear) {
        const mention = ctx.deps.channel.caps.hears === 'mentions' ? `@${ctx.deps.settings.botName} ` : '';
        if (await ctx.deps.store.markHinted(target.ref, wid)) ctx.reply(answerHint(ctx.msg.sender.name, lesson.quiz, mention));
        return;
      }
      const outcome = await recordSheet(ctx.deps, target.ref, lesson, { wid, name }, sheet, ctx.msg.at, !fresh);
      if (!outcome.moved) return;
    }
  };

  /** A letter in a private chat answers the worker's spaced repetition (engage/repetition.ts). */
  const privateAnswer: Middleware<ChatContext> = async (ctx, next) => {
    if (ctx.inRoom || !looksLikeAnswer(ctx.text) || !(await answerRepetition(ctx))) return next();
  };

  /** Whatever is said to the bot (an @-mention, a private chat) and is neither command nor answer. */
  const addressed: Middleware<ChatContext> = async (ctx) => {
    if ((ctx.mentioned || !ctx.inRoom) && (await ctx.actsHere())) ctx.reply(shortHelp);
  };

  return new Router<ChatContext>().use(clean, command, answer, privateAnswer, addressed);
}

/**
 * A tap on a quiz card, recorded exactly as the typed answer to that card's question. A tap that points
 * to no quiz of the chat it came from, or chose what the question can't take, is logged and dropped.
 */
export async function answerCard(deps: BotDeps, tap: CardAnswer): Promise<void> {
  const target = parseCardTaskId(tap.taskId);
  const [g, push] = target ? await Promise.all([deps.store.getGroup(target.ref.gid), deps.store.getPush(target.ref.gid, target.ref.day, target.ref.kind)]) : [];
  const lesson = push && (await deps.store.snapshot(push.lessonHash));
  const q = target && lesson?.quiz[target.question];
  const choice = q && cardChoice(tap.letters, q);
  if (!target || !g || g.roomId !== tap.chatId || !push || !lesson || !choice) {
    deps.log.warn({ taskId: tap.taskId, letters: tap.letters }, 'card answer matches no quiz question; ignored');
    return;
  }
  // As for typed answers: the roster's name first, then what the platform says, then the id.
  const name = (await deps.roster.names([tap.sender.id]))[0] ?? (tap.sender.name || tap.sender.id);
  const wid = await deps.store.resolveWorker(g.gid, tap.sender.id, name);
  const sheet: AnswerSheet = [];
  sheet[target.question] = choice;
  await recordSheet(deps, target.ref, lesson, { wid, name }, sheet, tap.at);
}

/** Binds a group to an org node and moves its past figures there, so every level's totals stay right. */
export async function bindTeam(store: Store, org: OrgTree, g: Group, path: string): Promise<void> {
  // A group whose platform gives no name (WeCom) is shown by its team's name.
  await store.saveGroup({ ...g, team: path, topic: g.topic || (org.get(path)?.name ?? '') });
  for (const p of await store.pushesBetween(g.gid, '0000-01-01', '9999-12-31')) await store.syncRollup(g.gid, p.day, org.teamPaths(path));
}

/** Wraps a handler that needs an enrolled group and a leader; everyone else gets a polite no naming what they tried. */
function leaderOf(what: string | ((ctx: ChatContext) => string), handler: (ctx: ChatContext, g: Group) => Promise<void>): Handler {
  return async (ctx) => {
    if (!ctx.inRoom) return ctx.reply('这个指令请在班组群里发送。');
    const g = await ctx.group();
    if (!g) return ctx.reply(enrolHint);
    if (!(await ctx.isLeader())) return ctx.reply(leaderOnly(typeof what === 'string' ? what : what(ctx)));
    if (g.status === 'left') return ctx.reply(leftHint);
    await handler(ctx, g);
  };
}

/** The teams (leaves) under an org node. */
const leaves = (n: OrgNode): OrgNode[] => (n.children.length ? n.children.flatMap(leaves) : [n]);


/** What "报名 07:50" without a course gives: the configured one, else the first plan or track. */
const defaultCourse = (deps: BotDeps): Course | undefined => {
  const library = deps.library();
  return library.course(deps.settings.defaultCourse) ?? library.plans[0] ?? (library.tracks[0] && trackCourse(library.tracks[0]));
};

async function enroll(ctx: ChatContext): Promise<void> {
  const { deps } = ctx;
  if (!ctx.inRoom) return ctx.reply('请在班组群里发送“报名 课程 时间”。');
  const args = [...ctx.command!.args];
  // "报名 07:50": the course may be left out, then the default plan (综合) is taken.
  const courseArg = args.length && isTimeShaped(args[0]) ? undefined : args.shift();
  const [timeArg, ...extra] = args;
  // A one-time code from the union makes the sender the leader where the platform does not say who owns the group.
  const code = extra.length === 1 && codePattern.test(extra[0]) ? extra.pop() : undefined;
  if (!code && !(await ctx.isLeader())) return ctx.reply(`${leaderOnly('为本群报名')}有工会发的报名码，请发送“报名 课程 时间 报名码”。`);
  const library = deps.library();
  const byDefault = defaultCourse(deps);
  const track = courseArg ? library.course(courseArg) : byDefault;
  const usage = enrolUsage(track?.id ?? byDefault?.id, byDefault?.title);
  if (!track) return ctx.reply(`${courseArg ? `没有课程“${courseArg}”。` : ''}${usage}。可选：${courseChoices(library)}。`);
  const time = parseHhmm(timeArg ?? '');
  if (!time || extra.length) return ctx.reply(`${timeArg ? `时间“${timeArg}”不对。` : ''}${usage}`);
  const gid = (await ctx.gid())!;
  // Several robots in the group all hear 报名: the first to claim the group owns it and alone replies.
  const owner = await deps.store.claimGroup(gid, deps.account);
  if (!actsFor({ account: owner, taker: (await ctx.group())?.taker }, deps.account)) return;
  const used = code ? await deps.roster.use(code, gid, await ctx.wid(), deps.clock.now()) : undefined;
  if (used && used.kind !== 'ok') return ctx.reply(codeRefusal(used, deps.clock.now()));
  const team = used && deps.org.get(used.team);
  if (used && !team) return ctx.reply(`报名码对应的班组“${used.team}”已不在组织架构里，请找工会干部重新生成报名码。`);
  const existing = await deps.store.getGroup(gid);
  const g = await saveEnrolment(deps, gid, ctx.msg.room!, track, time, existing);
  // Whoever enrols is a leader the store knows, so private notices (reminders, the digest) reach them.
  await deps.store.addLeader(gid, await ctx.wid());
  let bound = '';
  if (team) {
    await bindTeam(deps.store, deps.org, g, team.path);
    await deps.store.addLeader(gid, await ctx.wid());
    bound = `\n已归属：${team.path}；${await ctx.senderName()} 已成为本群班长。`;
  }
  const first = firstLessonDay(ctx, g);
  const previous = existing && existing.track !== track.id ? (library.course(existing.track)?.title ?? existing.track) : undefined;
  // Progress is the group's lesson history, which every plan and track reads: nothing is lost by switching.
  const change = previous ? `\n原来学的《${previous}》改为《${track.title}》；《${previous}》的学习进度保留，以后改回会接着学。` : '';
  const today = wallClock(deps.clock.now(), deps.settings.timezone).day;
  const holidays = yearsWithoutHolidays(today, deps.settings.calendar)
    .map((y) => `\n提示：节假日数据还没有 ${y} 年的安排，${y} 年的法定节假日会照常推送。请管理员在配置 schedule.restDays 里写上这些休息日，或更新 chinese-days。`)
    .join('');
  ctx.reply(
    `已报名《${track.title}》：每个工作日（${describeDays(g.days)}，法定节假日休息，调休上班日照常）${time} 推送一课和小测，答题时间 ${g.windowMinutes} 分钟。` +
      `首课：${describeDay(first)} ${time}。${bound}${change}${await capacityWarning(ctx, time, gid)}${holidays}`,
  );
}

/** Enrols (or re-enrols) a group; what it had (days, window, round, team) stays. */
async function saveEnrolment(deps: BotDeps, gid: number, room: { id: string; topic: string }, course: Course, time: string, existing?: Group): Promise<Group> {
  const g: Group = {
    // A WeCom group has no name in its messages: keep the one its team binding gave it.
    gid, roomId: room.id, topic: room.topic || existing?.topic || '', track: course.id, courseTitle: course.title, time, status: 'active',
    days: existing?.days ?? deps.settings.workDays,
    windowMinutes: existing?.windowMinutes ?? deps.settings.windowMinutes,
    cycleSince: existing?.cycleSince ?? '', cycle: existing?.cycle ?? 1, lessons: existing?.lessons ?? 0, options: existing?.options ?? {}, current: existing?.current ?? '', activeSince: deps.clock.now(), team: existing?.team ?? '',
    account: existing?.account ?? '',
  };
  await deps.store.saveGroup(g);
  return g;
}

/** A group as the settings list it, for a channel that can't hear 报名 (a webhook robot per group). */
export interface ListedGroup {
  name: string;
  track?: string;
  time?: string;
  team?: string;
}

/**
 * Makes the listed groups' enrolment what the settings say, at start-up: one with a track and a time is
 * enrolled (and bound to its team, if given); one without is unenrolled, its records kept. An unchanged
 * group is left alone. Checks every entry first and throws one error naming each bad one, changing nothing.
 */
export async function enrolListed(deps: BotDeps, groups: ListedGroup[]): Promise<void> {
  const library = deps.library();
  const errors: string[] = [];
  const plans = groups.map((l) => {
    if (!l.track !== !l.time) errors.push(`群“${l.name}”：课程（track）和时间（time）要一起写`);
    if (l.track && !library.course(l.track)) errors.push(`群“${l.name}”：没有课程“${l.track}”（可选：${[...library.plans, ...library.tracks].map((c) => c.id).join('、')}）`);
    if (l.time && !parseHhmm(l.time)) errors.push(`群“${l.name}”：时间“${l.time}”不对，应为如 07:50 的时间`);
    const found = l.team ? resolveTeam(deps.org, l.team) : undefined;
    if (found && 'error' in found) errors.push(`群“${l.name}”：${found.error}`);
    return { l, team: found && 'node' in found ? found.node.path : undefined };
  });
  if (errors.length) throw new Error(`设置里的 webhook 群有误：\n${errors.join('\n')}`);
  for (const { l, team } of plans) {
    const room = { id: l.name, topic: l.name };
    const gid = await deps.store.resolveGroup(room.id, room.topic, '');
    const existing = await deps.store.getGroup(gid);
    const track = l.track ? library.course(l.track) : undefined;
    const time = l.time && parseHhmm(l.time)!;
    if (!track || !time) {
      if (existing && existing.status !== 'left') await deps.store.saveGroup({ ...existing, status: 'left' });
      continue;
    }
    const same = existing?.status === 'active' && existing.track === track.id && existing.time === time;
    const g = same ? existing : await saveEnrolment(deps, gid, room, track, time, existing);
    if (team && g.team !== team) await bindTeam(deps.store, deps.org, g, team);
  }
}

/** The first lesson day at or after now for this group's time. */
function firstLessonDay(ctx: ChatContext, g: Group): string {
  const { timezone, calendar } = ctx.deps.settings;
  const now = ctx.deps.clock.now();
  let day = wallClock(now, timezone).day;
  if (instantOf(day, g.time, timezone) <= now || g.current >= day) day = addDays(day, 1);
  for (let i = 0; i < 60 && !isLessonDay(day, g.days, calendar); i++) day = addDays(day, 1);
  return day;
}

/**
 * Warns when this time falls in a wave the account must start early for, or cannot send on time: the
 * scheduler's own plan, over the groups due within the longest lead around it (one range of the due index).
 */
async function capacityWarning(ctx: ChatContext, time: string, gid: number): Promise<string> {
  const { store, settings, account } = ctx.deps;
  const seconds = slowestSecondsPerBatch(settings.pace, 1);
  const lead = maxLeadMs / minuteMs;
  const t = minuteOf(time);
  const around = await store.groups(await store.dueGroups((t - 2 * lead + 1440) % 1440, (t + lead) % 1440));
  const wave = waveAt(around, { gid, time, account }, seconds);
  if (wave.lateMinutes === 0 && wave.leadMinutes <= 1) return '';
  const span = wave.first === wave.last ? wave.first : `${wave.first}–${wave.last}`;
  const head = `\n提示：${span} 这一波本号共有 ${wave.groups} 个群，每分钟约能发 ${roomsPerMinute(seconds)} 个群，`;
  if (wave.lateMinutes === 0) return `${head}将提前约 ${wave.leadMinutes} 分钟开始发送，都能按时送到。`;
  return (
    `${head}最多提前 ${lead} 分钟开始发送，最后一个群的课要晚约 ${wave.lateMinutes} 分钟（晚于 ${settings.lateCeilingMinutes} 分钟的当天不推送，并告知该群）。` +
    `这一波要按时送到需要 ${wave.accountsNeeded} 个机器人账号；请增加账号，或和其他班组错开时间。`
  );
}

/** "1-5", "1-6", "1,3,5", "1-5,7" → ISO weekdays; undefined when anything is off. */
export function parseDays(spec: string): number[] | undefined {
  const days = new Set<number>();
  const text = spec.normalize('NFKC').replace(/[，、]/g, ',').replace(/[~～—–]/g, '-');
  if (!/^[1-7](-[1-7])?(,[1-7](-[1-7])?)*$/.test(text)) return undefined;
  for (const part of text.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (b < a) return undefined;
    for (let d = a; d <= b; d++) days.add(d);
  }
  return [...days].sort((x, y) => x - y);
}

async function status(ctx: ChatContext, g: Group): Promise<void> {
  const { store, settings, clock } = ctx.deps;
  const today = wallClock(clock.now(), settings.timezone).day;
  const monday = addDays(today, 1 - isoWeekday(today));
  const pushes = await store.pushesBetween(g.gid, monday, today);
  const todays = pushes.find((p) => p.day === today && p.status !== 'skipped');
  const roll = todays && (await rollOf(ctx.deps, g, today));
  const expectedNow = roll?.expected ?? (await expectedOn(ctx.deps, g, today));
  const lines = [`【本周参与】${g.topic}`, `应参与：${expectedNow.count} 人（${sourceLabels[expectedNow.source]}${expectedNow.leave ? `，请假 ${expectedNow.leave} 人不计` : ''}）`];
  if (!pushes.length) lines.push('本周还没有推送。');
  for (const p of pushes) {
    if (p.status === 'skipped') {
      lines.push(`${describeDay(p.day)}：未推送（系统停机错过）${p.day === today ? '，发送“立即推送”可补发' : ''}`);
      continue;
    }
    const expected = p.expected ?? expectedNow.count;
    const open = p.status !== 'closed' ? '（答题中）' : '';
    lines.push(`${describeDay(p.day)}：${p.answered}/${expected}（${percent(p.answered, expected)}）${open}`);
  }
  if (roll) {
    if (!roll.missingNames) lines.push(`今天已作答 ${roll.onTime} 人${roll.late ? `，补学 ${roll.late} 人` : ''}。`);
    else {
      if (roll.lateNames?.length) lines.push(`今天补学（${roll.late} 人）：${roll.lateNames.join('、')}`);
      lines.push(roll.missing ? `今天还没作答（${roll.missing} 人）：${roll.missingNames.join('、')}` : '今天全员已作答 👍');
    }
    lines.push(...(await leaveLines(ctx, g, today, expectedNow.away)));
  }
  const library = ctx.deps.library();
  const course = library.course(g.track);
  lines.push(`课程：${course?.title ?? g.track}，第 ${g.cycle} 轮，已学 ${g.lessons} 课。`);
  const others = courseChoices(library, g.track);
  if (others) lines.push(`其他课程：${others}，发送“报名 课程 ${g.time}”可更换，进度都保留。`);
  ctx.reply(lines.join('\n'));
}

async function me(ctx: ChatContext): Promise<void> {
  const { store, settings, clock } = ctx.deps;
  const wid = await ctx.wid();
  const gid = await ctx.gid();
  const gids = gid !== undefined ? [gid] : await store.workerGroups(wid);
  const today = wallClock(clock.now(), settings.timezone).day;
  const lines = [`【我的学习】${await ctx.senderName()}`];
  for (const id of gids) {
    const g = await store.getGroup(id);
    if (!g) continue;
    const stats = await store.memberStats(id, wid);
    const month = (await store.pushesBetween(id, `${today.slice(0, 8)}01`, today)).filter((p) => p.status !== 'skipped' && p.status !== 'claimed');
    // Counted as the answers come in (record_answer.lua), not by reading every push's participants.
    const joined = stats?.joined[today.slice(0, 7)] ?? 0;
    const latest = month.at(-1) ?? (g.current ? await store.getPush(id, g.current) : undefined);
    const { rank, of } = await store.rank(id, wid);
    lines.push(
      `${g.topic}：积分 ${stats?.points ?? 0} · 连续学习 ${currentStreak(stats, latest)} 次 · 本月参与 ${joined}/${month.length} 次 · 群内排名 ${stats ? `${rank}/${of}` : '—'}`,
    );
    if (stats?.badges.length) lines.push(`徽章：${badgeLabels(stats.badges).join('、')}`);
  }
  if (lines.length === 1) lines.push(gid === undefined ? '还没有学习记录。在班组群里答题后，这里就能看到积分和排名。' : enrolHint);
  ctx.reply(lines.join('\n'));
}

/** A streak ends once a push passes without an answer; the open quiz of today does not end it yet. */
function currentStreak(stats: { streak: number; lastSeq: number } | undefined, latest: { seq: number; status: string } | undefined): number {
  if (!stats) return 0;
  if (!latest) return stats.streak;
  const grace = latest.status === 'closed' ? 0 : 1;
  return stats.lastSeq >= latest.seq - grace ? stats.streak : 0;
}
