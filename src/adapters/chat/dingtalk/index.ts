import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { SendError, type CardAnswer, type Channel, type ChannelCapabilities, type ChannelStatus } from '../../../core/channel.ts';
import type { Incoming } from '../../../core/bot/context.ts';
import type { OutMessage } from '../../../core/messages.ts';
import type { Logger, RoomMember } from '../../../core/ports.ts';
import type { Target } from '../../../core/send/queue.ts';
import { escapeMarkdown } from '../../../core/send/text.ts';
import { AccessToken, beforePosting, classify, maxParamBytes, postJson, signWebhook } from './http.ts';
import { StreamClient, type LinkDown } from './stream.ts';

/**
 * DingTalk: an enterprise internal app's robot in Stream mode (hears @-mentions and private chats,
 * sends through the robot message OpenAPI), or, with only a custom robot webhook, a send-only channel.
 */
export interface DingtalkConfig {
  /** The app's Client ID (AppKey) and Client Secret (AppSecret): Stream mode. */
  clientId?: string;
  clientSecret?: string;
  /** The robot's code; an internal app's robot uses the app's Client ID. */
  robotCode?: string;
  /** The bot's display name, stripped from "@name" in incoming text. */
  robotName: string;
  /** Custom robot webhook (send-only fallback): its URL with access_token, and its "SEC…" signing secret. */
  webhook?: { url: string; secret?: string };
  /** Overridable for tests; default https://api.dingtalk.com, https://oapi.dingtalk.com and the SDK's gateway. */
  apiBase?: string;
  oapiBase?: string;
  gatewayUrl?: string;
  timeoutMs?: number;
  backoff?: { firstMs: number; maxMs: number };
  leaseTtlMs?: number;
}

export interface Leases {
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
}

export interface DingtalkDeps {
  log: Logger;
  /** One Stream connection per robot across instances (Redis). */
  leases: Leases;
  now?: () => number;
}

/**
 * Sizes: msgParam ≤ 15,000 bytes (see http.ts); the split size leaves room for the title and JSON
 * escaping. Rate: a robot may send 20 messages a minute:
 * https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
 */
const maxBytes = 12_000;

/** Robot callback fields used here: https://open.dingtalk.com/document/orgapp/receive-message */
interface RobotCallback {
  msgId?: string;
  msgtype?: string;
  text?: { content?: string };
  conversationId?: string;
  conversationType?: string;
  conversationTitle?: string;
  senderStaffId?: string;
  senderId?: string;
  senderNick?: string;
  /** Everyone the message @-mentions, the robot included (its dingtalkId is chatbotUserId); staffId only for members of the organisation. */
  atUsers?: { dingtalkId?: string; staffId?: string }[];
  chatbotUserId?: string;
  isInAtList?: boolean;
  createAt?: number;
}

export class DingtalkChannel implements Channel {
  readonly caps: ChannelCapabilities;
  private readonly client?: StreamClient;
  private readonly token?: AccessToken;
  private readonly owner = randomUUID();
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly apiBase: string;
  private readonly leaseTtlMs: number;
  private handler: (msg: Incoming) => Promise<void> = async () => {};
  private readonly statusListeners: ((s: ChannelStatus) => void)[] = [];
  private status?: ChannelStatus;
  private handled: Promise<void> = Promise.resolve();
  /** Message ids seen lately: a callback the gateway re-sends (ack lost in a reconnect) is handled once. */
  private readonly seen = new Set<string>();
  private renew?: NodeJS.Timeout;
  private firstAttempt?: () => void;
  private stopped = false;
  /** Uploaded lesson images by file, so a wave to many groups uploads each image once. */
  private readonly mediaIds = new Map<string, string>();

  constructor(
    private readonly config: DingtalkConfig,
    private readonly deps: DingtalkDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.apiBase = config.apiBase ?? 'https://api.dingtalk.com';
    this.leaseTtlMs = config.leaseTtlMs ?? 30_000;
    const stream = !!(config.clientId && config.clientSecret);
    if (!stream && !config.webhook?.url) throw new Error('钉钉渠道需要 clientId + clientSecret（Stream 模式），或自定义机器人的 webhook 地址');
    this.caps = {
      hears: stream ? 'mentions' : 'none',
      cards: false,
      listMembers: false,
      senderNames: stream,
      privateMessages: stream,
      maxTextBytes: maxBytes,
      maxMarkdownBytes: maxBytes,
      perMinute: 20,
      // A webhook belongs to one group, so its limit is that group's.
      ratePer: stream ? 'account' : 'group',
      markdown: 'dingtalk',
    };
    if (!stream) return;
    const { clientId, clientSecret } = config as Required<Pick<DingtalkConfig, 'clientId' | 'clientSecret'>>;
    this.token = new AccessToken(this.apiBase, clientId, clientSecret, { timeoutMs: this.timeoutMs }, this.now, (reason) => this.setStatus({ up: false, reason }));
    this.client = new StreamClient(
      { clientId, clientSecret, gatewayUrl: config.gatewayUrl, timeoutMs: this.timeoutMs, backoff: config.backoff ?? { firstMs: 1000, maxMs: 60_000 } },
      {
        lease: () => this.takeLease(),
        up: () => {
          this.setStatus({ up: true });
          this.firstAttempt?.();
        },
        down: (why: LinkDown, retryInMs: number) => {
          this.setStatus({ up: false, reason: retryInMs ? `${why.message}；${Math.ceil(retryInMs / 1000)} 秒后重试` : why.message });
          this.firstAttempt?.();
        },
      },
    );
    this.client.registerCallbackListener(TOPIC_ROBOT, (frame) => this.onRobotFrame(frame));
  }

