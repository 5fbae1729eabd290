import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject, test } from 'vitest';

export const redisUrl = (): string => inject('redisUrl');

export const newPrefix = (): string => `t-${randomUUID().slice(0, 8)}`;

/** A test with a Redis client and a key prefix no other test uses; the prefix's keys are removed afterwards. */
export const redisTest = test.extend<{ prefix: string; redis: Redis }>({
  prefix: async ({}, use) => use(newPrefix()),
  redis: async ({ prefix }, use) => {
    const redis = new Redis(redisUrl());
    await use(redis);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  },
});
