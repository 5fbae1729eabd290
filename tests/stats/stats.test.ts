import { describe, expect } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { runCli } from '../helpers/cli.ts';
import { wallClock } from '../../src/core/time.ts';
import { seedTwoDays, statsConfig } from './seed.ts';

const jijia = '江都区总工会/江都机械有限公司/机加车间/机加车间二班';
const zongzhuang = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';

describe('figures from a simulated run with known answers', () => {
  redisTest('teams, org levels (rollups), workers and lessons agree with the answers given', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const { stats, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const report = await stats.report(stats.org.root, '2026-12-01', '2026-12-31');
      const team = (room: string) => report.teams.find((t) => t.room === room)!;
      expect(team('总装车间一班')).toMatchObject({ team: zongzhuang, lessons: 2, expected: 8, answered: 3, correct: 2, late: 1, participationRate: 3 / 8, correctRate: 2 / 3 });
      expect(team('机加车间二班')).toMatchObject({ team: jijia, lessons: 2, expected: 6, answered: 1, correct: 1, late: 0 });
      expect(team('涂装车间三班')).toMatchObject({ team: null, lessons: 2, expected: 4, answered: 0, correct: 0, participationRate: 0, correctRate: null });

      const li = report.workers.find((w) => w.name === '李明')!;
      expect(li).toEqual({ name: '李明', room: '总装车间一班', answered: 2, correct: 2, points: 6, streak: 2, badges: [] });
      expect(report.workers.find((w) => w.name === '王芳')).toMatchObject({ answered: 0, correct: 0, points: 1 });

      const demo1 = report.lessons.find((l) => l.lessonId === 'demo-001')!;
      expect(demo1).toMatchObject({ lessons: 3, expected: 9, answered: 3, correct: 2, late: 1 });
      expect(demo1.questions[0].options.map((o) => o.count)).toEqual([1, 2, 0]); // A once, B twice, on time

      // The enterprise's rollup sums exactly its two bound teams, including the day before binding.
      const company = await stats.overview(stats.org.get('江都区总工会/江都机械有限公司')!, '2026-12-07', '2026-12-08');
      expect(company.figures).toMatchObject({ lessons: 4, expected: 14, answered: 4, correct: 3, late: 1 });
      expect(company.daily.map((d) => d.answered)).toEqual([3, 1]);
      const root = await stats.overview(stats.org.root, '2026-12-07', '2026-12-08');
      expect(root.figures).toMatchObject({ lessons: 6, expected: 18, answered: 4 });
      expect(root.children.map((c) => [c.name, c.figures.lessons])).toEqual([['江都机械有限公司', 4], ['江都纺织有限公司', 0], ['未归属', 2]]);
      const unbound = await stats.overview(stats.org.unbound, '2026-12-07', '2026-12-08');
      expect(unbound.children.map((c) => [c.kind, c.name])).toEqual([['team', '涂装车间三班']]);
    } finally {
      close();
    }
  });

  redisTest('`banqian stats` prints the same figures as JSON, and CSV with formulas neutralised', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const args = ['stats', '--prefix', prefix, '--from', '2026-12-01', '--to', '2026-12-31', '--org', '江都机械有限公司'];
    const env = { REDIS_URL: redisUrl() };
    const json = runCli([...args, '--format', 'json', '-c', '/nonexistent'], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.teams.map((t: { room: string }) => t.room).sort()).toEqual(['总装车间一班', '机加车间二班']);
    expect(Object.keys(report)).toEqual(['from', 'to', 'teams', 'workers', 'lessons']);
    const csv = runCli([...args, '--format', 'csv'], { env });
    expect(csv.stdout).toContain("\r\n'=HYPERLINK(1),总装车间一班,1,0,1,1,\r\n");
    const table = runCli([...args], { env });
    expect(table.stdout).toMatch(/总装车间一班\s+江都区总工会\/江都机械有限公司\/总装车间\/总装车间一班\s+2\s+8\s+3\s+2\s+1\s+37\.5%\s+66\.7%/);
    expect(runCli(['stats', '--prefix', prefix, '--from', '2026-02-30'], { env }).stderr).toMatch(/“2026-02-30”不是有效日期/);
    expect(runCli(['stats', '--org', '不存在的厂'], { env }).stderr).toMatch(/组织架构里没有“不存在的厂”/);
    // Without dates: the real current month (no simulator clock here), up to today in Asia/Shanghai.
    const today = wallClock(Date.now(), 'Asia/Shanghai').day;
    const month = JSON.parse(runCli(['stats', '--prefix', prefix, '--format', 'json', '-c', '/nonexistent'], { env }).stdout);
    expect([month.from, month.to]).toEqual([`${today.slice(0, 8)}01`, today]);
    // With only --to, the month of that day.
    const october = JSON.parse(runCli(['stats', '--prefix', prefix, '--to', '2026-10-15', '--format', 'json', '-c', '/nonexistent'], { env }).stdout);
    expect([october.from, october.to]).toEqual(['2026-10-01', '2026-10-15']);
  }, 90_000); // seven real CLI runs, each starting Node and tsx
});
