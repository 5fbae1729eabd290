import { describe, expect, test } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import type { SentLine } from '../../src/app/simulate.ts';
import { lastLessonDayOfWeek } from '../../src/core/engage/review.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { runScenario, testConfig } from '../helpers/sim.ts';
import type { Config } from '../../src/config/config.ts';

/**
 * Two teams over two weeks and a half. 总装车间一班 misses three questions in week 1 (检修前… by three
 * people, 法定休假日… by two, 工作日延长… by one); 机加车间二班 misses only one. Friday 12-18 is a rest day.
 */
const scenario = `
start: "2026-12-07T06:30:00+08:00"
until: "2026-12-19T20:00:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [张班长, 李明, 王芳, 赵强]}
  - {topic: 机加车间二班, owner: 刘组长, members: [刘组长, 孙伟]}
events:
  - {at: "2026-12-07T06:40:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T06:41:00+08:00", room: 机加车间二班, from: 刘组长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T08:00:00+08:00", room: 总装车间一班, from: 李明, text: "B"}
  - {at: "2026-12-07T08:01:00+08:00", room: 总装车间一班, from: 赵强, text: "A"}
  - {at: "2026-12-07T08:02:00+08:00", room: 总装车间一班, from: 王芳, text: "A"}
  - {at: "2026-12-07T08:03:00+08:00", room: 总装车间一班, from: 张班长, text: "C"}
  - {at: "2026-12-07T08:04:00+08:00", room: 机加车间二班, from: 孙伟, text: "A"}
  - {at: "2026-12-08T08:00:00+08:00", room: 总装车间一班, from: 李明, text: "1A 2C"}
  - {at: "2026-12-08T08:01:00+08:00", room: 总装车间一班, from: 王芳, text: "1B 2B"}
  - {at: "2026-12-08T08:02:00+08:00", room: 总装车间一班, from: 赵强, text: "1A 2B"}
  - {at: "2026-12-10T12:30:00+08:00", from: 赵强, text: "B"}
  - {at: "2026-12-10T12:31:00+08:00", from: 王芳, text: "A"}
  - {at: "2026-12-11T09:55:00+08:00", room: 总装车间一班, from: 李明, text: "1B 2C 3A"}
  - {at: "2026-12-11T09:56:00+08:00", room: 总装车间一班, from: 赵强, text: "1B 2A 3A"}
  - {at: "2026-12-11T13:00:00+08:00", from: 王芳, text: "我的错题"}
  - {at: "2026-12-11T13:01:00+08:00", room: 总装车间一班, from: 王芳, text: "我的错题"}
`;

const withRestFriday = (c: Config) => (c.schedule.restDays = ['2026-12-18']);
const day = (l: SentLine) => l.at.slice(0, 10);
const repetitions = (lines: SentLine[], to: string) => lines.filter((l) => l.to === to && l.text.startsWith('【错题再练】'));

