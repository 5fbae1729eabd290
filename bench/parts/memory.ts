/**
 * Memory: the bot's RSS after a morning of 2,000 groups × 30 workers (one process, every group's answers through
 * the whole bot path, its caches full), and Redis bytes per million answers: INFO memory's used_memory before
 * and after that morning, scaled to a million answers. A first morning (through the store, not measured) comes
 * before it, since a worker's first answer ever also makes the worker's member hash: what is measured is what
 * every later day adds. And Redis memory per team and year: 100 teams × 30 lesson days through the whole daily
 * write path (bench/seed.ts: claim, send, 30 workers answering one question, close, rollups), scaled to 1,000
 * teams × 250 lesson days.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { addDays } from '../../src/core/time.ts';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { answerProcesses, benchLesson, day, openStore, seedMorning } from '../morning.ts';
import { openBench, seedTeams } from '../seed.ts';

const groups = Number(process.env.BENCH_GROUPS ?? 2000);
const workers = Number(process.env.BENCH_WORKERS ?? 30);

const usedMemory = async (redis: { info(section: string): Promise<string> }) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);

/** used_memory added by `teams` teams × `days` lesson days through the daily write path: per team and lesson day. */
async function perTeamDay(teams = 100, days = 30): Promise<{ bytes: number; answers: number }> {
  const bench = await openBench(teams, 'year');
  try {
    const track = loadLibrary('lessons').library.track('safety')!;
    const before = await usedMemory(bench.store.redis);
    const answers = await seedTeams({ store: bench.store, org: bench.stats.org, track, lessons: track.lessons, workers, days, firstDay: '2026-09-01', timezone: bench.config.timezone }, teams);
    return { bytes: ((await usedMemory(bench.store.redis)) - before) / (teams * days), answers };
  } finally {
    await bench.close();
  }
}

export async function measure(): Promise<{ results: Record<string, unknown>; lines: string[] }> {
  const year = await perTeamDay();
  const yearGiB = (year.bytes * 1000 * 250) / 2 ** 30;
  const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-memory-'));
  const server = await startRedisServer({ dir, aof: false });
  const store = openStore(server.url, 'mem');
  try {
    const lesson = benchLesson();
    const morning = { url: server.url, prefix: 'mem', procs: 1, groups, workers, mode: 'bot' as const, inFlight: 64 };
    await seedMorning(store, lesson, 0, groups, workers);
    await answerProcesses({ ...morning, mode: 'store' });
    await seedMorning(store, lesson, 0, groups, workers, addDays(day, 1));
    const before = await usedMemory(store.redis);
    const run = await answerProcesses(morning);
    const after = await usedMemory(store.redis);
    const perMillion = Math.round(((after - before) / run.answers) * 1e6);
    const { rssMb } = run;
    return {
      results: { rssMb, redisBytesPerMillionAnswers: perMillion, redisGiBPer1000TeamsPerYear: Math.round(yearGiB * 100) / 100 },
      lines: [
        '| figure | value | reference | |',
        '|---|---|---|---|',
        `| rssMb: the bot process after a morning of ${groups.toLocaleString('en')} groups × ${workers} workers | ${rssMb} MB | — | its id and answer-target caches are bounded (100,000 ids, 20,000 groups) |`,
        `| redisBytesPerMillionAnswers: used_memory added by the second morning (${run.answers.toLocaleString('en')} answers) | ${(perMillion / 2 ** 20).toFixed(0)} MiB (${perMillion.toLocaleString('en')} bytes) | ${((after - before) / 2 ** 20).toFixed(1)} MiB for the ${run.answers.toLocaleString('en')} answers | per answer ${Math.round(perMillion / 1e6)} bytes: the record, the first-answer field, the day's sets and counters |`,
        `| redisGiBPer1000TeamsPerYear: used_memory added per team and lesson day by the whole daily write path (100 teams × 30 days, ${year.answers.toLocaleString('en')} answers, one per worker a day) × 1,000 teams × 250 lesson days | ${yearGiB.toFixed(2)} GiB | ${(year.bytes / 1024).toFixed(1)} KB per team and lesson day | the push, its answers, the close and the rollups; more questions a day add about the per-answer bytes above each |`,
      ],
    };
  } finally {
    store.redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
