import { isLessonDay, type CalendarOverrides } from '../schedule/calendar.ts';
import { addDays, isoWeekday } from '../time.ts';
import { daySpans } from './dates.ts';
import type { Course, Lesson, Track } from './types.ts';

/** What the group has had: its history and where its current round of the course began. */
export interface CourseState {
  /** Lesson id -> day of its latest push. */
  history: Map<string, string>;
  /** Day the current round began ('' = its first round). */
  cycleSince: string;
}

/** The group's lesson days, and a key that names them (for caching the year's dated lessons). */
export interface LessonDays {
  key: string;
  isLessonDay(day: string): boolean;
}

/** A group's lesson days: its ISO work days under the national and local calendar. */
export const lessonDaysOf = (workDays: number[], calendar: CalendarOverrides): LessonDays => ({
  key: `${workDays.join(',')}|${calendar.restDays.join(',')}|${calendar.extraWorkDays.join(',')}`,
  isLessonDay: (day) => isLessonDay(day, workDays, calendar),
});

export interface NextLesson {
  lesson: Lesson;
  track: Track;
  /** Every rotation lesson had been sent in this round, so this one starts a new round. */
  newCycle: boolean;
  /** This is the last rotation lesson of the round not yet sent: the group is told what comes next. */
  completesRound: boolean;
  /** A dated lesson, on its day: it must not have been had since `freshSince`. */
  dated: boolean;
  /** The lesson must not have been had on or after this day ('' = in the current round). */
  freshSince: string;
}

/** A dated lesson goes out once a year: not again while its last push is this recent. */
const datedRepeatDays = 180;

/** The course's lessons outside the calendar: the ones the rotation hands out. */
export const rotationLessons = (t: Track): Lesson[] => t.lessons.filter((l) => !l.dates);

/**
 * The lesson a group gets on `day`: a dated lesson whose day it is, or else the next in the rotation.
 * The rotation never repeats a lesson while the course has one the group hasn't had in this round; it
 * reads the group's lesson history (not a file cursor), so progress in a track carries across plans.
 */
export function lessonFor(course: Course, day: string, state: CourseState, days: LessonDays): NextLesson | undefined {
  const dated = datedLessonFor(course, day, state.history, days);
  if (dated) return { lesson: dated.lesson, track: dated.track, newCycle: false, completesRound: false, dated: true, freshSince: addDays(day, -datedRepeatDays + 1) };
  const had = (l: Lesson, since: string) => {
    const last = state.history.get(l.id);
    return last !== undefined && last >= since;
  };
  let since = state.cycleSince;
  let unseen = course.tracks.map((t) => rotationLessons(t).filter((l) => !had(l, since)));
  const newCycle = unseen.every((u) => !u.length);
  if (newCycle) {
    since = day;
    unseen = course.tracks.map(rotationLessons);
  }
  const left = unseen.reduce((n, u) => n + u.length, 0);
  if (!left) return undefined;
  const i = pickTrack(course, day, unseen, (t) => rotationLessons(t).filter((l) => had(l, since)).length);
  return { lesson: unseen[i][0], track: course.tracks[i], newCycle, completesRound: left === 1, dated: false, freshSince: '' };
}

/**
 * The track (its index) for the day: the weekday's, or the one furthest behind its share of the round;
 * when that track has nothing left, the one with the most lessons the group hasn't had.
 */
function pickTrack(course: Course, day: string, unseen: Lesson[][], hadInRound: (t: Track) => number): number {
  const mostUnseen = () => unseen.reduce((best, u, i) => (u.length > unseen[best].length ? i : best), 0);
  let pick: number;
  if (course.weekdays) {
    const t = course.weekdays.get(isoWeekday(day));
    pick = t ? course.tracks.indexOf(t) : -1;
  } else {
    const weights = course.tracks.map((t) => course.weights?.get(t.id) ?? rotationLessons(t).length);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const counts = course.tracks.map(hadInRound);
    const n = counts.reduce((a, b) => a + b, 0);
    // The track whose count lags its share of n+1 lessons the most (ties: the plan's order).
    pick = 0;
    let lag = -Infinity;
    weights.forEach((w, i) => {
      const l = (w / total) * (n + 1) - counts[i];
      if (l > lag + 1e-9) [pick, lag] = [i, l];
    });
  }
  return pick >= 0 && unseen[pick].length ? pick : mostUnseen();
}

