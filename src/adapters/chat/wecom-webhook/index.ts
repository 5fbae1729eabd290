/**
 * The WeCom group robot webhook (消息推送): send-only, one key per group.
 * Protocol: https://developer.work.weixin.qq.com/document/path/91770 (message types, 20 messages/min per
 * robot, text ≤ 2048 bytes, markdown ≤ 4096 bytes, image ≤ 2 MB); error codes:
 * https://developer.work.weixin.qq.com/document/path/90313 (全局错误码). The only file that talks to the webhook.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SendError, type Channel, type ChannelCapabilities, type ChannelStatus } from '../../../core/channel.ts';
import type { OutMessage } from '../../../core/messages.ts';
import type { Logger, RoomMember } from '../../../core/ports.ts';
import type { Target } from '../../../core/send/queue.ts';
import { escapeMarkdown } from '../../../core/send/text.ts';

export interface WecomWebhookConfig {
  /** https://qyapi.weixin.qq.com in production; tests point it at a local server. */
  baseUrl: string;
  timeoutSeconds: number;
  /** banqian group id (the room id pushes are sent to) → the group robot's key. */
  groups: { id: string; key: string }[];
}

export const wecomWebhookCaps: ChannelCapabilities = {
  hears: 'none',
  cards: false,
  listMembers: false,
  senderNames: false,
  privateMessages: false,
  maxTextBytes: 2048,
  maxMarkdownBytes: 4096,
  perMinute: 20,
  ratePer: 'group',
  markdown: 'wecom',
};

const maxImageBytes = 2 * 1024 * 1024;
/** 45009: API call frequency over the limit; 45033: too many concurrent calls (90313). */
const rateLimitCodes = new Set([45009, 45033]);
/** -1: system busy, "建议稍候重试" (90313). */
const retryableCodes = new Set([-1]);
/** The robot's limit is per minute, so a rate-limited message waits for the next minute. */
const rateLimitWaitMs = 60_000;

/** A key as logs may show it: its first four characters. */
export const maskKey = (key: string): string => `${key.slice(0, 4)}…`;

/** A link in a lesson: made clickable, not escaped. */
const url = /https?:\/\/[^\s<>"'，。；！？）」]+/g;

/** Plain text as WeCom markdown: special characters escaped, links made clickable. */
export function wecomMarkdown(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(url)) {
    out += escapeMarkdown(text.slice(last, m.index), 'wecom') + `[${m[0]}](${m[0]})`;
    last = m.index! + m[0].length;
  }
  return out + escapeMarkdown(text.slice(last), 'wecom');
}

/** The webhook as a Channel: it sends to groups and hears nothing (answers come through the answer page). */
export class WecomWebhook implements Channel {
  readonly caps = wecomWebhookCaps;
  private readonly keys: Map<string, string>;
  private readonly statusListeners: ((s: ChannelStatus) => void)[] = [];

  constructor(
    private readonly config: WecomWebhookConfig,
    private readonly log: Logger,
  ) {
    this.keys = new Map(config.groups.filter((g) => g.key).map((g) => [g.id, g.key]));
  }

  async start(): Promise<void> {
    const missing = this.config.groups.filter((g) => !g.key).map((g) => g.id);
    this.log.info({ groups: [...this.keys].map(([id, key]) => `${id}=${maskKey(key)}`), missing }, 'wecom webhook ready (send-only)');
    // There is no connection to lose: the channel is up as long as the process runs.
    for (const l of this.statusListeners) l({ up: true });
  }

  async stop(): Promise<void> {}

  /** The webhook delivers no messages. */
  onMessage(): void {}

  /** The webhook has no interactive cards. */
  onCardAnswer(): void {}

  onStatus(listener: (status: ChannelStatus) => void): void {
    this.statusListeners.push(listener);
  }

  async members(chatId: string): Promise<RoomMember[]> {
    throw new Error(`企业微信群机器人（webhook）不能列出群成员（${chatId}）`);
  }

