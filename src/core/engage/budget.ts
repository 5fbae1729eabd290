import { accountsNeeded, maxLeadMs, minuteOf, planWave, type WaveGroup } from '../schedule/plan.ts';
import { minuteMs } from '../time.ts';
import { secondsPerBatch, slowestSecondsPerBatch, type Pace } from '../send/queue.ts';

/** What one account sends for `groups` groups that share a push time, and how long that takes at its pace. */
export interface Capacity {
  groups: number;
  lessonMessages: number;
  dailyCap: number;
  /** Messages a day: the lessons, their summaries, and engagement messages with every group at its cap. */
  messages: { lessons: number; summaries: number; engagement: number };
  /** Minutes of sending at the pace: the lesson wave (it starts this early), and the engagement messages after it. */
  minutes: { lessons: number; summaries: number; engagement: number };
  /** The wave needs more than the longest lead: the last groups' lessons would be late. */
  late: boolean;
  /** Groups one account reaches with their lesson in 10 minutes. */
  groupsPer10Minutes: number;
}

const minutes = (seconds: number) => Math.round((seconds / 60) * 10) / 10;

/**
 * The message budget of one account. Each engagement message is its own post to a group, so it pays the
 * pause between chats, as a summary does; the send queue sends them after the lessons due, never before.
 */
export function capacityOf(groups: number, lessonMessages: number, dailyCap: number, pace: Pace): Capacity {
  const lesson = secondsPerBatch(pace, lessonMessages);
  const single = secondsPerBatch(pace, 1);
  return {
    groups,
    lessonMessages,
    dailyCap,
    messages: { lessons: groups * lessonMessages, summaries: groups, engagement: groups * dailyCap },
    minutes: { lessons: minutes(groups * lesson), summaries: minutes(groups * single), engagement: minutes(groups * dailyCap * single) },
    late: groups * lesson * 1000 > maxLeadMs,
    groupsPer10Minutes: Math.floor(600 / lesson),
  };
}

/** The capacity report, in Chinese, as `banqian capacity` prints it. */
export function renderCapacity(c: Capacity, pace: Pace): string {
  const [gapMin, gapMax] = pace.roomGapSeconds;
  const total = c.messages.lessons + c.messages.summaries + c.messages.engagement;
  return [
    `发送速率：每个账号每分钟 ${pace.perMinute} 条，换群时停 ${gapMin}–${gapMax} 秒。`,
    `按 ${c.groups} 个群同一时间推送、每节课 ${c.lessonMessages} 条消息计：`,
    `- 早上的课：${c.messages.lessons} 条，约 ${c.minutes.lessons} 分钟；${
      c.late ? `超过最长提前量 ${maxLeadMs / 60_000} 分钟，最后一些群的课会迟到：请增加机器人账号或错开推送时间。` : '提前这么久开始发送，每个群准时收到。'
    }`,
    `- 互动消息（提醒、周复习、排名、学习之星等）每群每天最多 ${c.dailyCap} 条：最多 ${c.messages.engagement} 条，约 ${c.minutes.engagement} 分钟。它们排在课后面发送，从不推迟课。`,
    `- 小测揭晓（小结）：${c.messages.summaries} 条，约 ${c.minutes.summaries} 分钟。`,
    `- 每天合计：不开互动 ${c.messages.lessons + c.messages.summaries} 条，开互动且用满上限 ${total} 条，约 ${minutes(60 * (c.minutes.lessons + c.minutes.summaries + c.minutes.engagement))} 分钟发送时间。`,
    `- 一个账号 10 分钟内能把课送到约 ${c.groupsPer10Minutes} 个群。`,
  ].join('\n');
}

/**
 * The morning as the scheduler will send it: per account and per minute, the groups due, their messages and
 * whether they arrive by their time at the account's pace (the scheduler's planWave), then how many
 * accounts the whole wave needs. `account` stands for groups enrolled before accounts ('').
 */
export function renderWave(groups: WaveGroup[], lessonMessages: number, pace: Pace, account: string): string {
  if (!groups.length) return '这段时间没有要推送的群。';
  const seconds = slowestSecondsPerBatch(pace, lessonMessages);
  const pushes = groups.map((g) => ({ gid: g.gid, due: minuteOf(g.time) * minuteMs, seconds, time: g.time, account: g.account || account }));
  const accounts = [...new Set(pushes.map((p) => p.account))].sort();
  const lines: string[] = [];
  for (const a of accounts) {
    const mine = pushes.filter((p) => p.account === a);
    const slots = planWave(mine, { maxLeadMs });
    lines.push(`账号 ${a}：${mine.length} 个群`, '  时间   到点群数  消息数  送达');
    for (const time of [...new Set(mine.map((p) => p.time))].sort()) {
      const due = mine.filter((p) => p.time === time);
      const late = Math.max(...due.map((p) => Math.ceil(Math.round(slots.get(p)!.finish - p.due) / minuteMs)));
      lines.push(`  ${time}  ${String(due.length).padStart(6)}  ${String(due.length * lessonMessages).padStart(6)}  ${late > 0 ? `最晚的晚约 ${late} 分钟` : '按时'}`);
    }
  }
  const needed = accountsNeeded(pushes, maxLeadMs);
  lines.push(`合计 ${pushes.length} 个群，${accounts.length} 个账号；按时送到需要 ${needed} 个账号${needed > accounts.length ? `，还差 ${needed - accounts.length} 个` : ''}（每个账号最多提前 ${maxLeadMs / minuteMs} 分钟开始发送）。`);
  return lines.join('\n');
}
