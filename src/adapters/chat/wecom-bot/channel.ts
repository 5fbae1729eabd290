import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { hostname } from 'node:os';
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import type { Incoming } from '../../../core/bot/context.ts';
import { SendError, type CardAnswer, type Channel, type ChannelCapabilities, type ChannelStatus } from '../../../core/channel.ts';
import type { OutMessage, QuizCard } from '../../../core/messages.ts';
import type { Logger, RoomMember } from '../../../core/ports.ts';
import type { Target } from '../../../core/send/queue.ts';
import { escapeMarkdown } from '../../../core/send/text.ts';
import { systemClock, type Clock } from '../../../core/time.ts';
import { keyBuilder } from '../../store/redis/keys.ts';
import { RedisLease } from '../../store/redis/lease.ts';
import { encodeTaskId, readTap, voteCard, type TemplateCard } from './cards.ts';

/**
 * The WeCom smart robot (智能机器人, API mode) over its long connection, through the official SDK
 * (the only importer of @wecom/aibot-node-sdk). Protocol: https://developer.work.weixin.qq.com/document/path/101463
 */

export interface WecomBotConfig {
  botId: string;
  secret: string;
  /** The long connection's address; empty for the SDK's default (wss://openws.work.weixin.qq.com). */
  wsUrl?: string;
  /** Messages per minute for this robot; WeCom publishes no figure, so 20 until measured. */
  perMinute?: number;
  /** The robot's display name, to strip "@name" from group messages. */
  botName?: string;
}

/** One live connection per robot: the instance holding this lease is the one that connects. */
export interface Lease {
  readonly ttlMs: number;
  take(): Promise<boolean>;
  drop(): Promise<void>;
}

export interface WecomBotDeps {
  log: Logger;
  lease: Lease;
  clock?: Clock;
  /** First reconnect delay; the SDK doubles it up to 30 s, with no limit on attempts. */
  reconnectMs?: number;
  heartbeatMs?: number;
  /** How long to stay off after another connection took the robot over, so two never kick each other in a loop. */
  kickPauseMs?: number;
}

/** Markdown content limit (bytes) per the SDK's docs for aibot replies and pushes. */
export const maxMarkdownBytes = 20_480;

/** Documented WeCom error codes (https://developer.work.weixin.qq.com/document/path/90313). */
const rateLimitCodes = new Set([45009, 45033]);
/** -1 is "系统繁忙，此时请开发者稍候再试". */
const retryableCodes = new Set([-1]);

/** A platform rejection, an SDK error or a lost connection, as the send queue's kind of failure. */
export function sendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err && typeof err === 'object' && 'errcode' in err) {
    const code = Number(err.errcode);
    const what = `企业微信拒绝了消息（errcode ${code}${'errmsg' in err && err.errmsg ? `：${String(err.errmsg)}` : ''}）`;
    if (rateLimitCodes.has(code)) return new SendError(what, 'rate-limited', 60_000);
    return new SendError(what, retryableCodes.has(code) ? 'retryable' : 'fatal');
  }
  const text = err instanceof Error ? err.message : String(err);
  // Nothing went out: the socket was down, or the SDK's queue was full.
  if (/not connected|exceeds max size/i.test(text)) return new SendError(`企业微信长连接未就绪，稍后重发（${text}）`, 'retryable');
  // The frame went out but no acknowledgement came (ack timeout, or the connection closed first).
  return new SendError(`企业微信没有确认这条消息，不知道是否已发出（${text}）`, 'unknown');
}

/** The group's text without the robot's @-mention (WeCom delivers group messages only when it is mentioned). */
export function stripMention(text: string, botName?: string): string {
  const t = text.trim();
  if (botName && t.includes(`@${botName}`)) return t.replace(`@${botName}`, '').trim();
  return t.replace(/^@\S+\s*/, '');
}

/** Cards this process sent, so a tap can show the same card locked; older ones get a plain "已提交". */
const maxRememberedCards = 5_000;
/** Callback msgids seen lately: WeCom may deliver a callback twice, and says to drop repeats by msgid. */
const maxRememberedMsgids = 2_000;

