import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis, scanKeys } from '../../src/adapters/store/redis/connect.ts';
import { inject, test } from 'vitest';

export const redisUrl = (): string => inject('redisUrl');

export const newPrefix = (): string => `t-${randomUUID().slice(0, 8)}`;

/** A test with a Redis client and a key prefix no other test uses; the prefix's keys are removed afterwards. */
export const redisTest = test.extend<{ prefix: string; redis: Redis }>({
  prefix: async ({}, use) => use(newPrefix()),
  redis: async ({ prefix }, use) => {
    const redis = connectRedis(redisUrl());
    await use(redis);
    await scanKeys(redis, `${prefix}:*`, (keys) => redis.del(...keys));
    redis.disconnect();
  },
});

/**
 * The commands Redis ran on this prefix's keys while `run` ran (MONITOR sees every client's, scripts' own
 * commands included; other tests use other prefixes), each as [command in lower case, ...arguments].
 */
export async function commandsDuring(prefix: string, run: () => Promise<unknown>): Promise<string[][]> {
  const monitor = await new Redis(redisUrl()).monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.slice(1).some((a) => a.startsWith(`${prefix}:`))) seen.push([args[0].toLowerCase(), ...args.slice(1)]);
  });
  try {
    await run();
    // MONITOR's feed trails the replies a little.
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    monitor.disconnect();
  }
  return seen;
}
