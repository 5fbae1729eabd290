import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, vi } from 'vitest';
import { createWecomBot, WecomBotChannel } from '../../src/adapters/chat/wecom-bot/channel.ts';
import { escapeMarkdown } from '../../src/core/send/text.ts';
import { decodeTaskId, encodeTaskId } from '../../src/adapters/chat/wecom-bot/cards.ts';
import { keyBuilder } from '../../src/adapters/store/redis/keys.ts';
import { RedisLease } from '../../src/adapters/store/redis/lease.ts';
import { defineScripts, type ScriptedRedis } from '../../src/adapters/store/redis/scripts.ts';
import type { Incoming } from '../../src/core/bot/context.ts';
import type { CardAnswer, ChannelStatus, SendError } from '../../src/core/channel.ts';
import type { QuizCard } from '../../src/core/messages.ts';
import type { Target } from '../../src/core/send/queue.ts';
import { redisTest } from '../helpers/redis.ts';
import { workDir } from '../helpers/workDir.ts';
import { WecomServer } from '../../src/app/sim/wecomServer.ts';

const group: Target = { kind: 'room', id: 'wrkSFfCgAA-chat1', label: '总装车间一班' };
const waitFor = <T>(check: () => T, timeout = 8_000) => vi.waitFor(check, { timeout, interval: 20 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<WecomServer> {
  const s = await WecomServer.start();
  cleanups.push(() => s.close());
  return s;
}

interface Robot {
  channel: WecomBotChannel;
  statuses: ChannelStatus[];
  logs: string[];
  messages: Incoming[];
  answers: CardAnswer[];
}

/** A robot with its lease in the test's Redis; started unless told otherwise. */
async function robot(
  srv: WecomServer,
  redis: ScriptedRedis,
  prefix: string,
  opts: { secret?: string; ttlMs?: number; heartbeatMs?: number; kickPauseMs?: number; start?: boolean } = {},
): Promise<Robot> {
  defineScripts(redis);
  const logs: string[] = [];
  const line = (obj: object | string, msg?: string) => void logs.push(`${JSON.stringify(obj)} ${msg ?? ''}`);
  const lease = new RedisLease(redis, keyBuilder(prefix).robotLease(`wecom-${srv.botId}`), randomUUID(), opts.ttlMs ?? 3_000);
  const channel = new WecomBotChannel(
    { botId: srv.botId, secret: opts.secret ?? srv.secret, wsUrl: srv.url, botName: '班前小助手' },
    { log: { info: line, warn: line, error: line }, lease, reconnectMs: 50, heartbeatMs: opts.heartbeatMs ?? 60_000, kickPauseMs: opts.kickPauseMs ?? 60_000 },
  );
  const r: Robot = { channel, statuses: [], logs, messages: [], answers: [] };
  channel.onStatus((s) => r.statuses.push(s));
  channel.onMessage(async (m) => void r.messages.push(m));
  channel.onCardAnswer(async (a) => void r.answers.push(a));
  cleanups.push(() => channel.stop());
  if (opts.start !== false) await channel.start();
  return r;
}

const isUp = (r: Robot) => expect(r.statuses.at(-1)).toEqual({ up: true });
const sendFails = (r: Robot, text: string) => r.channel.send(group, { kind: 'text', text }).then(() => undefined, (e: SendError) => e);

const card: QuizCard = {
  kind: 'card',
  taskId: 'q:12:2026-12-07:lesson:1',
  title: '上锁挂牌',
  question: '检修结束后，个人的安全锁应该由谁摘下？',
  options: ['谁上的锁就由谁来摘下', '班长统一剪掉', '谁有空谁摘'],
  multi: false,
};

describe('WeCom smart robot over its long connection', () => {
  redisTest('authenticates with bot_id and secret, hears @-messages in groups and private messages', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    expect(srv.frames('aibot_subscribe')[0].body).toMatchObject({ bot_id: srv.botId, secret: srv.secret });

    srv.text('zhangsan', '@班前小助手 报名 safety 07:50', group.id);
    srv.text('lisi', '我的');
    await waitFor(() => expect(r.messages).toHaveLength(2));
    expect(r.messages[0]).toMatchObject({ room: { id: group.id, topic: '' }, sender: { id: 'zhangsan', name: 'zhangsan' }, text: '报名 safety 07:50', mentioned: true });
    expect(r.messages[1]).toMatchObject({ sender: { id: 'lisi', name: 'lisi' }, text: '我的', mentioned: false });
    expect(r.messages[1].room).toBeUndefined();
    // The callback carries no ids of other people @-mentioned, and the adapter doesn't guess them from names.
    srv.text('zhangsan', '@班前小助手 班长 添加 @lisi', group.id);
    await waitFor(() => expect(r.messages).toHaveLength(3));
    expect(r.messages[2]).toMatchObject({ text: '班长 添加 @lisi', mentioned: true });
    expect(r.messages[2].mentions).toBeUndefined();
    r.messages.pop();
    // A callback delivered twice (same msgid) is handled once.
    srv.repeat();
    srv.text('lisi', '帮助');
    await waitFor(() => expect(r.messages.map((m) => m.text)).toEqual(['报名 safety 07:50', '我的', '帮助']));
    expect(r.channel.caps).toMatchObject({ hears: 'mentions', cards: true, listMembers: false, senderNames: false, privateMessages: true, markdown: 'wecom', maxMarkdownBytes: 20_480, perMinute: 20, ratePer: 'account' });
    await expect(r.channel.members()).rejects.toThrow('不能列出群成员');
  });

  redisTest('a wrong secret is one status line, retried without end, and the secret never reaches a log', async ({ redis, prefix }) => {
    const srv = await server();
    srv.echoSecretOnRefusal = true;
    const secret = 'Wr0ng-s3cret-value';
    const r = await robot(srv, redis as ScriptedRedis, prefix, { secret });
    // The SDK alone gives up after 5 failed logins; ours keeps trying (with capped backoff).
    await waitFor(() => expect(srv.frames('aibot_subscribe').length).toBeGreaterThan(6), 15_000);
    expect(srv.connections).toBe(0);
    expect(r.statuses.length).toBe(1);
    expect(r.statuses[0]).toMatchObject({ up: false, reason: expect.stringContaining('认证失败') });
    expect(r.statuses[0].reason).toContain('请检查 botId 和 secret');
    const everything = JSON.stringify(r.statuses) + r.logs.join('\n');
    expect(everything).toContain('invalid secret ***');
    expect(everything).not.toContain(secret);
  });

  redisTest('text goes out as escaped markdown to the chat id, and is acknowledged', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    await r.channel.send(group, { kind: 'text', text: '答案：*B*\n# 不是标题\n- 不是列表 [链接]' });
    await r.channel.send({ kind: 'contact', id: 'lisi', label: 'lisi' }, { kind: 'link', title: '原文', url: 'https://example.gov.cn/a' });
    const sent = srv.frames('aibot_send_msg');
    expect(sent[0].body).toEqual({ chatid: group.id, msgtype: 'markdown', markdown: { content: '答案：\\*B\\*\n\\# 不是标题\n\\- 不是列表 \\[链接\\]' } });
    expect(sent[1].body).toEqual({ chatid: 'lisi', msgtype: 'markdown', markdown: { content: '[原文](https://example.gov.cn/a)' } });
    expect(escapeMarkdown('1B 2C', 'wecom')).toBe('1B 2C');
  });

  redisTest('a local image is uploaded in chunks, then pushed by media_id', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    const file = join(workDir(), 'loto.png');
    writeFileSync(file, Buffer.alloc(2_000, 7));
    await r.channel.send(group, { kind: 'image', file });
    expect(srv.frames('aibot_upload_media_init')[0].body).toMatchObject({ type: 'image', filename: 'loto.png', total_size: 2_000 });
    expect(srv.frames('aibot_send_msg')[0].body).toEqual({ chatid: group.id, msgtype: 'image', image: { media_id: 'media-2' } });
  });

  redisTest('platform errors become send errors the queue understands', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    srv.sendCodes.push(45009, -1, 40008);
    const limited = await sendFails(r, '第一条');
    expect(limited).toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
    expect(limited?.message).toContain('45009');
    expect(await sendFails(r, '第二条')).toMatchObject({ kind: 'retryable' });
    expect(await sendFails(r, '第三条')).toMatchObject({ kind: 'fatal' });
    expect(await sendFails(r, '第四条')).toBeUndefined();
  });

  redisTest('no acknowledgement within the SDK\'s 5 s: the outcome is unknown, and the connection stays', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    srv.ignoreNextSend = true;
    expect(await sendFails(r, '第一课')).toMatchObject({ kind: 'unknown' });
    expect(await sendFails(r, '第二课')).toBeUndefined();
    expect(srv.frames('aibot_subscribe')).toHaveLength(1);
  });

  redisTest('a message over the byte limit is refused, never sent truncated', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    // 6,827 Chinese characters are 20,481 bytes in UTF-8.
    const err = await sendFails(r, '班'.repeat(6_827));
    expect(err).toMatchObject({ kind: 'fatal' });
    expect(err?.message).toContain('20481 字节');
    expect(await sendFails(r, '班'.repeat(6_826))).toBeUndefined();
    expect(srv.frames('aibot_send_msg').map((f) => Buffer.byteLength(f.body.markdown.content))).toEqual([20_478]);
  });

  redisTest('a connection lost in the middle of sending: unknown outcome, then retryable, then sent after the reconnect', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    await r.channel.send(group, { kind: 'text', text: '第一课' });
    srv.dropOnNextSend = true;
    // The frame went out and no acknowledgement came: the platform may have taken it.
    expect(await sendFails(r, '第二课')).toMatchObject({ kind: 'unknown' });
    // While reconnecting nothing goes out, so the queue may retry it.
    expect(await sendFails(r, '第三课')).toMatchObject({ kind: 'retryable' });
    await waitFor(() => isUp(r));
    expect(r.statuses.some((s) => !s.up && /长连接断开（网络/.test(s.reason ?? ''))).toBe(true);
    await r.channel.send(group, { kind: 'text', text: '第三课' });
    expect(srv.frames('aibot_send_msg').map((f) => f.body.markdown.content)).toEqual(['第一课', '第二课', '第三课']);
    expect(srv.frames('aibot_subscribe')).toHaveLength(2);
  });

  redisTest('heartbeats keep the connection; unanswered ones make the robot reconnect', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix, { heartbeatMs: 100 });
    await waitFor(() => expect(srv.frames('ping').length).toBeGreaterThan(3));
    expect(srv.frames('aibot_subscribe')).toHaveLength(1);
    srv.ackPings = false;
    await waitFor(() => expect(srv.frames('aibot_subscribe')).toHaveLength(2));
    srv.ackPings = true;
    await waitFor(() => isUp(r));
  });

  redisTest('a quiz card goes out as a vote_interaction card; a tap is a card answer and the card shows 已提交', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    await r.channel.send(group, card);
    const sent = srv.frames('aibot_send_msg')[0].body;
    expect(sent.msgtype).toBe('template_card');
    expect(sent.template_card).toMatchObject({
      card_type: 'vote_interaction',
      sub_title_text: card.question,
      checkbox: { mode: 0, option_list: [{ id: 'A', text: 'A' }, { id: 'B', text: 'B' }, { id: 'C', text: 'C' }] },
      submit_button: { text: '提交' },
    });
    // Task ids may hold only letters, digits and "_-@".
    expect(sent.template_card.task_id).toMatch(/^[A-Za-z0-9_@-]{1,128}$/);

    const reqId = srv.tap('lisi', sent.template_card.task_id, ['B'], group.id);
    await waitFor(() => expect(r.answers).toHaveLength(1));
    expect(r.answers[0]).toMatchObject({ taskId: card.taskId, chatId: group.id, sender: { id: 'lisi' }, letters: 'B' });
    // Within WeCom's 5 s, on the tap's own req_id, for the tapper only.
    await waitFor(() => expect(srv.frames('aibot_respond_update_msg')).toHaveLength(1), 5_000);
    const update = srv.frames('aibot_respond_update_msg')[0];
    expect(update.headers.req_id).toBe(reqId);
    expect(update.body).toMatchObject({ response_type: 'update_template_card', userids: ['lisi'] });
    expect(update.body.template_card).toMatchObject({
      task_id: sent.template_card.task_id,
      submit_button: { text: '已提交' },
      checkbox: { disable: true, option_list: [{ id: 'A', is_checked: false }, { id: 'B', is_checked: true }, { id: 'C', is_checked: false }] },
    });
  });

  redisTest('short options are shown in full, multiple choice as checkboxes, and chosen keys arrive as letters', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    await r.channel.send(group, { ...card, taskId: 'q:12:2026-12-07:lesson:2', options: ['停机', '断电', '挂牌'], multi: true });
    const sent = srv.frames('aibot_send_msg')[0].body.template_card;
    expect(sent.checkbox).toMatchObject({ mode: 1, option_list: [{ text: 'A. 停机' }, { text: 'B. 断电' }, { text: 'C. 挂牌' }] });
    srv.tap('wangfang', sent.task_id, ['C', 'A'], group.id);
    // Options the core already labelled are not labelled twice.
    await r.channel.send(group, { ...card, taskId: 'q_12_2026-12-07_lesson_0', options: ['A. 停机', 'B'] });
    const labelled = srv.frames('aibot_send_msg')[1].body.template_card;
    expect(labelled.checkbox.option_list.map((o: { text: string }) => o.text)).toEqual(['A. 停机', 'B']);
    expect(labelled.task_id).toBe('q_12_2026-12-07_lesson_0');
    await waitFor(() => expect(r.answers).toHaveLength(1));
    expect(r.answers[0]).toMatchObject({ taskId: 'q:12:2026-12-07:lesson:2', letters: 'AC' });
  });

  redisTest('two taps by one person are both delivered (the core keeps the first), and so is a tap on a card sent before a restart', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix);
    await waitFor(() => isUp(r));
    const task = encodeTaskId(card.taskId);
    srv.tap('lisi', task, ['B'], group.id);
    srv.tap('lisi', task, ['C'], group.id);
    srv.repeat();
    await waitFor(() => expect(r.answers.map((a) => a.letters)).toEqual(['B', 'C']));
    // This process never sent that card (it was sent before a restart, or the quiz has closed): still delivered.
    await waitFor(() => expect(srv.frames('aibot_respond_update_msg')).toHaveLength(2));
    expect(srv.frames('aibot_respond_update_msg')[0].body.template_card).toEqual({ card_type: 'text_notice', main_title: { title: '已提交' }, task_id: task });
    // A tap in a private chat answers from that chat (the user id).
    srv.tap('lisi', task, ['A']);
    await waitFor(() => expect(r.answers).toHaveLength(3));
    expect(r.answers[2].chatId).toBe('lisi');
    expect(decodeTaskId(task)).toBe(card.taskId);
  });

  redisTest('one connection per robot: a second instance waits on the lease and takes over when the first stops', async ({ redis, prefix }) => {
    const srv = await server();
    const first = await robot(srv, redis as ScriptedRedis, prefix, { ttlMs: 600 });
    await waitFor(() => isUp(first));
    const second = await robot(srv, redis as ScriptedRedis, prefix, { ttlMs: 600 });
    expect(second.statuses.at(-1)).toMatchObject({ up: false, reason: expect.stringContaining('另一个 banqian 实例正在使用') });
    // Renewals keep the lease with the first: the second never connects, nobody is kicked.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(srv.frames('aibot_subscribe')).toHaveLength(1);
    expect(second.statuses.every((s) => !s.up)).toBe(true);
    await first.channel.stop();
    await waitFor(() => isUp(second));
    expect(srv.connections).toBe(1);
    expect(srv.frames('aibot_subscribe')).toHaveLength(2);
  });

  redisTest('an instance that lost its lease (it stalled past the lease) lets go of the connection', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix, { ttlMs: 600 });
    await waitFor(() => isUp(r));
    // Another instance took the lease while this one could not renew it.
    await redis.set(keyBuilder(prefix).robotLease(`wecom-${srv.botId}`), 'other-instance', 'PX', 60_000);
    await waitFor(() => expect(r.statuses.at(-1)).toMatchObject({ up: false, reason: expect.stringContaining('接管了') }));
    await waitFor(() => expect(srv.connections).toBe(0));
    expect(await sendFails(r, '第一课')).toMatchObject({ kind: 'retryable' });
  });

  redisTest('kicked off by another connection: one status line, and no reconnect loop', async ({ redis, prefix }) => {
    const srv = await server();
    const r = await robot(srv, redis as ScriptedRedis, prefix, { kickPauseMs: 800 });
    await waitFor(() => isUp(r));
    srv.kick();
    await waitFor(() => expect(r.statuses.at(-1)).toMatchObject({ up: false, reason: expect.stringContaining('被另一个连接顶替') }));
    await new Promise((res) => setTimeout(res, 400));
    expect(srv.frames('aibot_subscribe')).toHaveLength(1);
    // After the pause it tries once more.
    await waitFor(() => isUp(r));
    expect(srv.frames('aibot_subscribe')).toHaveLength(2);
    expect(r.statuses.filter((s) => !s.up)).toHaveLength(1);
  });

  redisTest('the factory takes its lease in Redis and refuses to start without a secret', async ({ redis, prefix }) => {
    const srv = await server();
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    expect(() => createWecomBot({ botId: srv.botId, secret: '' }, { log, redis, prefix })).toThrow('需要 botId 和 secret');
    // A client without the scripts (made elsewhere) gets them.
    const channel = createWecomBot({ botId: srv.botId, secret: srv.secret, wsUrl: srv.url, perMinute: 12 }, { log, redis, prefix });
    cleanups.push(() => channel.stop());
    expect(channel.caps.perMinute).toBe(12);
    await channel.start();
    await waitFor(() => expect(srv.connections).toBe(1));
    expect(await redis.pttl(keyBuilder(prefix).robotLease(`wecom-${srv.botId}`))).toBeGreaterThan(0);
    await channel.stop();
    expect(await redis.exists(keyBuilder(prefix).robotLease(`wecom-${srv.botId}`))).toBe(0);
  });
});
