import { connectRedis } from '../adapters/store/redis/connect.ts';
import { RedisStore } from '../adapters/store/redis/store.ts';
import type { Config } from '../config/config.ts';
import { loadOrg } from '../config/org.ts';
import { LibraryWatcher } from '../core/lessons/load.ts';
import { Stats } from '../core/stats.ts';

/** What the officers' tools (stats CLI, dashboard) need: the store and the figures over it, no chat. */
export function openStats(config: Config, redisUrl: string, prefix = config.redis.prefix) {
  const redis = connectRedis(redisUrl);
  const store = new RedisStore(redis, { prefix, unstableIds: false, points: config.points });
  const lessons = new LibraryWatcher(config.lessonsDir, () => {}, 5000);
  const stats = new Stats(store, loadOrg(config.orgFile), () => lessons.refresh(), config.points);
  return { stats, store, close: () => redis.disconnect() };
}
