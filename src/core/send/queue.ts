import { SendError } from '../channel.ts';
import type { OutMessage } from '../messages.ts';

export interface Target {
  kind: 'room' | 'contact';
  id: string;
  /** Room topic or contact name, for logs and the simulator's output. */
  label: string;
}

/**
 * Replies to people first, then the lessons due, then everything else (summaries, notices, acks, reminders,
 * reviews), and rankings last: nothing the engagement loop sends can hold a lesson past its time.
 */
export const priorities = ['reply', 'lesson', 'other', 'ranking'] as const;
export type Priority = (typeof priorities)[number];

export interface Batch {
  target: Target;
  messages: OutMessage[];
  /** Within one priority, batches keep the order they were queued in. */
  priority: Priority;
  /** A batch with a key is queued once: adding the same key again while it waits does nothing. */
  key?: string;
  /** Index of the first message to send: a push resumed after a crash starts at its first unsent one. */
  start?: number;
  /** Not sent before this time (ms): a wave is claimed a tick ahead but still starts on plan. */
  notBefore?: number;
  /** Called before each message; returning false drops the rest of the batch (someone else sends it). */
  beforeEach?: (index: number) => Promise<boolean>;
  /** Ask beforeEach again before each retry (a push's claim may have been taken over while its account was down). */
  recheck?: boolean;
  /** Called after each message went out (or failed), so progress survives a crash. */
  afterEach?: (index: number) => Promise<void>;
  /** Called with the time the last message went out. */
  afterLast?: (sentAt: number) => Promise<void>;
}

export type ErrorHandler = (err: unknown, target: Target, failure: SendFailure) => void;

export interface Pace {
  perMinute: number;
  /** Whose rate perMinute is: the account's (one robot, all groups), or each group's (a webhook key per group). */
  per?: 'account' | 'group';
  /** Random pause, in seconds, when the queue moves on to another chat. */
  roomGapSeconds: [number, number];
}

/**
 * What became of a failed message: 'retry' (rate-limited or retryable: sent again later, never dropped;
 * reported on its first failure only), 'unknown' (the platform may have it: not retried, since a retry
 * could post it twice), 'dropped' (reported, and the queue moves on).
 */
export type SendFailure = 'retry' | 'unknown' | 'dropped';

/** First wait before a retry, doubling per failure of the same message up to the cap. */
const retryFirstMs = 5_000;
const retryMaxMs = 5 * 60_000;

/** Seconds one push of `messages` messages takes at this pace, on average. */
export function secondsPerBatch(pace: Pace, messages: number): number {
  const interval = 60 / pace.perMinute;
  const meanGap = (pace.roomGapSeconds[0] + pace.roomGapSeconds[1]) / 2;
  return Math.max(interval, meanGap) + interval * Math.max(0, messages - 1);
}

/**
 * Seconds one push takes when the pause before it is the longest the pace allows. The morning wave is
 * planned with this, so the random pauses can only make lessons early, never later than the plan says.
 */
export const slowestSecondsPerBatch = (pace: Pace, messages: number): number =>
  secondsPerBatch({ ...pace, roomGapSeconds: [pace.roomGapSeconds[1], pace.roomGapSeconds[1]] }, messages);

/** A batch under way: its next message, and when that may be tried again after a failure. */
interface InFlight {
  batch: Batch;
  index: number;
  checked?: number;
  failures: number;
  retryAt: number;
}

/**
 * One send queue per bot account. It only decides what goes out when; the caller's `send`
 * does the sending, so the same queue runs on real time and on the simulator's virtual clock.
 * Messages are spaced at least 60/perMinute seconds apart, with a random pause between chats.
 */
export class SendQueue {
  private readonly waiting: Record<Priority, Batch[]> = { reply: [], lesson: [], other: [], ranking: [] };
  private readonly keys = new Set<string>();
  private current?: InFlight;
  /**
   * Where the rate is per group: batches whose group's key was rate-limited, by chat, each until its retry.
   * Only that group waits (later batches to it too, to keep its order); the other groups keep flowing.
   */
  private readonly held = new Map<string, InFlight>();
  private lastSentAt = -Infinity;
  private lastTarget?: string;
  /** Last send per chat, where the rate is per group. */
  private readonly sentTo = new Map<string, number>();
  private gapMs = 0;
  private pumping?: Promise<void>;
  /** Told when work arrives, so a real-time driver can wake up. */
  onEnqueue?: () => void;

  constructor(
    readonly pace: Pace,
    private readonly random: () => number = Math.random,
  ) {}

  enqueue(batch: Batch): void {
    if ((batch.start ?? 0) >= batch.messages.length || (batch.key && this.keys.has(batch.key))) return;
    if (batch.key) this.keys.add(batch.key);
    this.waiting[batch.priority].push(batch);
    this.onEnqueue?.();
  }

  /** Whether a batch with this key waits or is under way. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return priorities.reduce((n, p) => n + this.waiting[p].length, (this.current ? 1 : 0) + this.held.size);
  }

  /** Batches of this priority waiting or being sent (the bot holds acks back while lessons go out). */
  pending(priority: Priority): number {
    const started = [this.current, ...this.held.values()].filter((f) => f?.batch.priority === priority).length;
    return this.waiting[priority].length + started;
  }

