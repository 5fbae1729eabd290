import { parseAnswers } from '../quiz/answers.ts';
import type { Group, QuizRef, Store } from '../ports.ts';
import { isLessonDay } from '../schedule/calendar.ts';
import { roomsPerMinute } from '../schedule/plan.ts';
import { secondsPerBatch } from '../send/queue.ts';
import { addDays, instantOf, isoWeekday, parseHhmm, wallClock } from '../time.ts';
import { parseCommand, stripMention, type CommandName } from './commands.ts';
import type { ChatContext } from './context.ts';
import type { OrgTree } from '../org.ts';
import type { Daily } from './daily.ts';
import { describeDay, describeDays, percent } from './texts.ts';
import { Router, type Middleware } from './router.ts';

type Handler = (ctx: ChatContext, fail: (why: string) => void) => Promise<void>;

/** What may look like an answer: digits, A–F, separators and the words people put before answers. */
const answerLike = /^[\s0-9A-Fa-fＡ-Ｆａ-ｆ０-９.,;:、，；：．)）/|\-答案我的是为answerANSWER]{1,100}$/;

const enrolHint = '本群还没有报名。请群主或班长发送“报名 课程 时间”，例如：报名 safety 07:50';

export const helpText = [
  '【班前十分钟 · 使用说明】',
  '答题：课后直接在群里回复，如 “B”、“1B 2C”、“答案：AC”，以第一次回复为准。',
  '我的 — 查看积分、连续学习次数、本月参与和排名（群里或私聊都可以）',
  '班长/群主：',
  '报名 课程 时间 — 如：报名 safety 07:50',
  '时间 07:30 · 工作日 1-6 · 答题时长 90',
  '暂停 · 恢复 · 退订（数据保留）· 立即推送 · 统计',
  '班长 添加 @名字 — 让同事也能设置本群',
  '班组 总装车间一班 — 把本群归到工会组织架构里的班组',
  '英文指令同样可用：/enroll /time /days /window /pause /resume /leave /push /status /leader add /team /me /help',
].join('\n');

