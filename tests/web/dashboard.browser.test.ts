import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from '../stats/seed.ts';

/** The seeded dashboard served on a free port, one chromium page in it; CSP violations fail the test. */
async function withDashboard(
  prefix: string,
  context: BrowserContextOptions,
  run: (page: Page, base: string) => Promise<void>,
  { officer = '区干部', simulated = false } = {},
): Promise<void> {
  await seedTwoDays(prefix);
  const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
  const officers = [{ name: officer, scope: '江都区总工会', password: hashPassword('correct horse 1') }];
  const sessions = new RedisSessions(store.redis, store.keys);
  const app = buildApp({ dashboard: { stats, officers: () => officers, sessions, secret: 'browser-test-secret', now: () => Date.parse('2026-12-08T18:00:00+08:00'), timezone: 'Asia/Shanghai', simulated } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  const blocked: string[] = [];
  try {
    const page = await (await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', ...context })).newPage();
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await run(page, base);
    expect(blocked).toEqual([]);
  } finally {
    await browser.close();
    await app.close();
    close();
  }
}

async function logIn(page: Page, name = '区干部'): Promise<void> {
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', 'correct horse 1');
  await page.click('button[type=submit]');
}

redisTest.runIf(runBrowser)('an officer logs in, drills down to a team, reads a figure and downloads the XLSX', async ({ prefix }) => {
  await withDashboard(prefix, {}, async (page, base) => {
    await page.goto(`${base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await logIn(page);

    // Overview of the whole district: 4 on-time answers of 18 expected.
    await page.getByTestId('card-participationRate').getByText('22.2%').waitFor();
    await page.getByTestId('row-江都机械有限公司').click();
    await page.getByTestId('row-总装车间').click();
    await page.getByTestId('row-总装车间一班').first().click();
    // The org node 总装车间一班 lists the group bound to it; open the team page.
    await page.locator('[data-testid="row-总装车间一班"]').first().click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/team\/\d+$/);
    await page.getByTestId('card-participationRate').getByText('37.5%').waitFor();
    const li = page.getByTestId('row-李明');
    await expect.poll(() => li.getByTestId('cell-points').textContent()).toBe('6');
    // The team's course and its round, as its leader enrolled it.
    await expect.poll(() => page.locator('.page-meta').textContent()).toMatch(/课程：测试课程，第 1 轮，已学 \d+ 课/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'banqian-dl-')), 'team.xlsx');
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const workers = book.getWorksheet('职工')!;
    const row = workers.getRows(2, workers.rowCount - 1)!.find((r) => r.getCell(1).value === '李明')!;
    expect(row.values).toEqual([undefined, '李明', 2, 2, 6, 2]);

    // The lesson page exports too.
    await page.getByTestId('row-2026-12-07').click();
    await page.getByTestId('question-1').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^总装车间一班-2026-12-07-.*\.csv$/);

    // A reversed range is reported at the date fields, not as a failed load.
    await page.goto(`${base}/?from=2026-12-09&to=2026-12-01`);
    await expect.poll(() => page.locator('#range-error').textContent()).toBe('开始日期 2026-12-09 晚于结束日期 2026-12-01');
    expect(await page.getByTestId('load-error').count()).toBe(0);
  });
}, 60_000);

redisTest.runIf(runBrowser)('?next= after login stays on this site, even with a tab or backslash in it', async ({ prefix }) => {
  await withDashboard(prefix, {}, async (page, base) => {
    for (const next of ['/%09/evil.example/', '/%0a/evil.example/', '/%5C/evil.example/', '//evil.example/']) {
      await page.context().clearCookies();
      await page.goto(`${base}/login?next=${next}`);
      await logIn(page);
      await page.getByTestId('card-participationRate').waitFor();
      expect(new URL(page.url()).origin, next).toBe(base);
    }
  });
}, 60_000);

redisTest.runIf(runBrowser)('on a phone (390×844) no page scrolls sideways; under the simulator the header shows its date', async ({ prefix }) => {
  const officer = '江都区总工会宣传教育部王主席'; // a long name, as real ones can be
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  await withDashboard(prefix, phone, async (page, base) => {
    // The page never scrolls sideways; the header's blocks hold their content (nothing cut off); tables stay in their cards.
    const sideways = () =>
      page.evaluate(() => {
        const clipped = Array.from(document.querySelectorAll('.header-row, .header-row > *, .subbar-row, .page-head')).filter((e) => e.scrollHeight > e.clientHeight + 1);
        const outside = Array.from(document.querySelectorAll('.table-wrap')).filter((w) => w.getBoundingClientRect().right > w.closest('.panel')!.getBoundingClientRect().right);
        return document.documentElement.scrollWidth - document.documentElement.clientWidth + clipped.length + outside.length;
      });
    await page.goto(`${base}/login`);
    expect(await sideways()).toBe(0);
    await logIn(page, officer);
    await page.getByTestId('card-participationRate').getByText('22.2%').waitFor();
    await expect.poll(() => page.getByTestId('sim-date').textContent()).toBe('模拟器日期：2026-12-08'); // under the simulator
    expect(await page.getByTestId('range-to').inputValue()).toBe('2026-12-08');
    await page.screenshot({ path: join(tmpdir(), 'banqian-dashboard-390.png'), fullPage: true });
    expect(await sideways()).toBe(0);
    await page.getByTestId('row-江都机械有限公司').getByRole('link').click();
    await page.getByTestId('row-总装车间').getByRole('link').click();
    await page.getByTestId('row-总装车间一班').getByRole('link').click();
    await page.getByTestId('row-总装车间一班').getByRole('link').click();
    await page.getByTestId('row-李明').waitFor();
    await page.screenshot({ path: join(tmpdir(), 'banqian-team-390.png'), fullPage: true });
    expect(await sideways()).toBe(0);
    await page.getByTestId('row-2026-12-07').getByRole('link').click();
    await page.getByTestId('question-1').waitFor();
    await page.screenshot({ path: join(tmpdir(), 'banqian-lesson-390.png'), fullPage: true });
    expect(await sideways()).toBe(0);
  }, { officer, simulated: true });
}, 60_000);