describe('周复习, 我的错题 and spaced repetition over several weeks', () => {
  redisTest('the review follows the last lesson day of the week, counts toward points and its own figures, not the daily ones', async ({ prefix }) => {
    const config = testConfig(withRestFriday);
    const lines = await runScenario(scenario, { prefix, config });

    // On Friday after the summary, and on Thursday when Friday is a rest day; never in the team with one miss.
    const reviews = lines.filter((l) => l.text.startsWith('【周复习】'));
    expect(reviews.map((l) => [day(l), l.room])).toEqual([['2026-12-11', '总装车间一班'], ['2026-12-17', '总装车间一班']]);
    const friday = lines.filter((l) => day(l) === '2026-12-11' && l.room === '总装车间一班').map((l) => l.text.split('\n')[0]);
    expect(friday.indexOf('【小测揭晓】《第二课》')).toBeLessThan(friday.findIndex((t) => t.startsWith('【周复习】')));
    // Most-missed first.
    const asked = reviews[0].text.split('\n\n').slice(1).map((b) => b.split('\n')[0]);
    expect(asked).toEqual(['1. 检修前先做什么？', '2. 法定休假日安排工作，不低于多少？', '3. 工作日延长工时，加班费不低于工资的多少？']);
    // Its own window and summary.
    const summary = lines.find((l) => l.text.startsWith('【小测揭晓】《本周错题复习》') && day(l) === '2026-12-11')!;
    expect(summary.at).toBe('2026-12-11T11:50:00+08:00');
    expect(summary.text).toContain('参与：2/4 人');
    expect(summary.text).toContain('最先全对：李明');

    const { stats, store, close } = openStats(config, redisUrl(), prefix);
    try {
      const report = await stats.report(stats.org.root, '2026-12-07', '2026-12-19');
      const team = report.teams.find((t) => t.room === '总装车间一班')!;
      // Nine lessons; 4 + 3 answered on time; the answers to the review are not 补学 of Friday's lesson.
      expect(team).toMatchObject({ lessons: 9, expected: 36, answered: 7, late: 0, review: { quizzes: 2, answered: 2, correct: 1 } });
      expect(report.teams.find((t) => t.room === '机加车间二班')!.review).toEqual({ quizzes: 0, answered: 0, correct: 0 });
      const root = await stats.overview(stats.org.root, '2026-12-07', '2026-12-19');
      expect(root.figures).toMatchObject({ lessons: 18, answered: 8, late: 0 });
      // 李明: 2 + 4 points for his lessons, 6 for the review; his lesson count and streak are the lessons'.
      const gid = team.gid;
      const wid = (await store.members(gid)).find((m) => m.name === '李明')!.wid;
      expect(await store.memberStats(gid, wid)).toMatchObject({ points: 12, answered: 2, correct: 2, streak: 2 });
      expect(report.workers.find((w) => w.name === '李明')).toMatchObject({ points: 12, answered: 2, correct: 2 });
    } finally {
      close();
    }

    // 我的错题: listed privately with the explanations, only a note in the group.
    const mine = lines.find((l) => l.to === '王芳' && l.text.startsWith('【我的错题】'))!;
    expect(mine.text).toContain('检修前先做什么？');
    expect(mine.text).toContain('正确答案：C. 300%');
    expect(mine.text).toContain('解析：不低于 150%。');
    const inGroup = lines.find((l) => l.room === '总装车间一班' && l.at.startsWith('2026-12-11T13:01'))!;
    expect(inGroup.text).toContain('只在私聊里发');
    expect(inGroup.text).not.toContain('解析');
  }, 240_000);

  redisTest('a wrong answer comes back privately 3 and 10 days later, one a day; answered right it does not come back', async ({ prefix }) => {
    const lines = await runScenario(scenario, { prefix, config: testConfig(withRestFriday) });
    for (const name of ['赵强', '王芳', '张班长', '孙伟']) {
      const days = repetitions(lines, name).map(day);
      expect(new Set(days).size).toBe(days.length); // at most one a day
      expect(repetitions(lines, name).every((l) => l.at.slice(11, 16) >= '12:00')).toBe(true);
    }
    const about = (name: string, question: string) => repetitions(lines, name).filter((l) => l.text.includes(question)).map(day);
    // 赵强 answered it right on 12-10: no second asking on 12-17.
    expect(about('赵强', '检修前先做什么？')).toEqual(['2026-12-10']);
    expect(lines.find((l) => l.to === '赵强' && l.at.startsWith('2026-12-10T12:30'))!.text).toMatch(/^答对了/);
    // 王芳 answered it wrong: it comes back on day 10.
    expect(about('王芳', '检修前先做什么？')).toEqual(['2026-12-10', '2026-12-17']);
    expect(lines.find((l) => l.to === '王芳' && l.at.startsWith('2026-12-10T12:31'))!.text).toContain('正确答案：B. 断电上锁');
    // Her two misses of 12-08 are due the same day: one on 12-11, the other on 12-12.
    expect(repetitions(lines, '王芳').map(day)).toEqual(['2026-12-10', '2026-12-11', '2026-12-12', '2026-12-17', '2026-12-18', '2026-12-19']);
  }, 240_000);

  redisTest('switched off in the settings: no review and no repetition', async ({ prefix }) => {
    const lines = await runScenario(scenario.replace(/until: .*/, 'until: "2026-12-11T20:00:00+08:00"'), {
      prefix,
      config: testConfig((c) => {
        c.engagement.review = false;
        c.engagement.repetition = false;
      }),
    });
    expect(lines.filter((l) => l.text.startsWith('【周复习】') || l.text.startsWith('【错题再练】'))).toEqual([]);
    // 我的错题 is a reply, not a switched loop.
    expect(lines.some((l) => l.to === '王芳' && l.text.startsWith('【我的错题】'))).toBe(true);
  }, 240_000);
});

describe('the last lesson day of a week', () => {
  const calendar = { restDays: ['2026-12-18'], extraWorkDays: ['2026-12-19'] };
  const none = { restDays: [], extraWorkDays: [] };
  test('Friday usually; the day before a rest Friday; a 调休 Saturday', () => {
    expect(lastLessonDayOfWeek('2026-12-11', [1, 2, 3, 4, 5], none)).toBe(true);
    expect(lastLessonDayOfWeek('2026-12-10', [1, 2, 3, 4, 5], none)).toBe(false);
    expect(lastLessonDayOfWeek('2026-12-11', [1, 2, 3, 4, 5, 6], none)).toBe(false);
    expect(lastLessonDayOfWeek('2026-12-17', [1, 2, 3, 4, 5], { restDays: ['2026-12-18'], extraWorkDays: [] })).toBe(true);
    expect(lastLessonDayOfWeek('2026-12-17', [1, 2, 3, 4, 5], calendar)).toBe(false);
    expect(lastLessonDayOfWeek('2026-12-19', [1, 2, 3, 4, 5], calendar)).toBe(true);
    // National Day 2026: Oct 1–7 off, so the week's last lesson day is Wednesday Sep 30.
    expect(lastLessonDayOfWeek('2026-09-30', [1, 2, 3, 4, 5], none)).toBe(true);
    // …and the week after it ends on its 调休 Saturday, Oct 10.
    expect(lastLessonDayOfWeek('2026-10-09', [1, 2, 3, 4, 5], none)).toBe(false);
    expect(lastLessonDayOfWeek('2026-10-10', [1, 2, 3, 4, 5], none)).toBe(true);
  });
});