  async idle(): Promise<void> {}

  async send(target: Target, message: OutMessage): Promise<void> {
    if (target.kind !== 'room') throw new SendError(`群机器人只能发到群里，不能私聊 ${target.label}`, 'fatal');
    const key = this.keys.get(target.id);
    if (!key) throw new SendError(`群“${target.label}”（${target.id}）没有配置企业微信群机器人的 key`, 'fatal');
    const body = await this.body(message);
    await this.post(key, body, target);
  }

  /** The request body per message type (91770), refused rather than cut when over the byte limit. */
  private async body(message: OutMessage): Promise<object> {
    switch (message.kind) {
      case 'text': {
        const content = wecomMarkdown(message.text);
        const bytes = Buffer.byteLength(content);
        if (bytes > this.caps.maxMarkdownBytes) throw new SendError(`消息有 ${bytes} 字节，超过企业微信群机器人 markdown 的 ${this.caps.maxMarkdownBytes} 字节上限，未发送`, 'fatal');
        return { msgtype: 'markdown', markdown: { content } };
      }
      case 'link':
        return { msgtype: 'news', news: { articles: [{ title: message.title, url: message.url }] } };
      case 'image': {
        const data = await readFile(message.file).catch((err: Error) => {
          throw new SendError(`图片读不出来：${message.file}（${err.message}）`, 'fatal');
        });
        if (data.length > maxImageBytes) throw new SendError(`图片 ${message.file} 超过企业微信群机器人的 2 MB 上限，未发送`, 'fatal');
        return { msgtype: 'image', image: { base64: data.toString('base64'), md5: createHash('md5').update(data).digest('hex') } };
      }
      case 'card':
        throw new SendError('企业微信群机器人（webhook）不支持答题卡片', 'fatal');
    }
  }

  private async post(key: string, body: object, target: Target): Promise<void> {
    const endpoint = `${this.config.baseUrl.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
    // Nothing that might carry the key (an error's text, a URL) leaves this method unmasked.
    const masked = (s: string) => s.split(key).join(maskKey(key));
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutSeconds * 1000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      // The request may have reached WeCom: a retry could post twice.
      if (e.name === 'TimeoutError') throw new SendError(`企业微信群机器人 ${this.config.timeoutSeconds} 秒没有回应，不知道“${target.label}”是否收到`, 'unknown');
      // Refused or unresolved: nothing was sent, so it is safe to try again later.
      const cause = masked(e.cause?.code ?? e.cause?.message ?? e.message);
      if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)$/.test(cause)) throw new SendError(`连不上企业微信（${cause}），稍后重试`, 'retryable');
      throw new SendError(`发往企业微信时出错（${cause}），不知道“${target.label}”是否收到`, 'unknown');
    }
    const reply = (await res.json().catch(() => undefined)) as { errcode?: number; errmsg?: string } | undefined;
    if (!res.ok || typeof reply?.errcode !== 'number') throw new SendError(`企业微信回复了 HTTP ${res.status}，不知道“${target.label}”是否收到`, 'unknown');
    if (reply.errcode === 0) return;
    const what = `企业微信群机器人返回错误 ${reply.errcode}（${masked(reply.errmsg ?? '')}），群“${target.label}”`;
    if (rateLimitCodes.has(reply.errcode)) throw new SendError(`${what}：发送太快，稍后重试`, 'rate-limited', rateLimitWaitMs);
    if (retryableCodes.has(reply.errcode)) throw new SendError(`${what}：稍后重试`, 'retryable');
    this.log.error({ group: target.id, key: maskKey(key), errcode: reply.errcode }, 'wecom webhook refused a message');
    throw new SendError(what, 'fatal');
  }
}

/** The factory the composition root calls for `wecom-webhook`. */
export const createWecomWebhook = (config: WecomWebhookConfig, log: Logger): WecomWebhook => new WecomWebhook(config, log);
