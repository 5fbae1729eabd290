import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerHandle {
  url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

export const installHint = 'redis-server 未安装。请运行：sudo apt-get update && sudo apt-get install -y redis-server（Debian/Ubuntu），或设置 REDIS_URL 指向已有的 Redis。';

export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/sbin', '/usr/local/bin')) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Installs Debian's redis-server when we are root; otherwise explains how. */
export function ensureRedisServer(log: (msg: string) => void, allowInstall: boolean): string {
  const found = findRedisServer();
  if (found) return found;
  if (!allowInstall || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) throw new Error(installHint);
  log('redis-server 未安装，正在用 apt-get 安装（Debian 软件包）…');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = findRedisServer();
  if (!installed) throw new Error(installHint);
  return installed;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

interface ServerFile {
  pid: number;
  port: number;
}

/**
 * Runs a private redis-server whose data lives in `dir`. If one is already serving that dir
 * (say the bot was killed with -9 and its Redis lived on), it is reused rather than doubled.
 */
export async function startRedisServer(opts: { dir: string; aof: boolean; port?: number; allowInstall?: boolean; log?: (msg: string) => void }): Promise<RedisServerHandle> {
  const log = opts.log ?? (() => {});
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const stateFile = join(dir, 'server.json');
  if (existsSync(stateFile)) {
    const prev = JSON.parse(readFileSync(stateFile, 'utf8')) as ServerFile;
    const url = `redis://127.0.0.1:${prev.port}`;
    if (isAlive(prev.pid) && (await answersPing(url))) {
      log(`沿用已在运行的 redis-server（${url}）`);
      return { url, stop: async () => {} };
    }
  }
  const bin = ensureRedisServer(log, opts.allowInstall ?? false);
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', 'everysec'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await answersPing(url)) {
      writeFileSync(stateFile, JSON.stringify({ pid: child.pid!, port } satisfies ServerFile));
      return {
        url,
        stop: () =>
          new Promise((ok) => {
            if (child.exitCode !== null) return ok();
            child.once('exit', () => ok());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server 没能启动：${output.trim().split('\n').slice(-3).join(' ')}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
