import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { defineScripts, type ScriptedRedis } from './scripts.ts';

/**
 * Where Redis is, as one string every command passes around: `redis://…` for one server,
 * `redis-sentinel://[:password@]host:port,host:port/<master name>` for a Sentinel set, and
 * `redis-cluster://[:password@]host:port,host:port` for a Redis Cluster (see config.ts redisTarget).
 */
export function parseTarget(target: string): { kind: 'single'; url: string } | { kind: 'sentinel' | 'cluster'; nodes: { host: string; port: number }[]; name: string; password?: string } {
  const m = /^redis-(sentinel|cluster):\/\/(?::([^@]*)@)?([^/]+)(?:\/(.*))?$/.exec(target);
  if (!m) return { kind: 'single', url: target };
  const nodes = m[3].split(',').map((hp) => {
    const at = hp.lastIndexOf(':');
    return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
  });
  return { kind: m[1] as 'sentinel' | 'cluster', nodes, name: m[4] ?? '', ...(m[2] && { password: decodeURIComponent(m[2]) }) };
}

/**
 * A client that rides out Redis outages: commands wait in ioredis' offline queue and run, in order,
 * when the server is back, so an answer that arrives during an outage is written late, not lost.
 * With Sentinel the client asks the sentinels for the primary after every reconnect; with a Cluster
 * it follows the slots. A Cluster client answers the same commands, so it is typed as one Redis.
 */
export function connectRedis(target: string, onError: (err: Error) => void = () => {}): ScriptedRedis {
  const t = parseTarget(target);
  const common: RedisOptions = { maxRetriesPerRequest: null, enableAutoPipelining: true, retryStrategy: (times) => Math.min(times * 200, 2000) };
  let redis: Redis | Cluster;
  if (t.kind === 'single') redis = new Redis(t.url, common);
  else if (t.kind === 'sentinel') {
    redis = new Redis({ ...common, sentinels: t.nodes, name: t.name, password: t.password, sentinelPassword: t.password, sentinelRetryStrategy: (times) => Math.min(times * 200, 2000) });
  } else {
    redis = new Cluster(t.nodes, { enableAutoPipelining: true, clusterRetryStrategy: (times) => Math.min(times * 200, 2000), redisOptions: { ...common, password: t.password } });
  }
  redis.on('error', onError);
  defineScripts(redis as Redis);
  return redis as unknown as ScriptedRedis;
}

/** True when the client talks to a Sentinel-managed primary: the answer path then waits for a replica. */
export const viaSentinel = (redis: Redis): boolean => !!redis.options?.sentinels?.length;

/**
 * Calls `batch` with each non-empty batch of keys matching `pattern` (SCAN, never KEYS). On a Cluster,
 * every primary is scanned, and each batch holds the keys of one slot, so `DEL …keys` works on it.
 */
export async function scanKeys(redis: Redis, pattern: string, batch: (keys: string[]) => Promise<unknown>): Promise<void> {
  const cluster = redis as unknown as Cluster;
  const nodes = cluster.isCluster ? cluster.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) {
        const bySlot = new Map<number, string[]>();
        for (const key of keys) {
          const slot = cluster.isCluster ? slotOf(key) : 0;
          bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
        }
        for (const slotKeys of bySlot.values()) await batch(slotKeys);
      }
      cursor = next;
    } while (cursor !== '0');
  }
}

/** Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag, or of the whole key, mod 16384. */
export function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const tagged = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/**
 * Moves keys renamed for Redis Cluster (Keys.renamed) on a server that still holds them under their old
 * names. Idempotent: RENAMENX never overwrites, and a key already moved is simply absent.
 */
export async function renameOldKeys(redis: Redis, renamed: readonly (readonly [string, string])[]): Promise<void> {
  for (const [from, to] of renamed) if (await redis.exists(from)) await redis.renamenx(from, to);
}
