import { FileBox } from 'file-box';
import { WechatyBuilder, type Message, type Wechaty, type WechatyOptions } from 'wechaty';
import type { Incoming } from '../../core/bot/context.ts';
import type { OutMessage } from '../../core/messages.ts';
import type { ChatRooms, Logger, RoomMember } from '../../core/ports.ts';
import type { Target } from '../../core/send/queue.ts';

/** A message seen in a chat, the bot's own included; the simulator's web page shows these. */
export interface ChatEvent {
  roomId?: string;
  roomTopic?: string;
  fromId: string;
  fromName: string;
  /** In a private chat, the person the bot talks with (the talker, or the listener of the bot's own message). */
  peerName?: string;
  self: boolean;
  text: string;
  kind: 'text' | 'image' | 'link' | 'other';
}

/**
 * The only code that talks to Wechaty: turns its messages into the bot's `Incoming`, and the bot's
 * `OutMessage`s into room.say / contact.say. Works the same with the mock puppet and a real one.
 */
export class WechatyChat implements ChatRooms {
  readonly wechaty: Wechaty;
  private readonly listeners = new Set<(e: ChatEvent) => void>();
  /** Messages the puppet announced that are not handled yet (Wechaty loads each one asynchronously). */
  private readonly inFlight = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    options: WechatyOptions,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.wechaty = WechatyBuilder.build(options);
    this.wechaty.on('error', (err) => this.log.error({ err: String(err) }, 'wechaty error'));
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

  /** Call after start: counts a message from the moment the puppet announces it, so idle() can't miss it. */
  trackPuppet(): void {
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
    else await to.say(new this.wechaty.UrlLink({ title: message.title, url: message.url, description: '', thumbnailUrl: '' }));
  }
}
