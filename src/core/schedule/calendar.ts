import chineseDays from 'chinese-days';
import type { Logger } from '../ports.ts';
import { addDays, isoWeekday, wallClock } from '../time.ts';

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

/** Why a day is or isn't a lesson day, in the words an officer checks a schedule by ('' = an ordinary day). */
export function dayNote(day: string, workDays: number[], overrides: CalendarOverrides): string {
  if (overrides.restDays.includes(day)) return '本单位休息日';
  if (overrides.extraWorkDays.includes(day)) return '本单位加班日';
  const official = chineseDays.getDayDetail(day);
  const weekend = isoWeekday(day) >= 6;
  if (official.work && weekend) return '调休上班';
  // chinese-days names holidays "English,中文,days"; weekends are just "Saturday"/"Sunday".
  if (!official.work && isNamedHoliday(official.name)) return `法定节假日（${official.name.split(',')[1] ?? official.name}）`;
  return isLessonDay(day, workDays, overrides) ? '' : '休息日';
}

/** How far ahead the schedule is checked for holiday data: long enough to fix the config in time. */
const holidayHorizonDays = 60;

/**
 * Years between `today` and the horizon for which chinese-days has no holidays at all (its data stops
 * at the last year the State Council announced) and `restDays` names none of that year's days: those
 * years' public holidays would get lessons.
 */
export function yearsWithoutHolidays(today: string, overrides: CalendarOverrides, horizonDays = holidayHorizonDays): number[] {
  const first = Number(today.slice(0, 4));
  const last = Number(addDays(today, horizonDays).slice(0, 4));
  const missing: number[] = [];
  for (let year = first; year <= last; year++) {
    const known = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    if (!known && !overrides.restDays.some((d) => d.startsWith(`${year}-`))) missing.push(year);
  }
  return missing;
}

/** The start-up check: logs a warning when a year the schedule will soon reach has no holiday data. */
export function warnMissingHolidays(log: Logger, now: number, timezone: string, overrides: CalendarOverrides): void {
  const years = yearsWithoutHolidays(wallClock(now, timezone).day, overrides);
  if (years.length) log.warn({ years }, 'no public holiday data for these years: list their holidays under schedule.restDays or run `npm update chinese-days`');
}
