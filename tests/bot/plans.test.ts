import { describe, expect, test } from 'vitest';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { previewCourse } from '../../src/core/lessons/preview.ts';
import { kindLabels } from '../../src/core/lessons/types.ts';
import { runScenario, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.lessonsDir = 'lessons'));
const { library } = loadLibrary('lessons');
const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳]
`;
const pushes = (lines: { text: string }[]) => lines.filter((l) => l.text.startsWith('【班前十分钟】')).map((l) => l.text.split('\n').slice(0, 2));

describe('plans in the group', () => {
  test('"报名 07:50" takes 综合: each day from the track the plan gives, "第 N 课" counting the group\'s lessons', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-09T12:00:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 07:50"}
`, { config });
    expect(lines[0].text).toMatch(/^已报名《综合》：每个工作日（周一至周五，法定节假日休息，调休上班日照常）07:50 推送一课和小测/);
    const expected = previewCourse(library.course('zonghe')!, '2026-12-07', 3, [1, 2, 3, 4, 5], config.schedule).map((d) => d.next!);
    expect(pushes(lines)).toEqual(expected.map((n, i) => [`【班前十分钟】${n.track.title} 第 ${i + 1} 课 · ${kindLabels[n.lesson.kind]}`, `《${n.lesson.title}》`]));
    // Mid-December: the winter lesson whose span began on 1 December comes first (the group missed its day).
    expect(expected[0].lesson.dates).toEqual(['12-01..12-31']);
    expect(new Set(expected.map((n) => n.track.id)).size).toBeGreaterThan(1);
  });

  test('a plan or track by id or Chinese title; switching keeps the progress: no lesson comes again', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-10T12:00:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 安全生产 07:50"}
  - {at: "2026-12-07T10:00:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 每周轮换 07:50"}
  - {at: "2026-12-08T10:00:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 zonghe 07:50"}
  - {at: "2026-12-09T10:00:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 safety 07:50"}
`, { config });
    const replies = lines.filter((l) => l.text.startsWith('已报名')).map((l) => l.text.split('：')[0]);
    expect(replies).toEqual(['已报名《安全生产》', '已报名《每周轮换》', '已报名《综合》', '已报名《安全生产》']);
    expect(lines.find((l) => l.text.startsWith('已报名《每周轮换》'))!.text).toContain('原来学的《安全生产》改为《每周轮换》；《安全生产》的学习进度保留');
    const sent = pushes(lines);
    expect(sent.map((p) => p[0].replace(/ · .*/, ''))).toEqual([
      '【班前十分钟】安全生产 第 1 课', // Monday, safety
      '【班前十分钟】职工权益 第 2 课', // Tuesday: 每周轮换 gives rights
      expect.stringMatching(/^【班前十分钟】\S+ 第 3 课$/),
      '【班前十分钟】安全生产 第 4 课',
    ]);
    const titles = sent.map((p) => p[1]);
    expect(new Set(titles).size).toBe(4);
    // Back on safety: the next safety lesson it hasn't had, not safety's first lesson again.
    expect(titles[3]).not.toBe(titles[0]);
  });
});
