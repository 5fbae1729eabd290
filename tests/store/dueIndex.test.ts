import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import type { Group } from '../../src/core/ports.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';

const points = { correct: 2, answered: 1, late: 1 };

describe('the due index', () => {
  redisTest('follows the group on the write path: its time, pause, resume and leave; reads one range, across midnight too', async ({ prefix, redis }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points });
    try {
      const group = async (room: string, time: string): Promise<Group> => {
        const gid = await store.resolveGroup(room, room, '');
        const g: Group = { gid, roomId: room, topic: room, track: 'demo', time, days: [1], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, account: '', team: '' };
        await store.saveGroup(g);
        return g;
      };
      const early = await group('r1', '07:30');
      const late = await group('r2', '23:50');
      const night = await group('r3', '00:05');
      expect(await redis.zscore(store.keys.dueIndex, early.gid)).toBe('450');
      expect(await store.dueGroups(450, 450)).toEqual([early.gid]);
      expect((await store.dueGroups(1430, 10)).sort()).toEqual([late.gid, night.gid].sort());
      await store.saveGroup({ ...early, time: '08:00' });
      expect(await store.dueGroups(450, 450)).toEqual([]);
      expect(await store.dueGroups(480, 480)).toEqual([early.gid]);
      await store.saveGroup({ ...early, time: '08:00', status: 'paused' });
      expect(await store.dueGroups(0, 1439)).not.toContain(early.gid);
      await store.saveGroup({ ...early, time: '08:00', status: 'active' });
      await store.saveGroup({ ...early, time: '08:00', status: 'active' }); // idempotent
      expect(await store.dueGroups(480, 480)).toEqual([early.gid]);
      await store.saveGroup({ ...night, status: 'left' });
      expect(await store.dueGroups(1430, 10)).toEqual([late.gid]);
      // Groups enrolled before the index existed are indexed once at start-up.
      await redis.del(store.keys.dueIndex);
      await store.ensureDueIndex();
      expect((await store.dueGroups(0, 1439)).sort()).toEqual([early.gid, late.gid].sort());
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest("a group's account is stored; '' for groups enrolled before accounts", async ({ prefix, redis }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points });
    try {
      const gid = await store.resolveGroup('r', 'r', '');
      const g: Group = { gid, roomId: 'r', topic: 'r', track: 'demo', time: '07:50', days: [1], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, account: 'robot-2', team: '' };
      await store.saveGroup(g);
      expect((await store.getGroup(gid))!.account).toBe('robot-2');
      await redis.hdel(store.keys.group(gid), 'account');
      expect((await store.getGroup(gid))!.account).toBe('');
    } finally {
      store.redis.disconnect();
    }
  });
});
