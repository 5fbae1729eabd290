import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { newPrefix } from '../helpers/redis.ts';
import { claimAndOpen, demoLesson, savedGroup } from '../helpers/push.ts';
import { snapshotOf } from '../../src/core/lessons/snapshot.ts';
import { text } from '../../src/core/messages.ts';
import { onPort, startSentinelSet, type SentinelSet } from '../helpers/topology.ts';

const points = { correct: 2, answered: 1, late: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let set: SentinelSet;

beforeEach(async () => {
  set = await startSentinelSet();
});
afterEach(async () => {
  if (set.replica.proc.pid) process.kill(set.replica.proc.pid, 'SIGCONT');
  await set?.stop();
});

/** The replica falls behind: its link is cut, and it is stopped so it cannot catch up. */
async function replicaLags(): Promise<void> {
  process.kill(set.replica.proc.pid!, 'SIGSTOP');
  await onPort(set.primary.port, (r) => r.call('CLIENT', 'KILL', 'TYPE', 'replica'));
}

/** The primary dies once `written` holds on it; the replica resumes and Sentinel promotes it. */
async function primaryDiesAfter(written: (r: Redis) => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await onPort(set.primary.port, written)); i++) await sleep(5);
  set.primary.proc.kill('SIGKILL');
  process.kill(set.replica.proc.pid!, 'SIGCONT');
}

async function failedOver(): Promise<void> {
  for (let i = 0; i < 300 && (await set.currentPrimary()) !== set.replica.port; i++) await sleep(100);
  expect(await set.currentPrimary()).toBe(set.replica.port);
}

test('Sentinel failover during a quiz window: no acknowledged answer is lost', async () => {
  const prefix = newPrefix();
  const store = new RedisStore(connectRedis(set.url), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  try {
    const g = await savedGroup(store);
    const gid = g.gid;
    const ref = { gid, day: '2026-12-07', kind: 'lesson' as const };
    await claimAndOpen(store, g, ref, undefined, 1000, 3_600_000);
    const wids = await Promise.all(Array.from({ length: 20 }, (_, i) => store.resolveWorker(gid, `wx-${i}`, `工人${i}`)));
    expect(Number(await store.redis.wait(1, 2000))).toBe(1); // the quiz itself is on the replica

    await replicaLags();
    const acked = new Set<number>();
    const answering = wids.map((wid) =>
      store.recordAnswer({ ...ref, wid, name: `工人${wid}`, lessonId: 'demo-002', lessonHash: 'ab12ab12ab12ab12', questionCount: 1, question: 0, choice: 'A', correct: true, at: 2000 }).then((r) => {
        expect(r.kind).toBe('recorded');
        acked.add(wid);
      }),
    );
    const firsts = store.keys.firsts(gid, ref.day);
    await primaryDiesAfter(async (r) => (await r.hlen(firsts)) === wids.length);
    await Promise.all(answering);
    expect(acked.size).toBe(wids.length);

    await failedOver();
    // Every acknowledged answer is on the new primary, counted once.
    const kept = await onPort(set.replica.port, (r) => r.hkeys(firsts));
    expect(kept.sort()).toEqual(wids.map((w) => `${w}:0`).sort());
    expect((await store.getPush(gid, ref.day))?.answered).toBe(wids.length);
  } finally {
    store.redis.disconnect();
  }
});

test('Sentinel failover during a wave: a claim the old primary acknowledged is not pushed again', async () => {
  const prefix = newPrefix();
  const open = () => new RedisStore(connectRedis(set.url), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  const [a, b] = [open(), open()];
  try {
    const g = await savedGroup(a);
    const lesson = demoLesson();
    const plan = { snapshot: snapshotOf(lesson, { id: 'demo', title: '测试课程', dir: '', lessons: [lesson] }), messages: [text(lesson.title)], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: false, completesRound: false, freshSince: '' };
    await a.saveSnapshot(plan.snapshot);
    expect(Number(await a.redis.wait(1, 2000))).toBe(1);

    await replicaLags();
    const claimed = a.claimPush(g, '2026-12-07', plan, 1000, 'instance-a', 'schedule');
    await primaryDiesAfter(async (r) => (await r.hget(a.keys.push(g.gid, '2026-12-07'), 'owner')) === 'instance-a');
    expect(typeof (await claimed)).toBe('number');
    await failedOver();
    // Another instance plans the same day on the new primary: the claim is there, so it is not pushed twice.
    expect(await b.claimPush((await b.getGroup(g.gid))!, '2026-12-07', plan, 2000, 'instance-b', 'schedule')).toBe('taken');
    expect((await b.getPush(g.gid, '2026-12-07'))?.owner).toBe('instance-a');
  } finally {
    a.redis.disconnect();
    b.redis.disconnect();
  }
});

test('Sentinel failover while a push goes out: a message recorded as sent is not sent again; the push goes on from the next', async () => {
  const prefix = newPrefix();
  const store = new RedisStore(connectRedis(set.url), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  try {
    const g = await savedGroup(store);
    const lesson = demoLesson();
    const ref = { gid: g.gid, day: '2026-12-07', kind: 'lesson' as const };
    const plan = { snapshot: snapshotOf(lesson, { id: 'demo', title: '测试课程', dir: '', lessons: [lesson] }), messages: [text('第一条'), text('第二条')], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: false, completesRound: false, freshSince: '' };
    expect(typeof (await store.claimPush(g, ref.day, plan, 1000, 'instance-a', 'schedule'))).toBe('number');
    expect(await store.beginMessage(ref, 'instance-a', 0)).toBe(true);

    // The first message went out; its record is on the primary only when the primary dies.
    await replicaLags();
    const recorded = store.messageSent(ref, 'instance-a', 0);
    await primaryDiesAfter(async (r) => (await r.hget(store.keys.push(ref.gid, ref.day), 'next')) === '1');
    await recorded;
    await failedOver();
    expect(await store.beginMessage(ref, 'instance-a', 0)).toBe(false);
    expect((await store.pushMessages(ref))?.next).toBe(1);

    // The push goes on from there on the new primary: the second message, then the quiz opens.
    expect(await store.beginMessage(ref, 'instance-a', 1)).toBe(true);
    await store.messageSent(ref, 'instance-a', 1);
    await store.openQuiz(ref, 'instance-a', 2000, 3_602_000);
    expect((await store.getPush(ref.gid, ref.day))?.status).toBe('sent');
    expect(await store.openQuizzes()).toEqual([ref]);
  } finally {
    store.redis.disconnect();
  }
});

test('Sentinel failover after a summary went out: its id is still done on the new primary, so it is not posted again', async () => {
  const prefix = newPrefix();
  const store = new RedisStore(connectRedis(set.url), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  try {
    const item = { id: 'summary:1:2026-12-07:lesson', target: { kind: 'room' as const, id: 'r@chatroom', label: '一班' }, messages: [text('【小测揭晓】')], createdAt: 1000 };
    expect(await store.outboxAdd('bot', item)).toBe(true);
    expect(Number(await store.redis.wait(1, 2000))).toBe(1);
    await replicaLags();
    const done = store.outboxDone('bot', item.id, 2000);
    await primaryDiesAfter(async (r) => (await r.zcard(store.keys.outboxQueue('bot'))) === 0);
    await done;
    await failedOver();
    // The close lost with the old primary is made again and offers the same summary: it is refused.
    expect(await store.outboxAdd('bot', item)).toBe(false);
    expect(await store.outboxPending('bot', 10)).toEqual([]);
  } finally {
    store.redis.disconnect();
  }
});
