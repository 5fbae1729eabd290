import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { findRedisServer, installHint } from '../../src/adapters/store/redis/server.ts';

const globalSetup = fileURLToPath(new URL('../helpers/globalSetup.ts', import.meta.url));
const runSetup = `const { default: setup } = await import(${JSON.stringify(globalSetup)}); await setup({ provide() {} });`;

// A machine without redis-server, seen by a user who is not root: a private mount namespace hides the
// binary (bind-mounting /dev/null over it) and setpriv drops to nobody. Needs root and unshare, as in CI.
const canHide = process.getuid?.() === 0 && findRedisServer() !== undefined && spawnSync('unshare', ['-m', 'true']).status === 0;
if (!canHide) console.warn('skipping the missing-redis-server test: it needs root and unshare');

test.skipIf(!canHide)('without redis-server and without root the test setup prints the one-line install hint and fails fast', () => {
  const binary = realpathSync(findRedisServer()!);
  const script = `mount --bind /dev/null ${binary} && exec setpriv --reuid=65534 --regid=65534 --clear-groups env -u REDIS_URL ${process.execPath} --import tsx --input-type=module -e '${runSetup}'`;
  const started = performance.now();
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status).not.toBe(0);
  expect(r.stderr.split('\n')).toContain(installHint);
  expect(performance.now() - started).toBeLessThan(5000);
});
