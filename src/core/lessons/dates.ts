/** A span of days in every year, as 'MM-DD' strings; `from` <= `to` (a span never crosses New Year). */
export interface DaySpan {
  from: string;
  to: string;
}

const monthDay = /^(\d{2})-(\d{2})$/;
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isMonthDay = (s: string): boolean => {
  const m = monthDay.exec(s);
  return !!m && +m[1] >= 1 && +m[1] <= 12 && +m[2] >= 1 && +m[2] <= daysInMonth[+m[1] - 1];
};

/** Parses "06-01..06-30" or "05-01"; a string is the author's mistake in words they can act on. */
export function parseDaySpan(spec: string): DaySpan | string {
  const [from, to = from, ...rest] = spec.trim().split('..');
  if (rest.length || ![from, to].every(isMonthDay)) return `日期“${spec}”格式不对，应写成 月-日，如 05-01，或一段日子，如 06-01..06-30`;
  if (from > to) return `日期“${spec}”跨了年，请拆成两段，如 12-01..12-31 和 01-01..01-31`;
  return { from, to };
}

/** The spans of a lesson's `dates` (already checked by the loader). */
export const daySpans = (dates: string[] | undefined): DaySpan[] => (dates ?? []).map((d) => parseDaySpan(d) as DaySpan);
