import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { createDingtalk, type DingtalkChannel, type DingtalkConfig } from '../../src/adapters/chat/dingtalk/index.ts';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { keyBuilder } from '../../src/adapters/store/redis/keys.ts';
import { redisLeases } from '../../src/adapters/store/redis/lease.ts';
import { SendError, type ChannelStatus } from '../../src/core/channel.ts';
import type { Incoming } from '../../src/core/bot/context.ts';
import { text } from '../../src/core/messages.ts';
import { DingtalkServer } from '../../src/app/sim/dingtalkServer.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';

const room = { kind: 'room', id: 'cidGroupA==', label: '总装一班' } as const;

let server: DingtalkServer;
/** Every log line and console line of a test, to prove no secret reaches them. */
let output: string[];
const channels: DingtalkChannel[] = [];

beforeEach(async () => {
  server = await new DingtalkServer().start();
  output = [];
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void output.push(format(...args)));
  }
});

afterEach(async () => {
  for (const c of channels.splice(0)) await c.stop();
  await server.stop();
  const secrets = [server.clientSecret, server.webhookSecret, server.webhookToken, server.accessToken];
  for (const line of output) for (const s of secrets) expect(line).not.toContain(s);
  vi.restoreAllMocks();
});

function open(prefix: string, overrides: Partial<DingtalkConfig> = {}) {
  const redis = connectRedis(redisUrl());
  const log = (level: string) => (obj: object | string, msg?: string) => void output.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
  const channel = createDingtalk(
    {
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      robotName: '班前小助手',
      apiBase: server.base,
      oapiBase: server.base,
      gatewayUrl: server.gatewayUrl,
      timeoutMs: 500,
      backoff: { firstMs: 50, maxMs: 200 },
      leaseTtlMs: 3000,
      ...overrides,
    },
    { log: { info: log('info'), warn: log('warn'), error: log('error') }, leases: redisLeases(redis, prefix) },
  );
  channels.push(channel);
  const messages: Incoming[] = [];
  const statuses: ChannelStatus[] = [];
  channel.onMessage(async (m) => void messages.push(m));
  channel.onStatus((s) => statuses.push(s));
  const stop = channel.stop.bind(channel);
  channel.stop = async () => {
    await stop();
    redis.disconnect();
  };
  return { channel, messages, statuses };
}

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sendError(p: Promise<unknown>): Promise<SendError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

