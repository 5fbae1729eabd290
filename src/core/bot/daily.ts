import { basename } from 'node:path';
import { renderLesson } from '../lessons/render.ts';
import type { Lesson, Track } from '../lessons/types.ts';
import { text } from '../messages.ts';
import type { Group } from '../ports.ts';
import { isLessonDay } from '../schedule/calendar.ts';
import { planStarts, type DuePush } from '../schedule/plan.ts';
import { secondsPerBatch, type Target } from '../send/queue.ts';
import { addDays, instantOf, minuteMs, wallClock } from '../time.ts';
import type { BotDeps } from './deps.ts';
import { renderSummary } from './texts.ts';

/** A crowded minute never starts its wave more than this early. */
const maxLeadMs = 45 * minuteMs;
/** An instance that has not ticked for this long is dead; its unsent claims are taken over. */
const deadAfterMs = 3 * minuteMs;

const roomTarget = (g: Group): Target => ({ kind: 'room', id: g.roomId, label: g.topic });

/** The next valid lesson after the last one pushed; a file that became invalid is simply passed over. */
function nextLesson(track: Track, lastFile: string): Lesson | undefined {
  return track.lessons.find((l) => basename(l.file) > lastFile) ?? track.lessons[0];
}

export type PushResult = 'queued' | 'taken' | 'no-lessons';

