import type { Group, Push, QuizRef } from '../ports.ts';
import { nextInstantOf, wallClock } from '../time.ts';

/**
 * How a part of the engagement loop joins the daily loop (each is optional). The daily loop calls them in
 * order; one that throws is logged and the others still run.
 */
export interface EngagementHook {
  name: string;
  /** Lines added to a closed quiz's summary (e.g. a streak milestone): one message, not two. */
  summaryLines?(g: Group, push: Push): Promise<string[]>;
  /** Before a quiz's window opens (its messages all went out), when it will close (e.g. schedule its reminder). */
  beforeOpen?(g: Group, ref: QuizRef, sentAt: number, closesAt: number): Promise<void>;
  /** After a quiz closed and its summary was queued (e.g. the leader's digest, the weekly review). */
  afterClose?(g: Group, push: Push): Promise<void>;
  /** Each pass of the daily loop, after the lessons (e.g. reminders, repetitions, rankings, reports). */
  tick?(now: number): Promise<void>;
  /**
   * The earliest time tick() may act, if nothing is said or sent before it (the simulator skips the minutes
   * before it). The loop already runs every minute while a message waits or another process's push is
   * claimed, and wakes for closes and acknowledgements itself. A hook with a tick and no nextWork runs every
   * minute.
   */
  nextWork?(now: number): Promise<number>;
}

/**
 * A tick that runs `run` once a day from `time` on the zone's wall clock. Each process remembers the day it
 * ran, so `run` must be safe when several processes do it (Redis decides once where that matters).
 */
export function onceADay(time: string, timezone: string, run: (day: string) => Promise<void>): Required<Pick<EngagementHook, 'tick' | 'nextWork'>> {
  let done = '';
  return {
    async tick(now) {
      const { day, hhmm } = wallClock(now, timezone);
      if (hhmm < time || done === day) return;
      done = day;
      await run(day);
    },
    nextWork: async (now) => {
      const { day, hhmm } = wallClock(now, timezone);
      return hhmm >= time && done !== day ? now : nextInstantOf(time, now, timezone);
    },
  };
}
