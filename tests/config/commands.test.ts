import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../src/adapters/store/redis/server.ts';
import { runCli } from '../helpers/cli.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { fixtureLessons } from '../helpers/sim.ts';
import { workDir } from '../helpers/workDir.ts';

const scenario = resolve('tests/scenarios/enrolment.yaml');
const commands: [string, string[]][] = [
  ['start', ['start']],
  ['dashboard', ['dashboard']],
  ['simulate', ['simulate', scenario]],
];
const broken: [string, Record<string, string>, RegExp][] = [
  ['a config error', { 'config/banqian.yaml': 'web: {port: 0}\nsend:\n  perMinut: 10\n' }, /config\/banqian\.yaml:3:3: 错误：不认识的字段“perMinut”/],
  ['an org error', { 'config/org.yaml': 'name: 江都区总工会\nkids: []\n' }, /config\/org\.yaml:2:1: 错误：不认识的字段“kids”/],
  ['a lesson-library error', { 'config/banqian.yaml': 'web: {port: 0}\nlessonsDir: nowhere\n' }, /课程目录“nowhere”里没有可用的课/],
];

describe('long-running commands stop at once on a bad start', () => {
  // REDIS_URL unset: each would otherwise start (and leave behind) a private redis-server under data/.
  const env = { REDIS_URL: '', LOG_LEVEL: 'silent' };
  describe.each(commands)('%s', (_name, args) => {
    test.each(broken)('exits 1 after %s, printing where it is', (_what, files, message) => {
      const r = runCli(args, { cwd: workDir(files), env, timeout: 15_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.ms).toBeLessThan(5000); // the "within a second", plus tsx start-up
    });
  });

  test.each(commands.slice(0, 2))('%s on a port already in use gives one line and exit 1', async (_name, args) => {
    const port = await freePort();
    const blocker = (await import('node:net')).createServer().listen(port, '127.0.0.1');
    await new Promise((ok) => blocker.once('listening', ok));
    try {
      const r = runCli([...args, '--port', String(port)], { cwd: workDir(), env, timeout: 15_000 });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`端口 ${port} 已被占用（也许另一个 banqian 正在运行）：请先停掉它，或用 --port 换一个端口`);
      expect(r.ms).toBeLessThan(5000);
    } finally {
      blocker.close();
    }
  });
});

describe('simulate --prefix', () => {
  const redis = new Redis(redisUrl());
  afterAll(() => redis.disconnect());
  const env = { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' };
  const run = (prefix: string, ...extra: string[]) => runCli(['simulate', scenario, '--lessons', fixtureLessons, '--prefix', prefix, ...extra], { env, timeout: 60_000 });

  test('refuses a prefix that already has data, and --reset starts it afresh', async () => {
    const prefix = newPrefix();
    const first = run(prefix);
    expect(first.code).toBe(0);
    const keys = (await redis.keys(`${prefix}:*`)).length;
    expect(keys).toBeGreaterThan(0);

    const again = run(prefix);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim()).toBe(`Redis 前缀“${prefix}”下已经有数据（${keys} 个键）。剧本要从空白开始：加 --reset 先清空它，或换一个前缀`);

    const reset = run(prefix, '--reset');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toBe(first.stdout); // the same run as on an empty prefix: lessons sent, points not inflated
    expect((await redis.keys(`${prefix}:*`)).length).toBe(keys);
    await redis.del(...(await redis.keys(`${prefix}:*`)));
  });
});
