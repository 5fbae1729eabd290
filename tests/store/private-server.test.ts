import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { isAlive } from '../../src/adapters/store/redis/server.ts';
import { spawnCli } from '../helpers/cli.ts';
import { workDir } from '../helpers/workDir.ts';

// Real processes, each with the private redis-server under its work dir's data/redis (REDIS_URL unset).
const env = { REDIS_URL: '', LOG_LEVEL: 'info' };

const serverOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'data/redis/server.json'), 'utf8')) as { pid: number; port: number };

async function pong(port: number): Promise<boolean> {
  const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

test('stopping the dashboard (Ctrl-C) never stops the redis-server the bot reuses; it outlives them both', async () => {
  const dir = workDir();
  const dashboard = spawnCli(['dashboard'], { cwd: dir, env });
  let bot: ReturnType<typeof spawnCli> | undefined;
  let server: { pid: number; port: number } | undefined;
  try {
    await dashboard.waitFor(/工会数据看板：/);
    server = serverOf(dir);
    bot = spawnCli(['start'], { cwd: dir, env });
    await bot.waitFor(/模拟微信已启动/);
    expect(bot.output()).toContain(`沿用已在运行的 redis-server（redis://127.0.0.1:${server.port}）`);

    expect(await dashboard.stop('SIGINT')).toBe(0);
    expect(dashboard.output()).toMatch(/还有 1 个 banqian 进程在用这个 redis-server，让它继续运行/);
    expect(await pong(server.port)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(bot.child.exitCode).toBeNull();
    expect(bot.output()).not.toMatch(/redis unavailable/);

    expect(await bot.stop('SIGINT')).toBe(0);
    expect(await pong(server.port)).toBe(true); // not the bot's to stop: the next banqian process reuses it
  } finally {
    await Promise.all([dashboard.stop(), bot?.stop()]);
    if (server && isAlive(server.pid)) process.kill(server.pid);
  }
});

test('a process that started the server and is its only user stops it on the way out', async () => {
  const dir = workDir();
  const bot = spawnCli(['start'], { cwd: dir, env });
  await bot.waitFor(/模拟微信已启动/);
  const server = serverOf(dir);
  expect(await pong(server.port)).toBe(true);
  expect(await bot.stop('SIGINT')).toBe(0); // right after start-up, while the first tick may still run
  expect(isAlive(server.pid)).toBe(false);
});

test('two banqian processes started at the same moment share one redis-server', async () => {
  const dir = workDir();
  const both = [spawnCli(['dashboard'], { cwd: dir, env }), spawnCli(['dashboard'], { cwd: dir, env })];
  try {
    await Promise.all(both.map((p) => p.waitFor(/工会数据看板：/)));
    const { port } = serverOf(dir);
    expect(both.filter((p) => p.output().includes(`沿用已在运行的 redis-server（redis://127.0.0.1:${port}）`))).toHaveLength(1);
  } finally {
    await Promise.all(both.map((p) => p.stop()));
    const { pid } = serverOf(dir);
    if (isAlive(pid)) process.kill(pid);
  }
});
