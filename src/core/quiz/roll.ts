import type { BotDeps } from '../bot/deps.ts';
import type { Group } from '../ports.ts';
import { readFirst } from '../stats.ts';
import { expectedOn } from '../engage/leave.ts';
import type { Expected } from './participants.ts';

/** Who answered a day's lesson quiz on time, who late (补学), and who not yet: by name where the expected people are known. */
export interface Roll {
  /** Those on leave that day are not expected (unless they answered anyway). */
  expected: Expected & { leave: number; away: Map<number, string> };
  onTime: number;
  /** Answered only after the close. */
  late: number;
  /** Expected people who have not answered at all (a count where nobody is named). */
  missing: number;
  /** Where the roster or the room lists people: their names. */
  lateNames?: string[];
  missingNames?: string[];
}

export async function rollOf(deps: BotDeps, g: Group, day: string): Promise<Roll> {
  const { store } = deps;
  const expected = await expectedOn(deps, g, day);
  // After the close, an answer is 补学: those workers did answer, just late, so they are listed apart.
  const onTime = new Set<number>();
  const late = new Set<number>();
  for (const [field, value] of Object.entries(await store.firstAnswers(g.gid, day))) {
    const first = readFirst(field, value);
    (first.onTime ? onTime : late).add(first.wid);
  }
  const lateOnly = [...late].filter((w) => !onTime.has(w));
  const people = expected.people;
  if (!people) return { expected, onTime: onTime.size, late: lateOnly.length, missing: Math.max(0, expected.count - onTime.size - lateOnly.length) };
  // A roster lists user ids and roster names; the store knows people by platform id (or name, on wechat4u).
  const wids = await store.lookupWorkers(g.gid, people.map((m) => m.id), people.map((m) => m.name));
  const names = (pick: (wid: number | undefined) => boolean) => people.filter((_, i) => pick(wids[i])).map((m) => m.name);
  const lateNames = names((w) => w !== undefined && late.has(w) && !onTime.has(w));
  const missingNames = names((w) => w === undefined || (!onTime.has(w) && !late.has(w)));
  return { expected, onTime: onTime.size, late: lateNames.length, missing: missingNames.length, lateNames, missingNames };
}
