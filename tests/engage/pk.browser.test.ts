import { expect } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from '../stats/seed.ts';

redisTest.runIf(runBrowser)('the org page shows the week’s team PK and the month’s 学习之星 with export links; the worker list shows badges', async ({ prefix }) => {
  await seedTwoDays(prefix);
  const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
  const officers = [{ name: '区干部', scope: '江都区总工会', password: hashPassword('correct horse 1') }];
  const app = buildApp({
    dashboard: { stats, officers: () => officers, sessions: new RedisSessions(store.redis, store.keys), secret: 'browser-test-secret', now: () => Date.parse('2026-12-13T18:00:00+08:00'), timezone: 'Asia/Shanghai' },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const yiban = (await stats.report(stats.org.root, '2026-12-07', '2026-12-08')).teams.find((t) => t.room === '总装车间一班')!.gid;
    const li = (await store.members(yiban)).find((m) => m.name === '李明')!.wid;
    await store.awardBadge(yiban, li, 'streak10', '2026-12-08');

    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=name]', '区干部');
    await page.fill('input[name=password]', 'correct horse 1');
    await page.click('button[type=submit]');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('pk-panel').waitFor();
    // The range ends on Sunday 12-13: that week is the last full one.
    await page.goto(`${base}/?from=2026-12-01&to=2026-12-13`);
    const panel = page.getByTestId('pk-panel');
    await panel.getByText('本周班组 PK（12-07 至 12-13）').waitFor();
    // 机加车间二班 1 of 6 (16.7%), 总装车间一班 3 of 8 (37.5%); the unbound 涂装车间三班 is not ranked.
    const places = await panel.getByTestId('pk-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.children[0].textContent, r.children[1].textContent]));
    expect(places).toEqual([['1', '总装车间一班'], ['2', '机加车间二班']]);
    await expect.poll(() => panel.getByTestId('star-总装车间一班').textContent()).toBe('总装车间一班李明62 次');
    expect(await panel.getByTestId('pk-export-xlsx').getAttribute('href')).toBe('/export/pk.xlsx?org=%E6%B1%9F%E9%83%BD%E5%8C%BA%E6%80%BB%E5%B7%A5%E4%BC%9A&from=2026-12-01&to=2026-12-13');

    await panel.getByTestId('pk-总装车间一班').getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/team/${yiban}`);
    await expect.poll(() => page.getByTestId('row-李明').getByTestId('cell-badges').textContent()).toBe('连学10次');
  } finally {
    await browser.close();
    await app.close();
    close();
  }
});
