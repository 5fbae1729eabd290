export interface DuePush {
  gid: number;
  /** When the lesson should be in the group (ms). */
  due: number;
  /** How long its messages take to send at the account's pace. */
  seconds: number;
}

/**
 * When to start each push so that it arrives by its time: walking back from the latest due time,
 * each push starts early enough to leave room for the ones after it. A crowded 07:50 thus starts
 * at 07:3x instead of finishing at 08:0x. Leads are capped so a huge wave never starts hours early.
 */
export function planStarts<P extends DuePush>(pushes: P[], maxLeadMs: number): Map<P, number> {
  const starts = new Map<P, number>();
  const latestFirst = [...pushes].sort((a, b) => b.due - a.due || b.gid - a.gid);
  let cursor = Infinity;
  for (const p of latestFirst) {
    const finish = Math.min(p.due, cursor);
    const start = Math.max(finish - p.seconds * 1000, p.due - maxLeadMs);
    starts.set(p, start);
    cursor = start;
  }
  return starts;
}

/** Groups the account can reach in one minute at this pace. */
export const roomsPerMinute = (secondsPerPush: number): number => Math.max(1, Math.floor(60 / secondsPerPush));
