import type { BotDeps } from '../bot/deps.ts';
import type { ChatContext } from '../bot/context.ts';
import { peopleNamed } from '../bot/people.ts';
import { describeDay, enrolHint, leaderOnly, leftHint } from '../bot/texts.ts';
import type { Group } from '../ports.ts';
import { expectedParticipants, type Expected } from '../quiz/participants.ts';
import { isLessonDay } from '../schedule/calendar.ts';
import { addDays, isRealDate, wallClock } from '../time.ts';
import { featureOn, optionOf } from './features.ts';
import { sendPrivately } from './send.ts';
import type { EngagementHook } from './hooks.ts';

/** At most this many lesson days in one 请假 N, and this many calendar days in one range. */
export const maxLeaveDays = 60;
const maxRangeDays = 92;
const maxReason = 100;

export const leaveUsage = `用法：请假 天数（接下来的几个学习日，1–${maxLeaveDays}），或 请假 12-08..12-10（也可写 2026-12-08..2026-12-10），事由写在后面，如：请假 3 回老家。取消：销假`;
export const leaderLeaveUsage = '用法：班长 请假 @名字 天数或日期 事由，如：班长 请假 @李明 3 回老家（取消：班长 请假 @李明 取消）';
export const leaveOff = '本群没有启用请假功能，请假请直接和班长说。';
/** The second word of `班长 请假 @李明 3`: the leader command's leave form. */
export const isLeaveVerb = (word: string | undefined): boolean => /^(请假|absence)$/i.test(word ?? '');
const cancelWord = /^(取消|cancel)$/i;
const switchWord = /^(开|关|on|off)$/i;

/** What a 请假 asks for: the next N lesson days, a range of days, or cancelling; or why it can't be read. */
export type LeaveSpec = { count: number } | { from: string; to: string } | { cancel: true } | { error: string };

/**
 * Reads "3", "3天", "12-08..12-10", "2026-12-08~2026-12-10", "12-08" or "取消". A month-day is its next
 * occurrence from today (the end of a range: the next on or after the start); a full date must not be past.
 */
export function parseLeave(word: string | undefined, today: string): LeaveSpec {
  const w = (word ?? '').normalize('NFKC');
  if (cancelWord.test(w)) return { cancel: true };
  const count = /^(\d+)天?$/.exec(w);
  if (count) {
    const n = Number(count[1]);
    return n >= 1 && n <= maxLeaveDays ? { count: n } : { error: `请假天数请填 1 到 ${maxLeaveDays}。${leaveUsage}` };
  }
  const parts = w.split(/\.\.|~|～|至|到/);
  if (!w || parts.length > 2) return { error: leaveUsage };
  const from = dateOf(parts[0], today);
  const to = from && parts.length === 2 ? endOf(parts[1], from) : from;
  if (!from || !to) return { error: `“${w}”不是有效日期。${leaveUsage}` };
  if (from < today) return { error: `${from} 已经过去了，只能为今天以后的日子请假。${leaveUsage}` };
  if (to < from) return { error: `结束日期 ${to} 早于开始日期 ${from}。${leaveUsage}` };
  if (addDays(from, maxRangeDays) <= to) return { error: `一次最多请 ${maxRangeDays} 天内的假。${leaveUsage}` };
  return { from, to };
}

/** "2026-12-08" as it is; "12-08" or "12/8" as its next occurrence on or after `since`. */
function dateOf(text: string, since: string): string | undefined {
  const full = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  const md = /^(\d{1,2})[-/](\d{1,2})$/.exec(text);
  const pad = (n: string) => n.padStart(2, '0');
  if (full) {
    const day = `${full[1]}-${pad(full[2])}-${pad(full[3])}`;
    return isRealDate(day) ? day : undefined;
  }
  if (!md) return undefined;
  const year = Number(since.slice(0, 4));
  // 02-29 is real only in some years: the next one that has it.
  for (let y = year; y <= year + 4; y++) {
    const day = `${y}-${pad(md[1])}-${pad(md[2])}`;
    if (isRealDate(day) && day >= since) return day;
  }
  return undefined;
}

/** A range's end: "12-28..01-03" runs into the next year, but "12-10..12-08" is reversed, not a year long. */
function endOf(text: string, from: string): string | undefined {
  const sameYear = dateOf(text, `${from.slice(0, 4)}-01-01`);
  const next = dateOf(text, from);
  return sameYear && sameYear < from && next && next >= addDays(from, maxRangeDays) ? sameYear : next;
}

/** The first day leave can still be taken for: today until today's quiz has closed, else tomorrow. */
async function firstOpenDay(deps: BotDeps, g: Group): Promise<string> {
  const today = wallClock(deps.clock.now(), deps.settings.timezone).day;
  const push = await deps.store.getPush(g.gid, today);
  return push && (push.status === 'closed' || push.status === 'skipped') ? addDays(today, 1) : today;
}

