/** Calendar helpers. Times are instants (ms); days are 'YYYY-MM-DD' strings in the configured zone. */

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const minuteMs = 60_000;

export function isRealDate(ymd: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Why a from/to pair is unusable (not real dates, or reversed), or undefined when it is fine. */
export function rangeError(from: string, to: string): string | undefined {
  for (const d of [from, to]) if (!isRealDate(d)) return `“${d}”不是有效日期，应写成 2026-12-07`;
  return from > to ? `开始日期 ${from} 晚于结束日期 ${to}` : undefined;
}

/** Parses "7:50", "07:50" or "07：50" (full-width colon); undefined for anything that is not a real time of day. */
export function parseHhmm(s: string): string | undefined {
  const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(s.trim());
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : undefined;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    partsCache.set(tz, f);
  }
  return f;
}

/** Minute of the day (0–1439) that a zone's wall clock shows at an instant. */
export function minuteOfDay(at: number, tz: string): number {
  const [h, m] = wallClock(at, tz).hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The wall-clock date and time of an instant in a zone. */
export function wallClock(at: number, tz: string): { day: string; hhmm: string; seconds: number } {
  const p = Object.fromEntries(formatter(tz).formatToParts(at).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hhmm: `${p.hour}:${p.minute}`, seconds: +p.second };
}

/** Minutes a zone is ahead of UTC at an instant. */
function offsetMinutes(at: number, tz: string): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / minuteMs);
}

/** instantOf is asked for the same few (day, time) pairs every tick: each is worked out once (Intl is slow). */
const instants = new Map<string, number>();

/** The instant at which a zone's wall clock shows `day` `hhmm`. */
export function instantOf(day: string, hhmm: string, tz: string): number {
  const key = `${tz} ${day} ${hhmm}`;
  let at = instants.get(key);
  if (at === undefined) {
    if (instants.size >= 100_000) instants.clear();
    at = computeInstant(day, hhmm, tz);
    instants.set(key, at);
  }
  return at;
}

/** The first instant after `after` at which a zone's wall clock shows `hhmm`. */
export function nextInstantOf(hhmm: string, after: number, tz: string): number {
  const { day } = wallClock(after, tz);
  const today = instantOf(day, hhmm, tz);
  return today > after ? today : instantOf(addDays(day, 1), hhmm, tz);
}

function computeInstant(day: string, hhmm: string, tz: string): number {
  const [y, mo, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - offsetMinutes(guess, tz) * minuteMs;
  return guess - offsetMinutes(first, tz) * minuteMs;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/** ISO-8601 with the zone's offset, e.g. 2026-12-07T07:50:00+08:00. */
export function isoInZone(at: number, tz: string): string {
  const w = wallClock(at, tz);
  const off = offsetMinutes(at, tz);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${w.day}T${w.hhmm}:${String(w.seconds).padStart(2, '0')}${sign}${hh}:${mm}`;
}

/** Days since 1970-01-01 for a "YYYY-MM-DD" day: a sorted set's score for "due on this day". */
export const epochDay = (day: string): number => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
export const dayOfEpoch = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);
