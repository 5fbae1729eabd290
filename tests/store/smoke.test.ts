import { expect } from 'vitest';
import { redisTest } from '../helpers/redis.ts';

redisTest('writes and reads through ioredis under a private prefix', async ({ redis, prefix }) => {
  await redis.set(`${prefix}:smoke`, '班前十分钟');
  expect(await redis.get(`${prefix}:smoke`)).toBe('班前十分钟');
  expect(await redis.keys(`${prefix}:*`)).toEqual([`${prefix}:smoke`]);
});
