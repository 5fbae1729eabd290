import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileBox } from 'file-box';
import { log as wechatyLog, WechatyBuilder, type Message, type Wechaty, type WechatyOptions } from 'wechaty';
import type { CardAnswer, Channel, ChannelStatus } from '../../../core/channel.ts';
import type { Incoming } from '../../../core/bot/context.ts';
import type { OutMessage } from '../../../core/messages.ts';
import type { Logger, RoomMember } from '../../../core/ports.ts';
import type { Target } from '../../../core/send/queue.ts';
import type { ChatEvent } from '../index.ts';
import { wechatyCaps } from './caps.ts';
import type { MockWorld } from './mockWorld.ts';

// Wechaty's own WARN lines (and a JSON error per gRPC call) would bury the one line we print; WECHATY_LOG brings them back.
if (!process.env.WECHATY_LOG) wechatyLog.level('silent');

/** Options for a real puppet; its memory card (the login session) is kept under the data dir, not the repo root. */
export function realPuppet(puppet: { name: string; token: string }, dataDir: string): WechatyOptions {
  mkdirSync(dataDir, { recursive: true });
  return { name: join(dataDir, 'banqian'), puppet: puppet.name as never, puppetOptions: puppet.token ? { token: puppet.token } : undefined };
}

/** Why a puppet did not start, and what to do, in one line. */
export function puppetProblem(puppet: string, err: unknown): string {
  const text = String(err instanceof Error ? err.message : err);
  if (/Cannot find (package|module)/.test(text)) return `找不到微信接口包“${puppet}”：请运行 npm install ${puppet}，或检查 puppet.name / WECHATY_PUPPET`;
  const cause = /ECONNREFUSED/.test(text)
    ? '连接被拒绝'
    : /ENOTFOUND|EAI_AGAIN/.test(text)
      ? '找不到服务器地址'
      : /ETIMEDOUT|DEADLINE|Timeout/i.test(text)
        ? '连接超时'
        : /token/i.test(text)
          ? '令牌无效'
          : text.split('\n')[0].slice(0, 120);
  const todo = puppet.includes('puppet-service')
    ? '请确认服务在运行，并检查 WECHATY_PUPPET_SERVICE_TOKEN、WECHATY_PUPPET_SERVICE_ENDPOINT 和网络'
    : '请检查网络，以及这个微信号能否用此接口登录';
  return `微信接口 ${puppet} 连不上它的服务（${cause}）：${todo}`;
}

/**
 * The only code that talks to Wechaty: turns its messages into the bot's `Incoming`, and the bot's
 * `OutMessage`s into room.say / contact.say. Works the same with the mock puppet and a real one.
 */
