/**
 * How much each engagement loop adds per 1,000 groups: to the messages one account sends (group posts within
 * the daily cap, private messages at the account's rate) and to Redis memory. The seed writes four weeks of
 * lessons and answers through the bot's write path, which already keeps some loops' data (missed counts, month
 * points, mistakes and repetitions): that is measured per key with MEMORY USAGE. Then each loop runs in turn
 * over the seeded days through its own hook or store calls, its messages delivered through the outbox and a
 * real send queue; INFO memory before and after. The last seeded day is the busiest: a Monday that is the
 * month's first lesson day. Results go to bench/results/engagement.md.
 *
 *   npm run bench:engagement                      # 1,000 groups × 20 workers × 28 days
 *   BENCH_TEAMS=100 npm run bench:engagement      # a quick look
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { wechatyCaps } from '../src/adapters/chat/wechaty/caps.ts';
import { reportOutput } from '../src/adapters/report/output.ts';
import { RedisRoster } from '../src/adapters/store/redis/roster.ts';
import type { RedisStore } from '../src/adapters/store/redis/store.ts';
import type { BotDeps } from '../src/core/bot/deps.ts';
import { Outbox } from '../src/core/bot/outbox.ts';
import { fullAttendance, rankingHook } from '../src/core/engage/ranking.ts';
import { badgesHook } from '../src/core/engage/badges.ts';
import { capacityOf } from '../src/core/engage/budget.ts';
import { digestHook } from '../src/core/engage/digest.ts';
import type { EngagementSettings, Feature } from '../src/core/engage/features.ts';
import type { EngagementHook } from '../src/core/engage/hooks.ts';
import { optionOf } from '../src/core/engage/features.ts';
import { leaveHook } from '../src/core/engage/leave.ts';
import { reminderText } from '../src/core/engage/remind.ts';
import { officerReports, type ReportOfficer } from '../src/core/engage/reports.ts';
import { repetitionHook, repeatFrom } from '../src/core/engage/repetition.ts';
import { reviewHook } from '../src/core/engage/review.ts';
import { postToGroup, sendPrivately } from '../src/core/engage/send.ts';
import { loadLibrary } from '../src/core/lessons/load.ts';
import type { OrgNode } from '../src/core/org.ts';
import type { Group, Push } from '../src/core/ports.ts';
import { SendQueue, secondsPerBatch, type Target } from '../src/core/send/queue.ts';
import { isoWeek } from '../src/core/stats.ts';
import { addDays, epochDay, instantOf, isoWeekday } from '../src/core/time.ts';
import { openBench, seedTeams } from './seed.ts';

const teams = Number(process.env.BENCH_TEAMS ?? 1000);
const workers = Number(process.env.BENCH_WORKERS ?? 20);
const days = Number(process.env.BENCH_DAYS ?? 28);
// 28 days from a Tuesday end on Monday 2027-02-01, the month's first lesson day: PK, 学习之星 and the reminder.
const firstDay = '2027-01-05';
const tz = 'Asia/Shanghai';

const { stats, store, config, close } = await openBench(teams, 'bench-engage');
const { redis, keys } = store;
const seededDays = Array.from({ length: days }, (_, d) => addDays(firstDay, d));
const busiest = seededDays.at(-1)!;

interface Context {
  store: RedisStore;
  groups: Group[];
  /** Each group's workers, by group id. */
  wids: Map<number, number[]>;
}

/** One part of the engagement loop, as the bench runs it. */
interface Loop {
  feature: Feature;
  label: string;
  /** What it keeps in Redis. */
  data: string;
  /** Keys the answer path writes for this loop (record_answer.lua, the mistake note), and what they are. */
  answerPath?: { what: string; keys: (c: Context) => string[] };
  /** When in the day it sends (the lesson goes out at 07:50 and closes at 09:50 in the seed). */
  when: string;
  /** The seeded days it runs on (default: all of them). */
  on?: (day: string) => boolean;
  /** What it does in every group on one day, through its hook or the store calls its module makes. */
  run: (c: Context, day: string) => Promise<unknown>;
  /** How the run differs from the bot, where it does. */
  note?: string;
}