export class WecomBotChannel implements Channel {
  readonly caps: ChannelCapabilities;
  private readonly client: WSClient;
  private readonly clock: Clock;
  private messageHandler?: (msg: Incoming) => Promise<void>;
  private cardHandler?: (answer: CardAnswer) => Promise<void>;
  private readonly statusListeners: ((s: ChannelStatus) => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cards = new Map<string, QuizCard>();
  private readonly msgids = new Set<string>();
  private lastStatus?: string;
  private running = false;
  private holding = false;
  private kicked = false;
  private authFailed = false;
  private leaseTimer?: NodeJS.Timeout;
  private kickTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: WecomBotConfig,
    private readonly deps: WecomBotDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.caps = {
      hears: 'mentions',
      cards: true,
      listMembers: false,
      senderNames: false,
      privateMessages: true,
      // Text goes out as escaped markdown: the text limit leaves room for the escapes.
      maxTextBytes: 16_384,
      maxMarkdownBytes,
      perMinute: config.perMinute ?? 20,
      ratePer: 'account',
      markdown: 'wecom',
    };
    this.client = new WSClient({
      botId: config.botId,
      secret: config.secret,
      wsUrl: config.wsUrl || undefined,
      // The SDK gives up after 10 reconnects (and 5 failed logins); a union's bot must not.
      maxReconnectAttempts: -1,
      maxAuthFailureAttempts: -1,
      reconnectInterval: deps.reconnectMs ?? 1_000,
      heartbeatInterval: deps.heartbeatMs ?? 30_000,
      logger: this.sdkLogger(),
    });
    this.client.on('authenticated', () => {
      this.authFailed = false;
      this.status({ up: true });
    });
    this.client.on('error', (err: Error) => {
      const m = /^Authentication failed: (.*)$/.exec(err.message);
      if (!m) return;
      this.authFailed = true;
      this.status({ up: false, reason: `企业微信机器人认证失败（${this.redact(m[1])}）：请检查 botId 和 secret，正在重试` });
    });
    this.client.on('disconnected', (reason: string) => {
      if (this.kicked || this.authFailed || !this.running || !this.holding) return;
      this.status({ up: false, reason: `企业微信长连接断开（网络：${this.redact(reason)}），正在重连` });
    });
    this.client.on('event.disconnected_event', () => this.onKicked());
    this.client.on('message.text', (frame: WsFrame) => this.track(this.onText(frame)));
    this.client.on('event.template_card_event', (frame: WsFrame) => this.track(this.onTap(frame)));
  }

  onMessage(handler: (msg: Incoming) => Promise<void>): void {
    this.messageHandler = handler;
  }

  onCardAnswer(handler: (answer: CardAnswer) => Promise<void>): void {
    this.cardHandler = handler;
  }