/** Builds the message pipeline: clean up → command → answer; anything else is people chatting. */
export function chatRouter(daily: Daily): Router<ChatContext> {
  const handlers: Record<CommandName, Handler> = {
    help: async (ctx) => ctx.reply(helpText),
    enroll: (ctx, fail) => enroll(ctx, fail),
    time: leaderOf(async (ctx, g, fail) => {
      const time = parseHhmm(ctx.command!.args[0] ?? '');
      if (!time) return fail(`时间“${ctx.command!.args[0] ?? ''}”不对，请用 24 小时制，例如：时间 07:50`);
      // A new time applies from now on: a time already past today is not a missed push.
      await ctx.deps.store.saveGroup({ ...g, time, activeSince: ctx.deps.clock.now() });
      ctx.reply(`好的，以后每个工作日 ${time} 推送。${await capacityWarning(ctx, time, g.gid)}`);
    }),
    days: leaderOf(async (ctx, g, fail) => {
      const days = parseDays(ctx.command!.args.join(''));
      if (!days) return fail('工作日请用 1–7 的数字表示星期，例如：工作日 1-5，或 工作日 1-6，或 工作日 1,3,5');
      await ctx.deps.store.saveGroup({ ...g, days, activeSince: ctx.deps.clock.now() });
      ctx.reply(`好的，工作日改为${describeDays(days)}（法定节假日休息，调休上班日照常推送）。`);
    }),
    window: leaderOf(async (ctx, g, fail) => {
      const minutes = Number(ctx.command!.args[0]);
      if (!Number.isInteger(minutes) || minutes < 5 || minutes > 720) return fail('答题时长请填 5 到 720 之间的分钟数，例如：答题时长 90');
      await ctx.deps.store.saveGroup({ ...g, windowMinutes: minutes });
      ctx.reply(`好的，以后每课答题时间 ${minutes} 分钟，到时公布答案。`);
    }),
    pause: leaderOf(async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'paused' });
      ctx.reply('已暂停推送。发送“恢复”继续。');
    }),
    resume: leaderOf(async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'active', activeSince: ctx.deps.clock.now() });
      ctx.reply(`已恢复，下一课：${describeDay(firstLessonDay(ctx, g))} ${g.time}。`);
    }),
    leave: leaderOf(async (ctx, g) => {
      await ctx.deps.store.saveGroup({ ...g, status: 'left' });
      ctx.reply('已退订，不再推送。学习记录都保留着，重新“报名”即可接着学。');
    }),
    push: leaderOf(async (ctx, g) => {
      const today = wallClock(ctx.deps.clock.now(), ctx.deps.settings.timezone).day;
      const r = await daily.push({ ...g, status: 'active' }, today, 'manual');
      if (r === 'taken') ctx.reply('今天的课已经推送过了。');
      else if (r === 'no-lessons') ctx.reply(`课程“${g.track}”里没有可用的课，请联系管理员检查课程文件。`);
    }),
    status: leaderOf((ctx, g) => status(ctx, g)),
    leader: leaderOf(async (ctx, g, fail) => {
      const [verb, ...rest] = ctx.command!.args;
      const name = rest.join(' ').replace(/^@/, '').trim();
      if (!/^(add|添加)$/i.test(verb ?? '') || !name) return fail('用法：班长 添加 @名字（或 /leader add @name）');
      const member = (await ctx.deps.rooms.members(g.roomId)).find((m) => m.name === name);
      if (!member) return fail(`群里没有找到“${name}”。`);
      await ctx.deps.store.addLeader(g.gid, await ctx.deps.store.resolveWorker(g.gid, member.id, member.name));
      ctx.reply(`已添加 ${name} 为班长，可以设置本群。`);
    }),
    team: leaderOf(async (ctx, g, fail) => {
      const query = ctx.command!.args.join(' ');
      if (!query) return fail('用法：班组 班组名称（或完整路径），例如：班组 总装车间一班');
      const found = ctx.deps.org.resolve(query);
      if ('error' in found) return fail(found.error);
      await bindTeam(ctx.deps.store, ctx.deps.org, g, found.node.path);
      ctx.reply(`已归属：${found.node.path}`);
    }),
    me: (ctx) => me(ctx),
  };

  const clean: Middleware<ChatContext> = async (ctx, next) => {
    const raw = ctx.msg.text;
    if (!raw || !raw.trim()) return;
    const { text, mentioned } = stripMention(raw, ctx.deps.settings.botName);
    ctx.text = text;
    ctx.mentioned = mentioned || ctx.msg.mentioned;
    await next();
  };

  const command: Middleware<ChatContext> = async (ctx, next) => {
    ctx.command = parseCommand(ctx.text, ctx.mentioned);
    if (!ctx.command) return next();
    const explicit = ctx.command.explicit;
    // A bare Chinese word that fails ("时间 到了") is people talking; a "/" or @bot command gets told why.
    const fail = (why: string) => {
      if (explicit) ctx.reply(why);
    };
    await handlers[ctx.command.name](ctx, fail);
  };

  const answer: Middleware<ChatContext> = async (ctx, next) => {
    if (!ctx.msg.room || !answerLike.test(ctx.text)) return next();
    const g = await ctx.group();
    const ref = g && quizFor(g);
    if (!ref) return next();
    const push = await ctx.deps.store.getPush(ref.gid, ref.day, ref.kind);
    // The quiz as it was sent: edits to the lesson file apply from the next push.
    const lesson = push && (await ctx.deps.store.snapshot(push.lessonHash));
    const sheet = lesson && parseAnswers(ctx.text, lesson.quiz);
    if (!push || !lesson || !sheet) return next();
    const wid = await ctx.wid();
    let late = false;
    for (const [question, choice] of sheet.entries()) {
      if (choice === undefined) continue;
      const outcome = await ctx.deps.store.recordAnswer({
        ...ref, wid, name: ctx.msg.sender.name, lessonId: lesson.id, question, choice,
        correct: choice === lesson.quiz[question].answer, questionCount: lesson.quiz.length, at: ctx.msg.at,
      });
      late ||= outcome.kind === 'recorded' && !outcome.onTime;
    }
    // A closed push is already in the org rollups; a late answer changes its 补学 figure there.
    if (late) await ctx.deps.store.syncRollup(g.gid, push.day, ctx.deps.org.teamPaths(g.team));
  };

  return new Router<ChatContext>().use(clean, command, answer);
}

/** Routes a group message to the quiz it answers: the day's lesson quiz (cards and reviews add more). */
function quizFor(g: Group): QuizRef | undefined {
  return g.current ? { gid: g.gid, day: g.current, kind: 'lesson' } : undefined;
}

/** Binds a group to an org node and moves its past figures there, so every level's totals stay right. */
export async function bindTeam(store: Store, org: OrgTree, g: Group, path: string): Promise<void> {
  await store.saveGroup({ ...g, team: path });
  for (const p of await store.pushesBetween(g.gid, '0000-01-01', '9999-12-31')) await store.syncRollup(g.gid, p.day, org.teamPaths(path));
}

/** Wraps a handler that needs an enrolled group and a leader; everyone else gets a polite no. */
function leaderOf(handler: (ctx: ChatContext, g: Group, fail: (why: string) => void) => Promise<void>): Handler {
  return async (ctx, fail) => {
    if (!ctx.inRoom) return fail('这个指令请在班组群里发送。');
    const g = await ctx.group();
    if (!g || g.status === 'left') return fail(enrolHint);
    if (!(await ctx.isLeader())) return fail('抱歉，只有群主或班长可以设置本群。');
    await handler(ctx, g, fail);
  };
}

