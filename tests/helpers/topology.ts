import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureRedisServer, freePort } from '../../src/adapters/store/redis/server.ts';

/** Real redis-server processes for the Cluster and Sentinel tests: temp dirs, free ports, no persistence. */
export interface Node {
  port: number;
  proc: ChildProcess;
}

export interface Topology {
  /** The target connectRedis takes (redis-cluster://… or redis-sentinel://…). */
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `fn` on a short-lived connection to one port. */
export async function onPort<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on('error', () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

async function spawnServer(dir: string, args: string[], port?: number): Promise<Node> {
  const bin = ensureRedisServer(() => {}, true);
  port ??= await freePort();
  const proc = spawn(bin, [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', join(dir, `${port}.log`)], { stdio: 'ignore' });
  await until(`redis-server on ${port}`, () => onPort(port!, (r) => r.ping()));
  return { port, proc };
}

async function stopAll(nodes: Node[], dir: string): Promise<void> {
  for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGKILL');
  await Promise.all(nodes.map((n) => (n.proc.exitCode === null && n.proc.signalCode === null ? new Promise((r) => n.proc.once('exit', r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
}

/** A 3-primary Redis Cluster: slots split in three with ADDSLOTSRANGE, nodes joined with MEET. */
export async function startCluster(): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-cluster-'));
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      nodes.push(await spawnServer(dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'], port));
    }
    const ranges = [[0, 5460], [5461, 10922], [10923, 16383]];
    for (const [i, n] of nodes.entries()) await onPort(n.port, (r) => r.call('CLUSTER', 'ADDSLOTSRANGE', ranges[i][0], ranges[i][1]));
    for (const n of nodes.slice(1)) await onPort(nodes[0].port, (r) => r.call('CLUSTER', 'MEET', '127.0.0.1', n.port));
    for (const n of nodes) await until('cluster_state:ok', () => onPort(n.port, async (r) => (String(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined)));
  } catch (err) {
    await stopAll(nodes, dir);
    throw err;
  }
  return { url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`, stop: () => stopAll(nodes, dir) };
}

export interface SentinelSet extends Topology {
  primary: Node;
  replica: Node;
  /** The primary's port as the sentinel sees it now (after a failover, the replica's). */
  currentPrimary(): Promise<number>;
}

/** A primary, one replica and one sentinel (quorum 1) that declares the primary down after 1 s. */
export async function startSentinelSet(): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-sentinel-'));
  const nodes: Node[] = [];
  try {
    const primary = await spawnServer(dir, []);
    nodes.push(primary);
    const replica = await spawnServer(dir, ['--replicaof', '127.0.0.1', String(primary.port)]);
    nodes.push(replica);
    await until('replica in sync', () => onPort(replica.port, async (r) => ((await r.info('replication')).includes('master_link_status:up') ? true : undefined)));
    const port = await freePort();
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor banqian 127.0.0.1 ${primary.port} 1`, 'sentinel down-after-milliseconds banqian 1000', 'sentinel failover-timeout banqian 5000', ''].join('\n'));
    const bin = ensureRedisServer(() => {}, true);
    const proc = spawn(bin, [conf, '--sentinel', '--logfile', join(dir, 'sentinel.log')], { stdio: 'ignore' });
    nodes.push({ port, proc });
    await until('sentinel sees the replica', () => onPort(port, async (r) => ((await r.call('SENTINEL', 'REPLICAS', 'banqian')) as unknown[]).length > 0 || undefined));
    const currentPrimary = () => onPort(port, async (r) => Number(((await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'banqian')) as string[])[1]));
    return { url: `redis-sentinel://127.0.0.1:${port}/banqian`, primary, replica, currentPrimary, stop: () => stopAll(nodes, dir) };
  } catch (err) {
    await stopAll(nodes, dir);
    throw err;
  }
}