// postToGroup, sendPrivately, the hooks and the outbox read only these; messages go out through a real send
// queue, the delivered ids are kept as the bot keeps them. Private messages as on a channel that has them.
let now = 0;
const clock = { now: () => now };
const queue = new SendQueue({ perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds });
// The room's members are not listed: the expected participants are the group's answerers.
const channel = { caps: { ...wechatyCaps, listMembers: false } } as BotDeps['channel'];
const outbox = new Outbox({ store, queue, clock, account: 'bench', owner: 'bench', channel });
const log = { info() {}, warn() {}, error() {} };
const depsWith = (engagement: EngagementSettings) =>
  ({ store, clock, outbox, log, channel, org: stats.org, roster: new RedisRoster(store), settings: { botName: config.botName, timezone: tz, calendar: config.schedule, engagement } }) as unknown as BotDeps;
const deps = depsWith(config.engagement);
/** Only `feature` of the features that share a hook (PK and 学习之星; weekly reports and drop alerts). */
const only = (feature: Feature, ...others: Feature[]) =>
  depsWith({ ...config.engagement, ...Object.fromEntries(others.map((f) => [f, false])), [feature]: true });

/** Delivers what is queued; messages by target kind. */
async function deliver(): Promise<Record<Target['kind'], number>> {
  const sent = { room: 0, contact: 0 };
  await queue.pump(
    () => Infinity,
    async (target) => {
      sent[target.kind]++;
    },
    (err) => {
      throw err;
    },
  );
  return sent;
}

const at = (day: string, hhmm: string) => {
  now = instantOf(day, hhmm, tz);
  return now;
};
const lessonPush = async (g: Group, day: string): Promise<Push | undefined> => (await store.getPush(g.gid, day)) ?? undefined;
const eachGroup = (c: Context, f: (g: Group) => Promise<unknown>) => Promise.all(c.groups.map(f));
/**
 * The ranking hook's run with only PK or only 学习之星 on. It needs the group's current lesson to be today's,
 * so it runs on the last seeded day only.
 */
const rankingRun = (feature: 'ranking' | 'star') => (_c: Context, day: string) => rankingHook(only(feature, 'ranking', 'star', 'badges'), stats).tick!(at(day, '09:00'));
/** A close hook's run: after each group's lesson of the day has closed. */
const afterEachClose = (make: (d: BotDeps) => EngagementHook) => (c: Context, day: string) => {
  at(day, '09:50');
  const hook = make(deps);
  return eachGroup(c, async (g) => {
    const push = await lessonPush(g, day);
    if (push) await hook.afterClose!(g, push);
  });
};
const weeksOf = (list: string[]) => [...new Set(list.map((d) => isoWeek(d).week))];
const monthsOf = (list: string[]) => [...new Set(list.map((d) => d.slice(0, 7)))];

/** The officers of the seeded org: one per workshop, per enterprise and the district (bench/seed.ts's tree). */
function officers(): ReportOfficer[] {
  const nodes: OrgNode[] = [];
  const walk = (n: OrgNode, depth: number) => {
    if (depth <= 3 && n !== stats.org.unbound) nodes.push(n);
    for (const child of n.children) walk(child, depth + 1);
  };
  walk(stats.org.root, 1);
  return nodes.map((n, i) => ({ name: `干部${i + 1}`, scope: n.path, contact: { bench: `officer-${i + 1}` } }));
}
const reportsDir = join(process.env.TMPDIR ?? '/tmp', `banqian-bench-reports-${process.pid}`);

