import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { snapshotOf } from '../../src/core/lessons/snapshot.ts';
import type { AnswerInput, Group } from '../../src/core/ports.ts';
import { isoWeek } from '../../src/core/stats.ts';
import { epochDay } from '../../src/core/time.ts';
import { claimAndOpen, demoLesson } from '../helpers/push.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';

const points = { correct: 2, answered: 1, late: 1 };
const track = { id: 'demo', title: '测试课程', dir: '', lessons: [] };

async function setUp(prefix: string) {
  const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'test', unstableIds: false, points });
  const gid = await store.resolveGroup('r@chatroom', '一班', '张班长');
  const g: Group = { gid, roomId: 'r@chatroom', topic: '一班', track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: '', account: '' };
  await store.saveGroup(g);
  const wids = [await store.resolveWorker(gid, 'wx-1', '李明'), await store.resolveWorker(gid, 'wx-2', '王芳')];
  return { store, g, wids };
}

/** Opens a lesson push of demoLesson(id) on `day` and returns a builder for answers to it. */
async function lessonOn(store: RedisStore, g: Group, day: string, id: string) {
  const lesson = demoLesson(id);
  await claimAndOpen(store, g, { gid: g.gid, day, kind: 'lesson' }, lesson);
  const hash = snapshotOf(lesson, track).hash;
  return {
    hash,
    answer: (wid: number, question: number, choice: string): AnswerInput => ({
      gid: g.gid, day, kind: 'lesson', wid, name: '某人', lessonId: id, lessonHash: hash, question, choice,
      correct: choice === lesson.quiz[question].answer, questionCount: 2, at: 1500,
    }),
  };
}

