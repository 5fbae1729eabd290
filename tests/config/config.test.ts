import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-config-')), 'banqian.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string) {
  try {
    loadConfig(configFile(text), {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  test('a missing file gives the documented defaults', () => {
    const c = loadConfig('/nonexistent/banqian.yaml', {});
    expect(c).toMatchObject({
      botName: '班前小助手', timezone: 'Asia/Shanghai', redis: { url: '', prefix: 'banqian-sim' }, puppet: { name: 'mock' },
      send: { perMinute: 20, roomGapSeconds: [3, 8] }, quiz: { windowMinutes: 120 }, schedule: { graceMinutes: 30, workDays: [1, 2, 3, 4, 5] },
      points: { correct: 2, answered: 1, late: 1 },
    });
  });

  test('accounts: failover after 10 minutes by default, never under 2 (each process reports once a minute)', () => {
    expect(loadConfig('/nonexistent/banqian.yaml', {}).accounts).toEqual({ failoverMinutes: 10, identity: '' });
    expect(loadConfig(configFile('accounts:\n  failoverMinutes: 2.5\n  identity: jiangdu\n'), {}).accounts).toEqual({ failoverMinutes: 2.5, identity: 'jiangdu' });
    expect(problemsOf('accounts:\n  failoverMinutes: 1\n').map((p) => [p.line, p.col])).toEqual([[2, 20]]);
    expect(problemsOf('accounts:\n  identity: "江都 区"\n').map((p) => p.line)).toEqual([2]);
  });

  test('webhook settings have their defaults; web.publicUrl must be an http(s) address', () => {
    const c = loadConfig(configFile('web:\n  publicUrl: https://banqian.example.cn\n'), {});
    expect([c.web.publicUrl, c.channel.wecomWebhook]).toEqual(['https://banqian.example.cn', { baseUrl: 'https://qyapi.weixin.qq.com', timeoutSeconds: 10, groups: [] }]);
    expect(problemsOf('web:\n  publicUrl: banqian.example.cn\n').map((p) => [p.line, p.col])).toEqual([[2, 14]]);
  });

  test('the shipped config/banqian.yaml documents exactly the defaults', () => {
    expect(loadConfig('config/banqian.yaml', {})).toEqual(loadConfig('/nonexistent/banqian.yaml', {}));
  });

  test('file values are kept and environment variables override them', () => {
    const file = configFile('redis:\n  url: redis://file:6379\npuppet:\n  name: mock\nsend:\n  perMinute: 10\n');
    const c = loadConfig(file, { REDIS_URL: 'redis://env:6379', WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'tok' });
    expect(c.redis.url).toBe('redis://env:6379');
    expect(c.puppet).toEqual({ name: 'wechaty-puppet-service', token: 'tok' });
    expect(c.send.perMinute).toBe(10);
  });

  test.each([
    ['wechat4u', 'wechaty-puppet-wechat4u'],
    ['service', 'wechaty-puppet-service'],
    ['wechaty-puppet-service', 'wechaty-puppet-service'],
    ['@juzi/wechaty-puppet-service', '@juzi/wechaty-puppet-service'],
    ['mock', 'mock'],
  ])('WECHATY_PUPPET=%s means the package %s', (short, name) => {
    expect(loadConfig('/nonexistent/banqian.yaml', { WECHATY_PUPPET: short }).puppet.name).toBe(name);
    expect(loadConfig(configFile(`puppet: {name: "${short}"}\n`), {}).puppet.name).toBe(name);
  });

  test('a real puppet never shares the simulator\'s Redis prefix by default; a prefix that is set is kept', () => {
    expect(loadConfig('/nonexistent/banqian.yaml', {}).redis.prefix).toBe('banqian-sim');
    expect(loadConfig('/nonexistent/banqian.yaml', { WECHATY_PUPPET: 'wechat4u' }).redis.prefix).toBe('banqian');
    expect(loadConfig(configFile('puppet: {name: service}\n'), {}).redis.prefix).toBe('banqian');
    expect(loadConfig(configFile('redis: {prefix: plant2}\n'), { WECHATY_PUPPET: 'wechat4u' }).redis.prefix).toBe('plant2');
    // The simulator as a WeCom group is the simulator too; a real WeCom robot is not.
    expect(loadConfig(configFile('channel: {type: wecom-sim}\n'), {}).redis.prefix).toBe('banqian-sim');
    expect(loadConfig(configFile('channel: {type: wecom-bot}\n'), {}).redis.prefix).toBe('banqian');
  });

  test('an unknown key, a bad value and a bad time zone are each reported at their line', () => {
    const problems = problemsOf('botName: 小助手\nsend:\n  perMinut: 10\nquiz:\n  windowMinutes: 0\ntimezone: Mars/Base\n');
    expect(problems.map((p) => [p.line, p.col])).toEqual([[3, 3], [5, 18], [6, 11]]);
    expect(problems[0].message).toMatch(/不认识的字段“perMinut”/);
    expect(problems[1].message).toMatch(/不小于 5/);
    expect(problems[2].message).toMatch(/时区“Mars\/Base”不存在/);
  });

  test('impossible dates and a reversed gap range are rejected', () => {
    const problems = problemsOf('schedule:\n  restDays: ["2026-02-30"]\nsend:\n  roomGapSeconds: [9, 3]\n');
    expect(problems.map((p) => p.line)).toEqual([2, 4]);
  });

  test('YAML syntax errors name the line', () => {
    expect(problemsOf('botName: [a\nweb: 1\n')[0].line).toBe(2);
  });
});