const loops: Loop[] = [
  {
    feature: 'reminder', label: '提醒 reminder', when: '30 min before the close',
    data: 'a reminded mark per quiz (a field of its push), delivered ids of the post and the leader\'s names',
    // remind.ts's tick, for each group's lesson 30 minutes before it closes.
    run: (c, day) => {
      at(day, '09:20');
      return eachGroup(c, async (g) => {
        if (!(await store.markReminded({ gid: g.gid, day, kind: 'lesson' }))) return;
        const id = `remind:${g.gid}:${day}:lesson`;
        if (!(await postToGroup(deps, g, id, reminderText(3, 30)))) return;
        for (const wid of await store.leaders(g.gid)) await sendPrivately(deps, wid, `${id}:${wid}`, `【答题提醒】${g.topic}：还剩 30 分钟，还有 3 位没作答：职工3、职工7、职工12\n（群里只说了人数，没有点名。）`);
      });
    },
    note: 'posts as if 3 had not answered in every group (the seed\'s answers are all in by then)',
  },
  {
    feature: 'review', label: '周复习 / 我的错题 review', when: "after the week's last summary",
    data: 'a review quiz (push, snapshot) a week; the answer path\'s missed counts and mistakes',
    answerPath: {
      what: 'missed counts per group and ISO week (record_answer.lua); a worker\'s mistakes (我的错题, the mistake note)',
      keys: (c) => [...c.groups.flatMap((g) => weeksOf(seededDays).map((w) => keys.missed(g.gid, w))), ...[...c.wids.values()].flat().map((w) => keys.mistakes(w))],
    },
    // The groups have lessons every day: the week's last lesson day is its Sunday.
    on: (day) => isoWeekday(day) === 7,
    run: afterEachClose(reviewHook),
    note: 'reviews opened through the hook, not answered',
  },
  {
    feature: 'repetition', label: '间隔重复 repetition', when: 'from 12:00',
    data: 'the asked repetition per worker; the answer path\'s schedule per worker and the due index',
    answerPath: {
      what: 'repetitions per worker and the global due index (the mistake note)',
      keys: (c) => [...[...c.wids.values()].flat().map((w) => keys.repeats(w)), keys.repeatsDue],
    },
    // The hook takes up to 200 workers a pass; a day's passes until nobody is due today.
    run: async (_c, day) => {
      const hook = repetitionHook(deps);
      at(day, repeatFrom);
      while ((await store.repetitionsDue(epochDay(day), 1)).length) await hook.tick!(now);
    },
    note: 'nobody answers a repetition, so each wrong answer is asked on day 3 and day 10',
  },
  {
    feature: 'ranking', label: '班组 PK ranking', when: "after the day's lesson",
    data: 'a done mark per group and week, delivered ids',
    on: (day) => day === busiest,
    run: rankingRun('ranking'),
    note: 'the hook runs on the last seeded day only (it reads the group\'s current lesson)',
  },
  {
    feature: 'star', label: '学习之星 star', when: "after the day's lesson",
    data: 'a done mark per group and month, delivered ids; the answer path\'s month points',
    answerPath: { what: 'points per group and month (record_answer.lua)', keys: (c) => c.groups.flatMap((g) => monthsOf(seededDays).map((m) => keys.monthPoints(g.gid, m))) },
    on: (day) => day === busiest,
    run: rankingRun('star'),
    note: 'the hook runs on the last seeded day only',
  },
  {
    feature: 'badges', label: '徽章 badges', when: 'in the summary',
    data: 'badges per worker (fields of the member hash)',
    on: (day) => day === busiest,
    // The summary's streak milestones (HSETNX: a badge once given stays), and last month's 全勤 as the ranking hook gives it.
    run: (c, day) => {
      at(day, '09:50');
      const hook = badgesHook(deps);
      return eachGroup(c, async (g) => {
        const push = await lessonPush(g, day);
        if (push) await hook.summaryLines!(g, push);
        for (const wid of await fullAttendance(deps, g, addDays(day, -1).slice(0, 7))) await store.awardBadge(g.gid, wid, `full:${addDays(day, -1).slice(0, 7)}`, day);
      });
    },
    note: 'milestones and 全勤 given once, on the last seeded day (the daily summaries would give the same badges on earlier days)',
  },
  {
    feature: 'leave', label: '请假 leave', when: 'replies only',
    data: 'leave days per group and day with reasons, the days index',
    // One worker a group asks for Tuesday to Thursday each week (its Monday), and the close keeps their streaks.
    run: async (c, day) => {
      if (isoWeekday(day) === 1) await eachGroup(c, (g) => store.addLeave(g.gid, c.wids.get(g.gid)![1], [1, 2, 3].map((n) => addDays(day, n)), '回老家办事'));
      await afterEachClose(leaveHook)(c, day);
    },
    note: 'one worker a group on leave three days a week',
  },
  {
    feature: 'digest', label: '日报 digest', when: 'after the close',
    data: 'the leader\'s switch (a group option), delivered ids',
    run: afterEachClose(digestHook),
    note: 'every leader has turned it on (it is off by default)',
  },
  {
    feature: 'weeklyReport', label: '周报 weekly report', when: 'Mondays from 08:30',
    data: 'a sent mark per week and officer, delivered ids (the XLSX goes to disk)',
    on: (day) => isoWeekday(day) === 1,
    run: (_c, day) => officerReports(only('weeklyReport', 'dropAlerts'), { officers, platform: 'bench', stats, output: reportOutput(reportsDir, config.engagement.smtp) }).tick!(at(day, '08:30')),
    note: 'an officer per workshop, enterprise and the district, each reachable privately',
  },
  {
    feature: 'dropAlerts', label: '掉队提醒 drop alerts', when: 'from 08:30',
    data: 'the day\'s check mark, an episode per group and kind',
    // Before its fourth day a seeded group would have missed 3 pushes: the days before the seed.
    on: (day) => day >= addDays(firstDay, 3),
    run: (_c, day) => officerReports(only('dropAlerts', 'weeklyReport'), { officers, platform: 'bench', stats, output: reportOutput(reportsDir, config.engagement.smtp) }).tick!(at(day, '08:30')),
    note: 'from the seed\'s fourth day; its participation is steady, so no team drops',
  },
];

