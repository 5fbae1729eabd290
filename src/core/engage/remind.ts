import type { ChatContext } from '../bot/context.ts';
import type { BotDeps } from '../bot/deps.ts';
import type { Group, QuizRef } from '../ports.ts';
import { rollOf } from '../quiz/roll.ts';
import { minuteMs } from '../time.ts';
import { featureOn } from './features.ts';
import type { EngagementHook } from './hooks.ts';
import { postToGroup, sendPrivately } from './send.ts';
import { groupLabel, leaderMayTurnOn, noPrivateMessages, parseSwitch, setSwitch, switchedOffByUnion } from './switch.ts';

/** The group option that holds the leader's `提醒 20`. */
const minutesOption = 'reminderMinutes';

const minutesOf = (g: Group, deps: BotDeps): number => Number(g.options[minutesOption]) || deps.settings.engagement.reminderMinutes;

export const reminderText = (missing: number, left: number) => `还有 ${missing} 位工友没作答，还剩 ${left} 分钟`;
const usage = '用法：提醒 30（答题截止前 30 分钟在群里提醒）· 提醒 关 · 提醒 开';

/** When a lesson quiz's reminder is due; none where the window is no longer than the lead (it would come with the lesson). */
function reminderAt(deps: BotDeps, g: Group, sentAt: number, closesAt: number): number | undefined {
  const at = closesAt - minutesOf(g, deps) * minuteMs;
  return at > sentAt ? at : undefined;
}

/** Puts a lesson quiz in the reminders index at the group's lead before its close, or takes it out. */
async function schedule(deps: BotDeps, g: Group, ref: QuizRef, sentAt: number, closesAt: number): Promise<void> {
  const at = ref.kind === 'lesson' ? reminderAt(deps, g, sentAt, closesAt) : undefined;
  if (at === undefined) await deps.store.dropReminder(ref);
  else await deps.store.scheduleReminder(ref, at);
}

/** Indexes an open lesson quiz's reminder again from the group and push as they are now. */
async function reindex(deps: BotDeps, ref: QuizRef): Promise<void> {
  const [g, push] = await Promise.all([deps.store.getGroup(ref.gid), deps.store.getPush(ref.gid, ref.day, ref.kind)]);
  if (g && push?.status === 'sent' && !push.reminded && push.sentAt && push.closesAt) await schedule(deps, g, ref, push.sentAt, push.closesAt);
}

/**
 * Once per lesson quiz, the set time before it closes: the group hears how many haven't answered (nobody is
 * named there) and its leaders get the names privately. Each quiz's reminder is indexed by its time when the
 * quiz opens, so a pass reads only the reminders due, not every open quiz.
 */
export function reminderHook(deps: BotDeps): EngagementHook {
  let indexed = false;

  /** A quiz of the index still due its reminder, and when. */
  async function pending(ref: QuizRef): Promise<{ g: Group; at: number; closesAt: number } | undefined> {
    const [g, push] = await Promise.all([deps.store.getGroup(ref.gid), deps.store.getPush(ref.gid, ref.day, ref.kind)]);
    if (!g || g.status === 'left' || push?.status !== 'sent' || push.reminded || !push.sentAt || !push.closesAt) return undefined;
    const at = reminderAt(deps, g, push.sentAt, push.closesAt);
    return at !== undefined && featureOn('reminder', g, deps.settings.engagement) ? { g, at, closesAt: push.closesAt } : undefined;
  }

  return {
    name: 'reminder',
    beforeOpen: (g, ref, sentAt, closesAt) => schedule(deps, g, ref, sentAt, closesAt),
    async tick(now) {
      // Quizzes opened before the index existed (an upgrade) go into it, once per process.
      if (!indexed) {
        indexed = true;
        for (const ref of await deps.store.openQuizzes()) if (ref.kind === 'lesson') await reindex(deps, ref);
      }
      for (const ref of await deps.store.remindersDue(now)) {
        const due = await pending(ref);
        if (due && now < due.at) {
          await deps.store.scheduleReminder(ref, due.at);
          continue;
        }
        // Marked first: a crash after it leaves an index entry that the next pass drops, never a second reminder.
        const taken = !!due && now < due.closesAt && (await deps.store.markReminded(ref));
        await deps.store.dropReminder(ref);
        if (!taken) continue;
        const { g, closesAt } = due;
        const roll = await rollOf(deps, g, ref.day);
        if (!roll.missing) continue;
        const left = Math.ceil((closesAt - now) / minuteMs);
        const id = `remind:${ref.gid}:${ref.day}:${ref.kind}`;
        if (!(await postToGroup(deps, g, id, reminderText(roll.missing, left)))) continue;
        if (!roll.missingNames) continue;
        const names = `【答题提醒】${groupLabel(g)}：还剩 ${left} 分钟，还有 ${roll.missing} 位没作答：${roll.missingNames.join('、')}\n（群里只说了人数，没有点名。）`;
        for (const wid of await deps.store.leaders(g.gid)) {
          const sent = await sendPrivately(deps, wid, `${id}:${wid}`, names);
          if (sent !== 'sent') deps.log.info({ gid: g.gid, wid, sent }, 'reminder names not sent to a leader');
        }
      }
    },
    nextWork: async () => (await deps.store.nextReminder()) ?? Infinity,
  };
}

/** 提醒 30 · 提醒 关 · 提醒 开 (and /remind): the leader's switch and lead time. */
export async function remindCommand(ctx: ChatContext, g: Group): Promise<void> {
  const { deps } = ctx;
  const [arg, ...extra] = ctx.command!.args;
  const turn = parseSwitch(arg);
  const minutes = Number(/^(\d+)\s*(分钟?|min)?$/i.exec(arg ?? '')?.[1]);
  if (!arg || extra.length || (!turn && !minutes)) {
    const state = featureOn('reminder', g, deps.settings.engagement) ? `开，截止前 ${minutesOf(g, deps)} 分钟` : '关';
    return ctx.reply(`本群答题提醒：${state}。\n${usage}`);
  }
  if (turn === 'off') {
    await setSwitch(ctx, g, 'reminder', 'off');
    return ctx.reply('已关闭答题提醒。发送“提醒 开”可恢复。');
  }
  if (!leaderMayTurnOn('reminder', g, deps.settings.engagement)) return ctx.reply(switchedOffByUnion('答题提醒'));
  if (minutes && (minutes < 5 || minutes >= g.windowMinutes)) {
    return ctx.reply(`提醒时间请填 5 分钟以上、比本群答题时长（${g.windowMinutes} 分钟）短的分钟数。${usage}`);
  }
  if (minutes) await deps.store.setGroupOption(g.gid, minutesOption, String(minutes));
  await setSwitch(ctx, g, 'reminder', 'on');
  // Today's quiz, if open, is reminded by the new lead.
  if (g.current) await reindex(deps, { gid: g.gid, day: g.current, kind: 'lesson' });
  const lead = minutes || minutesOf(g, deps);
  const names = deps.channel.caps.privateMessages ? '没作答的名单私聊发给班长。' : noPrivateMessages;
  ctx.reply(`好的，答题截止前 ${lead} 分钟在群里提醒还有几人没作答（不点名），每课一次。${names}`);
}
