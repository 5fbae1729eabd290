import type { Group } from '../ports.ts';

/** The parts of the engagement loop an org can switch off; some a leader switches per group too. */
export const features = ['reminder', 'review', 'repetition', 'ranking', 'star', 'badges', 'leave', 'digest', 'weeklyReport', 'dropAlerts'] as const;
export type Feature = (typeof features)[number];

export interface EngagementSettings extends Record<Feature, boolean> {
  /** Engagement messages per group per day besides the lesson and its summary. */
  dailyCap: number;
  reminderMinutes: number;
  /** Level of the org node whose groups are ranked together (root = 1, so 3 = workshop in the shipped tree). */
  rankingLevel: number;
  /** Org paths an officer picked whose groups are ranked together instead (the deepest one above a group wins). */
  rankAt: string[];
  reportsDir: string;
  smtp: { url: string; from: string };
  /** Org path -> features switched off for every group under it. */
  off: Record<string, Feature[]>;
}

/** What a group has before its leader says otherwise: everything on but the leader's private digest. */
const groupDefaults: Record<Feature, boolean> = { ...(Object.fromEntries(features.map((f) => [f, true])) as Record<Feature, boolean>), digest: false };

/** The group option that holds a leader's switch for a feature. */
export const optionOf = (f: Feature) => `engage.${f}`;

/** Whether a feature is on in the settings and not switched off for the org node at `path` or any node above it. */
export function orgFeatureOn(feature: Feature, path: string, settings: EngagementSettings): boolean {
  return settings[feature] && !Object.entries(settings.off).some(([node, off]) => off.includes(feature) && (path === node || path.startsWith(`${node}/`)));
}

/**
 * Whether a feature runs for a group: on in the settings, not switched off for the group's org node or any
 * node above it, and not switched off (or, for the digest, switched on) by the group's leader.
 */
export function featureOn(feature: Feature, g: Group, settings: EngagementSettings): boolean {
  if (!orgFeatureOn(feature, g.team, settings)) return false;
  const chosen = g.options[optionOf(feature)];
  return chosen === undefined ? groupDefaults[feature] : chosen === 'on';
}