/** The group's lesson days a spec covers, by the group's own calendar (its work days, holidays, 调休). */
async function leaveDays(deps: BotDeps, g: Group, spec: { count: number } | { from: string; to: string }): Promise<string[]> {
  const first = await firstOpenDay(deps, g);
  const lessonDay = (d: string) => isLessonDay(d, g.days, deps.settings.calendar);
  const days: string[] = [];
  if ('count' in spec) {
    for (let d = first, i = 0; days.length < spec.count && i < 366; d = addDays(d, 1), i++) if (lessonDay(d)) days.push(d);
  } else {
    for (let d = spec.from < first ? first : spec.from; d <= spec.to; d = addDays(d, 1)) if (lessonDay(d)) days.push(d);
  }
  return days;
}

/** "12月8日（周二）、12月9日（周三）共 2 个学习日"; a long list as its first and last day. */
export function describeLeave(days: string[]): string {
  const shown = days.length <= 5 ? days.map(describeDay).join('、') : `${describeDay(days[0])}至${describeDay(days.at(-1)!)}`;
  return `${shown}共 ${days.length} 个学习日`;
}

/** Puts a worker on leave in one group (or cancels it) and says what was done (for `name`, in a group), without the reason. */
async function applyLeave(deps: BotDeps, g: Group, wid: number, spec: { count: number } | { from: string; to: string } | { cancel: true }, reason: string, name?: string): Promise<string> {
  const forWhom = name ? `为 ${name} ` : '';
  if ('cancel' in spec) {
    const cancelled = await deps.store.cancelLeave(g.gid, wid, await firstOpenDay(deps, g));
    return cancelled.length ? `已${forWhom}销假，取消了 ${describeLeave(cancelled)}的请假。` : '没有可以取消的请假。';
  }
  const days = await leaveDays(deps, g, spec);
  if (!days.length) return '这段时间本群没有课（休息日或节假日），不用请假。';
  await deps.store.addLeave(g.gid, wid, days, reason);
  return `已${forWhom}登记请假 ${describeLeave(days)}。这几天不算在应参与人数里，连续学习也不会中断。`;
}

const reasonOf = (words: string[]): string => words.join(' ').trim().slice(0, maxReason);

/**
 * 请假 / 销假 from the worker: in the group, for that group; in a private chat, for every enrolled group the
 * worker has answered in (each by its own calendar). In the group the reply never repeats the reason.
 */
export async function absence(ctx: ChatContext, cancel = false): Promise<void> {
  const { deps } = ctx;
  const [word, ...rest] = ctx.command!.args;
  if (!cancel && switchWord.test(word ?? '')) return switchLeave(ctx, /^(开|on)$/i.test(word!));
  const today = wallClock(deps.clock.now(), deps.settings.timezone).day;
  const spec: LeaveSpec = cancel ? { cancel: true } : parseLeave(word, today);
  if ('error' in spec) return ctx.reply(spec.error);
  const reason = cancel ? '' : reasonOf(rest);
  const wid = await ctx.wid();
  let groups: Group[];
  if (ctx.inRoom) {
    const g = await ctx.group();
    if (!g) return ctx.reply(enrolHint);
    if (g.status === 'left') return ctx.reply(leftHint);
    groups = [g];
  } else {
    groups = (await deps.store.groups(await deps.store.workerGroups(wid))).filter((g) => g.status !== 'left');
    if (!groups.length) return ctx.reply('请在班组群里发送“请假 3”：你还没有在哪个班组群答过题，我不知道该为哪个群请假。');
  }
  const on = groups.filter((g) => featureOn('leave', g, deps.settings.engagement));
  if (!on.length) return ctx.reply(leaveOff);
  if (ctx.inRoom) return ctx.reply(`${await applyLeave(deps, on[0], wid, spec, reason, await ctx.senderName())}${reason ? '事由只有班长能看到。' : ''}`);
  const lines = await Promise.all(on.map(async (g) => `${g.topic}：${await applyLeave(deps, g, wid, spec, reason)}`));
  if (reason) lines.push(`事由：${reason}（只有你和班长能看到）`);
  ctx.reply(lines.join('\n'));
}

/** `请假 开` / `请假 关` from a leader: the group's own switch (the org's settings still win). */
async function switchLeave(ctx: ChatContext, on: boolean): Promise<void> {
  const g = ctx.inRoom ? await ctx.group() : undefined;
  if (!g) return ctx.reply(ctx.inRoom ? enrolHint : '这个指令请在班组群里发送。');
  if (!(await ctx.isLeader())) return ctx.reply(leaderOnly('开关请假功能'));
  await ctx.deps.store.setGroupOption(g.gid, optionOf('leave'), on ? 'on' : 'off');
  const now = featureOn('leave', { ...g, options: { ...g.options, [optionOf('leave')]: on ? 'on' : 'off' } }, ctx.deps.settings.engagement);
  ctx.reply(on ? (now ? '本群已开启请假：工友可以发送“请假 3”。' : '本群已开启请假，但工会的设置关闭了请假功能，暂时用不了。') : '本群已关闭请假功能。');
}