/** Dated lesson for the day, if one is due and the group hasn't had it this year. */
function datedLessonFor(course: Course, day: string, history: Map<string, string>, days: LessonDays): Occurrence | undefined {
  const fresh = (l: Lesson) => !((history.get(l.id) ?? '') > addDays(day, -datedRepeatDays));
  const year = Number(day.slice(0, 4));
  // A lesson for early January may fall on the last work day of December.
  const schedule = datedSchedule(course, year, days);
  const placed = schedule.get(day) ?? datedSchedule(course, year + 1, days).get(day);
  if (placed && fresh(placed.lesson)) return placed;
  // Catch-up: a group that enrolled mid-season, or missed the day, still gets the season's lessons whose
  // day has passed (never one whose day is still to come).
  if (!days.isLessonDay(day)) return undefined;
  const dayOf = new Map([...schedule].map(([d, o]) => [o, d]));
  return occurrences(course, year).find((o) => o.from <= day && day <= o.to && (dayOf.get(o) ?? '') < day && fresh(o.lesson));
}

interface Occurrence {
  lesson: Lesson;
  track: Track;
  from: string;
  to: string;
}

/** Per-course memo: a reloaded library brings new course objects, so nothing stale is kept. */
const memos = new WeakMap<Course, Map<string, unknown>>();
function memo<T>(course: Course, key: string, make: () => T): T {
  let byKey = memos.get(course);
  if (!byKey) memos.set(course, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, make());
  return byKey.get(key) as T;
}

/** Each dated lesson's spans in a year, narrowest first, then in the course's order. */
const occurrences = (course: Course, year: number): Occurrence[] => memo(course, `occurrences|${year}`, () => occurrencesOf(course, year));

function occurrencesOf(course: Course, year: number): Occurrence[] {
  const all = course.tracks.flatMap((track) =>
    track.lessons.flatMap((lesson) => daySpans(lesson.dates).map((s) => ({ lesson, track, from: `${year}-${s.from}`, to: `${year}-${s.to}` }))),
  );
  const length = (o: Occurrence) => Date.parse(o.to) - Date.parse(o.from);
  return all.map((o, i) => ({ o, i })).sort((a, b) => length(a.o) - length(b.o) || a.i - b.i).map(({ o }) => o);
}

/**
 * Which lesson day of the year each dated lesson takes, for a group with these lesson days. A day's lesson
 * goes on that day, or on the last lesson day before it when that is a rest day (五一 goes before the
 * holiday). A span's lessons are spread evenly over its free lesson days. At most one per day: a later
 * one in the order gives way to the lesson day before.
 */
const datedSchedule = (course: Course, year: number, days: LessonDays) => memo(course, `schedule|${year}|${days.key}`, () => scheduleOf(course, year, days));

function scheduleOf(course: Course, year: number, days: LessonDays): Map<string, Occurrence> {
  const taken = new Map<string, Occurrence>();
  const lessonDaysIn = (from: string, to: string) => {
    const out: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (days.isLessonDay(d)) out.push(d);
    return out;
  };
  const lastFreeBefore = (day: string) => {
    for (let d = day, i = 0; i < 60; d = addDays(d, -1), i++) if (days.isLessonDay(d) && !taken.has(d)) return d;
    return undefined;
  };
  const spans = new Map<string, Occurrence[]>();
  for (const o of occurrences(course, year)) spans.set(`${o.from}..${o.to}`, [...(spans.get(`${o.from}..${o.to}`) ?? []), o]);
  for (const group of spans.values()) {
    const { from, to } = group[0];
    const free = lessonDaysIn(from, to).filter((d) => !taken.has(d));
    // Spread over the span's free lesson days; what doesn't fit (a rest day, a day already taken, more
    // lessons than days) goes on the free lesson days just before the span.
    const placed = group.slice(0, free.length);
    placed.forEach((o, i) => taken.set(free[Math.floor((i * free.length) / placed.length)], o));
    for (const o of group.slice(free.length)) {
      const d = lastFreeBefore(from);
      if (d) taken.set(d, o);
    }
  }
  return taken;
}