  onStatus(listener: (status: ChannelStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /** Takes the robot's lease and connects; without the lease it waits, and keeps trying, as a standby. */
  async start(): Promise<void> {
    this.running = true;
    await this.claim();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.leaseTimer);
    clearTimeout(this.kickTimer);
    if (this.holding) {
      this.holding = false;
      this.client.disconnect();
      await this.deps.lease.drop().catch((err) => this.deps.log.warn({ err: String(err) }, '企业微信机器人：释放连接租约失败'));
    }
    await this.idle();
  }

  async send(target: Target, message: OutMessage): Promise<void> {
    try {
      if (message.kind === 'image' && !/^https?:\/\//.test(message.file)) {
        const media = await this.client.uploadMedia(await readFile(message.file), { type: 'image', filename: basename(message.file) });
        await this.client.sendMediaMessage(target.id, 'image', media.media_id);
        return;
      }
      if (message.kind === 'card') this.remember(message);
      await this.client.sendMessage(target.id, this.render(message));
    } catch (err) {
      throw sendError(err);
    }
  }

  async members(): Promise<RoomMember[]> {
    throw new Error('企业微信智能机器人不能列出群成员');
  }

  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private render(message: OutMessage) {
    if (message.kind === 'card') return { msgtype: 'template_card' as const, template_card: voteCard(message) };
    const content =
      message.kind === 'text'
        ? escapeMarkdown(message.text, 'wecom')
        : message.kind === 'link'
          ? `[${escapeMarkdown(message.title, 'wecom')}](${message.url})`
          : `![](${message.file})`;
    const bytes = Buffer.byteLength(content);
    // A truncated lesson or quiz would mislead; the queue splits text below the limit, so this is a bug upstream.
    if (bytes > maxMarkdownBytes) throw new SendError(`消息有 ${bytes} 字节，超过企业微信 markdown 上限 ${maxMarkdownBytes} 字节，未发送`, 'fatal');
    return { msgtype: 'markdown' as const, markdown: { content } };
  }

  private remember(card: QuizCard): void {
    this.cards.set(card.taskId, card);
    if (this.cards.size > maxRememberedCards) this.cards.delete(this.cards.keys().next().value as string);
  }

  /** False for a callback already handled (same msgid). */
  private firstDelivery(msgid: unknown): boolean {
    if (typeof msgid !== 'string' || !msgid) return true;
    if (this.msgids.has(msgid)) return false;
    this.msgids.add(msgid);
    if (this.msgids.size > maxRememberedMsgids) this.msgids.delete(this.msgids.values().next().value as string);
    return true;
  }

  private async onText(frame: WsFrame): Promise<void> {
    const body = frame.body;
    const userid: unknown = body?.from?.userid;
    const content: unknown = body?.text?.content;
    if (typeof userid !== 'string' || !userid || typeof content !== 'string' || !this.firstDelivery(body.msgid)) return;
    const group = body.chattype === 'group' && typeof body.chatid === 'string' ? body.chatid : undefined;
    // No `mentions`: the callback documents only the text ("@RobotA hello", 100719), no ids of whom it @-mentions,
    // and no name, so the user id is the sender's name until a roster is imported.
    await this.messageHandler?.({
      room: group ? { id: group, topic: '' } : undefined,
      sender: { id: userid, name: userid },
      text: group ? stripMention(content, this.config.botName) : content.trim(),
      mentioned: !!group,
      at: this.clock.now(),
    });
  }

  /** A tap: the card is locked for that person at once (WeCom allows 5 s), then the answer goes to the bot. */
  private async onTap(frame: WsFrame): Promise<void> {
    const body = frame.body;
    const userid: unknown = body?.from?.userid;
    const tap = readTap(body?.event);
    if (typeof userid !== 'string' || !userid || !tap || !this.firstDelivery(body.msgid)) return;
    const card = this.cards.get(tap.taskId);
    const locked: TemplateCard = card ? voteCard(card, tap.letters) : { card_type: 'text_notice', main_title: { title: '已提交' }, task_id: encodeTaskId(tap.taskId) };
    this.track(
      this.client.updateTemplateCard(frame, locked, [userid]).then(
        () => undefined,
        (err) => this.deps.log.warn({ err: this.redact(String(sendError(err).message)) }, '企业微信机器人：卡片没能改成“已提交”'),
      ),
    );
    await this.cardHandler?.({
      taskId: tap.taskId,
      chatId: typeof body.chatid === 'string' && body.chatid ? body.chatid : userid,
      sender: { id: userid },
      letters: tap.letters,
      at: this.clock.now(),
    });
  }

  /** Another connection logged in as this robot and WeCom closed ours; wait before trying again. */
  private onKicked(): void {
    this.kicked = true;
    const pause = this.deps.kickPauseMs ?? 5 * 60_000;
    this.status({ up: false, reason: `企业微信长连接被另一个连接顶替（同一机器人在别处连接），${Math.round(pause / 1000)} 秒后再试` });
    clearTimeout(this.kickTimer);
    this.kickTimer = setTimeout(() => {
      this.kicked = false;
      if (this.running && this.holding) this.client.connect();
    }, pause);
  }

  /** Takes or renews the lease; connects on getting it, disconnects on losing it, and checks again later. */
  private async claim(): Promise<void> {
    if (!this.running) return;
    const { lease, log } = this.deps;
    let held = this.holding;
    try {
      held = await lease.take();
    } catch (err) {
      // Redis away: nobody else can take the lease either, so the current state stands.
      log.warn({ err: String(err) }, '企业微信机器人：无法确认连接租约（Redis 不可用）');
    }
    if (!this.running) {
      if (held) await lease.drop().catch(() => {});
      return;
    }
    if (held && !this.holding) {
      this.holding = true;
      if (!this.kicked) this.client.connect();
    } else if (!held && this.holding) {
      this.holding = false;
      this.client.disconnect();
      this.status({ up: false, reason: '另一个 banqian 实例接管了这个企业微信机器人的长连接，本实例待命' });
    } else if (!held) {
      this.status({ up: false, reason: '另一个 banqian 实例正在使用这个企业微信机器人的长连接，本实例待命' });
    }
    this.leaseTimer = setTimeout(() => void this.claim(), held ? lease.ttlMs / 3 : lease.ttlMs / 2);
  }

  private status(s: ChannelStatus): void {
    const line = s.up ? 'up' : `down: ${s.reason}`;
    if (line === this.lastStatus) return;
    this.lastStatus = line;
    if (s.up) this.deps.log.info('企业微信机器人：长连接已连上');
    else this.deps.log.warn(`企业微信机器人：${s.reason}`);
    for (const listener of this.statusListeners) listener(s);
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.deps.log.error({ err: this.redact(String(err)) }, '企业微信机器人：处理消息失败'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** The secret never reaches a log line, whatever the SDK or the server put in an error. */
  private redact(text: string): string {
    return this.config.secret ? text.split(this.config.secret).join('***') : text;
  }

  /** The SDK's own errors, redacted; its info and debug lines (message bodies included) are dropped. */
  private sdkLogger() {
    const quiet = () => {};
    const error = (message: string, ...args: unknown[]) => this.deps.log.warn({ sdk: this.redact([message, ...args.map(String)].join(' ')) }, '企业微信 SDK');
    return { debug: quiet, info: quiet, warn: quiet, error };
  }
}

/** The channel with its lease in Redis: one connection per robot across every banqian instance on that Redis. */
export function createWecomBot(
  config: WecomBotConfig,
  deps: { log: Logger; redis: Redis; prefix: string; clock?: Clock },
): WecomBotChannel {
  if (!config.botId || !config.secret) throw new Error('企业微信智能机器人需要 botId 和 secret（secret 可放在环境变量 BANQIAN_WECOM_SECRET）');
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lease = new RedisLease(deps.redis, keyBuilder(deps.prefix).robotLease(`wecom-${config.botId}`), owner, 30_000);
  return new WecomBotChannel(config, { log: deps.log, clock: deps.clock, lease });
}
