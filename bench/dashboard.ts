/**
 * Seeds 2,000 teams × 30 workers × 90 days (5.4 million answers) through the bot's own write path
 * (claim, send, answer scripts, close, rollup), then times the dashboard's overview, a team page
 * and the stats API with inject(), and reports Redis memory. Results go to bench/results.md.
 *
 *   npm run bench                       # full size (several minutes)
 *   BENCH_TEAMS=200 BENCH_DAYS=30 npm run bench   # a quick look
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildApp } from '../src/adapters/web/app.ts';
import { startRedisServer } from '../src/adapters/store/redis/server.ts';
import { RedisSessions } from '../src/adapters/web/sessions.ts';
import { openStats } from '../src/app/stats.ts';
import { loadConfig } from '../src/config/config.ts';
import { hashPassword } from '../src/config/officers.ts';
import { loadLibrary } from '../src/core/lessons/load.ts';
import { snapshotOf } from '../src/core/lessons/snapshot.ts';
import { text } from '../src/core/messages.ts';
import type { Group } from '../src/core/ports.ts';
import { addDays, instantOf, minuteMs } from '../src/core/time.ts';

const teams = Number(process.env.BENCH_TEAMS ?? 2000);
const workersPerTeam = Number(process.env.BENCH_WORKERS ?? 30);
const days = Number(process.env.BENCH_DAYS ?? 90);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const firstDay = '2026-09-01';
const tz = 'Asia/Shanghai';

const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-'));
const server = process.env.REDIS_URL ? { url: process.env.REDIS_URL, stop: async () => {} } : await startRedisServer({ dir, aof: false });

// The org tree: 1 district → 20 enterprises → 10 workshops → 10 teams (2,000 leaves at full size).
const perWorkshop = 10;
const workshops = Math.ceil(teams / perWorkshop);
const enterprises = Math.ceil(workshops / 10);
const leaf = (t: number) => `第${Math.floor(t / perWorkshop / 10) + 1}公司/第${Math.floor(t / perWorkshop) + 1}车间/第${t + 1}班组`;
const orgFile = join(dir, 'org.yaml');
writeFileSync(
  orgFile,
  stringify({
    name: '区总工会',
    children: Array.from({ length: enterprises }, (_, e) => ({
      name: `第${e + 1}公司`,
      children: Array.from({ length: Math.min(10, workshops - e * 10) }, (_, w) => ({
        name: `第${e * 10 + w + 1}车间`,
        children: Array.from({ length: Math.min(perWorkshop, teams - (e * 10 + w) * perWorkshop) }, (_, t) => ({ name: `第${(e * 10 + w) * perWorkshop + t + 1}班组` })),
      })),
    })),
  }),
);

const config = loadConfig('/nonexistent', {});
config.orgFile = orgFile;
const { stats, store, close } = openStats(config, server.url, 'bench');
const library = loadLibrary('lessons').library;
const track = library.track('safety')!;
const lessons = track.lessons;

/** One team's whole history, through the same store calls the bot makes. */
async function seedTeam(t: number, wids: number[]): Promise<number> {
  const gid = await store.resolveGroup(`${t}@chatroom`, `班组${t + 1}`, `班长${t + 1}`);
  const group: Group = {
    gid, roomId: `${t}@chatroom`, topic: `班组${t + 1}`, track: 'safety', time: '07:50', days: [1, 2, 3, 4, 5, 6, 7], windowMinutes: 120,
    status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: `区总工会/${leaf(t)}`,
  };
  await store.saveGroup(group);
  let answers = 0;
  for (let d = 0; d < days; d++) {
    const day = addDays(firstDay, d);
    const lesson = lessons[d % lessons.length];
    const sentAt = instantOf(day, '07:50', tz);
    const g = (await store.getGroup(gid))!;
    const ref = { gid, day, kind: 'lesson' as const };
    // Each push starts a new round, so the seed may cycle through the track freely.
    const plan = { snapshot: snapshotOf(lesson, track), messages: [text(lesson.title)], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: true, completesRound: false, freshSince: '' };
    if (typeof (await store.claimPush(g, day, plan, sentAt, 'bench', 'schedule')) !== 'number') continue;
    await store.beginMessage(ref, 'bench', 0);
    await store.openQuiz(ref, 'bench', sentAt, sentAt + 120 * minuteMs);
    const writes: Promise<unknown>[] = [];
    for (const [w, wid] of wids.entries()) {
      // Each worker answers one question; about one in five picks a wrong option, a few answer late.
      const q = 0;
      const right = (t + d + w) % 5 !== 0;
      const choice = right ? lesson.quiz[q].answer : lesson.quiz[q].answer === 'A' ? 'B' : 'A';
      const late = (t + d + w) % 23 === 0;
      writes.push(
        store.recordAnswer({
          ...ref, wid, name: `职工${w + 1}`, lessonId: lesson.id, lessonHash: plan.snapshot.hash, question: q, choice, correct: right, questionCount: 1,
          at: sentAt + (late ? 200 : 30) * minuteMs,
        }),
      );
    }
    await Promise.all(writes);
    answers += wids.length;
    await store.closeQuiz(ref, sentAt + 120 * minuteMs, workersPerTeam);
    await store.syncRollup(gid, day, stats.org.teamPaths(group.team));
    await store.forgetQuiz(ref);
  }
  return answers;
}

