import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig, redisTarget } from '../../src/config/config.ts';
import { parseTarget } from '../../src/adapters/store/redis/connect.ts';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-config-')), 'banqian.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string): string[] {
  try {
    loadConfig(configFile(text), {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.message);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('redis: one server, a Sentinel set or a Cluster', () => {
  test('sentinels and cluster become the one target string connectRedis parses; REDIS_URL wins over both', () => {
    const sentinel = loadConfig(configFile('redis:\n  sentinels: {name: banqian, nodes: ["10.0.0.5:26379", "10.0.0.6:26379"], password: "p@ss:w/d"}\n'), {});
    const target = redisTarget(sentinel.redis);
    expect(target).toBe('redis-sentinel://:p%40ss%3Aw%2Fd@10.0.0.5:26379,10.0.0.6:26379/banqian');
    expect(parseTarget(target)).toEqual({ kind: 'sentinel', name: 'banqian', password: 'p@ss:w/d', nodes: [{ host: '10.0.0.5', port: 26379 }, { host: '10.0.0.6', port: 26379 }] });

    const cluster = loadConfig(configFile('redis:\n  cluster: {nodes: ["redis-a:7000", "redis-b:7001"]}\n'), {});
    expect(parseTarget(redisTarget(cluster.redis))).toEqual({ kind: 'cluster', name: '', nodes: [{ host: 'redis-a', port: 7000 }, { host: 'redis-b', port: 7001 }] });

    expect(redisTarget(loadConfig(configFile('redis:\n  cluster: {nodes: ["redis-a:7000"]}\n'), { REDIS_URL: 'redis://one:6379' }).redis)).toBe('redis://one:6379');
    expect(parseTarget('redis://one:6379')).toEqual({ kind: 'single', url: 'redis://one:6379' });
  });

  test('mistakes are reported in Chinese, at the field', () => {
    expect(problemsOf('redis:\n  url: redis://a:6379\n  cluster: {nodes: ["b:7000"]}\n')).toContain('redis.url、redis.sentinels 和 redis.cluster 只能设置其中一项');
    expect(problemsOf('redis:\n  sentinels: {name: banqian, nodes: ["10.0.0.5"]}\n').join('\n')).toMatch(/应写成“主机:端口”，如 10.0.0.5:26379/);
    expect(problemsOf('redis:\n  cluster: {nodes: ["a:70000"]}\n').join('\n')).toMatch(/“a:70000”的端口应在 1 到 65535 之间/);
    expect(problemsOf('redis:\n  sentinels: {nodes: ["a:26379"]}\n').join('\n')).toMatch(/缺少必填字段“name”/);
  });
});
