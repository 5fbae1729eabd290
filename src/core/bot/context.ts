import { actsHere } from '../accounts/index.ts';
import { text } from '../messages.ts';
import type { Group } from '../ports.ts';
import type { Target } from '../send/queue.ts';
import { splitText } from '../send/text.ts';
import type { ParsedCommand } from './commands.ts';
import type { BotDeps } from './deps.ts';

/** A message as the chat adapter hands it to the bot. */
export interface Incoming {
  room?: { id: string; topic: string; ownerId?: string; ownerName?: string };
  sender: { id: string; name: string };
  text: string;
  /** The platform says the bot was @-mentioned (unreliable on some puppets; the text is checked too). */
  mentioned: boolean;
  /** People @-mentioned other than the bot, where the platform reports their ids (WeCom, DingTalk); Wechaty leaves it out. */
  mentions?: { id: string; name?: string }[];
  /** Arrival time (ms), which decides on-time vs late even if Redis is away for a while. */
  at: number;
}

/** The small object every middleware gets: the message, lazily resolved ids, and `reply()`. */
export class ChatContext {
  /** Message text without the "@bot" mention. */
  text = '';
  mentioned = false;
  command?: ParsedCommand;
  private groupId?: Promise<number | undefined>;
  private groupRead?: Promise<Group | undefined>;
  private acting?: Promise<boolean>;
  private workerId?: Promise<number>;
  private displayName?: Promise<string>;

  constructor(
    readonly deps: BotDeps,
    readonly msg: Incoming,
  ) {}

  get inRoom(): boolean {
    return !!this.msg.room;
  }

  /** Replies where the message came from; replies go ahead of the daily wave in the send queue. */
  reply(message: string): void {
    const room = this.msg.room;
    const target: Target = room ? { kind: 'room', id: room.id, label: room.topic } : { kind: 'contact', id: this.msg.sender.id, label: this.msg.sender.name };
    this.deps.queue.enqueue({ target, messages: splitText(message, this.deps.channel.caps).map(text), priority: 'reply' });
  }

  /** The room's stable id (resolved once per message, and only when a handler needs it). */
  gid(): Promise<number | undefined> {
    const room = this.msg.room;
    this.groupId ??= room ? this.deps.store.resolveGroup(room.id, room.topic, room.ownerName ?? '') : Promise.resolve(undefined);
    return this.groupId;
  }

  /** The room's group as it was when the message arrived (read once per message). */
  group(): Promise<Group | undefined> {
    this.groupRead ??= this.gid().then((gid) => (gid === undefined ? undefined : this.deps.store.getGroup(gid)));
    return this.groupRead;
  }

  /** Whether this bot account speaks for this room (core/accounts); always in a private chat. */
  actsHere(): Promise<boolean> {
    this.acting ??= this.inRoom ? this.gid().then((gid) => actsHere(this.deps, gid!, () => this.group(), { text: `${this.msg.sender.id}\n${this.msg.text}`, at: this.msg.at })) : Promise.resolve(true);
    return this.acting;
  }

  /**
   * The sender's name as the bot shows it: the roster's first, else what the platform gave, else (WeCom gives
   * only ids) the user id until a roster is imported; see README "Roster".
   */
  senderName(): Promise<string> {
    const { id, name } = this.msg.sender;
    // A name given with this message is the one last heard too (chat.ts records it): only an imported one comes first.
    const given = !!name && name !== id;
    this.displayName ??= (given ? this.deps.roster.importedNames([id]) : this.deps.roster.names([id])).then(([n]) => n ?? (name || id));
    return this.displayName;
  }

  async wid(): Promise<number> {
    this.workerId ??= Promise.all([this.gid(), this.senderName()]).then(([gid, name]) => this.deps.store.resolveWorker(gid, this.msg.sender.id, name));
    return this.workerId;
  }

  /** The room's owner, leaders added with /leader add, and names or user ids listed in config. */
  async isLeader(): Promise<boolean> {
    const { room, sender } = this.msg;
    if (!room) return false;
    if (room.ownerId && room.ownerId === sender.id) return true;
    if (this.deps.settings.leaders.some((l) => l === sender.name || l === sender.id)) return true;
    const gid = await this.gid();
    return gid !== undefined && this.deps.store.isLeader(gid, await this.wid());
  }
}
