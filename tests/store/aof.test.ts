import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { redisFor } from '../../src/app/redis.ts';
import { loadConfig } from '../../src/config/config.ts';

test("npm start's private redis-server keeps an AOF, fsynced every second (README \"Production\")", async () => {
  const config = loadConfig('/nonexistent/banqian.yaml', {});
  config.dataDir = mkdtempSync(join(tmpdir(), 'banqian-aof-'));
  const server = await redisFor(config, () => {});
  const redis = connectRedis(server.url);
  try {
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
});
