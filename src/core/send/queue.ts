import type { OutMessage } from '../messages.ts';

export interface Target {
  kind: 'room' | 'contact';
  id: string;
  /** Room topic or contact name, for logs and the simulator's output. */
  label: string;
}

export interface Batch {
  target: Target;
  messages: OutMessage[];
  /** Replies to people go before the daily wave; the wave itself keeps its claim order. */
  urgent?: boolean;
  /** Not sent before this time (ms): a wave is claimed a tick ahead but still starts on plan. */
  notBefore?: number;
  /** Called before the first message; returning false drops the batch (someone else sends it). */
  beforeFirst?: () => Promise<boolean>;
  /** Called with the time the last message went out. */
  afterLast?: (sentAt: number) => Promise<void>;
}

export interface Pace {
  perMinute: number;
  /** Random pause, in seconds, when the queue moves on to another chat. */
  roomGapSeconds: [number, number];
}

/** Seconds one push of `messages` messages takes at this pace, on average. */
export function secondsPerBatch(pace: Pace, messages: number): number {
  const interval = 60 / pace.perMinute;
  const meanGap = (pace.roomGapSeconds[0] + pace.roomGapSeconds[1]) / 2;
  return Math.max(interval, meanGap) + interval * Math.max(0, messages - 1);
}

/**
 * One send queue per bot account. It only decides what goes out when; the caller's `send`
 * does the sending, so the same queue runs on real time and on the simulator's virtual clock.
 * Messages are spaced at least 60/perMinute seconds apart, with a random pause between chats.
 */
export class SendQueue {
  private readonly urgent: Batch[] = [];
  private readonly normal: Batch[] = [];
  private current?: { batch: Batch; index: number };
  private lastSentAt = -Infinity;
  private lastTarget?: string;
  private gapMs = 0;
  /** Told when work arrives, so a real-time driver can wake up. */
  onEnqueue?: () => void;

  constructor(
    readonly pace: Pace,
    private readonly random: () => number = Math.random,
  ) {}

  enqueue(batch: Batch): void {
    if (!batch.messages.length) return;
    (batch.urgent ? this.urgent : this.normal).push(batch);
    this.onEnqueue?.();
  }

  get size(): number {
    return this.urgent.length + this.normal.length + (this.current ? 1 : 0);
  }

  /** When the next message may go out, or undefined when the queue is empty. */
  nextAt(): number | undefined {
    const batch = this.current?.batch ?? this.urgent[0] ?? this.normal[0];
    if (!batch) return undefined;
    const interval = 60_000 / this.pace.perMinute;
    const notBefore = this.current ? -Infinity : (batch.notBefore ?? -Infinity);
    if (this.lastTarget === undefined) return Math.max(this.lastSentAt + interval, notBefore);
    const switching = batch.target.id !== this.lastTarget;
    if (switching && !this.current && this.gapMs === 0) this.gapMs = this.drawGap();
    return Math.max(this.lastSentAt + Math.max(interval, switching ? this.gapMs : 0), notBefore);
  }

  /**
   * Sends every message that is due at `now`, one at a time. `now` is read again after each send,
   * so slow sends push the following ones back instead of bursting to catch up. A failed message is
   * reported and not retried: a retry could post it twice.
   */
  async pump(now: () => number, send: (target: Target, message: OutMessage) => Promise<void>, onError: (err: unknown, target: Target) => void): Promise<void> {
    for (let at = this.nextAt(); at !== undefined && at <= now(); at = this.nextAt()) {
      if (!this.current) {
        const batch = (this.urgent.length ? this.urgent : this.normal).shift()!;
        if (batch.beforeFirst && !(await batch.beforeFirst())) continue;
        this.current = { batch, index: 0 };
      }
      const { batch, index } = this.current;
      try {
        await send(batch.target, batch.messages[index]);
      } catch (err) {
        onError(err, batch.target);
      }
      this.lastSentAt = now();
      this.lastTarget = batch.target.id;
      this.gapMs = 0;
      this.current.index++;
      if (this.current.index >= batch.messages.length) {
        this.current = undefined;
        await batch.afterLast?.(this.lastSentAt);
      }
    }
  }

  private drawGap(): number {
    const [min, max] = this.pace.roomGapSeconds;
    return Math.round((min + (max - min) * this.random()) * 1000);
  }
}
