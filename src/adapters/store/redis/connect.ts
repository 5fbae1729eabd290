import { Redis } from 'ioredis';
import { defineScripts, type ScriptedRedis } from './scripts.ts';

/**
 * A client that rides out Redis outages: commands wait in ioredis' offline queue and run, in order,
 * when the server is back, so an answer that arrives during an outage is written late, not lost.
 */
export function connectRedis(url: string, onError: (err: Error) => void = () => {}): ScriptedRedis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', onError);
  defineScripts(redis);
  return redis as ScriptedRedis;
}

/** Calls `batch` with each non-empty batch of keys matching `pattern` (SCAN, never KEYS). */
export async function scanKeys(redis: Redis, pattern: string, batch: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length) await batch(keys);
    cursor = next;
  } while (cursor !== '0');
}
