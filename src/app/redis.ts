import { join } from 'node:path';
import { startRedisServer, type RedisServerHandle } from '../adapters/store/redis/server.ts';
import type { Config } from '../config/config.ts';

/** REDIS_URL / config when set; otherwise the private redis-server under data/redis, AOF on. */
export async function redisFor(config: Config, log: (msg: string) => void): Promise<RedisServerHandle> {
  if (config.redis.url) return { url: config.redis.url, stop: async () => {} };
  return startRedisServer({ dir: join(config.dataDir, 'redis'), aof: true, allowInstall: true, log });
}