async function enroll(ctx: ChatContext, fail: (why: string) => void): Promise<void> {
  const { deps } = ctx;
  if (!ctx.inRoom) return fail('请在班组群里发送“报名 课程 时间”。');
  const [trackId, timeArg] = ctx.command!.args;
  const tracks = deps.library().tracks;
  const choices = tracks.map((t) => `${t.id}（${t.title}）`).join('、');
  const track = trackId ? deps.library().track(trackId.toLowerCase()) : undefined;
  if (!track) return fail(`${trackId ? `没有课程“${trackId}”。` : ''}请发送“报名 课程 时间”，可选课程：${choices}。例如：报名 ${tracks[0]?.id ?? 'safety'} 07:50`);
  const time = parseHhmm(timeArg ?? '');
  if (!time) return fail(`时间“${timeArg ?? ''}”不对，请用 24 小时制，例如：报名 ${track.id} 07:50`);
  if (!(await ctx.isLeader())) return fail('抱歉，只有群主或班长可以为本群报名。');
  const gid = (await ctx.gid())!;
  const existing = await deps.store.getGroup(gid);
  const room = ctx.msg.room!;
  const g: Group = {
    gid, roomId: room.id, topic: room.topic, track: track.id, time, status: 'active',
    days: existing?.days ?? deps.settings.workDays,
    windowMinutes: existing?.windowMinutes ?? deps.settings.windowMinutes,
    cycleSince: existing?.cycleSince ?? '', current: existing?.current ?? '', activeSince: deps.clock.now(), team: existing?.team ?? '',
  };
  await deps.store.saveGroup(g);
  const first = firstLessonDay(ctx, g);
  ctx.reply(
    `已报名《${track.title}》：每个工作日（${describeDays(g.days)}，法定节假日休息，调休上班日照常）${time} 推送一课和小测，答题时间 ${g.windowMinutes} 分钟。` +
      `首课：${describeDay(first)} ${time}。${await capacityWarning(ctx, time, gid)}`,
  );
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

/** Warns when more groups share this minute than the account can reach in it. */
async function capacityWarning(ctx: ChatContext, time: string, gid: number): Promise<string> {
  const seconds = secondsPerBatch(ctx.deps.settings.pace, 1);
  const perMinute = roomsPerMinute(seconds);
  const groups = (await ctx.deps.store.activeGroups()).filter((g) => g.status === 'active' && g.time === time && g.gid !== gid).length + 1;
  if (groups <= perMinute) return '';
  const lead = Math.ceil((groups * seconds) / 60);
  return `\n提示：${time} 共有 ${groups} 个群，本号每分钟约能发 ${perMinute} 个群，将提前约 ${lead} 分钟开始发送；建议和其他班组错开几分钟。`;
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
  const pushes = (await store.pushesBetween(g.gid, monday, today)).filter((p) => p.status !== 'skipped');
  const members = await ctx.deps.rooms.members(g.roomId);
  const lines = [`【本周参与】${g.topic}`];
  if (!pushes.length) lines.push('本周还没有推送。');
  for (const p of pushes) {
    const expected = p.expected ?? members.length;
    const open = p.status !== 'closed' ? '（答题中）' : '';
    lines.push(`${describeDay(p.day)}：${p.answered}/${expected}（${percent(p.answered, expected)}）${open}`);
  }
  const todays = pushes.find((p) => p.day === today);
  if (todays) {
    const answered = new Set(await store.onTimeWorkers(g.gid, today));
    const wids = await store.lookupWorkers(g.gid, members.map((m) => m.id), members.map((m) => m.name));
    const missing = members.filter((_, i) => wids[i] === undefined || !answered.has(wids[i]!));
    lines.push(missing.length ? `今天还没作答（${missing.length} 人）：${missing.map((m) => m.name).join('、')}` : '今天全员已作答 👍');
  }
  ctx.reply(lines.join('\n'));
}

async function me(ctx: ChatContext): Promise<void> {
  const { store, settings, clock } = ctx.deps;
  const wid = await ctx.wid();
  const gid = await ctx.gid();
  const gids = gid !== undefined ? [gid] : await store.workerGroups(wid);
  const today = wallClock(clock.now(), settings.timezone).day;
  const lines = [`【我的学习】${ctx.msg.sender.name}`];
  for (const id of gids) {
    const g = await store.getGroup(id);
    if (!g) continue;
    const stats = await store.memberStats(id, wid);
    const month = (await store.pushesBetween(id, `${today.slice(0, 8)}01`, today)).filter((p) => p.status !== 'skipped' && p.status !== 'claimed');
    const joined = (await Promise.all(month.map((p) => store.onTimeWorkers(id, p.day)))).filter((ws) => ws.includes(wid)).length;
    const latest = month.at(-1) ?? (g.current ? await store.getPush(id, g.current) : undefined);
    const { rank, of } = await store.rank(id, wid);
    lines.push(
      `${g.topic}：积分 ${stats?.points ?? 0} · 连续学习 ${currentStreak(stats, latest)} 次 · 本月参与 ${joined}/${month.length} 次 · 群内排名 ${stats ? `${rank}/${of}` : '—'}`,
    );
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