describe('DingTalk Stream robot', () => {
  redisTest('connects through the gateway, answers pings, acknowledges and delivers @-messages', async ({ prefix }) => {
    const { channel, messages, statuses } = open(prefix);
    expect(channel.caps).toMatchObject({ hears: 'mentions', cards: false, listMembers: false, senderNames: true, privateMessages: true, markdown: 'dingtalk', perMinute: 20, ratePer: 'account' });
    await channel.start();
    expect(statuses.at(-1)).toEqual({ up: true });
    expect(server.opens).toBe(1);

    const pong = await server.ping();
    expect(pong.code).toBe(200);

    const ack = await server.robotMessage({ text: '@班前小助手 我的', staffId: 'staff-001', nick: '王师傅', group: { id: 'cidGroupA==', title: '总装一班' } });
    expect(ack.code).toBe(200);
    expect(JSON.parse(ack.data)).toHaveProperty('response');
    await server.robotMessage({ text: '统计', staffId: 'staff-002', nick: '李组长' });
    await waitFor(() => messages.length === 2, 'two messages');
    await channel.idle();
    expect(messages[0]).toMatchObject({ room: { id: 'cidGroupA==', topic: '总装一班' }, sender: { id: 'staff-001', name: '王师傅' }, text: '我的', mentioned: true });
    expect(messages[1]).toMatchObject({ sender: { id: 'staff-002', name: '李组长' }, text: '统计', mentioned: false });
    expect(messages[1].room).toBeUndefined();
  });

  redisTest('people @-mentioned besides the robot come as ids (staffId, else dingtalkId); no nick means the id is the name', async ({ prefix }) => {
    const { channel, messages } = open(prefix);
    await channel.start();
    const group = { id: 'cidGroupA==', title: '总装一班' };
    const at = [{ dingtalkId: '$:LWCP_v1:$sun', staffId: 'staff-007' }, { dingtalkId: '$:LWCP_v1:$guest' }];
    await server.robotMessage({ text: '@班前小助手 班长 添加 @孙伟 @访客', staffId: 'staff-001', nick: '王师傅', group, at });
    await server.robotMessage({ text: '@班前小助手 我的', staffId: 'staff-009', group });
    await waitFor(() => messages.length === 2, 'two messages');
    expect(messages[0].mentions).toEqual([{ id: 'staff-007' }, { id: '$:LWCP_v1:$guest' }]);
    expect(messages[1].mentions).toBeUndefined();
    expect(messages[1].sender).toEqual({ id: 'staff-009', name: 'staff-009' });
  });

  redisTest('two @-answers by one person are both delivered; a re-sent callback only once', async ({ prefix }) => {
    const { channel, messages } = open(prefix);
    await channel.start();
    const group = { id: 'cidGroupA==', title: '总装一班' };
    await server.robotMessage({ text: '@班前小助手 B', staffId: 'staff-001', nick: '王师傅', group, msgId: 'm1' });
    await server.robotMessage({ text: '@班前小助手 C', staffId: 'staff-001', nick: '王师傅', group, msgId: 'm2' });
    await server.robotMessage({ text: '@班前小助手 C', staffId: 'staff-001', nick: '王师傅', group, msgId: 'm2' });
    await waitFor(() => messages.length >= 2, 'answers');
    await new Promise((r) => setTimeout(r, 100));
    await channel.idle();
    expect(messages.map((m) => [m.sender.id, m.text])).toEqual([
      ['staff-001', 'B'],
      ['staff-001', 'C'],
    ]);
  });

  redisTest('a damaged callback is acknowledged, logged and skipped; the next one is handled', async ({ prefix }) => {
    const { channel, messages } = open(prefix);
    await channel.start();
    expect((await server.rawCallback('{not json')).code).toBe(200);
    expect(output.some((l) => l.includes('无法解析的钉钉机器人消息'))).toBe(true);
    await server.robotMessage({ text: '@班前小助手 A', staffId: 'staff-001', nick: '王师傅', group: { id: 'cidGroupA==', title: '总装一班' } });
    await waitFor(() => messages.length === 1, 'the next message');
    expect(messages[0].text).toBe('A');
  });

  redisTest('a bad secret is a plain status line, no socket, and retries with capped backoff', async ({ prefix }) => {
    const { channel, statuses } = open(prefix, { clientSecret: 'wrong-secret-DO-NOT-LOG' });
    await channel.start();
    expect(statuses.at(-1)?.up).toBe(false);
    expect(statuses.at(-1)?.reason).toMatch(/钉钉拒绝了 AppKey\/AppSecret（401 InvalidAuthentication）/);
    // Delays 50, 100, 200, then capped at 200 ms (uncapped, the fifth would be 800).
    await waitFor(() => server.gatewayCalls.length >= 6, 'six attempts');
    const gaps = server.gatewayCalls.slice(1, 6).map((t, i) => t - server.gatewayCalls[i]);
    expect(gaps[0]).toBeLessThan(gaps[2]);
    expect(Math.max(gaps[3], gaps[4])).toBeLessThan(600);
    expect(server.connections).toBe(0);
    expect(output.join('\n')).not.toContain('wrong-secret-DO-NOT-LOG');
    // The token endpoint refuses it too, and the message is kept for later, not dropped.
    const err = await sendError(channel.send(room, text('你好')));
    expect(err.kind).toBe('retryable');
    expect(server.sent).toHaveLength(0);
  });

  redisTest('sends markdown to a group and privately, with one cached token', async ({ prefix }) => {
    const { channel } = open(prefix);
    await channel.start();
    await channel.send(room, text('### 今日安全\n戴好安全帽'));
    await channel.send({ kind: 'contact', id: 'staff-001', label: '王师傅' }, text('你的积分：3'));
    await channel.send(room, { kind: 'link', title: '安全视频', url: 'https://example.com/v' });
    expect(server.tokenRequests).toBe(1);
    expect(server.sent[0]).toEqual({
      path: '/v1.0/robot/groupMessages/send',
      openConversationId: 'cidGroupA==',
      userIds: undefined,
      robotCode: server.clientId,
      msgKey: 'sampleMarkdown',
      // Plain text is escaped so it shows as written; single line breaks become DingTalk's hard breaks.
      msgParam: { title: '今日安全', text: '\\### 今日安全  \n戴好安全帽' },
    });
    expect(server.sent[1]).toMatchObject({ path: '/v1.0/robot/oToMessages/batchSend', userIds: ['staff-001'], msgKey: 'sampleMarkdown' });
    expect(server.sent[2]).toMatchObject({ msgKey: 'sampleLink', msgParam: { title: '安全视频', messageUrl: 'https://example.com/v' } });
    // A token gone stale early: this message is retried later, the next one fetches a new token.
    server.accessToken = 'acs-token-2';
    expect((await sendError(channel.send(room, text('过期')))).kind).toBe('retryable');
    await channel.send(room, text('重发'));
    expect(server.tokenRequests).toBe(2);
    expect(server.sent.at(-1)?.msgParam.text).toBe('重发');
  });

  redisTest('a local lesson image is uploaded once and sent by its media id', async ({ prefix }) => {
    const { channel } = open(prefix);
    await channel.start();
    const dir = mkdtempSync(join(tmpdir(), 'dingtalk-'));
    const file = join(dir, 'helmet.png');
    writeFileSync(file, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    await channel.send(room, { kind: 'image', file });
    await channel.send({ ...room, id: 'cidGroupB==' }, { kind: 'image', file });
    expect(server.uploads.map((u) => u.filename)).toEqual(['helmet.png']);
    expect(server.sent.map((m) => [m.openConversationId, m.msgKey, m.msgParam.photoURL])).toEqual([
      ['cidGroupA==', 'sampleImageMsg', '@media1'],
      ['cidGroupB==', 'sampleImageMsg', '@media1'],
    ]);
    const missing = await sendError(channel.send(room, { kind: 'image', file: join(dir, 'gone.png') }));
    expect(missing.kind).toBe('fatal');
    expect(missing.message).toContain('gone.png');
  });

  redisTest('throttling is rate-limited, 5xx retryable, a timeout unknown, oversize fatal', async ({ prefix }) => {
    const { channel } = open(prefix);
    await channel.start();
    // A token request that times out posted nothing yet: safe to retry.
    server.tokenDelayMs = 800;
    expect((await sendError(channel.send(room, text('零')))).kind).toBe('retryable');
    server.tokenDelayMs = 0;
    // https://open.dingtalk.com/document/orgapp/invocation-frequency-limit
    server.failSends.push({ status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: '调用频率超过限制', requestid: 'r1' } });
    expect((await sendError(channel.send(room, text('一')))).kind).toBe('rate-limited');
    server.failSends.push({ status: 503, body: { code: 'ServiceUnavailable', message: '服务暂不可用', requestid: 'r2' } });
    expect((await sendError(channel.send(room, text('二')))).kind).toBe('retryable');
    server.failSends.push({ status: 400, body: { code: 'invalidParameter.openConversationId', message: '群不存在', requestid: 'r3' } });
    expect((await sendError(channel.send(room, text('三')))).kind).toBe('fatal');
    server.sendDelayMs = 800;
    expect((await sendError(channel.send(room, text('四')))).kind).toBe('unknown');
    server.sendDelayMs = 0;
    const big = '安'.repeat(5001); // 15,003 bytes of text, over the 15,000-byte msgParam limit
    const over = await sendError(channel.send(room, text(big)));
    expect(over.kind).toBe('fatal');
    expect(over.message).toMatch(/太长/);
    expect(server.sent).toHaveLength(0);
    await channel.send(room, text('五'));
    expect(server.sent.map((s) => s.msgParam.text)).toEqual(['五']);
  });

  redisTest('a cut in the middle of a wave: every message goes out, the link comes back, messages flow again', async ({ prefix }) => {
    const { channel, messages, statuses } = open(prefix);
    await channel.start();
    server.onSend = (n) => {
      if (n === 2) server.cut();
    };
    for (const t of ['第一条', '第二条', '第三条']) await channel.send(room, text(t));
    expect(server.sent.map((s) => s.msgParam.text)).toEqual(['第一条', '第二条', '第三条']);
    await waitFor(() => server.connections === 2 && statuses.at(-1)?.up === true, 'reconnect');
    expect(statuses.some((s) => !s.up && /断开/.test(s.reason ?? ''))).toBe(true);
    await server.robotMessage({ text: '@班前小助手 A', staffId: 'staff-003', nick: '赵师傅', group: { id: 'cidGroupA==', title: '总装一班' } });
    await waitFor(() => messages.length === 1, 'message after reconnect');
    expect(server.online).toBe(1);
  });

  redisTest('one connection per robot: a second instance waits for the lease', async ({ prefix }) => {
    const first = open(prefix);
    await first.channel.start();
    const second = open(prefix);
    await second.channel.start();
    expect(second.statuses.at(-1)?.reason).toMatch(/另一个 banqian 实例正在使用/);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.connections).toBe(1);
    await first.channel.stop();
    await waitFor(() => second.statuses.at(-1)?.up === true, 'second takes over');
    expect(server.connections).toBe(2);
    expect(server.online).toBe(1);
  });

  redisTest('stopped while connecting: no connection is left open and none comes back', async ({ prefix }) => {
    const { channel } = open(prefix);
    const started = channel.start();
    await channel.stop();
    await started;
    await new Promise((r) => setTimeout(r, 1500));
    expect(server.online).toBe(0);
  });

  redisTest('an instance that finds its lease taken (after a Redis outage) lets go of the connection', async ({ prefix, redis }) => {
    const { channel, statuses } = open(prefix);
    await channel.start();
    expect(server.online).toBe(1);
    await redis.set(keyBuilder(prefix).robotLease(`dingtalk:${server.clientId}`), 'another-instance', 'PX', 5000);
    await waitFor(() => server.online === 0, 'the socket dropped');
    await waitFor(() => /另一个 banqian 实例/.test(statuses.at(-1)?.reason ?? ''), 'lease status');
  });
});

