/**
 * Seeds 2,000 teams × 30 workers × 90 days (5.4 million answers) through the bot's own write path
 * (claim, send, answer scripts, close, rollup), then times the dashboard's overview, a team page
 * and the stats API with inject(), and reports Redis memory. Results go to bench/results/dashboard.md.
 *
 *   npm run bench:dashboard                     # full size (several minutes)
 *   BENCH_TEAMS=200 BENCH_DAYS=30 npm run bench:dashboard # a quick look
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { buildApp } from '../src/adapters/web/app.ts';
import { RedisSessions } from '../src/adapters/web/sessions.ts';
import { hashPassword } from '../src/config/officers.ts';
import { loadLibrary } from '../src/core/lessons/load.ts';
import { addDays, instantOf } from '../src/core/time.ts';
import { openBench, seedTeams } from './seed.ts';

const teams = Number(process.env.BENCH_TEAMS ?? 2000);
const workersPerTeam = Number(process.env.BENCH_WORKERS ?? 30);
const days = Number(process.env.BENCH_DAYS ?? 90);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const firstDay = '2026-09-01';
const tz = 'Asia/Shanghai';

const { stats, store, close } = await openBench(teams, 'bench');
const track = loadLibrary('lessons').library.track('safety')!;
const concurrency = 32;
const started = Date.now();
const answers = await seedTeams({ store, org: stats.org, track, lessons: track.lessons, workers: workersPerTeam, days, firstDay, timezone: tz }, teams, concurrency);
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

Produced by \`npm run bench:dashboard\` (bench/dashboard.ts) on ${new Date().toISOString().slice(0, 10)}:
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
writeFileSync('bench/results/dashboard.md', report);
console.log(report);
await app.close();
await close();
