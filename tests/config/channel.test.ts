import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { logStatus } from '../../src/app/compose.ts';
import { ConfigError, isSimulator, loadConfig } from '../../src/config/config.ts';
import type { ChannelStatus } from '../../src/core/channel.ts';
import { runCli } from '../helpers/cli.ts';
import { redisUrl } from '../helpers/redis.ts';
import { workDir } from '../helpers/workDir.ts';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-config-')), 'banqian.yaml');
  writeFileSync(file, text);
  return file;
}

describe('channel settings', () => {
  test('the simulator (Wechaty with the mock puppet) is the default', () => {
    const c = loadConfig('/nonexistent/banqian.yaml', {});
    expect(c.channel).toEqual({
      type: 'wechaty',
      wecomBot: { botId: '', secret: '', wsUrl: '', perMinute: 20 },
      wecomWebhook: { baseUrl: 'https://qyapi.weixin.qq.com', timeoutSeconds: 10, groups: [] },
      dingtalk: { clientId: '', clientSecret: '', robotCode: '', webhook: { url: '', secret: '' } },
    });
    expect(isSimulator(c)).toBe(true);
  });

  test('each platform has its settings; a WeCom channel is no simulator and keeps its data apart', () => {
    const c = loadConfig(configFile('channel:\n  type: wecom-bot\n  wecomBot: {botId: aib123, secret: s3cr3t, wsUrl: "ws://127.0.0.1:9/"}\n'), {});
    expect(c.channel.wecomBot).toEqual({ botId: 'aib123', secret: 's3cr3t', wsUrl: 'ws://127.0.0.1:9/', perMinute: 20 });
    expect(isSimulator(c)).toBe(false);
    expect(c.redis.prefix).toBe('banqian');
  });

  test('secrets come from the environment, over the file; webhook keys as "group=key" pairs', () => {
    const file = configFile('channel:\n  type: wecom-webhook\n  wecomWebhook:\n    groups: [{name: 总装车间一班, key: old}]\n');
    const c = loadConfig(file, {
      BANQIAN_WECOM_SECRET: 'w-secret',
      BANQIAN_DINGTALK_CLIENT_SECRET: 'd-secret',
      BANQIAN_DINGTALK_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      BANQIAN_DINGTALK_WEBHOOK_SECRET: 'SECabc',
      BANQIAN_WECOM_WEBHOOK_KEYS: '总装车间一班=key-1; 机加车间二班 = key-2',
    });
    expect(c.channel.wecomBot.secret).toBe('w-secret');
    expect(c.channel.dingtalk).toMatchObject({ clientSecret: 'd-secret', webhook: { url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECabc' } });
    expect(c.channel.wecomWebhook.groups).toEqual([{ name: '总装车间一班', key: 'key-1' }, { name: '机加车间二班', key: 'key-2' }]);
  });

  test('a webhook group may carry its enrolment (track, time, team); a time that is no time is refused at load', () => {
    const listed = (time: string) => configFile(`channel:\n  type: wecom-webhook\n  wecomWebhook:\n    groups:\n      - {name: 总装车间一班, key: k, track: safety, time: "${time}", team: 总装车间一班}\n`);
    expect(loadConfig(listed('07:50'), {}).channel.wecomWebhook.groups).toEqual([{ name: '总装车间一班', key: 'k', track: 'safety', time: '07:50', team: '总装车间一班' }]);
    expect(() => loadConfig(listed('7.50'), {})).toThrow(/time/);
  });

  test('a malformed secret in the environment or the file is reported without its value', () => {
    expect(() => loadConfig('/nonexistent/banqian.yaml', { BANQIAN_WECOM_WEBHOOK_KEYS: 'no-equals-sign-key-1234' })).toThrow(
      /^环境变量 BANQIAN_WECOM_WEBHOOK_KEYS 的每一项应写成“群名=key”/,
    );
    try {
      loadConfig('/nonexistent/banqian.yaml', { BANQIAN_WECOM_WEBHOOK_KEYS: 'no-equals-sign-key-1234' });
    } catch (e) {
      expect(String(e)).not.toContain('key-1234');
    }
    let problem = '';
    try {
      loadConfig(configFile('channel:\n  wecomBot: {secret: 987654321}\n  type: slack\n'), {});
    } catch (e) {
      problem = e instanceof ConfigError ? e.message : String(e);
    }
    expect(problem).toMatch(/channel/);
    expect(problem).not.toContain('987654321');
  });

  test('a channel without its credentials stops start-up with one clear line', () => {
    const r = runCli(['start'], { cwd: workDir({ 'config/banqian.yaml': 'channel: {type: dingtalk}\n' }), env: { REDIS_URL: redisUrl() }, timeout: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('钉钉渠道需要 clientId + clientSecret（Stream 模式），或自定义机器人的 webhook 地址');
  });
});

describe('channel status in the logs', () => {
  test('one plain line when it goes down (each new reason once) and when it is back; a first connect is quiet', () => {
    const lines: string[] = [];
    const log = { info: (m: object | string) => void lines.push(`info ${m}`), warn: (m: object | string) => void lines.push(`warn ${m}`), error: () => {} };
    const steps: ChannelStatus[] = [
      { up: true },
      { up: false, reason: '网络断开' },
      { up: false, reason: '网络断开' },
      { up: false, reason: '被另一个连接踢下线' },
      { up: true },
    ];
    steps.reduce<ChannelStatus | undefined>((before, next) => (logStatus(log, before, next), next), undefined);
    expect(lines).toEqual(['warn 聊天通道已断开：网络断开', 'warn 聊天通道已断开：被另一个连接踢下线', 'info 聊天通道已恢复']);
  });
});
