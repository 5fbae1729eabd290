import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run), so there a missing browser is a failure, not a skip.
export const runBrowser = existsSync(chromiumPath) || process.env.CI === 'true';
if (!runBrowser) console.warn(`skipping the browser tests: ${chromiumPath} is missing (apt-get install chromium)`);

/** Debian's chromium, headless, with nothing that reaches the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
