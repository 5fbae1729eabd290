import { expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import type { Group, QuizRef } from '../../src/core/ports.ts';
import { claimAndOpen, demoLesson } from '../helpers/push.ts';
import { commandsDuring, redisTest, redisUrl } from '../helpers/redis.ts';

const points = { correct: 2, answered: 1, late: 1 };
const open = (prefix: string) => new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
const group = (gid: number): Group => ({
  gid, roomId: 'r1', topic: '一班', track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 120, status: 'active', cycleSince: '', cycle: 1, lessons: 0,
  current: '', activeSince: 0, team: '', options: {}, account: '',
});

redisTest('an id resolved again writes nothing unless the name changed, and each process resolves it once', async ({ prefix }) => {
  const a = open(prefix);
  const b = open(prefix);
  try {
    const gid = await a.resolveGroup('r1', '一班', '张班长');
    const wid = await a.resolveWorker(gid, 'u1', '李明');
    // Another process (its own cache) finds the same ids and writes nothing.
    const again = await commandsDuring(prefix, async () => {
      expect(await b.resolveGroup('r1', '一班', '张班长')).toBe(gid);
      expect(await b.resolveWorker(gid, 'u1', '李明')).toBe(wid);
    });
    expect(again.filter(([cmd]) => cmd === 'hset' || cmd === 'incr')).toEqual([expect.arrayContaining(['hset', a.keys.workerContacts])]);
    // The same process asks Redis nothing the second time.
    expect(await commandsDuring(prefix, () => b.resolveWorker(gid, 'u1', '李明'))).toEqual([]);
    // A new name is written, and read back as the display name.
    const renamed = await commandsDuring(prefix, () => b.resolveWorker(gid, 'u1', '李明明'));
    expect(renamed.some(([cmd, key]) => cmd === 'hset' && key === a.keys.workerDisplayNames)).toBe(true);
    expect(await a.workerNames([wid])).toEqual(['李明明']);
  } finally {
    a.redis.disconnect();
    b.redis.disconnect();
  }
});

redisTest("a cached answer target that another process moved on is caught by the write, and the answer goes to the group's new quiz", async ({ prefix }) => {
  const a = open(prefix);
  const b = open(prefix);
  try {
    const gid = await a.resolveGroup('r1', '一班', '张班长');
    await a.saveGroup(group(gid));
    const monday: QuizRef = { gid, day: '2026-12-07', kind: 'lesson' };
    await claimAndOpen(a, group(gid), monday);
    const cached = await a.answerTarget(gid);
    expect(cached?.ref).toEqual(monday);
    // Process b sends Tuesday's lesson: a's cache still says Monday.
    const tuesday: QuizRef = { gid, day: '2026-12-08', kind: 'lesson' };
    await claimAndOpen(b, group(gid), tuesday, demoLesson('demo-003'));
    expect((await a.answerTarget(gid))?.ref).toEqual(monday);
    const answer = { wid: 1, name: '李明', lessonId: 'demo-002', lessonHash: cached!.lessonHash, question: 0, choice: 'A', correct: true, questionCount: 2, at: 2000, routed: true };
    expect(await a.recordAnswer({ ...monday, ...answer })).toEqual({ kind: 'moved' });
    expect((await a.getPush(gid, monday.day))?.late).toBe(0);
    // The fresh read (what the bot does next) finds Tuesday; written there, it counts on time.
    expect((await a.answerTarget(gid, true))?.ref).toEqual(tuesday);
    expect(await a.answerTarget(gid)).toEqual(await a.answerTarget(gid, true));
    expect(await a.recordAnswer({ ...tuesday, ...answer })).toMatchObject({ kind: 'recorded', onTime: true });
    // Unrouted writes (a card, the answer page) name their quiz and are not checked.
    expect(await a.recordAnswer({ ...monday, ...answer, wid: 2, routed: false })).toMatchObject({ kind: 'recorded', onTime: true });
  } finally {
    a.redis.disconnect();
    b.redis.disconnect();
  }
});

redisTest("the streaks index and the month's on-time counts follow every answer, late answer and kept streak", async ({ prefix }) => {
  const store = open(prefix);
  try {
    const gid = await store.resolveGroup('r1', '一班', '张班长');
    await store.saveGroup(group(gid));
    // Who answers each day (late ones after the close), and who is on leave then.
    const days = [
      { day: '2026-11-30', onTime: [1, 2, 3], late: [], leave: [] },
      { day: '2026-12-01', onTime: [1, 2], late: [4], leave: [3] },
      { day: '2026-12-02', onTime: [2, 3, 5], late: [1], leave: [] },
      { day: '2026-12-03', onTime: [3, 5], late: [], leave: [2] },
    ];
    const expectIndexRight = async (seq: number) => {
      const members = await store.members(gid);
      const reached = members.filter((m) => m.lastSeq === seq).sort((a, b) => b.streak - a.streak || a.wid - b.wid).map((m) => ({ wid: m.wid, name: m.name, streak: m.streak }));
      expect(await store.streaksAt(gid, seq)).toEqual(reached);
      expect(await store.streaksAt(gid, seq, 2)).toEqual(reached.slice(0, 2));
    };
    for (const [i, { day, onTime, late, leave }] of days.entries()) {
      const ref: QuizRef = { gid, day, kind: 'lesson' };
      const lesson = demoLesson(`demo-00${i + 2}`);
      await claimAndOpen(store, (await store.getGroup(gid))!, ref, lesson, 1000 * i, 100);
      const answer = (wid: number, at: number) =>
        store.recordAnswer({ ...ref, wid, name: `工友${wid}`, lessonId: lesson.id, lessonHash: '', question: 0, choice: 'A', correct: true, questionCount: 2, at });
      for (const wid of onTime) await answer(wid, 1000 * i + 10);
      await store.closeQuiz(ref, 1000 * i + 100, 5);
      for (const wid of late) await answer(wid, 1000 * i + 200);
      await store.keepStreaks(ref, leave);
      await expectIndexRight(i + 1);
    }
    // Months: each member's on-time lessons per month, as the pushes' participants say.
    for (const m of await store.members(gid)) {
      const joined: Record<string, number> = {};
      for (const { day } of days) if ((await store.onTimeWorkers(gid, day)).includes(m.wid)) joined[day.slice(0, 7)] = (joined[day.slice(0, 7)] ?? 0) + 1;
      expect(m.joined).toEqual(joined);
    }
    // A group that had answers before the index existed gets it from its member hashes.
    await store.redis.del(store.keys.streaks(gid));
    await expectIndexRight(days.length);
    await expectIndexRight(days.length - 1);
  } finally {
    store.redis.disconnect();
  }
});
