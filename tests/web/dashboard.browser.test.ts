import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from '../stats/seed.ts';


redisTest.runIf(runBrowser)('an officer logs in, drills down to a team, reads a figure and downloads the XLSX', async ({ prefix }) => {
  await seedTwoDays(prefix);
  const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
  const officers = [{ name: '区干部', scope: '江都区总工会', password: hashPassword('correct horse 1') }];
  const sessions = new RedisSessions(store.redis, store.keys);
  const app = buildApp({ dashboard: { stats, officers: () => officers, sessions, secret: 'browser-test-secret', now: () => Date.parse('2026-12-08T18:00:00+08:00'), timezone: 'Asia/Shanghai' } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ acceptDownloads: true, locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=name]', '区干部');
    await page.fill('input[name=password]', 'correct horse 1');
    await page.click('button[type=submit]');

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

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'banqian-dl-')), 'team.xlsx');
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const workers = book.getWorksheet('职工')!;
    const row = workers.getRows(2, workers.rowCount - 1)!.find((r) => r.getCell(1).value === '李明')!;
    expect(row.values).toEqual([undefined, '李明', 2, 2, 6, 2]);
  } finally {
    await browser.close();
    await app.close();
    close();
  }
}, 60_000);
