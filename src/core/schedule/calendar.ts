import chineseDays from 'chinese-days';
import { isoWeekday } from '../time.ts';

export interface CalendarOverrides {
  /** Local rest days (YYYY-MM-DD), e.g. a plant's own shutdown. */
  restDays: string[];
  /** Local make-up work days. */
  extraWorkDays: string[];
}

/**
 * Whether a team with these ISO work days has a lesson on `day`: never on a Chinese public holiday,
 * always on an official 调休 make-up day, otherwise on its own work days. Local overrides win.
 */
export function isLessonDay(day: string, workDays: number[], overrides: CalendarOverrides): boolean {
  if (overrides.restDays.includes(day)) return false;
  if (overrides.extraWorkDays.includes(day)) return true;
  const weekday = isoWeekday(day);
  const official = chineseDays.getDayDetail(day);
  const weekend = weekday >= 6;
  if (official.work && weekend) return true; // 调休 make-up day
  if (!official.work && !weekend) return false; // public holiday on a weekday
  if (!official.work && isNamedHoliday(official.name)) return false; // e.g. 国庆 on a Saturday for a 6-day team
  return workDays.includes(weekday);
}

const isNamedHoliday = (name: string) => !/^(Saturday|Sunday)$/.test(name);
