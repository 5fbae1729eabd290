import { minuteMs } from '../time.ts';

/** A crowded wave never starts more than this early. */
export const maxLeadMs = 45 * minuteMs;

export interface DuePush {
  gid: number;
  /** When the lesson should be in the group (ms). */
  due: number;
  /** How long its messages take to send at the account's pace. */
  seconds: number;
}

/** Where a push falls in its account's wave: when it starts and finishes, and whether it is held back as too late. */
export interface WaveSlot {
  /** The earliest it may start (its lead): the queue sends it from then on as soon as it is free. */
  notBefore: number;
  /** When the queue will be free for it, one push after another. */
  start: number;
  finish: number;
  held: boolean;
}

export interface WaveOptions {
  /** A crowded wave never starts more than this early. */
  maxLeadMs: number;
  /** When the account's send queue is free (default: whenever the first push starts). */
  from?: number;
  /** A push that would finish more than this after its time is held back and takes no room (default: never). */
  ceilingMs?: number;
}

/**
 * The one plan of a morning wave on one account, used by the scheduler, the enrolment warning and
 * `banqian capacity`. Walking back from the latest due time, each push is given a start early enough to
 * leave room for the ones after it (a crowded 07:50 starts at 07:3x), never more than `maxLeadMs` early.
 * Then the account's queue is walked forwards, one push after another: where the wave needs more lead
 * than that, the later pushes finish late, and that lateness is what the plan says, not a promise.
 */
export function planWave<P extends DuePush>(pushes: P[], o: WaveOptions): Map<P, WaveSlot> {
  const earliest = new Map<P, number>();
  let cursor = Infinity;
  for (const p of [...pushes].sort((a, b) => b.due - a.due || b.gid - a.gid)) {
    const start = Math.max(Math.min(p.due, cursor) - p.seconds * 1000, p.due - o.maxLeadMs);
    earliest.set(p, start);
    cursor = start;
  }
  const slots = new Map<P, WaveSlot>();
  let free = o.from ?? -Infinity;
  for (const p of [...pushes].sort((a, b) => earliest.get(a)! - earliest.get(b)! || a.due - b.due || a.gid - b.gid)) {
    const start = Math.max(free, earliest.get(p)!);
    const finish = start + p.seconds * 1000;
    const held = finish - p.due > (o.ceilingMs ?? Infinity);
    slots.set(p, { notBefore: earliest.get(p)!, start, finish, held });
    if (!held) free = finish;
  }
  return slots;
}

/** The latest any push of the wave finishes after its time (ms; 0 when all are on time). */
export function latestLateness<P extends DuePush>(slots: Map<P, WaveSlot>): number {
  let late = 0;
  // Rounded to the ms: a pace such as 60/7 s a message leaves float dust.
  for (const [p, s] of slots) late = Math.max(late, Math.round(s.finish - p.due));
  return late;
}

/**
 * How many accounts a wave needs so that every push arrives by its time, its groups dealt out in turn
 * by due time (as `banqian capacity` and the enrolment warning assume).
 */
export function accountsNeeded<P extends DuePush>(pushes: P[], maxLeadMs: number): number {
  const byDue = [...pushes].sort((a, b) => a.due - b.due || a.gid - b.gid);
  const fits = (n: number) => Array.from({ length: n }, (_, i) => byDue.filter((_, j) => j % n === i)).every((share) => latestLateness(planWave(share, { maxLeadMs })) === 0);
  // Fitting is monotonic in the number of accounts: search for the least.
  let [lo, hi] = [1, Math.max(1, byDue.length)];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Groups the account can reach in one minute at this pace. */
export const roomsPerMinute = (secondsPerPush: number): number => Math.max(1, Math.floor(60 / secondsPerPush));

/** "07:50" -> 470. */
export const minuteOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** 470 -> "07:50". */
export const hhmmOf = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** A group as the wave sees it. */
export interface WaveGroup {
  gid: number;
  time: string;
  /** '' = enrolled before accounts: counted as the reading process's. */
  account: string;
}

/** The wave a push time falls in on one account: its chained pushes, as the scheduler would send them. */
export interface Wave {
  groups: number;
  first: string;
  last: string;
  /** How early it starts sending before its first group's time. */
  leadMinutes: number;
  /** How late the last of its lessons arrives (0 = all on time). */
  lateMinutes: number;
  /** Accounts the groups due in its span need, counting every account's groups. */
  accountsNeeded: number;
}

/**
 * The wave that a group at `time` on `account` is part of, among `around` (the groups due near it, of
 * every account), planned by planWave exactly as the scheduler does: pushes chained one after another
 * without a pause belong to one wave, wherever in the morning each is due.
 */
export function waveAt(around: WaveGroup[], me: WaveGroup, seconds: number): Wave {
  const t = minuteOf(me.time);
  // Minutes from `time`, within ±12 h, so a wave across midnight stays in order.
  const offset = (hhmm: string) => ((minuteOf(hhmm) - t + 720 + 1440) % 1440) - 720;
  const pushOf = (g: WaveGroup) => ({ gid: g.gid, due: offset(g.time) * minuteMs, seconds, time: g.time });
  const all = [...around.filter((g) => g.gid !== me.gid), me].map((g) => ({ ...pushOf(g), account: g.account || me.account }));
  const mine = all.filter((p) => p.account === me.account);
  const slots = planWave(mine, { maxLeadMs });
  const ordered = [...slots].sort((a, b) => a[1].start - b[1].start);
  let chain: typeof ordered = [];
  for (const entry of ordered) {
    // A pause of a second or more between pushes ends a wave.
    if (chain.length && entry[1].start > Math.max(...chain.map(([, s]) => s.finish)) + 1000) {
      if (chain.some(([p]) => p.gid === me.gid)) break;
      chain = [];
    }
    chain.push(entry);
  }
  const dues = chain.map(([p]) => p.due);
  const [firstDue, lastDue] = [Math.min(...dues), Math.max(...dues)];
  const everyone = all.filter((p) => p.due >= firstDue && p.due <= lastDue);
  return {
    groups: chain.length,
    first: hhmmOf((t + firstDue / minuteMs + 1440) % 1440),
    last: hhmmOf((t + lastDue / minuteMs + 1440) % 1440),
    leadMinutes: Math.ceil((firstDue - Math.min(...chain.map(([, s]) => s.start))) / minuteMs),
    lateMinutes: Math.ceil(latestLateness(new Map(chain)) / minuteMs),
    accountsNeeded: accountsNeeded(everyone, maxLeadMs),
  };
}
