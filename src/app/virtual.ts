import { minuteMs } from '../core/time.ts';
import type { App } from './compose.ts';

/** A clock the simulator moves by hand. */
export interface SettableClock {
  now(): number;
  set(t: number): void;
}

/**
 * Runs the app on a virtual clock up to (not including) `until`, as a real day would run: the
 * scheduling tick at every minute in between and each queued message at its own time. The simulator's
 * scenarios and the demo's fast-forward both go through here, so a jump never skips a push.
 */
export async function runVirtual(app: App, clock: SettableClock, until: number): Promise<void> {
  let nextTick = Math.ceil(clock.now() / minuteMs) * minuteMs;
  for (;;) {
    const next = Math.min(nextTick, app.queue.nextAt() ?? Infinity);
    if (next >= until) return;
    clock.set(Math.max(clock.now(), next));
    if (clock.now() >= nextTick) {
      await app.tick();
      nextTick = Math.floor(clock.now() / minuteMs) * minuteMs + minuteMs;
    }
    await app.pump();
    await app.chat.idle(); // replies to what the bot just sent are handled at this time too
  }
}
