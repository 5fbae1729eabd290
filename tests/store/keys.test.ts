import { describe, expect, test } from 'vitest';
import { connectRedis, renameOldKeys, scanKeys } from '../../src/adapters/store/redis/connect.ts';
import { keyBuilder } from '../../src/adapters/store/redis/keys.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { claimAndOpen, savedGroup } from '../helpers/push.ts';

const points = { correct: 2, answered: 1, late: 1 };
const odd = ['李:明', 'a*b?[c]', '王 芳 ', '👷‍♂️🔧', 'x\u0000y', '{tag}', '%s%n', ''];

describe('keys and identity', () => {
  test('key builder rejects anything but entity ids and days in keys', () => {
    const k = keyBuilder('p');
    expect(k.push(3, '2026-12-07')).toBe('p:{g:3}:push:2026-12-07:lesson');
    expect(() => k.push(0, '2026-12-07')).toThrow();
    expect(() => k.push(3, '2026-12-07', 'x' as 'lesson')).toThrow();
    expect(() => k.lessonSnapshot('../etc')).toThrow();
    expect(() => k.member(1.5, 2)).toThrow();
    expect(() => k.push(1, '2026-12-07:*')).toThrow();
    expect(() => keyBuilder('a:b')).toThrow();
  });

  redisTest('names with ":", "*", spaces, emoji or NUL never reach a key and never collide', async ({ redis, prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: true, points });
    try {
      const gid = await store.resolveGroup('r1@chatroom', '总装:一班*', '张 班长');
      const wids = await Promise.all(odd.map((name, i) => store.resolveWorker(gid, `wxid-${i}`, name)));
      expect(new Set(wids).size).toBe(odd.length);
      const keys: string[] = [];
      await scanKeys(redis, `${prefix}:*`, async (batch) => keys.push(...batch));
      for (const key of keys) expect(key.slice(prefix.length + 1)).toMatch(/^(\{(g:\d+|id:[a-z]+)\}:)?[a-z]+(:[a-z0-9-]+)*$/);
      expect(await store.resolveWorker(gid, 'wxid-3', odd[3])).toBe(wids[3]);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('stable-id puppets: a new id is a new entity, even with the same name', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
    try {
      const gid = await store.resolveGroup('r1@chatroom', '一班', '张班长');
      expect(await store.resolveGroup('r1@chatroom', '一班（改名）', '张班长')).toBe(gid); // renaming keeps the group
      const a = await store.resolveWorker(gid, 'wxid-a', '李明');
      const b = await store.resolveWorker(gid, 'wxid-b', '李明'); // two people called 李明
      expect(a).not.toBe(b);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('ids that change per login (wechat4u): topic + owner and group + name keep the same entity', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: true, points });
    try {
      const gid = await store.resolveGroup('@@old', '一班', '张班长');
      const wid = await store.resolveWorker(gid, '@old-li', '李明');
      expect(await store.resolveGroup('@@new', '一班', '张班长')).toBe(gid);
      expect(await store.resolveWorker(gid, '@new-li', '李明')).toBe(wid);
      expect(await store.resolveGroup('@@other', '二班', '张班长')).not.toBe(gid);
      expect(await store.lookupWorkers(gid, ['@newest-li'], ['李明'])).toEqual([wid]);
    } finally {
      store.redis.disconnect();
    }
  });
});

describe('answer records', () => {
  redisTest('every answer is kept as a record, so figures can be recomputed', async ({ redis, prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
    try {
      const g = await savedGroup(store);
      const { gid } = g;
      const ref = { gid, day: '2026-12-07', kind: 'lesson' as const };
      await claimAndOpen(store, g, ref);
      const wid = await store.resolveWorker(gid, 'wx-1', '李明');
      const answer = { ...ref, wid, name: '李明', lessonId: 'demo-002', lessonHash: 'ab12ab12ab12ab12', questionCount: 2 };
      await store.recordAnswer({ ...answer, question: 0, choice: 'A', correct: true, at: 2000 });
      await store.recordAnswer({ ...answer, question: 0, choice: 'B', correct: false, at: 3000 }); // not the first: ignored
      await store.recordAnswer({ ...answer, question: 1, choice: 'C', correct: true, at: 70_000 }); // after the window
      const records = (await redis.lrange(store.keys.answers(gid, '2026-12-07'), 0, -1)).map((r) => JSON.parse(r));
      expect(records).toEqual([[wid, 0, 'A', 1, 2000, 1], [wid, 1, 'C', 1, 70_000, 0]]);
      expect(await store.getPush(gid, '2026-12-07')).toMatchObject({ lessonId: 'demo-002', answered: 1, correct: 0, late: 1 });
    } finally {
      store.redis.disconnect();
    }
  });
});

describe('identity by (platform, account, platform id)', () => {
  redisTest('the same platform id seen through another bot account or platform is someone else; the name is only for display', async ({ prefix }) => {
    const open = (platform: string, account: string) => new RedisStore(connectRedis(redisUrl()), { prefix, platform, account, unstableIds: false, points });
    const [a, b, c] = [open('wechaty', 'acct-1'), open('wechaty', 'acct-2'), open('wecom', 'acct-1')];
    try {
      const gid = await a.resolveGroup('r1@chatroom', '一班', '张班长');
      expect(await a.resolveGroup('r1@chatroom', '一班改名', '张班长')).toBe(gid);
      expect(await b.resolveGroup('r1@chatroom', '一班', '张班长')).not.toBe(gid);
      expect(await c.resolveGroup('r1@chatroom', '一班', '张班长')).not.toBe(gid);
      const wid = await a.resolveWorker(gid, 'u1', '李明');
      expect(await b.resolveWorker(gid, 'u1', '李明')).not.toBe(wid);
      expect(await a.lookupWorkers(gid, ['u1'], ['李明'])).toEqual([wid]);
      expect(await b.lookupWorkers(gid, ['u9'], ['李明'])).toEqual([undefined]);
    } finally {
      for (const s of [a, b, c]) s.redis.disconnect();
    }
  });
});

describe('the durable outbox', () => {
  redisTest('an item is added once per id, even after delivery; a live lease keeps other instances off, an expired one does not', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points });
    try {
      const item = { id: 'summary:1:2026-12-07:lesson', target: { kind: 'room' as const, id: 'r@chatroom', label: '一班' }, messages: [{ kind: 'text' as const, text: '揭晓' }], createdAt: 5 };
      expect(await store.outboxAdd('a', item)).toBe(true);
      expect(await store.outboxAdd('a', item)).toBe(false);
      expect(await store.outboxPending('a', 10)).toEqual([item]);
      expect(await store.outboxPending('other', 10)).toEqual([]); // one outbox per account
      expect(await store.outboxLease('a', item.id, 'p1', 1000, 600_000)).toBe(true);
      expect(await store.outboxLease('a', item.id, 'p2', 2000, 600_000)).toBe(false); // p1 holds it
      expect(await store.outboxLease('a', item.id, 'p2', 700_000, 600_000)).toBe(true); // p1 died: taken over
      await store.outboxDone('a', item.id, 800_000);
      expect(await store.outboxPending('a', 10)).toEqual([]);
      expect(await store.outboxLease('a', item.id, 'p3', 900_000, 600_000)).toBe(false);
      expect(await store.outboxAdd('a', item)).toBe(false); // a repeated close never posts it again
    } finally {
      store.redis.disconnect();
    }
  });
});

