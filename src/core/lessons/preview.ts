import { dayNote, type CalendarOverrides } from '../schedule/calendar.ts';
import { addDays } from '../time.ts';
import { lessonDaysOf, lessonFor, type CourseState, type NextLesson } from './course.ts';
import type { Course } from './types.ts';

export interface PreviewDay {
  day: string;
  /** Holiday, 调休 or rest day, as shown to officers ('' = an ordinary day). */
  note: string;
  /** The day's lesson; none on a rest day. */
  next?: NextLesson;
  /** A rotation lesson sent before in this preview: a new round began. */
  repeat: boolean;
  /** A dated lesson sent a year before: it comes back on its day every year, by design. */
  yearly: boolean;
}

/**
 * What a group that enrols on `from` would get each day for `days` days, with holidays and 调休 applied:
 * the same choice the bot makes, fed its own history (`state`, a new group's by default; updated in place).
 */
export function previewCourse(
  course: Course,
  from: string,
  days: number,
  workDays: number[],
  calendar: CalendarOverrides,
  state: CourseState = { history: new Map(), cycleSince: '' },
): PreviewDay[] {
  const lessonDays = lessonDaysOf(workDays, calendar);
  const out: PreviewDay[] = [];
  for (let i = 0, day = from; i < days; i++, day = addDays(day, 1)) {
    const note = dayNote(day, workDays, calendar);
    if (!lessonDays.isLessonDay(day)) {
      out.push({ day, note, repeat: false, yearly: false });
      continue;
    }
    const next = lessonFor(course, day, state, lessonDays);
    if (next?.newCycle) state.cycleSince = day;
    const before = !!next && state.history.has(next.lesson.id);
    if (next) state.history.set(next.lesson.id, day);
    out.push({ day, note, next, repeat: before && !next!.dated, yearly: before && next!.dated });
  }
  return out;
}