export class WechatyChannel implements Channel {
  readonly caps = wechatyCaps;
  readonly wechaty: Wechaty;
  private readonly listeners = new Set<(e: ChatEvent) => void>();
  private readonly statusListeners: ((s: ChannelStatus) => void)[] = [];
  /** Messages the puppet announced that are not handled yet (Wechaty loads each one asynchronously). */
  private readonly inFlight = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    options: WechatyOptions,
    private readonly log: Logger,
    private readonly now: () => number,
    /** The puppet's package name, for its error lines. */
    private readonly puppet: string,
    /** The simulator's WeChat, logged in as `botName` once the puppet runs. */
    private readonly world?: { world: MockWorld; botName: string },
  ) {
    this.wechaty = WechatyBuilder.build(options);
    this.wechaty.on('error', (err) => {
      if (this.startErrors) this.startErrors.push(err);
      else this.log.error({ err: String(err) }, 'wechaty error');
    });
    this.wechaty.on('login', () => this.emitStatus({ up: true }));
    this.wechaty.on('logout', (_user, reason) => {
      if (!this.stopping) this.emitStatus({ up: false, reason: `微信号已退出登录${reason ? `（${reason}）` : ''}` });
    });
  }

  onStatus(listener: (status: ChannelStatus) => void): void {
    this.statusListeners.push(listener);
  }

  private emitStatus(status: ChannelStatus): void {
    for (const l of this.statusListeners) l(status);
  }

  /** Personal WeChat has no cards: the bot never sends one here (caps.cards is false). */
  onCardAnswer(_handler: (answer: CardAnswer) => Promise<void>): void {}

  /** Errors of the start attempt under way: they make one line, not one JSON line each. */
  private startErrors: unknown[] | undefined;

  /** Starts the puppet and waits until the account is logged in (a real one: after the QR code is scanned). */
  async start(): Promise<void> {
    await this.startPuppet();
    this.trackPuppet();
    if (this.world) this.world.world.login(this.world.botName);
    await this.wechaty.ready();
  }

  /** Our own stop logs the account out: that is no outage. */
  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    await this.wechaty.stop().catch(() => {});
  }

  /**
   * Starts the puppet. One that cannot reach its service gets one clear line per attempt and is retried
   * with backoff (2 s, doubling up to 5 min); a puppet package that is not installed throws at once.
   */
  async startPuppet(backoff = { firstMs: 2000, maxMs: 300_000 }): Promise<void> {
    const puppet = this.puppet;
    for (let wait = backoff.firstMs; ; wait = Math.min(wait * 2, backoff.maxMs)) {
      const errors: unknown[] = (this.startErrors = []);
      try {
        await this.wechaty.start();
      } catch (err) {
        throw new Error(puppetProblem(puppet, err));
      } finally {
        this.startErrors = undefined;
      }
      if (this.wechaty.puppet.state.active()) return;
      this.log.error(`${puppetProblem(puppet, errors[0])}；${wait / 1000} 秒后重试`);
      await this.wechaty.stop().catch(() => {});
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * Starts listening. Messages of one chat are handled in the order they came ("报名" must be done
   * before "立即推送" right after it); different chats run side by side, and a failure stays with its message.
   */
  onMessage(handler: (msg: Incoming) => Promise<void>): void {
    const chains = new Map<string, Promise<void>>();
    this.wechaty.on('message', (message) => {
      this.inFlight.add(message.id);
      const at = this.now();
      const chat = message.room()?.id ?? message.talker().id;
      const done = (chains.get(chat) ?? Promise.resolve())
        .then(() => this.dispatch(message, at, handler))
        .catch((err) => this.log.error({ err: String(err) }, 'could not read a message'))
        .finally(() => {
          if (chains.get(chat) === done) chains.delete(chat);
          this.settle(message.id);
        });
      chains.set(chat, done);
    });
  }

  /** Counts a message from the moment the puppet announces it, so idle() can't miss it. */
  private trackPuppet(): void {
    this.wechaty.puppet.on('message', ({ messageId }) => void this.inFlight.add(messageId));
  }

  private settle(id: string): void {
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  /** Every message in every chat, as it happens (the simulator page subscribes here). */
  watch(listener: (e: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every message received so far has been handled (the simulator waits on this). */
  idle(): Promise<void> {
    return this.inFlight.size === 0 ? Promise.resolve() : new Promise((ok) => this.idleWaiters.push(ok));
  }

  private async dispatch(message: Message, at: number, handler: (msg: Incoming) => Promise<void>): Promise<void> {
    const room = message.room();
    const talker = message.talker();
    const type = message.type();
    const T = this.wechaty.Message.Type;
    const kind = type === T.Text ? 'text' : type === T.Image ? 'image' : type === T.Url ? 'link' : 'other';
    const text = kind === 'text' ? message.text() : '';
    const topic = room ? await room.topic() : undefined;
    const peerName = room ? undefined : message.self() ? message.listener()?.name() : talker.name();
    const event: ChatEvent = { roomId: room?.id, roomTopic: topic, fromId: talker.id, fromName: talker.name(), peerName, self: message.self(), text, kind };
    for (const l of this.listeners) l(event);
    if (message.self() || kind !== 'text') return;
    const owner = room?.owner();
    const mentioned = room ? await message.mentionSelf().catch(() => false) : false;
    await handler({
      room: room ? { id: room.id, topic: topic ?? '', ownerId: owner?.id, ownerName: owner?.name() } : undefined,
      sender: { id: talker.id, name: (room && (await room.alias(talker).catch(() => undefined))) || talker.name() },
      text,
      mentioned,
      at,
    });
  }

  async members(roomId: string): Promise<RoomMember[]> {
    const room = await this.wechaty.Room.find({ id: roomId });
    if (!room) throw new Error(`room ${roomId} not found`);
    const self = this.wechaty.currentUser.id;
    const all = await room.memberAll();
    return all.filter((c) => c.id !== self).map((c) => ({ id: c.id, name: c.name() }));
  }

  async rooms(): Promise<{ id: string; topic: string; ownerName: string }[]> {
    const rooms = await this.wechaty.Room.findAll();
    return Promise.all(rooms.map(async (r) => ({ id: r.id, topic: await r.topic(), ownerName: r.owner()?.name() ?? '' })));
  }

  async send(target: Target, message: OutMessage): Promise<void> {
    const to = target.kind === 'room' ? await this.wechaty.Room.find({ id: target.id }) : await this.wechaty.Contact.find({ id: target.id });
    if (!to) throw new Error(`${target.kind} ${target.label} (${target.id}) not found`);
    if (message.kind === 'text') await to.say(message.text);
    else if (message.kind === 'image') await to.say(FileBox.fromFile(message.file));
    else if (message.kind === 'link') await to.say(new this.wechaty.UrlLink({ title: message.title, url: message.url, description: '', thumbnailUrl: '' }));
    else throw new Error('WeChat has no quiz cards'); // the bot sends cards only where caps.cards says so
  }
}
