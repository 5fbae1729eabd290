import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { featureOn, optionOf } from '../../src/core/engage/features.ts';
import type { Group } from '../../src/core/ports.ts';

const group = (team: string, options: Record<string, string> = {}): Group => ({
  gid: 1, roomId: 'r@chatroom', topic: '一班', track: 'zonghe', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 120, status: 'active',
  cycleSince: '', cycle: 1, lessons: 0, current: '', activeSince: 0, team, options, account: '',
});

describe('engagement switches', () => {
  const settings = loadConfig('/nonexistent', {}).engagement;

  test('every feature is on by default but the leader\'s digest, which the leader turns on', () => {
    const g = group('江都区总工会/江都机械有限公司/总装车间/总装车间一班');
    expect(featureOn('reminder', g, settings)).toBe(true);
    expect(featureOn('digest', g, settings)).toBe(false);
    expect(featureOn('digest', { ...g, options: { [optionOf('digest')]: 'on' } }, settings)).toBe(true);
    expect(featureOn('reminder', { ...g, options: { [optionOf('reminder')]: 'off' } }, settings)).toBe(false);
  });

  test('an org switches a feature off for every group under it, and the settings for all', () => {
    const off = { ...settings, off: { '江都区总工会/江都机械有限公司': ['ranking' as const] } };
    expect(featureOn('ranking', group('江都区总工会/江都机械有限公司/总装车间/总装车间一班'), off)).toBe(false);
    expect(featureOn('ranking', group('江都区总工会/江都机械有限公司二厂/一班'), off)).toBe(true); // a sibling whose name only starts the same
    expect(featureOn('ranking', group(''), off)).toBe(true);
    expect(featureOn('reminder', group(''), { ...settings, reminder: false })).toBe(false);
  });
});
