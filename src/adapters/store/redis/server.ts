import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerHandle {
  url: string;
  /** Leaves the server; stops it if this process started it and no other banqian process is using it. */
  stop(): Promise<void>;
}

export const installHint = 'redis-server 未安装。请运行：sudo apt-get update && sudo apt-get install -y redis-server（Debian/Ubuntu），或设置 REDIS_URL 指向已有的 Redis。';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/sbin', '/usr/local/bin')) {
    const candidate = join(dir, 'redis-server');
    if (dir && isExecutable(candidate)) return candidate;
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

interface ServerFile {
  pid: number;
  port: number;
}

/** The name every banqian process gives its presence connection, so an owner can see who else uses the server. */
const presenceName = 'banqian-presence';

/**
 * Holds one named connection open while this process uses the server. Returns a function that
 * counts the other banqian processes connected now, and one that closes the connection.
 */
async function announcePresence(url: string): Promise<{ others: () => Promise<number>; close: () => void } | undefined> {
  const conn = new Redis(url, { lazyConnect: true, connectionName: presenceName, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  conn.on('error', () => {});
  try {
    await conn.connect();
    const id = Number(await conn.call('CLIENT', 'ID'));
    const others = async () => {
      const list = String(await conn.call('CLIENT', 'LIST', 'TYPE', 'normal'));
      return list.split('\n').filter((l) => l.includes(` name=${presenceName} `) && !l.startsWith(`id=${id} `)).length;
    };
    return { others, close: () => conn.disconnect() };
  } catch {
    conn.disconnect();
    return undefined;
  }
}

/**
 * Runs a private redis-server whose data lives in `dir`. If one is already serving that dir (another
 * banqian process started it, or the bot was killed with -9 and its Redis lived on), it is reused.
 *
 * The server runs in its own process group, so Ctrl-C on one banqian process never reaches it. It is
 * stopped only by the process that started it, and only when no other banqian process is connected;
 * otherwise it outlives them all and the next banqian process reuses it.
 */
export async function startRedisServer(opts: { dir: string; aof: boolean; port?: number; allowInstall?: boolean; log?: (msg: string) => void }): Promise<RedisServerHandle> {
  const log = opts.log ?? (() => {});
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  // Reusing or starting happens under a lock, and so does an owner's stop: two banqian processes starting
  // at once never run two servers on one data dir, and a server is never stopped while another process adopts it.
  return withStartLock(dir, async () => {
    const stateFile = join(dir, 'server.json');
    if (existsSync(stateFile)) {
      const prev = JSON.parse(readFileSync(stateFile, 'utf8')) as ServerFile;
      const url = `redis://127.0.0.1:${prev.port}`;
      const presence = isAlive(prev.pid) ? await announcePresence(url) : undefined;
      if (presence) {
        log(`沿用已在运行的 redis-server（${url}）`);
        return { url, stop: async () => presence.close() };
      }
    }
    const bin = ensureRedisServer(log, opts.allowInstall ?? false);
    const port = opts.port ?? (await freePort());
    const logFile = join(dir, 'redis.log');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', logFile, '--save', '', '--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', 'everysec'];
    const child = spawn(bin, args, { stdio: 'ignore', detached: true });
    child.unref();
    const url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      const presence = await announcePresence(url);
      if (presence) {
        writeFileSync(stateFile, JSON.stringify({ pid: child.pid!, port } satisfies ServerFile));
        return { url, stop: () => withStartLock(dir, () => stopIfUnused(child.pid!, presence, log)) };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    const output = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    throw new Error(`redis-server 没能启动：${output.trim().split('\n').slice(-3).join(' ')}`);
  });
}

/** Runs `critical` holding data/redis/start.lock (a file holding our pid; a dead holder's lock is taken over). */
async function withStartLock<T>(dir: string, critical: () => Promise<T>): Promise<T> {
  const lock = join(dir, 'start.lock');
  for (let waited = 0; ; waited += 100) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim() || process.pid); // empty while being written: wait
      } catch {
        continue; // released meanwhile
      }
      if (!isAlive(holder) || waited > 30_000) rmSync(lock, { force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await critical();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function stopIfUnused(pid: number, presence: { others: () => Promise<number>; close: () => void }, log: (msg: string) => void): Promise<void> {
  const others = await presence.others().catch(() => 0);
  presence.close();
  if (others > 0) {
    log(`还有 ${others} 个 banqian 进程在用这个 redis-server，让它继续运行`);
    return;
  }
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM'); // redis-server flushes its AOF and exits on SIGTERM
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
