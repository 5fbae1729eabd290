import { expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { claimAndOpen } from '../helpers/push.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';

redisTest("a group's listed leaders, and a quiz reminded once", async ({ prefix }) => {
  const redis = connectRedis(redisUrl());
  try {
    const store = new RedisStore(redis, { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
    const gid = await store.resolveGroup('r1', '一班', '张班长');
    const g = { gid, roomId: 'r1', topic: '一班', track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 120, status: 'active' as const, cycleSince: '', cycle: 1, lessons: 0, current: '', activeSince: 0, team: '', options: {}, account: '' };
    await store.saveGroup(g);
    expect(await store.leaders(gid)).toEqual([]);
    await store.addLeader(gid, 12);
    await store.addLeader(gid, 3);
    await store.addLeader(gid, 12);
    expect(await store.leaders(gid)).toEqual([3, 12]);

    const ref = { gid, day: '2026-12-07', kind: 'lesson' as const };
    await claimAndOpen(store, g, ref);
    expect(await store.markReminded(ref)).toBe(true);
    expect(await store.markReminded(ref)).toBe(false);
    // The mark is a field of the push, which reads as before.
    expect((await store.getPush(gid, ref.day))?.status).toBe('sent');
  } finally {
    redis.disconnect();
  }
});
