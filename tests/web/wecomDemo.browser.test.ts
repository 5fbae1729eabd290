import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../src/adapters/store/redis/server.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { fixtureLessons } from '../helpers/sim.ts';

test.runIf(runBrowser)('`channel: wecom-sim`: the demo as a WeCom group, where the robot hears @-mentions and a worker taps the quiz card', async () => {
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'banqian-wecom-demo-')), 'banqian.yaml');
  writeFileSync(config, `lessonsDir: ${fixtureLessons}\nchannel:\n  type: wecom-sim\nredis:\n  prefix: ${newPrefix()}\nweb:\n  port: ${port}\n`);
  const child = spawn(process.execPath, ['bin/banqian.js', '--config', config, 'start'], { env: { ...process.env, REDIS_URL: redisUrl(), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  try {
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const page = await browser.newPage();
    await page.goto(`${base}/chat`);
    const messages = page.locator('#messages');
    await messages.getByText('机器人只收到 @班前小助手 的消息', { exact: false }).waitFor();
    const say = async (text: string) => {
      await page.fill('#input', text);
      await page.click('#send');
      await messages.getByText(text, { exact: true }).waitFor();
    };
    // Without the @-mention the robot hears nothing, so nothing is enrolled.
    await say('报名 demo 07:50');
    await say('@班前小助手 报名 demo 07:50');
    await messages.getByText('已报名', { exact: false }).waitFor();
    await page.waitForTimeout(300);
    expect(await messages.getByText('已报名', { exact: false }).count()).toBe(1);
    await say('@班前小助手 立即推送');
    const card = page.locator('form.card').first();
    await card.waitFor({ timeout: 20_000 });
    await page.selectOption('#member', '李明');
    await card.locator('label', { hasText: 'B.' }).click();
    await card.locator('button.submit').click();
    await expect.poll(() => card.locator('button.submit').textContent()).toBe('已提交');
    await page.click('.forward button[data-minutes="120"]');
    // The tap counted: the summary has one participant, named by user id (李明 is u2; no roster imported).
    await messages.getByText('参与：1/', { exact: false }).waitFor({ timeout: 20_000 });
    await messages.getByText('最先全对：u2', { exact: false }).waitFor();
    expect(stderr).not.toMatch(/error/i);
  } finally {
    await browser.close();
    child.kill();
    await new Promise((r) => child.once('exit', r));
  }
}, 60_000);
