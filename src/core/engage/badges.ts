import type { BotDeps } from '../bot/deps.ts';
import type { Group, Push } from '../ports.ts';
import { featureOn } from './features.ts';
import type { EngagementHook } from './hooks.ts';

/** Consecutive pushes answered that earn a badge, announced once in the summary of the push that reached it. */
export const streakMilestones = [10, 30, 100] as const;

/** How a badge id reads: "streak30" -> 连学30次, "full:2026-11" -> 2026年11月全勤. */
export function badgeLabel(id: string): string {
  const streak = /^streak(\d+)$/.exec(id);
  if (streak) return `连学${streak[1]}次`;
  const full = /^full:(\d{4})-(\d{2})$/.exec(id);
  return full ? `${full[1]}年${Number(full[2])}月全勤` : id;
}

/** Streaks first (highest first), then 全勤 marks, newest first. */
export function badgeLabels(ids: string[]): string[] {
  const rank = (id: string) => (id.startsWith('streak') ? -Number(id.slice(6)) : 0);
  return [...ids].sort((a, b) => rank(a) - rank(b) || b.localeCompare(a)).map(badgeLabel);
}

/**
 * Streak milestones: each worker who reached one with this push gets it once. Only the highest new one is
 * announced (a worker already past 10 and 30 when badges were switched on gets both, and one line).
 */
export function badgesHook(deps: BotDeps): EngagementHook {
  return {
    name: 'badges',
    async summaryLines(g: Group, push: Push): Promise<string[]> {
      if (push.kind !== 'lesson' || !featureOn('badges', g, deps.settings.engagement)) return [];
      const lines: string[] = [];
      for (const m of await deps.store.streaksAt(g.gid, push.seq)) {
        let reached: number | undefined;
        for (const n of streakMilestones.filter((n) => m.streak >= n)) {
          // The day read back is this push's day only for a badge given now (also when a summary is rebuilt after a crash).
          if ((await deps.store.awardBadge(g.gid, m.wid, `streak${n}`, push.day)) === push.day) reached = n;
        }
        if (reached) lines.push(`🎖 ${m.name} 已连续学习 ${m.streak} 次，获得“${badgeLabel(`streak${reached}`)}”徽章！`);
      }
      return lines.length ? [lines.join('\n')] : [];
    },
  };
}