describe('错题本 indexes', () => {
  redisTest('wrong first answers are counted per question and ISO week on the write path; repeats and right answers are not', async ({ prefix }) => {
    const { store, g, wids } = await setUp(prefix);
    try {
      const mon = await lessonOn(store, g, '2026-12-07', 'demo-001');
      await store.recordAnswer(mon.answer(wids[0], 0, 'B')); // wrong
      await store.recordAnswer(mon.answer(wids[0], 0, 'C')); // not the first: ignored
      await store.recordAnswer(mon.answer(wids[1], 0, 'B')); // wrong
      await store.recordAnswer(mon.answer(wids[1], 1, 'C')); // right
      const next = await lessonOn(store, g, '2026-12-14', 'demo-002');
      await store.recordAnswer(next.answer(wids[0], 1, 'A')); // wrong, a week later
      expect(await store.missedQuestions(g.gid, [isoWeek('2026-12-07').week])).toEqual([{ hash: mon.hash, question: 0, wrong: 2 }]);
      expect(await store.missedQuestions(g.gid, [isoWeek('2026-12-14').week, isoWeek('2026-12-07').week])).toEqual([
        { hash: mon.hash, question: 0, wrong: 2 },
        { hash: next.hash, question: 1, wrong: 1 },
      ]);
      // Each worker's recent mistakes, newest first, for 我的错题.
      expect((await store.mistakes(wids[0], 0, 10)).map((m) => [m.day, m.hash, m.question, m.choice])).toEqual([
        ['2026-12-14', next.hash, 1, 'A'],
        ['2026-12-07', mon.hash, 0, 'B'],
      ]);
      expect(await store.mistakes(wids[0], 0, 1)).toHaveLength(1);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('a review earns points but leaves lesson counts, streaks and missed-question counts alone', async ({ prefix }) => {
    const { store, g, wids } = await setUp(prefix);
    try {
      const mon = await lessonOn(store, g, '2026-12-07', 'demo-001');
      await store.recordAnswer(mon.answer(wids[0], 0, 'A'));
      await store.recordAnswer(mon.answer(wids[0], 1, 'C'));
      const before = await store.memberStats(g.gid, wids[0]);
      const review = { ...snapshotOf(demoLesson('review-x'), track), id: 'review-2026-W50' };
      const ref = { gid: g.gid, day: '2026-12-07', kind: 'review' as const };
      expect(await store.openReview(ref, review, 1000, 60_000)).toBe(true);
      expect(await store.openReview(ref, review, 1000, 60_000)).toBe(false);
      const answer = (question: number, choice: string): AnswerInput => ({
        ...ref, wid: wids[0], name: '李明', lessonId: review.id, lessonHash: review.hash, question, choice, correct: choice === review.quiz[question].answer, questionCount: 2, at: 2000,
      });
      expect(await store.recordAnswer(answer(0, 'A'))).toMatchObject({ kind: 'recorded', onTime: true, points: 2 });
      await store.recordAnswer(answer(1, 'B')); // wrong
      const after = await store.memberStats(g.gid, wids[0]);
      expect(after).toMatchObject({ answered: before!.answered, correct: before!.correct, streak: before!.streak, lastSeq: before!.lastSeq, points: before!.points + 2 + 1 });
      expect(await store.getPush(g.gid, '2026-12-07', 'review')).toMatchObject({ status: 'sent', answered: 1, correct: 0 });
      expect(await store.missedQuestions(g.gid, [isoWeek('2026-12-07').week])).toEqual([]);
      expect((await store.reviewsBetween(g.gid, '2026-12-01', '2026-12-31')).map((p) => p.day)).toEqual(['2026-12-07']);
      // The lesson's own list of pushes does not hold the review.
      expect((await store.pushesBetween(g.gid, '2026-12-01', '2026-12-31')).map((p) => p.kind)).toEqual(['lesson']);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('repetitions: due 3 and 10 days after the miss, one a day per worker; right clears, wrong keeps', async ({ prefix }) => {
    const { store, g, wids } = await setUp(prefix);
    try {
      const mon = await lessonOn(store, g, '2026-12-07', 'demo-001');
      const d = epochDay('2026-12-07');
      await store.recordAnswer(mon.answer(wids[0], 0, 'B'));
      await store.recordAnswer(mon.answer(wids[0], 1, 'A'));
      await store.recordAnswer(mon.answer(wids[1], 0, 'B'));
      // Missed again while scheduled (the same content in a later round): the schedule stays as it was.
      const thu = await lessonOn(store, g, '2026-12-10', 'demo-003');
      await store.recordAnswer({ ...thu.answer(wids[1], 0, 'B'), lessonHash: mon.hash });
      expect(await store.redis.zrange(store.keys.repeats(wids[1]), 0, -1, 'WITHSCORES')).toEqual([`${g.gid}|${mon.hash}|0|${d}`, String(d + 3)]);
      expect(await store.repetitionsDue(d + 2, 100)).toEqual([]);
      expect((await store.repetitionsDue(d + 3, 100)).sort()).toEqual([...wids].sort());

      // 李明 has two questions due the same day: one today, the other tomorrow.
      const first = await store.takeRepetition(wids[0], d + 3);
      expect(first).toMatchObject({ gid: g.gid, hash: mon.hash, missed: '2026-12-07' });
      expect(await store.repetitionsDue(d + 3, 100)).not.toContain(wids[0]);
      expect(await store.askedRepetition(wids[0])).toEqual(first);
      expect(await store.settleRepetition(wids[0], first!, true)).toBe(true); // right: cleared
      expect(await store.settleRepetition(wids[0], first!, true)).toBe(false); // once
      const second = await store.takeRepetition(wids[0], d + 4);
      expect(second!.question).not.toBe(first!.question);
      expect(await store.settleRepetition(wids[0], second!, false)).toBe(true); // wrong: asked again on day 10

      // 王芳 answers wrong; her question comes back on day 10, then never again.
      const hers = await store.takeRepetition(wids[1], d + 3);
      await store.settleRepetition(wids[1], hers!, false);
      expect(await store.repetitionsDue(d + 9, 100)).toEqual([]);
      expect((await store.repetitionsDue(d + 10, 100)).sort()).toEqual([...wids].sort());
      expect(await store.takeRepetition(wids[1], d + 10)).toEqual(hers);
      expect(await store.takeRepetition(wids[0], d + 10)).toEqual(second); // the one answered right is not among them
      expect(await store.repetitionsDue(d + 30, 100)).toEqual([]);
      expect(await store.takeRepetition(wids[0], d + 30)).toBeUndefined();

    } finally {
      store.redis.disconnect();
    }
  });
});
