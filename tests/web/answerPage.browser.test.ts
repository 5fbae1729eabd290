import { expect, test } from 'vitest';
import { launchChromium, runBrowser } from '../helpers/browser.ts';
import { pushedWithLink } from '../helpers/answerPage.ts';

test.runIf(runBrowser)('a worker answers through the page on a 390 px phone: once per quiz, remembered on the device', async () => {
  const { app, path, web } = await pushedWithLink();
  const base = await web.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => m.type() === 'error' && blocked.push(m.text()));
    await page.goto(`${base}${path}`);
    await page.locator('#title', { hasText: '第一课' }).waitFor();
    // No roster yet: the worker types their id once.
    await page.fill('#member-id', '李明');
    await page.tap('#confirm-member');
    await expect.poll(() => page.locator('#me-name').textContent()).toBe('李明');
    await page.locator('.option', { hasText: '断电上锁' }).tap();
    expect(await page.locator('.option[aria-pressed="true"]').allTextContents()).toEqual(['B. 断电上锁']);
    await page.tap('#submit');
    await expect.poll(() => page.locator('#result').textContent()).toBe('已提交！答案和解析在答题结束后公布在群里。');
    // Fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const gid = (await app.store.activeGroups())[0].gid;
    expect(Object.values(await app.store.firstAnswers(gid, '2026-12-07'))).toEqual(['B|1|1']);

    // Opened again on the same phone: still 李明, and a second answer does not replace the first.
    await page.reload();
    await expect.poll(() => page.locator('#me-name').textContent()).toBe('李明');
    expect(await page.locator('#who').isHidden()).toBe(true);
    await page.locator('.option', { hasText: '直接干' }).tap();
    await page.tap('#submit');
    await expect.poll(() => page.locator('#result').textContent()).toBe('你已经提交过了，以第一次提交为准。');
    expect(Object.values(await app.store.firstAnswers(gid, '2026-12-07'))).toEqual(['B|1|1']);

    // Another phone: the name is now on the list to pick from.
    const other = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await other.goto(`${base}${path}`);
    await other.locator('#member option', { hasText: '李明' }).waitFor({ state: 'attached' });
    await other.selectOption('#member', '李明');
    await other.click('#confirm-member');
    await expect.poll(() => other.locator('#me-name').textContent()).toBe('李明');
    expect(blocked).toEqual([]);
  } finally {
    await browser.close();
    await web.close();
    await app.stop();
  }
}, 60_000);