const started = Date.now();
let answers = 0;
let next = 0;
const concurrency = 32;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let t = next++; t < teams; t = next++) {
      const wids = await Promise.all(Array.from({ length: workersPerTeam }, (_, w) => store.resolveWorker(undefined, `w-${t}-${w}`, `职工${w + 1}`)));
      const written = await seedTeam(t, wids);
      answers += written;
      if (t % 100 === 99) console.error(`seeded ${t + 1}/${teams} teams, ${answers} answers, ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }),
);
const seedSeconds = (Date.now() - started) / 1000;
await store.redis.bgrewriteaof().catch(() => {});
const memory = /used_memory_human:(\S+)/.exec(await store.redis.info('memory'))![1];
const keys = await store.redis.dbsize();

const officers = [{ name: 'bench', scope: '区总工会', password: hashPassword('bench-password') }];
const lastDay = addDays(firstDay, days - 1);
const app = buildApp({ dashboard: { stats, officers: () => officers, secret: 'bench-secret-0123456789', now: () => instantOf(lastDay, '18:00', tz), timezone: tz, sessions: new RedisSessions(store.redis, store.keys) } });
const login = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'bench', password: 'bench-password' } });
const cookies = { bq_session: login.cookies.find((c) => c.name === 'bq_session')!.value };
const range = `from=${firstDay}&to=${lastDay}`;
const [firstTeam] = await store.groups([(await store.teamBindings())[0].gid]);
const enterprise = encodeURIComponent('区总工会/第1公司');
const workshop = encodeURIComponent('区总工会/第1公司/第1车间');

async function time(label: string, url: string): Promise<string> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const res = await app.inject({ url, cookies });
    ms.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    bytes = res.rawPayload.length;
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
  return `| ${label} | \`${decodeURIComponent(url)}\` | ${p(0.5)} | ${p(0.95)} | ${p(0.99)} | ${(bytes / 1024).toFixed(0)} KB |`;
}

const rows = [
  await time('overview, whole district', `/api/overview?${range}`),
  await time('overview, one enterprise', `/api/overview?org=${enterprise}&${range}`),
  await time('team page', `/api/team/${firstTeam.gid}?${range}`),
  await time('stats API, one team', `/api/stats?org=${encodeURIComponent(firstTeam.team)}&${range}`),
  await time('stats API, one workshop (10 teams)', `/api/stats?org=${workshop}&${range}`),
];

const report = `# Dashboard benchmark

Produced by \`npm run bench\` (bench/dashboard.ts) on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, a private redis-server on loopback.

Seed: ${teams} teams × ${workersPerTeam} workers × ${days} days = **${answers.toLocaleString('en')} answers**, written through the bot's
own write path (claim_push, start_sending, open_quiz, record_answer, close_quiz, sync_rollup), ${concurrency} teams at a time.
Seeding took ${seedSeconds.toFixed(0)} s (${Math.round(answers / seedSeconds).toLocaleString('en')} answers/s).

Redis after seeding: **${memory}** used, ${keys.toLocaleString('en')} keys (every answer is also kept as a record).

Each request was made ${requests} times in a row with Fastify's inject() over the whole ${days}-day range, officer scope = the district.
Times in milliseconds.

| view | request | p50 | p95 | p99 | response |
|---|---|---|---|---|---|
${rows.join('\n')}

Org levels read the per-node daily rollups that the write path keeps (no answer records are scanned);
a team reads its own ≤ ${days} push hashes; the stats API adds one hash of first answers per team-day for the worker figures.
`;
writeFileSync('bench/results.md', report);
console.log(report);
await app.close();
close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
