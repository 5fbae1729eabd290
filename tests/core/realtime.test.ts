import { expect, test } from 'vitest';
import type { App } from '../../src/app/compose.ts';
import { runRealtime } from '../../src/app/realtime.ts';
import { text } from '../../src/core/messages.ts';
import { SendQueue } from '../../src/core/send/queue.ts';

test('the real-time driver wakes the queue on new work and survives a failing pass', async () => {
  const queue = new SendQueue({ perMinute: 60_000, roomGapSeconds: [0, 0] });
  const errors: string[] = [];
  let pumps = 0;
  const app = {
    queue,
    tick: async () => {},
    log: { error: (o: { err: string }) => void errors.push(o.err), info: () => {}, warn: () => {} },
    pump: async () => {
      pumps++;
      if (pumps === 1) throw new Error('redis hiccup');
      await queue.pump(Date.now, async () => {}, () => {});
    },
  } as unknown as App;
  const driver = runRealtime(app, 'Asia/Shanghai', Date.now);
  try {
    queue.enqueue({ target: { kind: 'room', id: 'r', label: 'r' }, messages: [text('a')], priority: 'reply' });
    await expect.poll(() => pumps).toBeGreaterThanOrEqual(2); // the failed pass is followed by another
    expect(errors).toEqual(['Error: redis hiccup']);
    await expect.poll(() => queue.size).toBe(0);
  } finally {
    driver.stop();
  }
});
