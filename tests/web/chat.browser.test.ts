import { expect, test } from 'vitest';
import { buildApp } from '../../src/adapters/web/app.ts';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { fakeSim } from '../helpers/fakeSim.ts';

test.runIf(runBrowser)('the chat list counts as unread only what arrived after the page was opened', async () => {
  const { sim, emit } = fakeSim();
  const app = buildApp({ sim });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    emit('早上好', false, null); // private messages from before the page opened: history, not unread
    emit('我的', false, null);
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await page.goto(`${base}/chat`);
    const privateChat = page.locator('#chat-list li', { hasText: '私聊' });
    await page.locator('#messages').getByText('先用群主身份发送', { exact: false }).waitFor();
    await expect.poll(async () => (await page.locator('#chat-list li').count()) > 1).toBe(true);
    await page.waitForTimeout(300); // give the replayed history time to (wrongly) raise a badge
    expect(await privateChat.locator('.badge').count()).toBe(0);
    emit('帮助', false, null);
    await expect.poll(() => privateChat.locator('.badge').textContent()).toBe('1');
    expect(blocked).toEqual([]); // the page lives with the app's Content-Security-Policy
  } finally {
    await browser.close();
    await app.close();
  }
}, 30_000);
