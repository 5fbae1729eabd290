import { describe, expect, test } from 'vitest';
import { badgeLabels } from '../../src/core/engage/badges.ts';
import { runScenario, testConfig } from '../helpers/sim.ts';

// Badges and the PK switched off for one company: its groups get neither.
const config = testConfig((c) => {
  c.orgFile = 'config/org.yaml';
  c.engagement.off = { '江都区总工会/江都纺织有限公司': ['badges', 'ranking'] };
});

/** The fixture course's lessons in turn: 1 "B", 2 "1A 2C", 3 "AC". */
const answers = ['B', '1A 2C', 'AC'];
// Both groups learn every day: eleven lessons, 11-25 to 12-05.
const days = ['11-25', '11-26', '11-27', '11-28', '11-29', '11-30', '12-01', '12-02', '12-03', '12-04', '12-05'];

const say = (day: string, hhmm: string, room: string, from: string, text: string) => `  - {at: "2026-${day}T${hhmm}:00+08:00", room: ${room}, from: ${from}, text: "${text}"}`;

describe('badges', () => {
  test('a streak milestone is announced once, in the summary of the push that reached it; 我的 shows it; off where the org switched it off', async () => {
    const events = [
      say('11-25', '07:00', '总装车间一班', '张班长', '报名 demo 07:50'),
      say('11-25', '07:01', '总装车间一班', '张班长', '班组 总装车间一班'),
      say('11-25', '07:01', '总装车间一班', '张班长', '工作日 1-7'),
      say('11-25', '07:02', '织造车间甲班', '甲班长', '报名 demo 07:50'),
      say('11-25', '07:03', '织造车间甲班', '甲班长', '班组 织造车间甲班'),
      say('11-25', '07:03', '织造车间甲班', '甲班长', '工作日 1-7'),
      ...days.flatMap((d, i) => [say(d, '08:00', '总装车间一班', '李明', answers[i % 3]), say(d, '08:00', '织造车间甲班', '小甲', answers[i % 3])]),
      say('12-05', '12:00', '总装车间一班', '李明', '我的'),
    ];
    const lines = await runScenario(
      [
        'start: "2026-11-25T06:59:00+08:00"',
        'until: "2026-12-05T12:30:00+08:00"',
        'rooms:',
        '  - {topic: 总装车间一班, owner: 张班长, members: [李明, 王芳]}',
        '  - {topic: 织造车间甲班, owner: 甲班长, members: [小甲]}',
        'events:',
        ...events,
      ].join('\n'),
      { config },
    );
    const announced = lines.filter((l) => l.text.includes('🎖'));
    expect(announced.map((l) => [l.at.slice(5, 10), l.room])).toEqual([['12-04', '总装车间一班']]);
    expect(announced[0].text).toMatch(/^【小测揭晓】/);
    expect(announced[0].text).toContain('🎖 李明 已连续学习 10 次，获得“连学10次”徽章！');
    const me = lines.find((l) => l.text.startsWith('【我的学习】李明'))!;
    expect(me.text.split('\n').at(-1)).toBe('徽章：连学10次、2026年11月全勤');
    // 全勤 needs badges on: the company that switched them off gets the star only, and no PK.
    // (Lessons, summaries, replies and the reminders before each close aside.)
    const jia = lines.filter((l) => l.room === '织造车间甲班' && !/^【(班前十分钟|小测揭晓)】/.test(l.text) && !/^(已|好的|还有 \d+ 位工友没作答)/.test(l.text));
    expect(jia.map((l) => l.text)).toEqual(['【11月学习之星】小甲：上月积分 16 分，连续学习 6 次。向 TA 学习！']);
  }, 240_000);

  test('labels: streaks highest first, then 全勤 marks newest first', () => {
    expect(badgeLabels(['full:2026-11', 'streak10', 'full:2026-12', 'streak30'])).toEqual(['连学30次', '连学10次', '2026年12月全勤', '2026年11月全勤']);
  });
});
