import type { Redis } from 'ioredis';
import { keyBuilder } from './keys.ts';
import { defineScripts, type ScriptedRedis } from './scripts.ts';

/**
 * A lease in Redis that one instance holds at a time, kept alive by renewing it before it expires.
 * A holder that dies stops renewing, and the lease frees itself after `ttlMs`.
 */
export class RedisLease {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly key: string,
    readonly owner: string,
    readonly ttlMs: number,
  ) {
    this.redis = redis as ScriptedRedis;
    // A client made elsewhere may not have the scripts yet.
    if (typeof this.redis.lease_take !== 'function') defineScripts(redis);
  }

  /** Takes the lease, or renews it when this owner holds it; false while another owner does. */
  async take(): Promise<boolean> {
    return Number(await this.redis.lease_take(this.key, this.owner, this.ttlMs)) === 1;
  }

  async drop(): Promise<void> {
    await this.redis.lease_drop(this.key, this.owner);
  }
}

/** Leases by name on one Redis (`keys.robotLease`), for adapters that take them per robot. */
export function redisLeases(redis: Redis, prefix: string) {
  const key = keyBuilder(prefix).robotLease;
  return {
    lease: (name: string, owner: string, ttlMs: number) => new RedisLease(redis, key(name), owner, ttlMs).take(),
    releaseLease: (name: string, owner: string) => new RedisLease(redis, key(name), owner, 0).drop(),
  };
}
