import { rangeError, wallClock } from '../../core/time.ts';
import type { OrgNode, OrgTree } from '../../core/org.ts';

/** An org path or a unique name (the root when omitted), or an error saying what would work. */
export function resolveOrg(org: OrgTree, pathOrName: string | undefined): OrgNode {
  if (!pathOrName) return org.root;
  const found = org.resolve(pathOrName);
  if ('error' in found) throw new Error(found.error);
  return found.node;
}

/** --from/--to as YYYY-MM-DD; by default this month up to today. */
export function dateRange(from: string | undefined, to: string | undefined, timezone: string, now = Date.now()): { from: string; to: string } {
  const today = wallClock(now, timezone).day;
  const range = { from: from ?? `${today.slice(0, 8)}01`, to: to ?? today };
  const error = rangeError(range.from, range.to);
  if (error) throw new Error(error);
  return range;
}
