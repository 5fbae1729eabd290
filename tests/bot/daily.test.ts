import { describe, expect, test } from 'vitest';
import { brief, runScenario, testConfig } from '../helpers/sim.ts';

const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 赵强]
`;

const pushDays = (lines: { at: string; text: string }[]) => lines.filter((l) => l.text.startsWith('【班前十分钟】')).map((l) => l.at.slice(0, 10));

describe('the daily loop', () => {
  test('weekends and public holidays are skipped, 调休 make-up days are kept (National Day 2026)', async () => {
    const lines = await runScenario(`
start: "2026-09-29T07:00:00+08:00"
until: "2026-10-12T12:00:00+08:00"
${room}
events:
  - {at: "2026-09-29T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
`);
    // Oct 1–7 are the holiday; Sat Oct 10 is a make-up work day; Sun Oct 11 is rest.
    expect(pushDays(lines)).toEqual(['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
  });

  test('a six-day team works Saturdays but still rests on a holiday Saturday; local rest days apply', async () => {
    const config = testConfig((c) => (c.schedule.restDays = ['2026-10-09']));
    const lines = await runScenario(
      `
start: "2026-09-29T07:00:00+08:00"
until: "2026-10-12T12:00:00+08:00"
${room}
events:
  - {at: "2026-09-29T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-09-29T07:06:00+08:00", room: 总装车间一班, from: 张班长, text: "工作日 1-6"}
`,
      { config },
    );
    // Sat Oct 3 is inside the holiday; Oct 9 is the plant's own rest day.
    expect(pushDays(lines)).toEqual(['2026-09-29', '2026-09-30', '2026-10-08', '2026-10-10', '2026-10-12']);
  });

  test('answers count once, stay secret until close, and late answers (补学) do not change the summary', async () => {
    const lines = await runScenario(`
start: "2026-12-08T07:00:00+08:00"
until: "2026-12-08T12:10:00+08:00"
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 赵强, 陈静, 孙伟]
events:
  - {at: "2026-12-08T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-08T07:06:00+08:00", room: 总装车间一班, from: 张班长, text: "立即推送"}
  - {at: "2026-12-08T07:10:00+08:00", room: 总装车间一班, from: 张班长, text: "/push"}
  - {at: "2026-12-08T08:00:00+08:00", room: 总装车间一班, from: 李明, text: "B"}
  - {at: "2026-12-08T08:01:00+08:00", room: 总装车间一班, from: 李明, text: "A"}
  - {at: "2026-12-08T08:02:00+08:00", room: 总装车间一班, from: 王芳, text: "答案：Ｂ"}
  - {at: "2026-12-08T08:03:00+08:00", room: 总装车间一班, from: 赵强, text: "a"}
  - {at: "2026-12-08T08:05:00+08:00", room: 总装车间一班, from: 陈静, text: "收到，B超约好了"}
  - {at: "2026-12-08T12:00:00+08:00", room: 总装车间一班, from: 陈静, text: "@班前小助手 B"}
  - {at: "2026-12-08T12:01:00+08:00", room: 总装车间一班, from: 张班长, text: "统计"}
  - {at: "2026-12-08T12:02:00+08:00", room: 总装车间一班, from: 陈静, text: "我的"}
  - {at: "2026-12-08T12:03:00+08:00", from: 李明, text: "/me"}
`);
    const lesson = lines.find((l) => l.text.startsWith('【班前十分钟】'))!;
    const summary = lines.find((l) => l.text.startsWith('【小测揭晓】'))!;
    expect(lesson.at).toBe('2026-12-08T07:06:00+08:00');
    expect(summary.at).toBe('2026-12-08T09:06:00+08:00');
    // Nothing between push and close reveals the answer or who was right: at most one count per 30 minutes.
    expect(lines.filter((l) => l.at > lesson.at && l.at < summary.at).map((l) => `${l.at.slice(11, 16)} ${l.text}`)).toEqual([
      '07:10 今天的课已经推送过了。',
      '08:00 已有 1 人作答，还没答的工友抓紧时间，截止后公布答案。',
      '08:30 已有 3 人作答，还没答的工友抓紧时间，截止后公布答案。',
      // The reminder counts who is missing; only the leader, privately, gets their names.
      '08:36 还有 3 位工友没作答，还剩 30 分钟',
      '08:36 【答题提醒】总装车间一班：还剩 30 分钟，还有 3 位没作答：张班长、陈静、孙伟\n（群里只说了人数，没有点名。）',
    ]);
    expect(summary.text).toBe(
      [
        '【小测揭晓】《第一课》', '', '正确答案：B. 断电上锁', '解析：先断电上锁。', '',
        '参与：3/6 人（50%，按群成员），全部答对 2 人。', '👏 最先全对：李明、王芳', '没赶上的同事，下一课推送前回复答案仍记为补学。',
      ].join('\n'),
    );
    const after = lines.filter((l) => l.at > summary.at).map((l) => l.text);
    expect(after[0]).toBe(['【本周参与】总装车间一班', '应参与：6 人（按群成员）', '12月8日（周二）：3/6（50%）', '今天补学（1 人）：陈静', '今天还没作答（2 人）：张班长、孙伟', '课程：测试课程，第 1 轮，已学 1 课。'].join('\n'));
    expect(after[1]).toBe('【我的学习】陈静\n总装车间一班：积分 1 · 连续学习 1 次 · 本月参与 0/1 次 · 群内排名 3/4');
    expect(after[2]).toBe('【我的学习】李明\n总装车间一班：积分 2 · 连续学习 1 次 · 本月参与 1/1 次 · 群内排名 1/4');
    expect(lines.find((l) => l.to === '李明')).toMatchObject({ room: null, to: '李明' });
  });
});