/** The daily loop: claim and send due lessons, catch up after downtime, close quizzes. */
export class Daily {
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly d: BotDeps) {}

  /** Claims (group, day) in Redis, then queues the lesson; a second caller for the same day gets 'taken'. */
  async push(g: Group, day: string, reason: string, notBefore?: number): Promise<PushResult> {
    const track = this.d.library().track(g.track);
    const lesson = track && nextLesson(track, g.lastFile);
    if (!track || !lesson) {
      this.d.log.error({ gid: g.gid, track: g.track }, 'no valid lesson to push');
      return 'no-lessons';
    }
    const now = this.d.clock.now();
    const seq = await this.d.store.claimPush(g, day, { id: lesson.id, file: basename(lesson.file) }, now, this.d.owner, reason);
    if (seq === undefined) return 'taken';
    this.d.log.info({ gid: g.gid, day, lesson: lesson.id, seq, reason }, 'push claimed');
    this.queueLesson(g, day, lesson, track, notBefore);
    return 'queued';
  }

  private queueLesson(g: Group, day: string, lesson: Lesson, track: Track, notBefore?: number): void {
    const { store, owner } = this.d;
    this.d.queue.enqueue({
      target: roomTarget(g),
      notBefore,
      messages: renderLesson(lesson, { track, number: track.lessons.indexOf(lesson) + 1, windowMinutes: g.windowMinutes }),
      beforeFirst: () => store.startSending(g.gid, day, owner),
      afterLast: (sentAt) => store.openQuiz(g.gid, day, sentAt, sentAt + g.windowMinutes * minuteMs),
    });
  }

  /**
   * One pass; node-cron calls it every minute, the simulator at every virtual minute. Passes never
   * overlap (Redis may be slow or away); a tick asked for during a pass gets one more pass after it,
   * so a clock that jumped meanwhile (the demo's fast-forward) is always seen.
   */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    await this.d.store.heartbeat(this.d.owner, this.d.clock.now());
    await this.adoptOrphans();
    await this.pushDue();
    await this.closeDue();
  }

  /** Claims left by a process that died before sending anything are taken over and sent. */
  private async adoptOrphans(): Promise<void> {
    const now = this.d.clock.now();
    for (const o of await this.d.store.orphanedClaims(now, deadAfterMs)) {
      const g = await this.d.store.getGroup(o.gid);
      const push = await this.d.store.getPush(o.gid, o.day);
      const lesson = push && this.d.library().lesson(push.lessonId);
      const track = lesson && this.d.library().track(lesson.trackId);
      if (!g || !lesson || !track || !(await this.d.store.reclaimPush(o.gid, o.day, o.owner, this.d.owner, now, deadAfterMs))) continue;
      this.d.log.warn({ gid: o.gid, day: o.day, from: o.owner }, 'took over a claim whose owner died before sending');
      this.queueLesson(g, o.day, lesson, track);
    }
  }

  private async pushDue(): Promise<void> {
    const { settings, clock } = this.d;
    const now = clock.now();
    const today = wallClock(now, settings.timezone).day;
    const due: (DuePush & { g: Group; day: string })[] = [];
    for (const g of await this.d.store.activeGroups()) {
      if (g.status !== 'active') continue;
      for (const day of [addDays(today, -1), today, addDays(today, 1)]) {
        if (g.current >= day || !isLessonDay(day, g.days, settings.calendar)) continue;
        const at = instantOf(day, g.time, settings.timezone);
        // Not yet due, or due before the group enrolled or resumed (nothing was missed then).
        if (at - maxLeadMs > now || at < g.activeSince) continue;
        due.push({ g, day, gid: g.gid, due: at, seconds: secondsPerBatch(settings.pace, this.messagesFor(g)) });
      }
    }
    const starts = planStarts(due, maxLeadMs);
    for (const p of due.sort((a, b) => starts.get(a)! - starts.get(b)!)) {
      if (now > p.due + settings.graceMinutes * minuteMs) {
        if (await this.d.store.skipPush(p.gid, p.day, now, 'missed')) {
          this.d.log.warn({ gid: p.gid, day: p.day, time: p.g.time, graceMinutes: settings.graceMinutes }, 'push missed beyond the grace window; skipped');
        }
      } else if (starts.get(p)! < now + minuteMs) {
        // Claimed a tick ahead so the queue never idles mid-wave; the queue holds it until its start.
        await this.push(p.g, p.day, now > p.due ? 'catch-up' : 'schedule', starts.get(p));
      }
    }
  }

  private messagesFor(g: Group): number {
    const track = this.d.library().track(g.track);
    const lesson = track && nextLesson(track, g.lastFile);
    return lesson ? renderLesson(lesson, { track, number: 1, windowMinutes: g.windowMinutes }).length : 1;
  }

  /** Room members other than the bot; if the platform can't say, everyone who has answered here before. */
  private async memberCount(g: Group): Promise<number> {
    try {
      return (await this.d.rooms.members(g.roomId)).length;
    } catch (err) {
      const count = (await this.d.store.members(g.gid)).length;
      this.d.log.warn({ gid: g.gid, err: String(err), count }, 'room members unavailable; counting the group\'s known answerers');
      return count;
    }
  }

  private async closeDue(): Promise<void> {
    const { store, clock } = this.d;
    for (const { gid, day } of await store.quizzesToClose(clock.now())) {
      const g = await store.getGroup(gid);
      if (!g) continue;
      const closed = await store.closeQuiz(gid, day, clock.now(), await this.memberCount(g));
      if (closed) await store.syncRollup(gid, day, this.d.org.teamPaths(g.team));
      await store.forgetQuiz(gid, day);
      const push = closed?.push;
      const lesson = push && this.d.library().lesson(push.lessonId);
      // Only the instance that closed the quiz posts the summary, so it is posted once.
      if (!push || !lesson || !closed.closedNow) continue;
      const [firstCorrect, answerers] = await Promise.all([store.firstCorrect(gid, day, 3), store.members(gid)]);
      const streaks = answerers
        .filter((m) => m.lastSeq === push.seq)
        .sort((a, b) => b.streak - a.streak || a.wid - b.wid)
        .slice(0, 3)
        .map((m) => ({ name: m.name, streak: m.streak }));
      this.d.queue.enqueue({ target: roomTarget(g), messages: [text(renderSummary(lesson, { push, firstCorrect, streaks }))] });
      this.d.log.info({ gid, day, answered: push.answered, expected: push.expected, correct: push.correct }, 'quiz closed');
    }
  }
}