  /** Seconds the batches of this priority still waiting or under way take at the pace, each pause the longest: when the queue is free for more, at the latest. */
  busySeconds(priority: Priority): number {
    const remaining = [...this.waiting[priority].map((b) => ({ batch: b, index: b.start ?? 0 })), ...[this.current, ...this.held.values()].filter((f): f is InFlight => f?.batch.priority === priority)];
    return remaining.reduce((s, r) => s + slowestSecondsPerBatch(this.pace, r.batch.messages.length - r.index), 0);
  }

  /** The first waiting batch by priority whose chat isn't held. */
  private head(): Batch | undefined {
    for (const p of priorities) {
      const batch = this.waiting[p].find((b) => !this.held.has(b.target.id));
      if (batch) return batch;
    }
    return undefined;
  }

  /** When the next message may go out, or undefined when the queue is empty. */
  nextAt(): number | undefined {
    return this.pick()?.at;
  }

  /**
   * The next message and when it may go out: the batch under way; else whichever is due first of the held
   * batches and the first waiting one (a held batch wins a tie: a retry goes ahead of everything else).
   */
  private pick(): { at: number; take: () => InFlight } | undefined {
    const current = this.current;
    if (current) return { at: this.due(current.batch.target, current.retryAt, false), take: () => current };
    let best: { at: number; take: () => InFlight } | undefined;
    for (const h of this.held.values()) {
      const at = this.due(h.batch.target, h.retryAt, true);
      if (!best || at < best.at) best = { at, take: () => (this.held.delete(h.batch.target.id), h) };
    }
    const batch = this.head();
    if (batch) {
      const at = this.due(batch.target, batch.notBefore ?? -Infinity, true);
      if (!best || at < best.at) {
        best = {
          at,
          take: () => {
            const list = this.waiting[batch.priority];
            list.splice(list.indexOf(batch), 1);
            return { batch, index: batch.start ?? 0, failures: 0, retryAt: -Infinity };
          },
        };
      }
    }
    return best;
  }

  /** When a message to `target` may go out: the rate, the pause on moving to another chat, and `notBefore`. */
  private due(target: Target, notBefore: number, starting: boolean): number {
    const interval = 60_000 / this.pace.perMinute;
    const last = this.pace.per === 'group' ? (this.sentTo.get(target.id) ?? -Infinity) : this.lastSentAt;
    if (this.lastTarget === undefined) return Math.max(last + interval, notBefore);
    const switching = target.id !== this.lastTarget;
    if (switching && starting && this.gapMs === 0) this.gapMs = this.drawGap();
    return Math.max(last + interval, this.lastSentAt + (switching ? this.gapMs : 0), notBefore);
  }

  /**
   * Sends every message that is due at `now`, one at a time. `now` is read again after each send,
   * so slow sends push the following ones back instead of bursting to catch up. A message the platform
   * refused for now (SendError 'rate-limited' or 'retryable') is sent again after a backoff, ahead of
   * everything else (where the rate is per group, a rate limit holds only that group); any other failure is reported and not retried: a retry could post it twice.
   */
  pump(now: () => number, send: (target: Target, message: OutMessage) => Promise<void>, onError: ErrorHandler): Promise<void> {
    // One pass at a time (the real-time driver and the demo's fast-forward may both ask); the running
    // pass re-reads the clock, so it also sends what a second caller wanted sent.
    this.pumping ??= this.pass(now, send, onError).finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async pass(now: () => number, send: (target: Target, message: OutMessage) => Promise<void>, onError: ErrorHandler): Promise<void> {
    for (let next = this.pick(); next && next.at <= now(); next = this.pick()) {
      this.current = next.take();
      const { batch, index } = this.current;
      // A retried message was checked before its first try (a second check could take a fresh lease).
      if ((this.current.checked !== index || batch.recheck) && batch.beforeEach && !(await batch.beforeEach(index))) {
        this.finish();
        continue;
      }
      this.current.checked = index;
      try {
        await send(batch.target, batch.messages[index]);
      } catch (err) {
        if (err instanceof SendError && (err.kind === 'rate-limited' || err.kind === 'retryable')) {
          if (this.current.failures++ === 0) onError(err, batch.target, 'retry');
          this.current.retryAt = now() + (err.retryAfterMs ?? Math.min(retryFirstMs * 2 ** (this.current.failures - 1), retryMaxMs));
          // A rate limit is the limit's owner's: a group's own key holds that group only, a robot's holds the account.
          if (err.kind === 'rate-limited' && this.pace.per === 'group') {
            this.held.set(batch.target.id, this.current);
            this.current = undefined;
          }
          continue;
        }
        onError(err, batch.target, err instanceof SendError && err.kind === 'unknown' ? 'unknown' : 'dropped');
      }
      this.current.failures = 0;
      this.current.retryAt = -Infinity;
      this.lastSentAt = now();
      this.lastTarget = batch.target.id;
      if (this.pace.per === 'group') this.sentTo.set(batch.target.id, this.lastSentAt);
      this.gapMs = 0;
      this.current.index++;
      await batch.afterEach?.(index);
      if (this.current.index >= batch.messages.length) {
        this.finish();
        await batch.afterLast?.(this.lastSentAt);
      }
    }
  }

  private finish(): void {
    const key = this.current?.batch.key;
    if (key) this.keys.delete(key);
    this.current = undefined;
  }

  private drawGap(): number {
    const [min, max] = this.pace.roomGapSeconds;
    return Math.round((min + (max - min) * this.random()) * 1000);
  }
}
