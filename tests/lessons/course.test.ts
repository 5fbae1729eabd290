import { describe, expect, test } from 'vitest';
import { lessonDaysOf, lessonFor, type CourseState, type LessonDays } from '../../src/core/lessons/course.ts';
import { previewCourse } from '../../src/core/lessons/preview.ts';
import { trackCourse, type Course, type Lesson, type Track } from '../../src/core/lessons/types.ts';

const lesson = (trackId: string, n: number, dates?: string[]): Lesson => ({
  id: `${trackId}-${String(n).padStart(3, '0')}`, title: `${trackId} ${n}`, kind: 'expert', body: '正文', trackId, file: '', ...(dates && { dates }),
  quiz: [{ question: `${trackId} ${n}？`, options: ['甲', '乙'], answer: 'A', explain: '解析' }],
});
const track = (id: string, size: number, dated: Record<number, string[]> = {}): Track => ({
  id, title: id, dir: '', lessons: Array.from({ length: size }, (_, i) => lesson(id, i + 1, dated[i + 1])),
});

const noOverrides = { restDays: [], extraWorkDays: [] };
const weekdays: LessonDays = lessonDaysOf([1, 2, 3, 4, 5], noOverrides);

/** Runs a course day by day like the bot does (the preview's loop), recording each lesson in the history. */
const run = (course: Course, from: string, days: number, state?: CourseState) =>
  previewCourse(course, from, days, [1, 2, 3, 4, 5], noOverrides, state)
    .filter((d) => d.next)
    .map(({ day, next }) => ({ day, id: next!.lesson.id, newCycle: next!.newCycle, completesRound: next!.completesRound, dated: next!.dated }));

describe('plans', () => {
  test('a weighted plan takes each track in proportion to its size and never repeats within a round', () => {
    const [a, b, c] = [track('a', 8), track('b', 4), track('c', 2)];
    const course: Course = { id: 'p', title: 'P', tracks: [a, b, c] };
    const sent = run(course, '2026-03-02', 20).slice(0, 14);
    expect(new Set(sent.map((s) => s.id)).size).toBe(14);
    // After each 7 lessons the shares are exactly 4 : 2 : 1.
    const firstSeven = sent.slice(0, 7).map((s) => s.id[0]);
    expect(['a', 'b', 'c'].map((t) => firstSeven.filter((x) => x === t).length)).toEqual([4, 2, 1]);
    expect(sent[13].completesRound).toBe(true);
  });

  test('explicit weights override sizes', () => {
    const course: Course = { id: 'p', title: 'P', tracks: [track('a', 10), track('b', 10)], weights: new Map([['a', 3], ['b', 1]]) };
    const first = run(course, '2026-03-02', 12).slice(0, 8).map((s) => s.id[0]);
    expect(first.filter((t) => t === 'a').length).toBe(6);
  });

  test('a weekday plan follows the weekday; a track that ran out gives way to the one with most unseen lessons', () => {
    const [a, b] = [track('a', 10), track('b', 1)];
    const course: Course = { id: 'w', title: 'W', tracks: [a, b], weekdays: new Map([[1, a], [2, b], [3, a], [4, b], [5, a]]) };
    const week = run(course, '2026-03-02', 5); // Mon 2 March .. Fri 6 March
    expect(week.map((s) => s.id)).toEqual(['a-001', 'b-001', 'a-002', 'a-003', 'a-004']);
  });

  test('progress in a track carries across plans: a lesson had under one plan is not repeated under another', () => {
    const [a, b] = [track('a', 4), track('b', 4)];
    const state: CourseState = { history: new Map(), cycleSince: '' };
    run(trackCourse(a), '2026-03-02', 2, state); // a-001, a-002
    const mixed = run({ id: 'p', title: 'P', tracks: [a, b] }, '2026-03-04', 8, { ...state, cycleSince: '' });
    expect(mixed.map((s) => s.id).filter((id) => id.startsWith('a'))).toEqual(['a-003', 'a-004']);
  });

  test('when every lesson was had, a new round starts and says so', () => {
    const sent = run(trackCourse(track('a', 2)), '2026-03-02', 5);
    expect(sent.map((s) => [s.id, s.newCycle, s.completesRound])).toEqual([
      ['a-001', false, false], ['a-002', false, true], ['a-001', true, false], ['a-002', false, true], ['a-001', true, false],
    ]);
  });
});

describe('dated lessons', () => {
  const seasonal = track('s', 6, { 1: ['05-01'], 2: ['06-01..06-30'], 3: ['06-01..06-30'], 4: ['10-01'] });
  const course: Course = { id: 'p', title: 'P', tracks: [seasonal, track('r', 400)] };

  test('a day that is a holiday goes on the last lesson day before it; a span spreads its lessons; both leave the rotation', () => {
    const year = run(course, '2026-01-05', 360);
    const dated = year.filter((s) => s.dated).map((s) => [s.day, s.id]);
    // 2026: 5月1日 is a holiday (1–5 May), 4月30日 a Thursday at work; 国庆 1–8 October, 9月30日 a Wednesday.
    expect(dated).toEqual([['2026-04-30', 's-001'], ['2026-06-01', 's-002'], ['2026-06-15', 's-003'], ['2026-09-30', 's-004']]);
    expect(year.filter((s) => ['s-001', 's-002', 's-003', 's-004'].includes(s.id) && !s.dated)).toEqual([]);
    expect(new Set(year.map((s) => s.id)).size).toBe(year.length);
  });

  test('once a year: a second pass over the same days does not send it again; next year it comes back', () => {
    const state: CourseState = { history: new Map(), cycleSince: '' };
    run(course, '2026-04-27', 5, state);
    expect(state.history.get('s-001')).toBe('2026-04-30');
    const again = lessonFor(course, '2026-04-30', state, weekdays)!;
    expect(again.dated).toBe(false);
    const nextYear = run(course, '2027-04-26', 5, state).filter((s) => s.dated);
    expect(nextYear.map((s) => s.id)).toEqual(['s-001']);
  });

  test('a group that enrols mid-season still gets the season lessons whose day has passed, never one still to come', () => {
    const sent = run(course, '2026-06-10', 10).filter((s) => s.dated);
    expect(sent.map((s) => [s.day, s.id])).toEqual([['2026-06-10', 's-002'], ['2026-06-15', 's-003']]);
  });

  test('two lessons for the same day: the second takes the lesson day before', () => {
    const both = track('t', 3, { 1: ['12-04'], 2: ['12-04'] });
    const sent = run({ id: 'p', title: 'P', tracks: [both] }, '2026-11-30', 5).filter((s) => s.dated);
    expect(sent.map((s) => [s.day, s.id])).toEqual([['2026-12-03', 't-002'], ['2026-12-04', 't-001']]);
  });
});
