import { expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { claimAndOpen, savedGroup } from '../helpers/push.ts';

const points = { correct: 2, answered: 1, late: 1 };

redisTest('org rollups are written per node in a second step that may be cut short and repeated without counting twice', async ({ redis, prefix }) => {
  const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  try {
    const g = await savedGroup(store);
    const { gid } = g;
    const day = '2026-12-07';
    const ref = { gid, day, kind: 'lesson' as const };
    await claimAndOpen(store, g, ref);
    for (const [i, choice] of ['A', 'B'].entries()) {
      const wid = await store.resolveWorker(gid, `wx-${i}`, `工人${i}`);
      await store.recordAnswer({ ...ref, wid, name: `工人${i}`, lessonId: 'demo-002', lessonHash: 'ab12ab12ab12ab12', questionCount: 2, question: 0, choice, correct: choice === 'A', at: 2000 });
    }
    await store.closeQuiz(ref, 70_000, 5);
    const paths = ['江都区', '江都区/机械厂'];
    const figures = async (path: string) => (await store.rollups(path, [day], ['lessons', 'answered', 'expected']))[0];
    for (const p of paths) expect(await figures(p)).toEqual({ lessons: 0, answered: 0, expected: 0 }); // resolves the nodes' ids
    const ids = await Promise.all(paths.map(async (p) => Number(await redis.hget(store.keys.orgIds, p))));

    // A crash after step 1 and one node of step 2: the next sync finishes the same change, and commits it.
    const pending = JSON.parse(String(await store.redis.sync_rollup(store.keys.push(gid, day), store.keys.firsts(gid, day), ids.join(','), 0)));
    const first = [store.keys.rollup(ids[0], day), `v:${gid}`, pending.ver, JSON.stringify(pending.deltas[ids[0]])] as const;
    expect(Number(await store.redis.apply_rollup(...first))).toBe(1);
    await store.syncRollup(gid, day, paths);
    for (const p of paths) expect(await figures(p)).toEqual({ lessons: 1, answered: 2, expected: 5 });
    // A late repeat of the applied change changes nothing; the dashboard never sees the marker.
    expect(Number(await store.redis.apply_rollup(...first))).toBe(0);
    await store.syncRollup(gid, day, paths);
    expect(await figures(paths[0])).toEqual({ lessons: 1, answered: 2, expected: 5 });
    expect(Object.keys((await store.rollups(paths[0], [day]))[0]).some((f) => f.startsWith('v:'))).toBe(false);

    // Bound elsewhere: the old node gives the push back, the new one takes it, the district keeps it once.
    await store.syncRollup(gid, day, ['江都区', '江都区/纺织厂']);
    expect(await figures('江都区/机械厂')).toEqual({ lessons: 0, answered: 0, expected: 0 });
    expect(await figures('江都区/纺织厂')).toEqual({ lessons: 1, answered: 2, expected: 5 });
    expect(await figures('江都区')).toEqual({ lessons: 1, answered: 2, expected: 5 });
  } finally {
    store.redis.disconnect();
  }
});
