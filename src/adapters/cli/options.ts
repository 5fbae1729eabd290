import { rangeError, wallClock } from '../../core/time.ts';
import type { OrgNode, OrgTree } from '../../core/org.ts';

/** An org path or a unique name (the root when omitted), or an error saying what would work. */
export function resolveOrg(org: OrgTree, pathOrName: string | undefined): OrgNode {
  if (!pathOrName) return org.root;
  const found = org.resolve(pathOrName);
  if ('error' in found) throw new Error(found.error);
  return found.node;
}

/** --from/--to as YYYY-MM-DD; by default the real current month up to today, or the month of --to from its 1st. */
export function dateRange(from: string | undefined, to: string | undefined, timezone: string, now = Date.now()): { from: string; to: string } {
  const end = to ?? wallClock(now, timezone).day;
  const range = { from: from ?? `${end.slice(0, 8)}01`, to: end };
  const error = rangeError(range.from, range.to);
  if (error) throw new Error(error);
  return range;
}