const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const usage = async (list: string[]) => (await Promise.all(list.map(async (k) => Number((await redis.memory('USAGE', k, 'SAMPLES', 0)) ?? 0)))).reduce((a, b) => a + b, 0);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const per1000 = (bytes: number) => mib((bytes / teams) * 1000);
const n = (x: number) => x.toLocaleString('en');

const before = await used();
const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))![1];
const track = loadLibrary('lessons').library.track('safety')!;
const started = Date.now();
const answers = await seedTeams({ store, org: stats.org, track, lessons: track.lessons, workers, days, firstDay, timezone: tz }, teams);
const seedSeconds = (Date.now() - started) / 1000;
const seeded = await used();

const groups = await store.groups((await store.teamBindings()).map((b) => b.gid));
const wids = new Map(await Promise.all(groups.map(async (g) => [g.gid, (await store.members(g.gid)).map((m) => m.wid).sort((a, b) => a - b)] as const)));
const context: Context = { store, groups, wids };

// Each group has one leader (a worker), with the daily digest turned on: group setup, before the loops.
await eachGroup(context, async (g) => {
  await store.addLeader(g.gid, wids.get(g.gid)![0]);
  await store.setGroupOption(g.gid, optionOf('digest'), 'on');
});
context.groups = await store.groups(groups.map((g) => g.gid));

/** A day's budget counters expire after two days; the bench's clock is virtual, so it drops them itself. */
const dropBudgets = (day: string) => redis.del(...context.groups.map((g) => keys.engageBudget(g.gid, day)));

interface Measured {
  loop: Loop;
  answerPath: number;
  added: number;
  /** Of `added`, the growth of the outbox's delivered ids (shared by all loops, so measured on its own). */
  deliveredIds: number;
  seconds: number;
  posts: number;
  privates: number;
  busiest: { posts: number; privates: number };
}
const measured: Measured[] = [];
for (const loop of loops) {
  const answerPath = loop.answerPath ? await usage(loop.answerPath.keys(context)) : 0;
  const deliveredKey = [keys.outboxDone('bench')];
  const d0 = await usage(deliveredKey);
  const m0 = await used();
  const t0 = Date.now();
  const m: Measured = { loop, answerPath, added: 0, deliveredIds: 0, seconds: 0, posts: 0, privates: 0, busiest: { posts: 0, privates: 0 } };
  for (const day of seededDays.filter(loop.on ?? (() => true))) {
    await loop.run(context, day);
    const sent = await deliver();
    m.posts += sent.room;
    m.privates += sent.contact;
    // The busiest day's budget is shared by the loops that post on it, in this order.
    if (day === busiest) m.busiest = { posts: sent.room, privates: sent.contact };
    else await dropBudgets(day);
  }
  m.seconds = (Date.now() - t0) / 1000;
  m.added = (await used()) - m0;
  m.deliveredIds = (await usage(deliveredKey)) - d0;
  measured.push(m);
  console.error(`${loop.label}: ${m.posts} posts, ${m.privates} private, ${mib(m.added)}, ${m.seconds.toFixed(0)} s`);
}
const busiestBudgets = await usage(context.groups.map((g) => keys.engageBudget(g.gid, busiest)));
await dropBudgets(busiest);
const delivered = { ids: await redis.zcard(keys.outboxDone('bench')), bytes: await usage([keys.outboxDone('bench')]) };

const sum = (f: (m: Measured) => number) => measured.reduce((a, m) => a + f(m), 0);
const answerPathBytes = sum((m) => m.answerPath);
const pace = queue.pace;
const single = secondsPerBatch(pace, 1);
const minutes = (messages: number) => ((messages * single) / 60).toFixed(1);
const cap = config.engagement.dailyCap;
const wave = capacityOf(teams, 1, cap, pace);
const busiestPosts = sum((m) => m.busiest.posts);
const busiestPrivates = sum((m) => m.busiest.privates);