  private get leaseName(): string {
    return `dingtalk:${this.config.robotCode ?? this.config.clientId}`;
  }

  private takeLease(): Promise<boolean> {
    return this.deps.leases.lease(this.leaseName, this.owner, this.leaseTtlMs).catch(() => false);
  }

  /** Resolves after the first connection attempt, up or not: a bad secret must not hang the start. */
  async start(): Promise<void> {
    if (!this.client) {
      this.setStatus({ up: true });
      return;
    }
    const attempted = new Promise<void>((resolve) => (this.firstAttempt = resolve));
    void this.client.connect();
    await attempted;
    this.firstAttempt = undefined;
    if (this.stopped) return;
    // Holding the lease while connected; losing it (another instance took over after an outage) drops the socket.
    this.renew = setInterval(() => {
      if (!this.client?.connected) return;
      void this.takeLease().then((held) => {
        if (!held) this.client?.drop();
      });
    }, this.leaseTtlMs / 3);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renew);
    this.firstAttempt?.();
    if (!this.client) return;
    this.client.close();
    await this.deps.leases.releaseLease(this.leaseName, this.owner).catch(() => {});
  }

  onMessage(handler: (msg: Incoming) => Promise<void>): void {
    this.handler = handler;
  }

  /** DingTalk interactive cards need a template made in the card platform; quizzes here are @-answers. */
  onCardAnswer(_handler: (answer: CardAnswer) => Promise<void>): void {}

  onStatus(listener: (status: ChannelStatus) => void): void {
    this.statusListeners.push(listener);
    if (this.status) listener(this.status);
  }

  private setStatus(s: ChannelStatus): void {
    if (this.status?.up === s.up && this.status.reason === s.reason) return;
    this.status = s;
    if (s.up) this.deps.log.info({ channel: 'dingtalk' }, '钉钉渠道已连接');
    else this.deps.log.warn({ channel: 'dingtalk', reason: s.reason }, '钉钉渠道不可用');
    for (const l of this.statusListeners) l(s);
  }

  async members(_chatId: string): Promise<RoomMember[]> {
    throw new Error('钉钉机器人不能列出群成员');
  }

  idle(): Promise<void> {
    return this.handled;
  }

  /** Acknowledged first (an unacknowledged callback is re-sent within 60 s), then handled in order. */
  private onRobotFrame(frame: DWClientDownStream): void {
    this.client?.socketCallBackResponse(frame.headers.messageId, null);
    let cb: RobotCallback;
    try {
      cb = JSON.parse(frame.data) as RobotCallback;
    } catch {
      this.deps.log.warn({ channel: 'dingtalk', messageId: frame.headers.messageId }, '无法解析的钉钉机器人消息，已忽略');
      return;
    }
    const msg = this.toIncoming(cb);
    if (!msg) return;
    const id = cb.msgId ?? frame.headers.messageId;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > 1000) this.seen.delete(this.seen.values().next().value as string);
    this.handled = this.handled
      .then(() => this.handler(msg))
      .catch((err) => this.deps.log.error({ channel: 'dingtalk', err: String(err) }, 'message handler failed'));
  }

  private toIncoming(cb: RobotCallback): Incoming | undefined {
    const senderId = cb.senderStaffId || cb.senderId;
    if (cb.msgtype !== 'text' || typeof cb.text?.content !== 'string' || !senderId || !cb.conversationId) return undefined;
    const group = cb.conversationType === '2';
    const text = cb.text.content.split(`@${this.config.robotName}`).join(' ').trim();
    // People are known by staff id (as senders are), else by the encrypted dingtalkId; the robot itself is left out.
    const mentions = (cb.atUsers ?? [])
      .filter((u) => u.dingtalkId !== cb.chatbotUserId)
      .map((u) => u.staffId || u.dingtalkId)
      .filter((id): id is string => !!id)
      .map((id) => ({ id }));
    return {
      room: group ? { id: cb.conversationId, topic: cb.conversationTitle || cb.conversationId } : undefined,
      sender: { id: senderId, name: cb.senderNick || senderId },
      text,
      mentioned: group && cb.isInAtList !== false,
      ...(mentions.length && { mentions }),
      at: this.now(),
    };
  }

  async send(target: Target, message: OutMessage): Promise<void> {
    const [msgKey, param] = message.kind === 'image' ? ['sampleImageMsg', { photoURL: await this.upload(message.file) }] : toTemplate(message);
    const msgParam = JSON.stringify(param);
    const bytes = Buffer.byteLength(msgParam);
    if (bytes > maxParamBytes) throw new SendError(`消息太长（${bytes} 字节，钉钉上限 ${maxParamBytes}）`, 'fatal');
    if (!this.client || !this.token) return this.sendWebhook(target, msgKey, param);
    const robotCode = this.config.robotCode ?? this.config.clientId;
    const [path, body] =
      target.kind === 'room'
        ? ['/v1.0/robot/groupMessages/send', { robotCode, openConversationId: target.id, msgKey, msgParam }]
        : ['/v1.0/robot/oToMessages/batchSend', { robotCode, userIds: [target.id], msgKey, msgParam }];
    const token = await this.token.get();
    const { status, json } = await postJson(`${this.apiBase}${path}`, body, { timeoutMs: this.timeoutMs }, { 'x-acs-dingtalk-access-token': token });
    if (status === 200) return;
    if (status === 401) {
      this.token.forget();
      throw new SendError('钉钉 access token 失效，稍后重发', 'retryable', 1000);
    }
    throw classify(status, String(json.code ?? ''), String(json.message ?? ''));
  }

  /**
   * A local image becomes a media id, which sampleImageMsg takes as its photoURL:
   * https://open.dingtalk.com/document/orgapp/upload-media-files (image: jpg/gif/png/bmp, up to 20 MB).
   */
  private async upload(file: string): Promise<string> {
    if (!this.token) throw new SendError('钉钉自定义机器人不能发送本地图片（请在课程里用 https 图片网址）', 'fatal');
    const known = this.mediaIds.get(file);
    if (known) return known;
    const bytes = await readFile(file).catch(() => {
      throw new SendError(`找不到图片文件 ${basename(file)}`, 'fatal');
    });
    const form = new FormData();
    form.set('type', 'image');
    form.set('media', new Blob([bytes]), basename(file));
    const url = `${this.config.oapiBase ?? 'https://oapi.dingtalk.com'}/media/upload?access_token=${encodeURIComponent(await this.token.get())}&type=image`;
    const { status, json } = await postJson(url, form, { timeoutMs: this.timeoutMs * 3 }).catch(beforePosting);
    const mediaId = json.media_id;
    if (status !== 200 || json.errcode !== 0 || typeof mediaId !== 'string') throw classify(status, String(json.errcode ?? ''), String(json.errmsg ?? ''));
    this.mediaIds.set(file, mediaId);
    return mediaId;
  }

  /** The custom robot: one webhook is one group, so the target only matters for private messages. */
  private async sendWebhook(target: Target, msgKey: string, param: Record<string, string>): Promise<void> {
    if (target.kind !== 'room') throw new SendError('钉钉自定义机器人不能发私聊消息', 'fatal');
    const hook = this.config.webhook!;
    const body =
      msgKey === 'sampleLink'
        ? { msgtype: 'link', link: { title: param.title, text: param.text, messageUrl: param.messageUrl, picUrl: '' } }
        : { msgtype: 'markdown', markdown: { title: param.title, text: param.text } };
    const { status, json } = await postJson(signWebhook(hook.url, hook.secret, this.now()), body, { timeoutMs: this.timeoutMs });
    const errcode = String(json.errcode ?? (status === 200 ? '0' : ''));
    if (status === 200 && errcode === '0') return;
    throw classify(status, errcode, String(json.errmsg ?? ''));
  }
}

/** The robot message templates: https://open.dingtalk.com/document/orgapp/types-of-messages-sent-by-robots */
function toTemplate(message: Exclude<OutMessage, { kind: 'image' }>): [string, Record<string, string>] {
  switch (message.kind) {
    case 'text':
      // Plain text goes out as sampleMarkdown, escaped so that it shows as written.
      return ['sampleMarkdown', { title: titleOf(message.text), text: escapeMarkdown(message.text, 'dingtalk') }];
    case 'link':
      return ['sampleLink', { title: message.title, text: message.title, messageUrl: message.url, picUrl: '' }];
    case 'card':
      throw new SendError('钉钉渠道没有互动卡片', 'fatal');
  }
}

/** The title shows in the chat list and notifications: the first line, without markdown marks. */
function titleOf(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  const plain = line.replace(/[#>*_`\\[\]]/g, '').trim();
  return [...plain].slice(0, 30).join('') || '班前十分钟';
}

export function createDingtalk(config: DingtalkConfig, deps: DingtalkDeps): DingtalkChannel {
  return new DingtalkChannel(config, deps);
}
