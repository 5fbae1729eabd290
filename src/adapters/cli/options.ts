import { isRealDate, wallClock } from '../../core/time.ts';
import type { OrgNode, OrgTree } from '../../core/org.ts';

/** An org path or a unique name, or a clear error listing what would work. */
export function resolveOrg(org: OrgTree, pathOrName: string | undefined): OrgNode {
  if (!pathOrName) return org.root;
  const { node, candidates } = org.find(pathOrName);
  if (node) return node;
  if (candidates.length > 1) throw new Error(`“${pathOrName}”不唯一，请写完整路径：\n${candidates.map((c) => `  ${c.path}`).join('\n')}`);
  throw new Error(`组织架构里没有“${pathOrName}”。顶层是“${org.root.path}”，路径用“/”连接。`);
}

/** --from/--to as YYYY-MM-DD; by default this month up to today. */
export function dateRange(from: string | undefined, to: string | undefined, timezone: string, now = Date.now()): { from: string; to: string } {
  const today = wallClock(now, timezone).day;
  const range = { from: from ?? `${today.slice(0, 8)}01`, to: to ?? today };
  for (const [flag, value] of Object.entries(range)) {
    if (!isRealDate(value)) throw new Error(`--${flag} “${value}”不是有效日期，应写成 2026-12-07`);
  }
  if (range.from > range.to) throw new Error(`开始日期 ${range.from} 晚于结束日期 ${range.to}`);
  return range;
}