const report = `# Engagement loop benchmark

Produced by \`npm run bench:engagement\` (bench/engagement.ts) on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, a private redis-server ${redisVersion} on loopback.

Seed: ${n(teams)} groups × ${workers} workers × ${days} days (${firstDay} to ${busiest}, a lesson every day) = **${n(answers)} answers**
through the bot's own write path (bench/seed.ts, as bench/dashboard.ts), one answer in five wrong, in ${seedSeconds.toFixed(0)} s.
Redis \`used_memory\`: ${mib(before)} before, ${mib(seeded)} after. Each group then gets one leader (a worker) who turned
the daily digest on. All figures below are for these ${n(teams)} groups.

## Written on the answer path

\`record_answer.lua\` and the mistake note (\`store.recordAnswer\`) keep some loops' data with every answer. \`MEMORY USAGE\`
of those keys after the seed:

| loop | keys | memory |
|---|---|---|
${measured.filter((m) => m.loop.answerPath).map((m) => `| ${m.loop.label} | ${m.loop.answerPath!.what} | ${mib(m.answerPath)} |`).join('\n')}

Together ${mib(answerPathBytes)} of the seed's ${mib(seeded - before)}.

## Each loop over the seeded days

Each loop in turn, through its hook (or, for the reminder, the calls its tick makes), in every group on its days: group posts
through \`postToGroup\` (the daily cap), private messages through \`sendPrivately\` (as on a channel that has them), both
through the durable outbox and delivered through a real send queue (a delivered id is kept 30 days so it is never sent
twice); a day's budget counters are dropped after it, as their 2-day expiry would. \`used_memory\` before and after the loop;
the delivered ids are one sorted set shared by all loops, so their part is \`MEMORY USAGE\` of that set before and after
(it grows in steps when its hash table doubles, charged to the loop that crosses the step). \`used_memory\` counts the whole
server: where a loop's figure is below its delivered ids, something else was freed during its run, which this bench does not
pin down.

| loop | days run | group posts | private messages | memory added | of it, delivered ids | time | its data | how the run differs from the bot |
|---|---|---|---|---|---|---|---|---|
${measured.map((m) => `| ${m.loop.label} | ${seededDays.filter(m.loop.on ?? (() => true)).length} | ${n(m.posts)} | ${n(m.privates)} | ${mib(m.added)} | ${mib(m.deliveredIds)} | ${m.seconds.toFixed(0)} s | ${m.loop.data} | ${m.loop.note ?? '–'} |`).join('\n')}

Of all of it, the outbox's delivered ids (one sorted set per account) hold ${n(delivered.ids)} ids in ${mib(delivered.bytes)} (\`MEMORY USAGE\`).
The reminder's figure includes the busiest day's budget counters (${mib(busiestBudgets)}), which the later loops of that day share.

## Messages on the busiest day (${busiest}, a Monday and the month's first lesson day), at the cap (${cap} a group a day)

As counted in the runs above, from one budget shared by the loops in the order of the table:

| loop | when | group posts | private messages |
|---|---|---|---|
${measured.map((m) => `| ${m.loop.label} | ${m.loop.when} | ${n(m.busiest.posts)} | ${n(m.busiest.privates)} |`).join('\n')}
| **all** | | **${n(busiestPosts)}** | **${n(busiestPrivates)}** |

Per account at ${pace.perMinute}/min with ${pace.roomGapSeconds[0]}–${pace.roomGapSeconds[1]} s between chats (${single.toFixed(1)} s a message to another chat):

| | messages | minutes of sending |
|---|---|---|
| the lesson wave (1 message a lesson) | ${n(wave.messages.lessons)} | ${wave.minutes.lessons} |
| group posts, busiest day | ${n(busiestPosts)} | ${minutes(busiestPosts)} |
| group posts at most (the cap × groups) | ${n(wave.messages.engagement)} | ${wave.minutes.engagement} |
| private messages, busiest day | ${n(busiestPrivates)} | ${minutes(busiestPrivates)} |

The send queue sends all of them after the lessons due (tests/engage/priority.test.ts); \`banqian capacity\` prints the same
budget for the groups enrolled.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/engagement.md', report);
console.log(report);
rmSync(reportsDir, { recursive: true, force: true });
await close();
