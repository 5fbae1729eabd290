import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { newPrefix } from '../helpers/redis.ts';
import { claimAndOpen } from '../helpers/push.ts';
import { onPort, startSentinelSet, type SentinelSet } from '../helpers/topology.ts';

const points = { correct: 2, answered: 1, late: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let set: SentinelSet;

beforeAll(async () => {
  set = await startSentinelSet();
});
afterAll(async () => {
  if (set.replica.proc.pid) process.kill(set.replica.proc.pid, 'SIGCONT');
  await set?.stop();
});

test('Sentinel failover during a quiz window: no acknowledged answer is lost', async () => {
  const prefix = newPrefix();
  const store = new RedisStore(connectRedis(set.url), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  try {
    const gid = await store.resolveGroup('r@chatroom', '一班', '张班长');
    const g = { gid, roomId: 'r@chatroom', topic: '一班', track: 'demo', time: '07:50', days: [1], windowMinutes: 60, status: 'active' as const, cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: '' };
    await store.saveGroup(g);
    const ref = { gid, day: '2026-12-07', kind: 'lesson' as const };
    await claimAndOpen(store, g, ref, undefined, 1000, 3_600_000);
    const wids = await Promise.all(Array.from({ length: 20 }, (_, i) => store.resolveWorker(gid, `wx-${i}`, `工人${i}`)));
    expect(Number(await store.redis.wait(1, 2000))).toBe(1); // the quiz itself is on the replica

    // The replica falls behind (its link cut, and stopped so it cannot catch up), answers arrive, and the
    // primary dies before passing them on.
    process.kill(set.replica.proc.pid!, 'SIGSTOP');
    await onPort(set.primary.port, (r) => r.call('CLIENT', 'KILL', 'TYPE', 'replica'));
    const acked = new Set<number>();
    const answering = wids.map((wid) =>
      store.recordAnswer({ ...ref, wid, name: `工人${wid}`, lessonId: 'demo-002', lessonHash: 'ab12ab12ab12ab12', questionCount: 1, question: 0, choice: 'A', correct: true, at: 2000 }).then((r) => {
        expect(r.kind).toBe('recorded');
        acked.add(wid);
      }),
    );
    const firsts = store.keys.firsts(gid, ref.day);
    for (let i = 0; i < 200 && (await onPort(set.primary.port, (r) => r.hlen(firsts))) < wids.length; i++) await sleep(5);
    set.primary.proc.kill('SIGKILL');
    process.kill(set.replica.proc.pid!, 'SIGCONT');
    await Promise.all(answering);
    expect(acked.size).toBe(wids.length);

    for (let i = 0; i < 300 && (await set.currentPrimary()) !== set.replica.port; i++) await sleep(100);
    expect(await set.currentPrimary()).toBe(set.replica.port);
    // Every acknowledged answer is on the new primary, counted once.
    const kept = await onPort(set.replica.port, (r) => r.hkeys(firsts));
    expect(kept.sort()).toEqual(wids.map((w) => `${w}:0`).sort());
    expect((await store.getPush(gid, ref.day))?.answered).toBe(wids.length);
  } finally {
    store.redis.disconnect();
  }
});
