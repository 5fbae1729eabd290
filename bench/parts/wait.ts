/**
 * What WAIT 1 costs the answer path (README "Production"): with Sentinel configured, RedisStore.recordAnswer
 * acknowledges an answer only once a replica holds it. The same answers go through the store twice, on one
 * primary + replica + sentinel set on this machine: straight to the primary (no WAIT, the reference), and
 * through Sentinel (each answer waits for a WAIT 1, shared by the answers waiting at once). waitMs is the median time of one answer's WAIT, measured
 * alone afterwards. A first, unmeasured pass warms up. Answers are written 256 at a time, as many groups answer at once in the morning.
 */
import { randomUUID } from 'node:crypto';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { claimAndOpen } from '../../tests/helpers/push.ts';
import { startSentinelSet } from '../../tests/helpers/topology.ts';

const groups = 200;
const workers = 20;
const questions = 2;
const inFlight = 256;
const points = { correct: 2, answered: 1, late: 1 };

async function answersPerSec(target: string): Promise<number> {
  const store = new RedisStore(connectRedis(target), { prefix: `bench-wait-${randomUUID().slice(0, 8)}`, platform: 'wechaty', account: 'bench', unstableIds: false, points });
  try {
    const day = '2026-12-07';
    const answers: Parameters<RedisStore['recordAnswer']>[0][] = [];
    for (let i = 0; i < groups; i++) {
      const gid = await store.resolveGroup(`r${i}`, `班组${i}`, '班长');
      const g = { gid, roomId: `r${i}`, topic: `班组${i}`, track: 'demo', time: '07:50', days: [1], windowMinutes: 60, status: 'active' as const, cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: '', account: '' };
      await store.saveGroup(g);
      await claimAndOpen(store, g, { gid, day, kind: 'lesson' }, undefined, 1000, 3_600_000);
      for (let w = 0; w < workers; w++) {
        const wid = await store.resolveWorker(gid, `wx-${i}-${w}`, `工人${w}`);
        for (let q = 0; q < questions; q++) answers.push({ gid, day, kind: 'lesson', wid, name: `工人${w}`, lessonId: 'demo-002', lessonHash: 'ab12ab12ab12ab12', questionCount: questions, question: q, choice: 'A', correct: true, at: 2000 });
      }
    }
    const start = performance.now();
    for (let i = 0; i < answers.length; i += inFlight) await Promise.all(answers.slice(i, i + inFlight).map((a) => store.recordAnswer(a)));
    return Math.round(answers.length / ((performance.now() - start) / 1000));
  } finally {
    store.redis.disconnect();
  }
}

export async function measure(): Promise<{ results: Record<string, unknown>; lines: string[] }> {
  const set = await startSentinelSet();
  try {
    await answersPerSec(set.url); // warm-up: JIT and script loading, not measured
    const direct = await answersPerSec(`redis://127.0.0.1:${set.primary.port}`);
    const perSec = await answersPerSec(set.url);
    const redis = connectRedis(set.url);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await redis.set('bench-wait', i);
      const t = performance.now();
      await redis.wait(1, 50);
      times.push(performance.now() - t);
    }
    redis.disconnect();
    const waitMs = Number(times.sort((a, b) => a - b)[times.length >> 1].toFixed(3));
    const n = groups * workers * questions;
    return {
      results: { answersWait: { perSec, waitMs, referencePerSec: direct } },
      lines: [
        '## Answers with WAIT 1 (Sentinel)',
        '',
        `Method: ${n} answers (${groups} groups × ${workers} workers × ${questions} questions), ${inFlight} at a time, through RedisStore.recordAnswer on one primary + replica + sentinel on this machine (bench/parts/wait.ts).`,
        `- through Sentinel, each answer acknowledged after a WAIT 1 (shared by the answers waiting at once): **${perSec} answers/s**; the same answers straight to the primary (no WAIT): ${direct} answers/s (ratio ${(perSec / direct).toFixed(2)})`,
        `- one WAIT 1 on an idle set: median ${waitMs} ms (the replica on the same machine; over a LAN add its round trip)`,
      ],
    };
  } finally {
    await set.stop();
  }
}
