import { describe, expect, test } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { figures, isoWeek, trend } from '../../src/core/stats.ts';
import { runCli } from '../helpers/cli.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from './seed.ts';

const day = (answered: number, expected = 10) => ({ lessons: 1, expected, answered, correct: 0, late: 0 });

describe('figure helpers', () => {
  test('rates are null when their denominator is 0', () => {
    expect(figures({ lessons: 0, expected: 0, answered: 0, correct: 0, late: 0 })).toMatchObject({ participationRate: null, correctRate: null });
    expect(figures({ lessons: 2, expected: 20, answered: 5, correct: 4, late: 1 })).toMatchObject({ participationRate: 0.25, correctRate: 0.8 });
  });

  test('a drop of more than 10 points over the last two weeks is flagged; a small one is not', () => {
    expect(trend([...Array(14).fill(day(8)), ...Array(14).fill(day(6))])).toEqual({ last2w: 0.6, prev2w: 0.8, dropped: true });
    expect(trend([...Array(14).fill(day(8)), ...Array(14).fill(day(7.5))]).dropped).toBe(false);
    expect(trend([...Array(14).fill(day(0, 0)), ...Array(14).fill(day(1))]).dropped).toBe(false); // nothing to compare with
  });

  test('ISO weeks', () => {
    expect(isoWeek('2026-12-07')).toEqual({ week: '2026-W50', monday: '2026-12-07' });
    expect(isoWeek('2027-01-01')).toEqual({ week: '2026-W53', monday: '2026-12-28' });
    expect(isoWeek('2026-01-01')).toEqual({ week: '2026-W01', monday: '2025-12-29' });
  });
});

describe('binding a group from the CLI', () => {
  redisTest('`banqian team bind` moves a group and its past figures to another node', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const r = runCli(['team', 'bind', '涂装车间三班', '织造车间甲班', '--prefix', prefix], { env: { REDIS_URL: redisUrl() } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('已归属：涂装车间三班 → 江都区总工会/江都纺织有限公司/织造车间/织造车间甲班');
    const { stats, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const root = await stats.overview(stats.org.root, '2026-12-07', '2026-12-08');
      expect(root.figures).toMatchObject({ lessons: 6, expected: 18, answered: 4 }); // totals unchanged
      expect(root.children.map((c) => [c.name, c.figures.lessons, c.figures.expected])).toEqual([['江都机械有限公司', 4, 14], ['江都纺织有限公司', 2, 4]]);
    } finally {
      close();
    }
    expect(runCli(['team', 'bind', '没有的群', '织造车间甲班', '--prefix', prefix], { env: { REDIS_URL: redisUrl() } }).stderr).toMatch(/没有报名的群叫“没有的群”/);
  });
});
