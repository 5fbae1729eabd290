import type { ChannelContext, ChannelSetup } from '../../src/adapters/chat/index.ts';
import { SendError, type Channel, type ChannelCapabilities, type ChannelStatus } from '../../src/core/channel.ts';
import type { Incoming } from '../../src/core/bot/context.ts';
import type { OutMessage } from '../../src/core/messages.ts';
import type { Target } from '../../src/core/send/queue.ts';

/**
 * Several bot accounts (robots) in the same chat rooms, in memory: the rooms' people speak, and each robot
 * in the room hears it (all of them, as on WeChat, or only the ones @-mentioned, as on WeCom/DingTalk).
 * Each robot is the channel of its own app (createApp's `channel` option); what they send is recorded.
 */
export class RobotHub {
  readonly sent: { account: string; target: Target; text: string }[] = [];
  private readonly robots = new Map<string, { name: string; handler?: (m: Incoming) => Promise<void>; status?: (s: ChannelStatus) => void; busy: Promise<unknown>[] }>();
  private readonly rooms = new Map<string, { topic: string; owner: string; robots: string[] }>();
  /** Robots that are logged out: their sends are refused for now (retried by the send queue). */
  private readonly down = new Set<string>();

  constructor(
    readonly hears: ChannelCapabilities['hears'],
    readonly now: () => number,
  ) {}

  room(id: string, topic: string, owner: string, robots: string[]): void {
    this.rooms.set(id, { topic, owner, robots });
  }

  /** The channel factory of one robot. */
  robot(account: string, name: string): (ctx: ChannelContext) => Promise<ChannelSetup> {
    const r = { name, busy: [] as Promise<unknown>[] } as { name: string; handler?: (m: Incoming) => Promise<void>; status?: (s: ChannelStatus) => void; busy: Promise<unknown>[] };
    this.robots.set(account, r);
    const caps: ChannelCapabilities = { hears: this.hears, cards: false, listMembers: false, senderNames: true, privateMessages: true, maxTextBytes: 4000, maxMarkdownBytes: 4000, perMinute: 60, ratePer: 'account', markdown: 'none' };
    const channel: Channel = {
      caps,
      start: async () => r.status?.({ up: true }),
      stop: async () => {},
      onMessage: (h) => void (r.handler = h),
      onCardAnswer: () => {},
      onStatus: (l) => void (r.status = l),
      send: async (target: Target, m: OutMessage) => {
        if (this.down.has(account)) throw new SendError('logged out', 'retryable');
        this.sent.push({ account, target, text: m.kind === 'text' ? m.text : m.kind });
      },
      members: async () => {
        throw new Error('no member list');
      },
      idle: async () => {
        while (r.busy.length) await Promise.all(r.busy.splice(0));
      },
    };
    const rooms = async () => [...this.rooms].filter(([, room]) => room.robots.includes(account)).map(([id, room]) => ({ id, topic: room.topic, ownerName: room.owner }));
    return async () => ({ channel, platform: 'wecom', account, rooms });
  }

  /** Someone speaks in a room: each robot there that hears it handles it, in the order the room lists them. */
  async say(roomId: string, from: string, text: string): Promise<void> {
    const room = this.rooms.get(roomId)!;
    for (const account of room.robots) {
      const r = this.robots.get(account)!;
      const mentioned = text.includes(`@${r.name}`);
      if (!r.handler || (this.hears === 'mentions' && !mentioned)) continue;
      const msg: Incoming = { room: { id: roomId, topic: room.topic, ownerId: room.owner, ownerName: room.owner }, sender: { id: from, name: from }, text, mentioned, at: this.now() };
      r.busy.push(r.handler(msg));
      await Promise.all(r.busy);
    }
  }

  status(account: string, s: ChannelStatus): void {
    if (s.up) this.down.delete(account);
    else this.down.add(account);
    this.robots.get(account)!.status?.(s);
  }

  /** What was sent to a room (or a person), by which account. */
  to(id: string): { account: string; text: string }[] {
    return this.sent.filter((s) => s.target.id === id).map(({ account, text }) => ({ account, text }));
  }
}
