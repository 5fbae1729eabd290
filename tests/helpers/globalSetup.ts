import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';

/**
 * One private redis-server for the whole run (or REDIS_URL); each test then works under its own key prefix.
 * Like `npm start`, it installs Debian's redis-server when missing and run as root; otherwise the one-line
 * install hint is the error, before any test runs.
 */
export default async function setup(project: Pick<TestProject, 'provide'>) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'banqian-test-redis-'));
  try {
    const server = await startRedisServer({ dir, aof: false, allowInstall: true, log: (m) => console.error(m) });
    project.provide('redisUrl', server.url);
    return async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    console.error(`\n${(err as Error).message}\n`);
    throw err;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
