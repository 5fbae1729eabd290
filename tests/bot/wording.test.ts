import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

describe('wording', () => {
  // A streak counts pushes, not calendar days (rest days never break it): the bot says "次", so must the dashboard.
  test('the dashboard shows streaks in 次, like the bot', () => {
    const js = readFileSync('src/adapters/web/dashboard/dashboard.js', 'utf8');
    const streakColumn = js.split('\n').find((l) => l.includes("key: 'streak'"))!;
    expect(streakColumn).toContain('${w.streak} 次');
    expect(streakColumn).not.toMatch(/streak\} 天/);
  });
});
