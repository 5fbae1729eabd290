import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
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
