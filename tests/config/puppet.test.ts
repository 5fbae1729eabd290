import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { realPuppet, WechatyChannel } from '../../src/adapters/chat/wechaty/channel.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog } from '../helpers/sim.ts';
import { workDir } from '../helpers/workDir.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await new Promise((ok) => srv.once('listening', ok));
  const { port } = srv.address() as { port: number };
  await new Promise((ok) => srv.close(ok));
  return port;
}

test('a real puppet that cannot reach its service prints one clear line per attempt and retries with backoff', async () => {
  const port = await closedPort();
  const bot = spawnCli(['start'], {
    cwd: workDir({ 'config/banqian.yaml': `web: {port: 0}\nredis: {prefix: ${newPrefix()}}\n` }),
    env: { REDIS_URL: redisUrl(), WECHATY_PUPPET: 'service', WECHATY_PUPPET_SERVICE_TOKEN: 'insecure_8a1c3a5e-0000-4000-8000-000000000001', WECHATY_PUPPET_SERVICE_ENDPOINT: `127.0.0.1:${port}` },
  });
  try {
    await bot.waitFor(/4 秒后重试/, 40_000);
    const lines = bot.output().trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    const line = (s: number) => `微信接口 wechaty-puppet-service 连不上它的服务（连接被拒绝）：请确认服务在运行，并检查 WECHATY_PUPPET_SERVICE_TOKEN、WECHATY_PUPPET_SERVICE_ENDPOINT 和网络；${s} 秒后重试`;
    // Besides the start-up warning about the holiday calendar (tests run in late 2026), only the puppet's lines.
    expect(lines.map((l) => l.msg).filter((m) => !m.startsWith('no public holiday data'))).toEqual([line(2), line(4)]);
  } finally {
    expect(await bot.stop('SIGINT')).toBe(0);
  }
}, 60_000);

test('a puppet package that is not installed is one line and exit 1', () => {
  const r = runCli(['start'], { cwd: workDir(), env: { REDIS_URL: redisUrl(), WECHATY_PUPPET: 'nope' }, timeout: 20_000 });
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe('找不到微信接口包“wechaty-puppet-nope”：请运行 npm install wechaty-puppet-nope，或检查 puppet.name / WECHATY_PUPPET');
});

test('a real puppet keeps its memory card (the login session) under the data dir', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'banqian-card-')), 'data');
  // wechaty-puppet-mock, loaded by package name like any real puppet, needs no network.
  const chat = new WechatyChannel(realPuppet({ name: 'wechaty-puppet-mock', token: '' }, dataDir), silentLog, Date.now, 'wechaty-puppet-mock');
  await chat.startPuppet();
  // What a puppet does with its login session after a scan.
  const { memory } = chat.wechaty.puppet as unknown as { memory: { set(k: string, v: string): Promise<void>; save(): Promise<void> } };
  await memory.set('session', 'logged-in');
  await memory.save();
  await chat.wechaty.stop();
  expect(existsSync(join(dataDir, 'banqian.memory-card.json'))).toBe(true);
  expect(existsSync('banqian.memory-card.json')).toBe(false);
});

test('officer logins and memory cards are never committed', () => {
  const ignored = execFileSync('git', ['check-ignore', '--no-index', 'config/officers.yaml', 'banqian.memory-card.json', 'data/banqian.memory-card.json'], { encoding: 'utf8' });
  expect(ignored.trim().split('\n')).toHaveLength(3);
});
