import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findRedisServer, installHint, startRedisServer } from '../../src/adapters/store/redis/server.ts';

/** One private redis-server for the whole run (or REDIS_URL); each test then works under its own key prefix. */
export default async function setup(project: TestProject) {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  if (!findRedisServer()) {
    console.error(`\n${installHint}\n`);
    throw new Error(installHint);
  }
  const dir = mkdtempSync(join(tmpdir(), 'banqian-test-redis-'));
  const server = await startRedisServer({ dir, aof: false });
  project.provide('redisUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