/** `班长 请假 @李明 3 回老家`: a leader puts a worker of the group on leave, or cancels it (… 取消). */
export async function leaderAbsence(ctx: ChatContext, g: Group): Promise<void> {
  const { deps } = ctx;
  const words = ctx.command!.args.slice(1);
  // The person is the "@name" (else the first word); where the platform lists whom a message @-mentions, its
  // text may lack the name.
  const mentioned = !!ctx.msg.mentions?.length;
  const at = words.findIndex((w) => w.startsWith('@'));
  const who = at >= 0 ? at : mentioned ? -1 : 0;
  const name = who >= 0 ? words[who].replace(/^@/, '') : '';
  const [word, ...rest] = words.filter((_, i) => i !== who);
  if ((!name && !mentioned) || !word) return ctx.reply(leaderLeaveUsage);
  if (!featureOn('leave', g, deps.settings.engagement)) return ctx.reply(leaveOff);
  const spec = parseLeave(word, wallClock(deps.clock.now(), deps.settings.timezone).day);
  if ('error' in spec) return ctx.reply(spec.error.replace(leaveUsage, leaderLeaveUsage));
  const { people } = await peopleNamed(ctx, g, [name]);
  const person = people[0];
  if (!person) return ctx.reply(`群里没有找到“${name}”。${leaderLeaveUsage}`);
  const wid = await deps.store.resolveWorker(g.gid, person.id, person.name);
  ctx.reply(await applyLeave(deps, g, wid, spec, reasonOf(rest), person.name));
}

/**
 * Who is expected to answer on a day: the participants (quiz/participants.ts) less the workers on leave
 * that day who would have been counted and did not answer on time. A roster or the room's members name people, so those of them on
 * leave are left out; a head count names nobody, so everyone on leave is taken off it; the group's
 * answerers lose those on leave among them. `leave` is how many were left out.
 */
export async function expectedOn(deps: BotDeps, g: Group, day: string): Promise<Expected & { leave: number; away: Map<number, string> }> {
  const e = await expectedParticipants(deps, g);
  const away = featureOn('leave', g, deps.settings.engagement) ? await deps.store.onLeave(g.gid, day) : new Map<number, string>();
  // Whoever answers on time anyway was there that day: counted, as expected and as answered.
  for (const wid of away.size ? await deps.store.onTimeWorkers(g.gid, day) : []) away.delete(wid);
  if (!away.size) return { ...e, leave: 0, away };
  if (e.people) {
    const wids = await deps.store.lookupWorkers(g.gid, e.people.map((m) => m.id), e.people.map((m) => m.name));
    const people = e.people.filter((_, i) => wids[i] === undefined || !away.has(wids[i]));
    return { ...e, count: people.length, people, leave: e.people.length - people.length, away };
  }
  const counted = e.source === 'answerers' ? (await deps.store.members(g.gid)).filter((m) => away.has(m.wid)).length : away.size;
  const leave = Math.min(counted, e.count);
  return { ...e, count: e.count - leave, leave, away };
}

/**
 * The 统计 line on today's leave: names in the group, reasons only in a private message to the leader who
 * asked (where the channel can send one).
 */
export async function leaveLines(ctx: ChatContext, g: Group, day: string, away: Map<number, string>): Promise<string[]> {
  if (!away.size) return [];
  const { deps } = ctx;
  const wids = [...away.keys()];
  const names = await deps.store.workerNames(wids);
  const line = `今天请假（${wids.length} 人）：${names.join('、')}`;
  const reasons = wids.map((w, i) => `${names[i]}：${away.get(w) || '（没写事由）'}`);
  const sent = await sendPrivately(deps, await ctx.wid(), `leave-reasons:${g.gid}:${day}:${deps.clock.now()}`, [`【${g.topic} · ${describeDay(day)}请假事由】`, ...reasons].join('\n'));
  return [sent === 'sent' ? `${line}（事由已私信发给你）` : `${line}（事由只私信给班长，这个平台发不了私信）`];
}

/** After a lesson quiz closes, workers on leave that day who did not answer keep their streak. */
export const leaveHook = (deps: BotDeps): EngagementHook => ({
  name: 'leave',
  async afterClose(g, push) {
    if (push.kind !== 'lesson' || !featureOn('leave', g, deps.settings.engagement)) return;
    await deps.store.keepStreaks(push, [...(await deps.store.onLeave(g.gid, push.day)).keys()]);
  },
});
