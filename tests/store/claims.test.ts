import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { snapshotOf } from '../../src/core/lessons/snapshot.ts';
import { text } from '../../src/core/messages.ts';
import type { Group } from '../../src/core/ports.ts';
import { demoLesson } from '../helpers/push.ts';
import { commandsDuring, redisTest, redisUrl } from '../helpers/redis.ts';

const points = { correct: 2, answered: 1, late: 1 };
const deadMs = 3 * 60_000;
const day = '2026-12-07';

async function claimed(store: RedisStore, n: number, owner: string, now: number): Promise<Group[]> {
  const lesson = demoLesson();
  const track = { id: 'demo', title: '测试课程', dir: '', lessons: [lesson] };
  const groups: Group[] = [];
  for (let i = 0; i < n; i++) {
    const room = `${owner}-${i}@chatroom`;
    const gid = await store.resolveGroup(room, room, '');
    const g: Group = { gid, roomId: room, topic: room, track: 'demo', time: '07:50', days: [1], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, account: '', team: '' };
    await store.saveGroup(g);
    const plan = { snapshot: snapshotOf(lesson, track), messages: [text('课')], target: { kind: 'room' as const, id: room, label: room }, newCycle: false, completesRound: false, freshSince: '' };
    expect(typeof (await store.claimPush(g, day, plan, now, owner, 'schedule'))).toBe('number');
    groups.push(g);
  }
  return groups;
}

describe('orphaned claims', () => {
  redisTest("reads only the dead instances' pending claims, not every claim of the wave", async ({ prefix, redis }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points });
    try {
      const t = 1_000_000;
      await store.heartbeat('live', t, deadMs);
      await store.heartbeat('dead', t - deadMs, deadMs);
      await claimed(store, 300, 'live', t);
      const [orphan] = await claimed(store, 1, 'dead', t - deadMs);
      let found: Awaited<ReturnType<typeof store.orphanedClaims>> = [];
      const commands = (await commandsDuring(prefix, async () => (found = await store.orphanedClaims(t, deadMs)))).map(([cmd]) => cmd);
      expect(found).toEqual([{ gid: orphan.gid, day, kind: 'lesson', owner: 'dead' }]);
      // The instances, their beats (a GET each), the dead one's claims and its one push: the 300 live claims are never looked at.
      expect(commands.sort()).toEqual(['get', 'get', 'hmget', 'zrange', 'zrange']);
      expect(await store.reclaimPush(found[0], 'dead', 'live', t)).toBe(true);
      expect(await store.orphanedClaims(t, deadMs)).toEqual([]);
      expect((await store.getPush(orphan.gid, day))!.owner).toBe('live');
      // The dead instance, with nothing pending any more, is forgotten.
      expect(await redis.zrange(store.keys.instances, 0, -1)).toEqual(['live']);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('by Redis time, a process whose clock jumped an hour ahead finds no live owner dead', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points, redisTimeBeats: true });
    try {
      const t = Date.now();
      await store.heartbeat('live', t, deadMs);
      await claimed(store, 2, 'live', t);
      expect(await store.orphanedClaims(t + 60 * 60_000, deadMs)).toEqual([]);
      // A beat that lapsed by Redis's clock is dead, whatever the caller's clock says.
      await store.heartbeat('gone', t, 50);
      await claimed(store, 1, 'gone', t);
      await new Promise((r) => setTimeout(r, 120));
      expect((await store.orphanedClaims(t - 60 * 60_000, deadMs)).map((o) => o.owner)).toEqual(['gone']);
    } finally {
      store.redis.disconnect();
    }
  });
});
