import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { daySpans } from '../../src/core/lessons/dates.ts';
import { libraryStats } from '../../src/core/lessons/libraryStats.ts';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { previewCourse } from '../../src/core/lessons/preview.ts';
import { isLessonDay } from '../../src/core/schedule/calendar.ts';
import { addDays } from '../../src/core/time.ts';
import { runCli } from '../helpers/cli.ts';
import { lessonTree, track } from './fixtures.ts';

/** The shipped library: the lessons people act on. */
const { library, problems } = loadLibrary('lessons');
const stats = libraryStats(library);
const calendar = { restDays: [], extraWorkDays: [] };
const weekdays = [1, 2, 3, 4, 5];

describe('the shipped library', () => {
  test('every lesson and plan validates, with no warning', () => {
    expect(problems).toEqual([]);
  });

  test('a working year: at least 250 lessons, in the five tracks at their sizes', () => {
    expect(stats.lessons).toBeGreaterThanOrEqual(250);
    const sizes = Object.fromEntries(stats.tracks.map((t) => [t.id, t.lessons]));
    expect(sizes.safety).toBeGreaterThanOrEqual(80);
    expect(sizes.rights).toBeGreaterThanOrEqual(60);
    expect(sizes.union).toBeGreaterThanOrEqual(25);
    expect(sizes.spirit).toBeGreaterThanOrEqual(40);
    expect(sizes.theory).toBeGreaterThanOrEqual(45);
  });

  test('no two questions in the library are the same or nearly the same', () => {
    expect(stats.duplicateQuestions).toEqual([]);
  });

  test('keyed letters are balanced within each track (each within 5 points of chance)', () => {
    for (const t of stats.tracks) expect({ track: t.id, worst: t.letters.worst < 0.05 }).toEqual({ track: t.id, worst: true });
  });

  test('each "理论+N" form is within 5 points of its target share', () => {
    for (const k of stats.kinds) expect({ kind: k.kind, near: Math.abs(k.share - k.target) <= 0.05 }).toEqual({ kind: k.kind, near: true });
  });

  test('every online lesson links to its original, every lesson names a source, every body is 350–500 characters', () => {
    expect(stats.onlineWithoutLink).toEqual([]);
    expect(stats.withoutSource).toEqual([]);
    expect(stats.bodyOutOfRange).toEqual([]);
  });

  test('the model-worker templates are valid lessons once filled in, and are never in the library', () => {
    const dir = 'templates/model-worker';
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBe(10);
    const root = lessonTree({ 'local/track.yaml': track('local') });
    for (const f of files) cpSync(join(dir, f), join(root, 'local', f));
    const copied = loadLibrary(root);
    expect(copied.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(copied.library.track('local')!.lessons.length).toBe(10);
    expect(library.tracks.flatMap((t) => t.lessons).filter((l) => l.id.startsWith('template'))).toEqual([]);
  });
});

describe('a year of 综合 from 2026-01-05', () => {
  const course = library.course('综合')!;
  const year = previewCourse(course, '2026-01-05', 365, weekdays, calendar).filter((d) => d.next);
  const lessonDay = (d: string) => isLessonDay(d, weekdays, calendar);

  test('no lesson repeats, every track gets its turn, and each lesson is used about once', () => {
    expect(year.filter((d) => d.repeat)).toEqual([]);
    const ids = year.map((d) => d.next!.lesson.id);
    const firstYear = year.filter((d) => d.day < '2027-01-01').map((d) => d.next!.lesson.id);
    expect(new Set(firstYear).size).toBe(firstYear.length);
    expect(new Set(ids).size).toBeGreaterThan(240);
    const perTrack = Object.fromEntries(course.tracks.map((t) => [t.id, year.filter((d) => d.next!.track === t).length]));
    for (const t of course.tracks) expect(perTrack[t.id] / t.lessons.length).toBeGreaterThan(0.8);
  });

  test('each dated lesson goes out once, in its span or on the last lesson day before it', () => {
    const dated = year.filter((d) => d.next!.dated && d.day < '2027-01-01');
    const all = course.tracks.flatMap((t) => t.lessons).filter((l) => l.dates);
    expect(dated.map((d) => d.next!.lesson.id).sort()).toEqual(all.map((l) => l.id).sort());
    for (const d of dated) {
      const fits = daySpans(d.next!.lesson.dates).some(({ from, to }) => {
        const [start, end] = [`2026-${from}`, `2026-${to}`];
        if (start <= d.day && d.day <= end) return true;
        // Before the span: no lesson day between it and the span's start is left free.
        for (let x = addDays(d.day, 1); x < start; x = addDays(x, 1)) if (lessonDay(x) && !year.some((y) => y.day === x && y.next!.dated)) return false;
        return d.day < start;
      });
      expect({ lesson: d.next!.lesson.id, day: d.day, fits }).toEqual({ lesson: d.next!.lesson.id, day: d.day, fits: true });
    }
  });

  test('安全生产月 in June, heat in summer, 五一 / 七一 / 国庆 / 12·4 on or just before their day', () => {
    const on = (spec: string) => year.filter((d) => d.next!.lesson.dates?.includes(spec)).map((d) => d.day);
    expect(on('06-01..06-30').length).toBeGreaterThanOrEqual(3);
    for (const day of on('06-01..06-30')) expect(day.slice(0, 7)).toBe('2026-06');
    for (const day of on('07-01..08-31')) expect(['2026-07', '2026-08']).toContain(day.slice(0, 7));
    expect(on('05-01')).toEqual(['2026-04-30']); // 5月1日–5日 are the holiday
    expect(on('07-01')).toEqual(['2026-07-01']);
    expect(on('10-01')).toEqual(['2026-09-30']); // 国庆 1–8 October
    expect(on('12-04')).toEqual(['2026-12-04']);
  });
});

describe('banqian lessons preview --plan and stats', () => {
  test('preview --plan prints each day with holidays and 调休, the track and the lesson', () => {
    const r = runCli(['lessons', 'preview', '--plan', '综合', '--from', '2026-09-28', '--days', '14']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('计划《综合》自 2026-09-28 起 14 天（工作日 周一至周五，法定节假日休息，调休上班日照常）：');
    expect(lines).toContain('2026-10-01 周四  —— 法定节假日（国庆节）');
    expect(lines.find((l) => l.startsWith('2026-09-30 周三'))).toMatch(/理论学习 {2}theory-\d{3} {2}《.+》（按日子：10-01）$/);
    expect(lines.find((l) => l.startsWith('2026-10-10 周六'))).toMatch(/《.+》（调休上班）$/);
    expect(lines.at(-2)).toMatch(/^共 \d+ 个上课日，\d+ 课不同，没有重复；按日子推送 1 课。$/);
  });

  test('preview --plan refuses an unknown plan or a bad date with a clear message', () => {
    expect(runCli(['lessons', 'preview', '--plan', 'cooking']).stderr).toMatch(/没有计划或课程“cooking”。可选：.*综合（zonghe）/);
    expect(runCli(['lessons', 'preview', '--plan', '综合', '--from', '2026-02-30']).stderr).toMatch(/--from “2026-02-30”不是有效日期/);
  });

  test('stats prints the figures the library tests check', () => {
    const r = runCli(['lessons', 'stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`共 ${stats.lessons} 课`);
    expect(r.stdout).toMatch(/安全生产（safety）：\d+ 课，其中按日子推送 \d+ 课；单选题答案 A \d+（应约 \d+）/);
    expect(r.stdout).toMatch(/理论\+网络阵地 \d+ 课 [\d.]+%（目标 15\.0%）/);
    expect(r.stdout).toContain('重复或相近的题：无');
  });
});
