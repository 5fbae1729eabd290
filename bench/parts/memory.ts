/**
 * Memory: the bot's RSS after a morning of 2,000 groups × 30 workers (one process, every group's answers through
 * the whole bot path, its caches full), and Redis bytes per million answers: INFO memory's used_memory before
 * and after the second such morning (the first one creates each worker's member hash once; the second is
 * what every later day adds), scaled to a million answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { answerProcesses, benchLesson, day, openStore, seedMorning } from '../morning.ts';
import { addDays } from '../../src/core/time.ts';

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
    const first = await answerProcesses(morning);
    await seedMorning(store, lesson, 0, groups, workers, addDays(day, 1));
    const before = await usedMemory();
    const second = await answerProcesses(morning);
    const after = await usedMemory();
    const perMillion = Math.round(((after - before) / second.answers) * 1e6);
    const rssMb = Math.max(first.rssMb, second.rssMb);
    return {
      results: { rssMb, redisBytesPerMillionAnswers: perMillion },
      lines: [
        '| figure | value | reference | |',
        '|---|---|---|---|',
        `| rssMb: the bot process after a morning of ${groups.toLocaleString('en')} groups × ${workers} workers | ${rssMb} MB | — | its id and answer-target caches are bounded (100,000 ids, 20,000 groups) |`,
        `| redisBytesPerMillionAnswers: used_memory added by the second morning (${second.answers.toLocaleString('en')} answers) | ${(perMillion / 2 ** 20).toFixed(0)} MiB (${perMillion.toLocaleString('en')} bytes) | ${((after - before) / 2 ** 20).toFixed(1)} MiB for the ${second.answers.toLocaleString('en')} answers | per answer ${Math.round(perMillion / 1e6)} bytes: the record, the first-answer field, the day's sets and counters |`,
      ],
    };
  } finally {
    store.redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
