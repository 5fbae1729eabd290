import type { Incoming } from './bot/context.ts';
import type { OutMessage } from './messages.ts';
import type { RoomMember } from './ports.ts';
import type { Target } from './send/queue.ts';

/**
 * What a chat platform can do. The bot chooses its behaviour from these, never from the adapter's name:
 * how a quiz is asked, who is expected to answer, how messages are split and paced.
 */
export interface ChannelCapabilities {
  /** Which group messages reach the bot: every one (Wechaty), only @-mentions (WeCom, DingTalk bots), none (webhooks). */
  hears: 'all' | 'mentions' | 'none';
  /** Interactive quiz cards, answered by a tap. */
  cards: boolean;
  /** Whether a group's members can be listed. */
  listMembers: boolean;
  /** Whether incoming messages carry the sender's display name (WeCom gives only a user id). */
  senderNames: boolean;
  /** Whether the bot can message a person privately. */
  privateMessages: boolean;
  /** Size limits of one message, in UTF-8 bytes. */
  maxTextBytes: number;
  maxMarkdownBytes: number;
  /** Messages per minute, per account (robot), or per group where each group has its own key (webhooks). */
  perMinute: number;
  ratePer: 'account' | 'group';
  /** Which markdown dialect text is sent in ('none' = plain text). */
  markdown: 'none' | 'wecom' | 'dingtalk';
}

/** A tap on a quiz card: who chose which options on which card. */
export interface CardAnswer {
  taskId: string;
  chatId: string;
  sender: { id: string; name?: string };
  /** Chosen option letters, e.g. "B" or "AC". */
  letters: string;
  /** Arrival time (ms). */
  at: number;
}

/** One plain line for the chat page and the logs when the channel is down, and why. */
export interface ChannelStatus {
  up: boolean;
  reason?: string;
}

/**
 * Why a send failed, so the send queue can tell a retry from a drop: 'rate-limited' and 'retryable' are
 * retried later (never dropped); 'unknown' means the platform may have taken it (logged once, not
 * retried, since a retry could post twice); 'fatal' is reported and the queue moves on.
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly kind: 'rate-limited' | 'retryable' | 'unknown' | 'fatal',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The one port the bot talks to a chat platform through. Each adapter is the only importer of its SDK. */
export interface Channel {
  readonly caps: ChannelCapabilities;
  start(): Promise<void>;
  stop(): Promise<void>;
  onMessage(handler: (msg: Incoming) => Promise<void>): void;
  onCardAnswer(handler: (answer: CardAnswer) => Promise<void>): void;
  onStatus(listener: (status: ChannelStatus) => void): void;
  send(target: Target, message: OutMessage): Promise<void>;
  /** Members other than the bot; throws where the platform can't list them (caps.listMembers false). */
  members(chatId: string): Promise<RoomMember[]>;
  /** Resolves when every message received so far has been handled (the simulator waits on this). */
  idle(): Promise<void>;
}
