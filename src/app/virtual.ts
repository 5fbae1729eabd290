import { minuteMs } from '../core/time.ts';
import type { App } from './compose.ts';

/** A clock the simulator moves by hand. */
export interface SettableClock {
  now(): number;
  set(t: number): void;
}

export interface VirtualOptions {
  /** Tick at every minute, as a live process does, instead of skipping minutes in which nothing can happen. */
  everyMinute?: boolean;
}

/**
 * Runs the app on a virtual clock up to (not including) `until`, as a real day would run: the scheduling
 * tick at every minute in between and each queued message at its own time. Minutes before the app's next
 * work (App.nextWork, asked again after every step) are skipped: a tick there would find nothing to do.
 * The simulator's scenarios and the demo's fast-forward both go through here, so a jump never skips a push.
 * Returns how many ticks ran.
 */
export async function runVirtual(app: App, clock: SettableClock, until: number, opts: VirtualOptions = {}): Promise<number> {
  let nextTick = Math.ceil(clock.now() / minuteMs) * minuteMs;
  let ticks = 0;
  for (;;) {
    const next = Math.min(nextTick, app.queue.nextAt() ?? Infinity);
    if (next >= until) return ticks;
    clock.set(Math.max(clock.now(), next));
    const ticked = clock.now() >= nextTick;
    if (ticked) {
      ticks++;
      await app.tick();
    }
    await app.pump();
    await app.chat.idle(); // replies to what the bot just sent are handled at this time too
    if (!opts.everyMinute) nextTick = Math.ceil((await app.nextWork()) / minuteMs) * minuteMs;
    else if (ticked) nextTick = Math.floor(clock.now() / minuteMs) * minuteMs + minuteMs;
  }
}
