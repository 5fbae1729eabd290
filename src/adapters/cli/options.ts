import { createServer } from 'node:net';
import type { Config } from '../../config/config.ts';
import { loadOfficers } from '../../config/officers.ts';
import { loadOrg } from '../../config/org.ts';
import { loadLibrary } from '../../core/lessons/load.ts';
import { formatProblem } from '../../core/problems.ts';
import { rangeError, wallClock } from '../../core/time.ts';
import type { OrgNode, OrgTree } from '../../core/org.ts';

/** An org path or a unique name (the root when omitted), or an error saying what would work. */
export function resolveOrg(org: OrgTree, pathOrName: string | undefined): OrgNode {
  if (!pathOrName) return org.root;
  const found = org.resolve(pathOrName);
  if ('error' in found) throw new Error(found.error);
  return found.node;
}

/** --from/--to as YYYY-MM-DD; by default the real current month up to today, or the month of --to from its 1st. */
export function dateRange(from: string | undefined, to: string | undefined, timezone: string, now = Date.now()): { from: string; to: string } {
  const end = to ?? wallClock(now, timezone).day;
  const range = { from: from ?? `${end.slice(0, 8)}01`, to: end };
  const error = rangeError(range.from, range.to);
  if (error) throw new Error(error);
  return range;
}

/**
 * What a long-running command needs before it opens anything: the org tree, the officers file and a lesson
 * library with at least one usable lesson. A broken one stops the command here, before Redis starts.
 */
export function checkFiles(config: Config): void {
  loadOrg(config.orgFile);
  loadOfficers(config.officersFile);
  const { library, problems } = loadLibrary(config.lessonsDir);
  if (library.tracks.some((t) => t.lessons.length)) return;
  const errors = problems.filter((p) => p.severity === 'error').map(formatProblem);
  throw new Error([...errors, `课程目录“${config.lessonsDir}”里没有可用的课，机器人无法推送。请先修正上面的错误（npx banqian lessons validate ${config.lessonsDir}）`].join('\n'));
}

type Opened = ReturnType<typeof import('../../app/stats.ts').openStats>;

/** Runs a short command's work against the store (the private redis-server started or reused), then closes both. */
export async function withStore<T>(config: Config, prefix: string | undefined, work: (opened: Opened) => Promise<T>): Promise<T> {
  const [{ redisFor }, { openStats }] = await Promise.all([import('../../app/redis.ts'), import('../../app/stats.ts')]);
  const server = await redisFor(config, (m) => console.error(m));
  const opened = openStats(config, server.url, prefix);
  try {
    return await work(opened);
  } finally {
    opened.close();
    await server.stop();
  }
}

type Closer = () => unknown;

/**
 * Starts a long-running command. `open` registers a closer for each thing it opens. If start-up fails they
 * run in reverse and the error goes up to main (which exits 1), so nothing is left hanging. SIGINT/SIGTERM,
 * during start-up too (a puppet may be retrying its service), run them the same way and exit 0.
 */
export async function runService(open: (onStop: (close: Closer) => void) => Promise<void>): Promise<void> {
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve().then(close).catch(() => {});
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Work in flight (a tick, a send) fails when its Redis connection closes under it; that is the stop, not a crash.
    process.on('unhandledRejection', () => {});
    await closeAll();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await open((close) => closers.push(close));
  } catch (err) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await closeAll();
    throw err;
  }
}

const portInUse = (port: number) => new Error(`端口 ${port} 已被占用（也许另一个 banqian 正在运行）：请先停掉它，或用 --port 换一个端口`);

/** Fails at once when the web port is taken, before Redis or WeChat are started only to be stopped again. */
export async function requireFreePort(port: number, host: string): Promise<void> {
  if (!port) return;
  await new Promise<void>((ok, fail) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? portInUse(port) : err));
    probe.listen(port, host, () => probe.close(() => ok()));
  });
}

/** Listens, turning "port in use" (taken since requireFreePort looked) into the same one line. */
export async function listen(web: { listen(o: { port: number; host: string }): Promise<string> }, port: number, host: string): Promise<string> {
  try {
    return await web.listen({ port, host });
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse(port) : err;
  }
}
