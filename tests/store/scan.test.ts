import { expect } from 'vitest';
import { scanKeys } from '../../src/adapters/store/redis/connect.ts';
import { redisTest } from '../helpers/redis.ts';

// On a Redis Cluster (npm run test:scale) the keys spread over every primary and over many slots.
redisTest('scanKeys finds every key under a prefix, in batches that one DEL can remove', async ({ redis, prefix }) => {
  const written = Array.from({ length: 120 }, (_, i) => `${prefix}:{g:${i + 1}}:group`);
  await Promise.all(written.map((key) => redis.set(key, '1')));
  const found: string[] = [];
  await scanKeys(redis, `${prefix}:*`, async (keys) => {
    found.push(...keys);
    await redis.del(...keys);
  });
  expect(found.sort()).toEqual(written.sort());
  let left = 0;
  await scanKeys(redis, `${prefix}:*`, async (keys) => (left += keys.length));
  expect(left).toBe(0);
});
