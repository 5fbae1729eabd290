import { join } from 'node:path';
import { startRedisServer, type RedisServerHandle } from '../adapters/store/redis/server.ts';
import { redisTarget, type Config } from '../config/config.ts';

/** REDIS_URL / config (a server, a Sentinel set or a Cluster) when set; otherwise the private redis-server under data/redis, AOF on. */
export async function redisFor(config: Config, log: (msg: string) => void): Promise<RedisServerHandle> {
  const target = redisTarget(config.redis);
  if (target) return { url: target, stop: async () => {} };
  return startRedisServer({ dir: join(config.dataDir, 'redis'), aof: true, allowInstall: true, log });
}