describe('engagement budget', () => {
  redisTest('a group spends at most the cap of engagement messages a day; the next day starts afresh', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
    try {
      const spent = [];
      for (let i = 0; i < 5; i++) spent.push(await store.spendBudget(7, '2026-12-07', 3));
      expect(spent).toEqual([true, true, true, false, false]);
      expect(await store.spendBudget(7, '2026-12-08', 3)).toBe(true);
      expect(await store.spendBudget(8, '2026-12-07', 3)).toBe(true);
    } finally {
      store.redis.disconnect();
    }
  });
});

describe('private contacts', () => {
  redisTest('a worker is reached privately at the id they last spoke as, on this platform and account only', async ({ prefix }) => {
    const opts = { prefix, unstableIds: false, points };
    const wechat = new RedisStore(connectRedis(redisUrl()), { ...opts, platform: 'wechaty', account: 'a' });
    const other = new RedisStore(connectRedis(redisUrl()), { ...opts, platform: 'wecom', account: 'b' });
    try {
      const wid = await wechat.resolveWorker(1, 'wxid_li', '李明');
      expect(await wechat.contactOf(wid)).toBe('wxid_li');
      expect(await other.contactOf(wid)).toBeUndefined();
      expect(await wechat.contactOf(wid + 1)).toBeUndefined();
    } finally {
      wechat.redis.disconnect();
      other.redis.disconnect();
    }
  });
});

// A single server's upgrade; a Cluster starts with the new names (RENAME cannot cross slots).
describe.skipIf(redisUrl().startsWith('redis-cluster:'))('keys renamed for Redis Cluster', () => {
  redisTest('a server still holding the identity maps under their old names has them moved once, nothing overwritten', async ({ redis, prefix }) => {
    const k = keyBuilder(prefix);
    await redis.hset(`${prefix}:idmap:room`, 'wechaty:a:r1', '7');
    await redis.set(`${prefix}:seq:group`, '7');
    await redis.hset(`${prefix}:names:org`, '3', '江都区');
    await renameOldKeys(redis, k.renamed);
    await renameOldKeys(redis, k.renamed); // a second start changes nothing
    expect(await redis.hgetall(k.roomIds)).toEqual({ 'wechaty:a:r1': '7' });
    expect(await redis.get(k.groupSeq)).toBe('7');
    expect(await redis.hgetall(k.orgNames)).toEqual({ 3: '江都区' });
    expect(await redis.exists(`${prefix}:idmap:room`, `${prefix}:seq:group`, `${prefix}:names:org`)).toBe(0);
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'a', unstableIds: false, points });
    try {
      expect(await store.resolveGroup('r1', '一班', '张班长')).toBe(7);
      expect(await store.resolveGroup('r2', '二班', '张班长')).toBe(8);
    } finally {
      store.redis.disconnect();
    }
  });
});
