import { channelIdentity, idSpace } from '../adapters/chat/index.ts';
import { connectRedis } from '../adapters/store/redis/connect.ts';
import { RedisStore } from '../adapters/store/redis/store.ts';
import { RedisRoster } from '../adapters/store/redis/roster.ts';
import type { Config } from '../config/config.ts';
import { loadOrg } from '../config/org.ts';
import { Stats } from '../core/stats.ts';

/** What the officers' tools (stats, roster and team CLI, dashboard) need: the store, the figures over it and the roster, no chat. */
export function openStats(config: Config, redisUrl: string, prefix = config.redis.prefix) {
  const redis = connectRedis(redisUrl);
  // Officers' figures read what was sent (lesson snapshots), never the lesson files.
  // The bot's own identity on its platform, so a roster imported here matches the ids the bot sees.
  const { platform, account } = channelIdentity(config);
  const store = new RedisStore(redis, { prefix, platform, account: idSpace(config, account), unstableIds: false, points: config.points });
  const stats = new Stats(store, loadOrg(config.orgFile), config.points);
  return { stats, store, roster: new RedisRoster(store), close: () => redis.disconnect() };
}
