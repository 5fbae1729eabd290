/**
 * How much each engagement loop adds per 1,000 groups: to the messages one account sends on the busiest
 * morning (at the daily cap, through postToGroup and the send queue), and to Redis memory (INFO memory
 * before and after the loop's posts and data over the seeded weeks). Each loop is one entry of `loops`:
 * a loop whose store calls are not on this branch yet has no `seed`, and the report says so.
 * Results go to bench/results/engagement.md.
 *
 *   npm run bench:engagement                      # 1,000 groups × 20 workers × 28 days
 *   BENCH_TEAMS=100 npm run bench:engagement      # a quick look
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { wechatyCaps } from '../src/adapters/chat/wechaty/caps.ts';
import type { RedisStore } from '../src/adapters/store/redis/store.ts';
import type { BotDeps } from '../src/core/bot/deps.ts';
import { Outbox } from '../src/core/bot/outbox.ts';
import { capacityOf } from '../src/core/engage/budget.ts';
import type { Feature } from '../src/core/engage/features.ts';
import { optionOf } from '../src/core/engage/features.ts';
import { postToGroup } from '../src/core/engage/send.ts';
import { loadLibrary } from '../src/core/lessons/load.ts';
import type { Group } from '../src/core/ports.ts';
import { SendQueue, secondsPerBatch, type Priority } from '../src/core/send/queue.ts';
import { addDays, instantOf, isoWeekday } from '../src/core/time.ts';
import { openBench, seedTeams } from './seed.ts';

const teams = Number(process.env.BENCH_TEAMS ?? 1000);
const workers = Number(process.env.BENCH_WORKERS ?? 20);
const days = Number(process.env.BENCH_DAYS ?? 28);
const firstDay = '2026-11-02'; // a Monday
const tz = 'Asia/Shanghai';

interface Context {
  store: RedisStore;
  groups: Group[];
  /** The seeded days, oldest first. */
  days: string[];
}

/** One part of the engagement loop, as the bench measures it. */
interface Loop {
  feature: Feature;
  label: string;
  /** What it posts in each group on the days it posts (within the daily cap), with a text of its usual length. */
  post?: { on: (day: string) => boolean; priority: 'other' | 'ranking'; text: string };
  /** Private messages on its busiest day for this many groups (no cap: they go at the account's rate), and why. */
  privates: (groups: number) => number;
  privatesWhy: string;
  /** What it keeps in Redis. */
  data: string;
  /** Writes that data over the seeded days through the loop's store calls; absent while the loop is not on this branch. */
  seed?: (c: Context) => Promise<void>;
}

const firstOfMonth = (day: string) => day.endsWith('-01') || (isoWeekday(day) === 1 && Number(day.slice(8)) <= 3);
const loops: Loop[] = [
  {
    feature: 'reminder', label: '提醒 reminder',
    post: { on: () => true, priority: 'other', text: '【提醒】还有 12 位工友没作答，还剩 30 分钟。' },
    privates: (n) => n, privatesWhy: 'the names to each leader, one a group',
    data: 'a reminded mark per quiz',
  },
  {
    feature: 'review', label: '周复习 review',
    post: { on: (d) => isoWeekday(d) === 5, priority: 'other', text: `【周复习】本周易错题\n${'1. 题目文字……\nA. 选项 B. 选项 C. 选项\n'.repeat(3)}` },
    privates: () => 0, privatesWhy: '我的错题 only when asked',
    data: 'wrong counts per group and question, a worker\'s mistakes',
  },
  {
    feature: 'repetition', label: '间隔重复 repetition',
    // One in five answers is wrong in the seed; each comes back 3 and 10 days later, at most one a day per worker.
    privates: (n) => Math.round(n * workers * Math.min(1, 2 / 5)), privatesWhy: 'a question again for each worker with one due (2 × the wrong rate, ≤ 1 a day)',
    data: 'a due index per worker and day',
  },
  {
    feature: 'ranking', label: '班组 PK ranking',
    post: { on: (d) => isoWeekday(d) === 1, priority: 'ranking', text: `【班组 PK】上周本车间排名\n${'第 1 名 总装车间一班 参与率 95% 正确率 88%\n'.repeat(10)}` },
    privates: () => 0, privatesWhy: '',
    data: 'monthly points per worker (shared with 学习之星)',
  },
  {
    feature: 'star', label: '学习之星 star',
    post: { on: firstOfMonth, priority: 'ranking', text: '【学习之星】11月本组学习之星：李明（积分 86，连续 20 天）。全勤：李明、王强。' },
    privates: () => 0, privatesWhy: '',
    data: 'monthly points (with PK)',
  },
  { feature: 'badges', label: '徽章 badges', privates: () => 0, privatesWhy: 'ride on the summary', data: 'badges per worker' },
  { feature: 'leave', label: '请假 leave', privates: () => 0, privatesWhy: 'replies only', data: 'leave days per group and day, reasons' },
  {
    feature: 'digest', label: '日报 digest', privates: (n) => n, privatesWhy: 'one to each leader who turned it on (off by default): all of them here',
    data: 'the leader\'s switch (a group option)',
    seed: ({ store, groups }) => Promise.all(groups.map((g) => store.setGroupOption(g.gid, optionOf('digest'), 'on'))).then(() => {}),
  },
  { feature: 'weeklyReport', label: '周报 weekly report', privates: (n) => Math.ceil(n / 10) + Math.ceil(n / 100) + 1, privatesWhy: 'Mondays, to each officer (one a workshop, enterprise and the district)', data: 'a sent mark per week and officer' },
  { feature: 'dropAlerts', label: '掉队提醒 drop alerts', privates: () => 0, privatesWhy: 'once per episode, rare', data: 'an alert episode per group' },
];

