import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createWecomWebhook, maskKey, type WecomWebhookConfig } from '../../src/adapters/chat/wecom-webhook/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SendError } from '../../src/core/channel.ts';
import type { Logger } from '../../src/core/ports.ts';
import { startWebhookServer, type WebhookServer } from '../helpers/wecomWebhookServer.ts';

const key = '693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa';
const room = { kind: 'room' as const, id: 'team-1', label: '总装车间一班' };

/** Every log line, so a test can look for the key in all of them. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (obj: object | string, msg?: string) => void lines.push(JSON.stringify([obj, msg ?? '']));
  return { lines, info: write, warn: write, error: write };
}

let server: WebhookServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(opts: { now?: () => number; timeoutSeconds?: number; groups?: WecomWebhookConfig['groups'] } = {}) {
  server = await startWebhookServer([key], opts.now);
  const log = recordingLog();
  const channel = createWecomWebhook({ baseUrl: server.baseUrl, timeoutSeconds: opts.timeoutSeconds ?? 5, groups: opts.groups ?? [{ id: room.id, key }] }, log);
  await channel.start();
  return { server, channel, log };
}

const failure = async (p: Promise<unknown>): Promise<SendError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SendError)) throw new Error(`expected a SendError, got ${String(err)}`);
  return err;
};

describe('WeCom group robot webhook', () => {
  test('declares a send-only channel with the documented limits', async () => {
    const { channel } = await setup();
    expect(channel.caps).toEqual({
      hears: 'none', cards: false, listMembers: false, senderNames: false, privateMessages: false,
      maxTextBytes: 2048, maxMarkdownBytes: 4096, perMinute: 20, ratePer: 'group', markdown: 'wecom',
    });
    await expect(channel.members(room.id)).rejects.toThrow('不能列出群成员');
  });

  test('sends text as escaped WeCom markdown with clickable links, links as news and images as base64 + md5', async () => {
    const { server, channel } = await setup();
    await channel.send(room, { kind: 'text', text: '# 第*1*题 <b> a_b #2 >\n> 引\n点开链接答题：https://banqian.example.cn/q/abc_DEF-1' });
    await channel.send(room, { kind: 'link', title: '原文', url: 'https://www.example.gov.cn/a' });
    const file = join(mkdtempSync(join(tmpdir(), 'wecom-')), 'a.png');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await channel.send(room, { kind: 'image', file });
    expect(server.received.map((r) => r.key)).toEqual([key, key, key]);
    expect(server.received.map((r) => r.body)).toEqual([
      { msgtype: 'markdown', markdown: { content: '\\# 第\\*1\\*题 \\<b\\> a\\_b #2 \\>\n\\> 引\n点开链接答题：[https://banqian.example.cn/q/abc_DEF-1](https://banqian.example.cn/q/abc_DEF-1)' } },
      { msgtype: 'news', news: { articles: [{ title: '原文', url: 'https://www.example.gov.cn/a' }] } },
      { msgtype: 'image', image: { base64: 'iVBORwECAw==', md5: createHash('md5').update(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])).digest('hex') } },
    ]);
  });

  test('the 21st message in a minute is rate-limited (45009), never lost: it goes once the minute has passed', async () => {
    let now = 1_000_000;
    const { server, channel } = await setup({ now: () => now });
    for (let i = 0; i < 20; i++) await channel.send(room, { kind: 'text', text: `第 ${i} 条` });
    const err = await failure(channel.send(room, { kind: 'text', text: '第 20 条' }));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(60_000);
    expect(err.message).toContain('45009');
    expect(server.received).toHaveLength(20);
    now += err.retryAfterMs!;
    await channel.send(room, { kind: 'text', text: '第 20 条' });
    expect(server.received.at(-1)!.body.markdown.content).toBe('第 20 条');
  });

  test('45033 (too many concurrent calls) is rate-limited too; -1 (system busy) is retryable', async () => {
    const { server, channel } = await setup();
    server.failNext(45033, 'api concurrent out of limit');
    expect((await failure(channel.send(room, { kind: 'text', text: 'a' }))).kind).toBe('rate-limited');
    server.failNext(-1, 'system busy');
    expect((await failure(channel.send(room, { kind: 'text', text: 'a' }))).kind).toBe('retryable');
    expect(server.received).toHaveLength(0);
  });

  test('a message over the byte limit is refused, never cut; one at the limit goes', async () => {
    const { server, channel } = await setup();
    // 1,365 Chinese characters are 4,095 bytes; one more is 4,098.
    await channel.send(room, { kind: 'text', text: '班'.repeat(1365) });
    const err = await failure(channel.send(room, { kind: 'text', text: '班'.repeat(1366) }));
    expect(err.kind).toBe('fatal');
    expect(err.message).toContain('4098 字节');
    expect(server.received.map((r) => Buffer.byteLength(r.body.markdown.content))).toEqual([4095]);
  });

  test('the server refusing an oversized body (40058) is fatal, not retried', async () => {
    const { server, channel } = await setup();
    server.failNext(40058, 'markdown.content exceed max length 4096. invalid Request Parameter');
    const err = await failure(channel.send(room, { kind: 'text', text: 'x' }));
    expect([err.kind, err.message.includes('40058')]).toEqual(['fatal', true]);
  });

  test('a timeout leaves the outcome unknown; a refused connection is retryable', async () => {
    const { server, channel } = await setup({ timeoutSeconds: 0.3 });
    server.hangNext();
    expect((await failure(channel.send(room, { kind: 'text', text: 'a' }))).kind).toBe('unknown');
    // A port nobody listens on: the request never left, so trying again is safe.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const offline = createWecomWebhook({ baseUrl: `http://127.0.0.1:${port}`, timeoutSeconds: 5, groups: [{ id: room.id, key }] }, recordingLog());
    expect((await failure(offline.send(room, { kind: 'text', text: 'a' }))).kind).toBe('retryable');
  });

  test('what it cannot send is fatal: a group without a key, a deleted key (93000), a private chat, a card', async () => {
    const { channel } = await setup({ groups: [{ id: room.id, key }, { id: 'team-2', key: 'deleted-key-0000' }, { id: 'team-3', key: '' }] });
    const kinds = await Promise.all([
      failure(channel.send({ kind: 'room', id: 'team-3', label: '三班' }, { kind: 'text', text: 'a' })),
      failure(channel.send({ kind: 'room', id: 'team-2', label: '二班' }, { kind: 'text', text: 'a' })),
      failure(channel.send({ kind: 'contact', id: 'u1', label: '李明' }, { kind: 'text', text: 'a' })),
      failure(channel.send(room, { kind: 'card', taskId: 't', title: 't', question: 'q', options: ['a', 'b'], multi: false })),
    ]);
    expect(kinds.map((e) => e.kind)).toEqual(['fatal', 'fatal', 'fatal', 'fatal']);
    expect(kinds[1].message).toContain('93000');
  });

  test('keys never reach the logs or error messages, even when the platform echoes one', async () => {
    const { server, channel, log } = await setup({ timeoutSeconds: 0.3 });
    const errors: string[] = [];
    server.failNext(93000, `invalid webhook url key=${key}`);
    errors.push((await failure(channel.send(room, { kind: 'text', text: 'a' }))).message);
    server.hangNext();
    errors.push((await failure(channel.send(room, { kind: 'text', text: 'a' }))).message);
    const everything = [...log.lines, ...errors].join('\n');
    expect(everything).toContain(maskKey(key));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(4));
  });

  test('a malformed BANQIAN_WECOM_WEBHOOK_KEYS is a clear error that does not repeat the key', () => {
    const error = (() => {
      try {
        loadConfig('/nonexistent', { BANQIAN_WECOM_WEBHOOK_KEYS: `总装车间一班:${key}` });
      } catch (err) {
        return String(err);
      }
    })();
    expect(error).toMatch(/BANQIAN_WECOM_WEBHOOK_KEYS 的每一项应写成“群名=key”/);
    expect(error).not.toContain(key);
  });
});
