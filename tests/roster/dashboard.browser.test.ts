import { expect } from 'vitest';
import { RedisRoster } from '../../src/adapters/store/redis/roster.ts';
import { openStats } from '../../src/app/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { statsConfig } from '../stats/seed.ts';

const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';

redisTest.runIf(runBrowser)('an officer opens a team and issues an enrolment code with the button', async ({ prefix }) => {
  const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
  const officers = [{ name: '厂干部', scope: '江都区总工会/江都机械有限公司', password: hashPassword('correct horse 1') }];
  const now = Date.parse('2026-12-08T18:00:00+08:00');
  const codes = new RedisRoster(store);
  const app = buildApp({ dashboard: { stats, officers: () => officers, sessions: new RedisSessions(store.redis, store.keys), secret: 'browser-test-secret', now: () => now, timezone: 'Asia/Shanghai', codes } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    const blocked: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await page.goto(`${base}/org?path=${encodeURIComponent(team)}`);
    await page.fill('input[name=name]', '厂干部');
    await page.fill('input[name=password]', 'correct horse 1');
    await page.click('button[type=submit]');
    await page.getByTestId('issue-code').click();
    const shown = page.getByTestId('enrol-code');
    await expect.poll(() => shown.textContent()).toMatch(/^报名码：\d{6}（/);
    const code = /报名码：(\d{6})/.exec((await shown.textContent())!)![1];
    expect(await codes.use(code, 1, 1, now)).toEqual({ kind: 'ok', team });
    // A workshop's page has no button.
    await page.goto(`${base}/org?path=${encodeURIComponent('江都区总工会/江都机械有限公司/总装车间')}`);
    await page.getByTestId('children-table').waitFor();
    expect(await page.getByTestId('issue-code').count()).toBe(0);
    expect(blocked).toEqual([]);
  } finally {
    await browser.close();
    await app.close();
    close();
  }
});