const { stats, store, config, close } = await openBench(teams, 'bench-engage');
const { redis, keys } = store;

const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

const before = await used();
const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))![1];
const track = loadLibrary('lessons').library.track('safety')!;
const started = Date.now();
const answers = await seedTeams({ store, org: stats.org, track, lessons: track.lessons, workers, days, firstDay, timezone: tz }, teams);
const seedSeconds = (Date.now() - started) / 1000;
const seeded = await used();
const context: Context = { store, groups: await store.groups((await store.teamBindings()).map((b) => b.gid)), days: Array.from({ length: days }, (_, d) => addDays(firstDay, d)) };

// postToGroup and the outbox read only these; messages go out through a real send queue, the delivered ids
// are kept as the bot keeps them.
let now = 0;
const clock = { now: () => now };
const queue = new SendQueue({ perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds });
const outbox = new Outbox({ store, queue, clock, account: 'bench', owner: 'bench', channel: { caps: wechatyCaps } as BotDeps['channel'] });
const deps = { store, clock, outbox, log: { info() {}, warn() {}, error() {} }, settings: { timezone: tz, engagement: config.engagement } } as unknown as BotDeps;
const sent: Record<Priority, number> = { reply: 0, lesson: 0, other: 0, ranking: 0 };
const deliver = () =>
  queue.pump(() => Infinity, async () => {}, (err) => {
    throw err;
  });
const countSent = async () => {
  const waiting = { other: queue.pending('other'), ranking: queue.pending('ranking') };
  await deliver();
  sent.other += waiting.other;
  sent.ranking += waiting.ranking;
};

/** Posts a loop's message in every group on `day` (at its local 07:50), within the cap; how many the cap let through. */
async function postAll(loop: Loop, day: string): Promise<number> {
  now = instantOf(day, '07:50', tz);
  let through = 0;
  for (const g of context.groups) if (await postToGroup(deps, g, `${loop.feature}:${g.gid}:${day}`, loop.post!.text, loop.post!.priority)) through++;
  return through;
}

/** A day's budget counters expire after two days; the bench's clock is virtual, so it drops them itself. */
const dropBudgets = (day: string) => redis.del(...context.groups.map((g) => keys.engageBudget(g.gid, day)));

// Memory: each loop's posts over the seeded weeks (budget counters, outbox items and delivered ids) and its data.
const memoryRows: string[] = [];
for (const loop of loops) {
  const m0 = await used();
  let posts = 0;
  if (loop.post) {
    for (const day of context.days.filter(loop.post.on)) {
      posts += await postAll(loop, day);
      await countSent();
      await dropBudgets(day);
    }
  }
  await loop.seed?.(context);
  const delta = (await used()) - m0;
  const measured = loop.seed ? loop.data : `${loop.data}: not on this branch yet, not measured`;
  memoryRows.push(`| ${loop.label} | ${posts.toLocaleString('en')} | ${mib(delta)} | ${measured} |`);
}

