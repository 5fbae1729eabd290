import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { claimAndOpen, demoLesson, savedGroup } from '../helpers/push.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';

const points = { correct: 2, answered: 1, late: 1 };

describe('what ranking, stars and badges keep in Redis', () => {
  redisTest('points per month are kept on the write path, by the month of the lesson; badges and posts are given once', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
    try {
      const g = await savedGroup(store, [1, 2, 3, 4, 5]);
      const { gid } = g;
      const [li, wang] = [await store.resolveWorker(gid, 'wx-1', '李明'), await store.resolveWorker(gid, 'wx-2', '王芳')];
      for (const [day, lesson] of [['2026-11-30', 'demo-001'], ['2026-12-01', 'demo-003']] as const) {
        const ref = { gid, day, kind: 'lesson' as const };
        await claimAndOpen(store, g, ref, demoLesson(lesson));
        const answer = { ...ref, name: '', lessonId: 'demo-001', lessonHash: 'a1b2c3d4e5f60718', question: 0, questionCount: 2, at: 2000 };
        await store.recordAnswer({ ...answer, wid: li, choice: 'B', correct: true });
        await store.recordAnswer({ ...answer, wid: wang, choice: 'A', correct: false });
        // A repeated answer earns nothing.
        await store.recordAnswer({ ...answer, wid: li, choice: 'B', correct: true });
      }
      expect(await store.monthPoints(gid, '2026-11', 5)).toEqual([{ wid: li, points: 2 }, { wid: wang, points: 1 }]);
      expect(await store.monthPoints(gid, '2026-12', 1)).toEqual([{ wid: li, points: 2 }]);
      expect(await store.monthPoints(gid, '2026-10', 5)).toEqual([]);

      expect(await store.awardBadge(gid, li, 'streak10', '2026-12-01')).toBe('2026-12-01');
      expect(await store.awardBadge(gid, li, 'streak10', '2026-12-20')).toBe('2026-12-01');
      await store.awardBadge(gid, li, 'full:2026-11', '2026-12-01');
      expect((await store.memberStats(gid, li))?.badges).toEqual(['full:2026-11', 'streak10']);
      expect((await store.memberStats(gid, wang))?.badges).toEqual([]);

      expect(await store.onceFor(gid, 'pk:2026-W49', '2026-11-30')).toBe(true);
      expect(await store.onceFor(gid, 'pk:2026-W49', '2026-12-01')).toBe(false);
      expect(await store.onceFor(gid, 'pk:2026-W50', '2026-12-07')).toBe(true);
    } finally {
      store.redis.disconnect();
    }
  });
});