describe('DingTalk custom robot webhook (send-only fallback)', () => {
  const hookConfig = (secret: string): Partial<DingtalkConfig> => ({ clientId: undefined, clientSecret: undefined, webhook: { url: server.webhookUrl, secret } });

  redisTest('signs each post, hears nothing, and refuses private messages', async ({ prefix }) => {
    const { channel, statuses } = open(prefix, hookConfig(server.webhookSecret));
    expect(channel.caps).toMatchObject({ hears: 'none', privateMessages: false, senderNames: false, ratePer: 'group', perMinute: 20 });
    await channel.start();
    expect(statuses.at(-1)).toEqual({ up: true });
    await channel.send(room, text('**今日一题**\n答案请在群里回复'));
    expect(server.webhookPosts).toEqual([{ msgtype: 'markdown', markdown: { title: '今日一题', text: '\\*\\*今日一题\\*\\*  \n答案请在群里回复' } }]);
    expect((await sendError(channel.send({ kind: 'contact', id: 'u1', label: '王' }, text('私聊')))).kind).toBe('fatal');
    expect((await sendError(channel.send(room, { kind: 'image', file: '/tmp/x.png' }))).message).toMatch(/不能发送本地图片/);
  });

  redisTest('a wrong signing secret is fatal; "too fast" (410100) is rate-limited for 10 minutes', async ({ prefix }) => {
    const bad = open(prefix, hookConfig('SECwrong'));
    const err = await sendError(bad.channel.send(room, text('你好')));
    expect(err.kind).toBe('fatal');
    expect(err.message).toMatch(/310000/);
    const { channel } = open(prefix, hookConfig(server.webhookSecret));
    // https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages (20/min, then 10 minutes throttled)
    server.failSends.push({ status: 200, body: { errcode: 410100, errmsg: '发送速度太快而限流' } });
    const limited = await sendError(channel.send(room, text('你好')));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.retryAfterMs).toBe(600_000);
    expect(server.webhookPosts).toHaveLength(0);
  });
});
