/**
 * Memory: the bot's RSS after a morning of 2,000 groups × 30 workers (one process, every group's answers through
 * the whole bot path, its caches full), and Redis bytes per million answers: INFO memory's used_memory before
 * and after that morning, scaled to a million answers. A first morning (through the store, not measured) comes
 * before it, since a worker's first answer ever also makes the worker's member hash: what is measured is what
 * every later day adds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { addDays } from '../../src/core/time.ts';
import { answerProcesses, benchLesson, day, openStore, seedMorning } from '../morning.ts';

const groups = Number(process.env.BENCH_GROUPS ?? 2000);
const workers = Number(process.env.BENCH_WORKERS ?? 30);

export async function measure(): Promise<{ results: Record<string, unknown>; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-memory-'));
  const server = await startRedisServer({ dir, aof: false });
  const store = openStore(server.url, 'mem');
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await store.redis.info('memory'))![1]);
  try {
    const lesson = benchLesson();
    const morning = { url: server.url, prefix: 'mem', procs: 1, groups, workers, mode: 'bot' as const, inFlight: 64 };
    await seedMorning(store, lesson, 0, groups, workers);
    await answerProcesses({ ...morning, mode: 'store' });
    await seedMorning(store, lesson, 0, groups, workers, addDays(day, 1));
    const before = await usedMemory();
    const run = await answerProcesses(morning);
    const after = await usedMemory();
    const perMillion = Math.round(((after - before) / run.answers) * 1e6);
    const { rssMb } = run;
    return {
      results: { rssMb, redisBytesPerMillionAnswers: perMillion },
      lines: [
        '| figure | value | reference | |',
        '|---|---|---|---|',
        `| rssMb: the bot process after a morning of ${groups.toLocaleString('en')} groups × ${workers} workers | ${rssMb} MB | — | its id and answer-target caches are bounded (100,000 ids, 20,000 groups) |`,
        `| redisBytesPerMillionAnswers: used_memory added by the second morning (${run.answers.toLocaleString('en')} answers) | ${(perMillion / 2 ** 20).toFixed(0)} MiB (${perMillion.toLocaleString('en')} bytes) | ${((after - before) / 2 ** 20).toFixed(1)} MiB for the ${run.answers.toLocaleString('en')} answers | per answer ${Math.round(perMillion / 1e6)} bytes: the record, the first-answer field, the day's sets and counters |`,
      ],
    };
  } finally {
    store.redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
