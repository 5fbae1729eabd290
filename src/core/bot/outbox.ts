import { text } from '../messages.ts';
import type { OutboxItem } from '../ports.ts';
import type { Priority, Target } from '../send/queue.ts';
import { splitText } from '../send/text.ts';
import { minuteMs } from '../time.ts';
import type { BotDeps } from './deps.ts';

/** How long one instance holds an outbox item it is sending before another may take it over. */
const outboxLeaseMs = 10 * minuteMs;

type OutboxDeps = Pick<BotDeps, 'store' | 'queue' | 'clock' | 'account' | 'owner' | 'channel'>;

/**
 * Messages that must survive a crash (summaries, notices, acks, reminders, reports) go through the
 * account's durable outbox in Redis: added once per id, then queued; a crash before they went leaves them
 * there for the next pass.
 */
export class Outbox {
  constructor(private readonly d: OutboxDeps) {}

  /** A notice, once per id, in as many messages as the channel needs. */
  notify(id: string, target: Target, message: string, priority: Extract<Priority, 'other' | 'ranking'> = 'other'): Promise<void> {
    return this.add({ id, target, messages: splitText(message, this.d.channel.caps).map(text), createdAt: this.d.clock.now(), priority });
  }

  async add(item: OutboxItem): Promise<void> {
    if (await this.d.store.outboxAdd(this.d.account, item)) this.enqueue(item);
  }

  /** Waiting items (from this run, or left by a crash) go into the send queue once each. */
  async pull(): Promise<void> {
    for (const item of await this.d.store.outboxPending(this.d.account, 50)) this.enqueue(item);
  }

  /** Whether an item waits that this process's queue doesn't hold (left by a crash, or leased elsewhere). */
  async stranded(): Promise<boolean> {
    const items = await this.d.store.outboxPending(this.d.account, 50);
    return items.some((item) => !this.d.queue.has(`outbox:${item.id}`));
  }

  private enqueue(item: OutboxItem): void {
    const { store, owner, clock, account } = this.d;
    this.d.queue.enqueue({
      key: `outbox:${item.id}`,
      priority: item.priority ?? 'other',
      target: item.target,
      messages: item.messages,
      beforeEach: async (i) => i > 0 || store.outboxLease(account, item.id, owner, clock.now(), outboxLeaseMs),
      afterLast: () => store.outboxDone(account, item.id, clock.now()),
    });
  }
}
