import cron from 'node-cron';
import type { App } from './compose.ts';

/**
 * Drives an app on a real (or demo) clock: node-cron ticks every minute in the configured zone,
 * and a timer wakes the send queue exactly when its next message is allowed to go.
 */
export function runRealtime(app: App, timezone: string, now: () => number): { kick: () => void; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let stopped = false;

  const kick = () => {
    if (stopped || pumping) return;
    clearTimeout(timer);
    const at = app.queue.nextAt();
    if (at === undefined) return;
    timer = setTimeout(
      async () => {
        pumping = true;
        try {
          await app.pump();
        } catch (err) {
          // A Redis hiccup around a send must not take the bot down; the next pump carries on.
          app.log.error({ err: String(err) }, 'send queue pass failed');
        } finally {
          pumping = false;
          kick();
        }
      },
      Math.max(0, at - now()),
    );
  };

  app.queue.onEnqueue = kick;
  const task = cron.schedule('* * * * *', () => app.tick().then(kick), { timezone, name: 'banqian-tick', noOverlap: true });
  void app.tick().then(kick); // catch up right away after a restart instead of waiting for the minute
  return {
    kick,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      void task.stop();
    },
  };
}
