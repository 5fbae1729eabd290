import { describe, expect, test } from 'vitest';
import { runScenario, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));

/** Lessons of the fixture course in turn: 1 "B", 2 "1A 2C", 3 "AC" (2 points a right answer, 1 a wrong one). */
const right = ['B', '1A 2C', 'AC'];
const wrong = ['A', '1B 2B', 'B'];
const lessonOf: Record<string, number> = { '11-25': 0, '11-26': 1, '11-27': 2, '11-30': 0, '12-01': 1 };

const rooms: [string, string, string[]][] = [
  ['总装车间一班', '张班长', ['李明', '王芳', '赵强']],
  ['总装车间二班', '刘班长', ['孙伟', '周丽', '吴刚']],
  ['机加车间二班', '何班长', ['钱多']],
  ['织造车间甲班', '甲班长', ['小甲']],
  ['织造车间乙班', '乙班长', ['小乙']],
  // Never bound to the org tree: not ranked.
  ['涂装车间三班', '吴班长', ['郑华']],
];

const at = (day: string, hhmm: string) => `2026-${day}T${hhmm}:00+08:00`;
const say = (day: string, hhmm: string, room: string, from: string, text: string) => `  - {at: "${at(day, hhmm)}", room: ${room}, from: ${from}, text: "${text}"}`;
const answer = (day: string, room: string, who: string, ok = true) => say(day, '08:10', room, who, (ok ? right : wrong)[lessonOf[day]]);

const eventAt = (line: string) => /at: "([^"]+)"/.exec(line)![1];

function scenario(until: string, events: string[]): string {
  const setup = rooms.flatMap(([topic, owner], i) => [
    say('11-25', `07:0${i}`, topic, owner, '报名 demo 07:50'),
    ...(topic === '涂装车间三班' ? [] : [say('11-25', `07:1${i}`, topic, owner, `班组 ${topic}`)]),
  ]);
  return [
    `start: "${at('11-25', '06:59')}"`,
    `until: "${until}"`,
    'rooms:',
    ...rooms.map(([topic, owner, members]) => `  - {topic: ${topic}, owner: ${owner}, members: [${members.join(', ')}]}`),
    'events:',
    // In time order; answers of one minute keep their order (the first to speak gets the lower worker id).
    ...[...setup, ...events].sort((a, b) => eventAt(a).localeCompare(eventAt(b))),
  ].join('\n');
}

// Week of 11-23: 总装车间二班 answers 9 of 12 (75%), 一班 7 of 12 (58%). 织造 甲班 and 乙班 both 50%, 乙班 right.
const lastWeek = ['11-25', '11-26', '11-27'].flatMap((d) => [
  ...['孙伟', '周丽', '吴刚'].map((w) => answer(d, '总装车间二班', w)),
  answer(d, '织造车间甲班', '小甲', false),
  answer(d, '织造车间乙班', '小乙'),
  answer(d, '机加车间二班', '钱多'),
  answer(d, '涂装车间三班', '郑华'),
]);
// 李明 speaks first (the lower worker id); he and 王芳 end November on 8 points each, 王芳 on a streak of 3.
const yiban = [
  answer('11-25', '总装车间一班', '李明'),
  answer('11-26', '总装车间一班', '李明'),
  answer('11-26', '总装车间一班', '王芳'),
  answer('11-27', '总装车间一班', '王芳'),
  answer('11-30', '总装车间一班', '李明'),
  answer('11-30', '总装车间一班', '王芳'),
  // Every lesson, always wrong: full attendance, few points.
  ...['11-25', '11-26', '11-27', '11-30'].map((d) => answer(d, '总装车间一班', '赵强', false)),
];

describe('weekly team PK and monthly 学习之星', () => {
  test('each bound group gets its place in its workshop after its first lesson of the week; the star and 全勤 on the first lesson day of a month', async () => {
    const lines = await runScenario(scenario(at('12-01', '12:00'), [...lastWeek, ...yiban]), { config });
    const posts = lines.filter((l) => /PK|学习之星|全勤/.test(l.text)).map((l) => ({ at: l.at.slice(5, 16), room: l.room, text: l.text }));
    const lesson = lines.find((l) => l.room === '总装车间一班' && l.at.startsWith('2026-11-30') && l.text.startsWith('【班前十分钟】'))!;
    const pk = posts.filter((p) => p.at.startsWith('11-30'));
    // Never before the week's first lesson.
    expect(pk.every((p) => p.at >= lesson.at.slice(5, 16))).toBe(true);
    expect(pk.map((p) => [p.room, p.text])).toEqual(
      expect.arrayContaining([
        ['总装车间一班', '【本周总装车间 PK：第 2 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 58%，正确率 57%。\n第 1 名 总装车间二班：参与率 75%，正确率 100%。'],
        ['总装车间二班', '【本周总装车间 PK：第 1 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 75%，正确率 100%。\n本群领先，继续保持！'],
        ['机加车间二班', '【本周机加车间 PK：第 1 名 / 共 1 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 100%。\n本群领先，继续保持！'],
        // Equal participation: the correct rate decides.
        ['织造车间乙班', '【本周织造车间 PK：第 1 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 100%。\n本群领先，继续保持！'],
        ['织造车间甲班', '【本周织造车间 PK：第 2 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 0%。\n第 1 名 织造车间乙班：参与率 50%，正确率 100%。'],
      ]),
    );
    // One each, and none for the unbound group.
    expect(pk).toHaveLength(5);
    const month = posts.filter((p) => p.at.startsWith('12-01'));
    expect(month.find((p) => p.room === '总装车间一班')?.text).toBe('【11月学习之星】王芳：上月积分 8 分，连续学习 3 次。向 TA 学习！\n11月全勤：赵强，获得“全勤”徽章。');
    // Tuesday is not a new week: no second PK post.
    expect(month.some((p) => p.text.includes('PK'))).toBe(false);
  });
});