// Messages: the busiest day (a Monday that is the month's first work day) and a day every loop posts on
// (a group whose only lesson day of the week is a Monday), each from an empty budget, at the cap.
async function morning(day: string, posting: Loop[]): Promise<Map<Feature, number>> {
  const through = new Map<Feature, number>();
  for (const loop of posting) through.set(loop.feature, await postAll(loop, day));
  await countSent();
  await dropBudgets(day);
  return through;
}
const posting = loops.filter((l) => l.post);
const busiest = await morning('2027-02-01', posting.filter((l) => l.post!.on('2027-02-01')));
const everything = await morning('2027-02-08', posting);
const cap = config.engagement.dailyCap;
const pace = queue.pace;
const single = secondsPerBatch(pace, 1);
const messageRows = loops.map((l) => {
  const privates = l.privates(teams);
  return `| ${l.label} | ${(busiest.get(l.feature) ?? 0).toLocaleString('en')} | ${(everything.get(l.feature) ?? 0).toLocaleString('en')} | ${privates.toLocaleString('en')} | ${l.privatesWhy || '–'} |`;
});
const sum = (m: Map<Feature, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const privates = loops.reduce((n, l) => n + l.privates(teams), 0);
const wave = capacityOf(teams, 1, cap, pace);
const minutes = (messages: number) => ((messages * single) / 60).toFixed(1);

const report = `# Engagement loop benchmark

Produced by \`npm run bench:engagement\` (bench/engagement.ts) on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, a private redis-server ${redisVersion} on loopback.

Seed: ${teams.toLocaleString('en')} groups × ${workers} workers × ${days} days = **${answers.toLocaleString('en')} answers** through the bot's own write path
(bench/seed.ts, as bench/dashboard.ts), in ${seedSeconds.toFixed(0)} s. Redis \`used_memory\`: ${mib(before)} before, ${mib(seeded)} after
(${mib(((seeded - before) / teams) * 1000)} per 1,000 groups for ${days} days of lessons and answers, with whatever the answer write path
of this branch keeps for the loops).

## Redis memory each loop adds

Each loop in turn: its group posts on its days over the ${days} seeded days, through \`postToGroup\` (the daily budget) and the
durable outbox, delivered through the send queue (a delivered id is kept 30 days so it is never sent twice); a day's
budget counters are dropped after it, as their 2-day expiry would. Then the loop's own data, through its store calls.
\`used_memory\` before and after, for ${teams.toLocaleString('en')} groups.

| loop | group posts | memory added | its data |
|---|---|---|---|
${memoryRows.join('\n')}

## Messages on one day, at the cap (${cap} a group a day)

Counted through \`postToGroup\`, from an empty budget: **busiest** is a Monday that is also the month's first work day
(PK, 学习之星 and the reminder); **every loop** is a day when all group posts fall together (a group whose only lesson day is
a Monday): the cap refuses what is over it, in the order the loops post. Private messages are not under the group cap but go
at the account's rate; their numbers are the loops' design (see each reason), not measured here.

| loop | group posts, busiest day | group posts, every loop | private messages | private, why |
|---|---|---|---|---|
${messageRows.join('\n')}

Per account at ${pace.perMinute}/min with ${pace.roomGapSeconds[0]}–${pace.roomGapSeconds[1]} s between chats (${single.toFixed(1)} s a message to another chat):

| | messages | minutes of sending |
|---|---|---|
| the lesson wave (1 message a lesson) | ${wave.messages.lessons.toLocaleString('en')} | ${wave.minutes.lessons} |
| group posts, busiest day | ${sum(busiest).toLocaleString('en')} | ${minutes(sum(busiest))} |
| group posts, every loop (capped) | ${sum(everything).toLocaleString('en')} | ${minutes(sum(everything))} |
| group posts at most (the cap × groups) | ${wave.messages.engagement.toLocaleString('en')} | ${wave.minutes.engagement} |
| private messages, busiest day | ${privates.toLocaleString('en')} | ${minutes(privates)} |

Sent through the queue in these runs: ${sent.other.toLocaleString('en')} reminder/review batches, ${sent.ranking.toLocaleString('en')} ranking batches.
The send queue sends all of them after the lessons due (tests/engage/priority.test.ts); \`banqian capacity\` prints the same budget
for the groups enrolled.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/engagement.md', report);
console.log(report);
await close();
