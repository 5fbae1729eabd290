import { lessonDaysOf, lessonFor, type NextLesson } from '../lessons/course.ts';
import { renderLesson, type PushInfo } from '../lessons/render.ts';
import { snapshotOf } from '../lessons/snapshot.ts';
import { text } from '../messages.ts';
import type { Group, OutboxItem, Push, QuizRef } from '../ports.ts';
import { isLessonDay } from '../schedule/calendar.ts';
import { hhmmOf, maxLeadMs, planWave, type DuePush, type WaveSlot } from '../schedule/plan.ts';
import { slowestSecondsPerBatch, type Target } from '../send/queue.ts';
import { splitText } from '../send/text.ts';
import { addDays, instantOf, minuteMs, minuteOfDay, nextInstantOf, wallClock } from '../time.ts';
import type { EngagementHook } from '../engage/hooks.ts';
import { expectedOn } from '../engage/leave.ts';
import type { BotDeps } from './deps.ts';
import { quizKey } from '../quiz/record.ts';
import { actsFor } from '../accounts/index.ts';
import { renderAck, renderHeldBack, renderMissed, renderRoundDone, renderSummary } from './texts.ts';

/** An instance that has not ticked for this long is dead; its unsent claims are taken over. */
const deadAfterMs = 3 * minuteMs;

const roomTarget = (g: Group): Target => ({ kind: 'room', id: g.roomId, label: g.topic });


/** When a quiz's next "已有 N 人作答" may go: once answers came in since the last, an interval after it. */
const nextAck = (p: Push, everyMs: number): number | undefined => (p.status === 'sent' && p.answered > p.ackCount ? (p.ackAt ?? p.sentAt ?? 0) + everyMs : undefined);

export type PushResult = 'queued' | 'taken' | 'no-lessons';

/** A group as it is now and the lesson its course gives it on a day. */
type Planned = { group: Group; next: NextLesson };

/** A group's push on a day, and when it is due. */
type Due = { g: Group; day: string; due: number };

const dayMs = 24 * 60 * minuteMs;

/** The daily loop: claim and send due lessons, catch up after downtime, acknowledge, close quizzes. */
export class Daily {
  private running?: Promise<void>;
  private again = false;
  /** The clock at the previous pass: the next one looks back to it. */
  private lastPass?: number;
  /** Pushes held back as too late ("gid:day"): they take no more room in the wave (a restart forgets them, the claim refuses them). */
  private readonly held = new Set<string>();
  /** Whether this process has put the open quizzes among those to acknowledge (after a start). */
  private ackIndexed = false;

  constructor(private readonly d: BotDeps) {}

  /**
   * Claims (group, day) in Redis with the messages to send, then queues them; a second caller for the
   * same day gets 'taken'. A leader's manual push may send a day the scheduler skipped.
   */
  async push(g: Group, day: string, reason: string, notBefore?: number, plannedNow?: Planned): Promise<PushResult> {
    // Another day's push may take the planned lesson (or the next "第 N 课") meanwhile: then read again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const planned = attempt === 0 && plannedNow ? plannedNow : await this.plan(g.gid, day);
      if (!planned) break;
      const { group, next } = planned;
      const snapshot = snapshotOf(next.lesson, next.track);
      // A link made for a day someone else claims points at that same quiz, so it is harmless.
      const answerUrl = await this.d.answerLink?.({ gid: g.gid, day, kind: 'lesson' });
      const messages = renderLesson(next.lesson, { ...this.pushInfo(group, day, next), answerUrl });
      const plan = { snapshot, messages, target: roomTarget(group), newCycle: next.newCycle, completesRound: next.completesRound, freshSince: next.freshSince };
      const seq = await this.d.store.claimPush(group, day, plan, this.d.clock.now(), this.d.owner, reason);
      if (seq === 'taken') return 'taken';
      if (seq === 'retry') continue;
      this.d.log.info({ gid: g.gid, day, lesson: snapshot.id, seq, reason }, 'push claimed');
      await this.send({ gid: g.gid, day, kind: 'lesson' }, notBefore);
      return 'queued';
    }
    this.d.log.error({ gid: g.gid, course: g.track }, 'no valid lesson to push');
    return 'no-lessons';
  }

  /** The group as it is now and the lesson its course gives it on `day`. */
  private async plan(gid: number, day: string): Promise<Planned | undefined> {
    const [group, history] = await Promise.all([this.d.store.getGroup(gid), this.d.store.history(gid)]);
    const course = group && this.d.library().course(group.track);
    const next = course && lessonFor(course, day, { history, cycleSince: group.cycleSince }, lessonDaysOf(group.days, this.d.settings.calendar));
    return next && { group: group!, next };
  }

  /**
   * Queues a claimed push from its first unsent message. Each message is checked against the claim
   * before it goes and recorded after, so a push cut off by a crash is resumed, not resent or dropped.
   */
  private async send(ref: QuizRef, notBefore?: number): Promise<void> {
    const { store, owner, clock } = this.d;
    const [stored, g] = await Promise.all([store.pushMessages(ref), store.getGroup(ref.gid)]);
    if (!stored || !g) return;
    const open = async (sentAt: number) => {
      const closesAt = sentAt + g.windowMinutes * minuteMs;
      // First, so a crash in between leaves at most a reminder for a quiz that never opened (it is dropped then).
      await this.runHooks('beforeOpen', (h) => h.beforeOpen?.(g, ref, sentAt, closesAt));
      await store.openQuiz(ref, owner, sentAt, closesAt);
    };
    // Every message went out before a crash, only the window was not opened yet.
    if (stored.next >= stored.messages.length) return open(clock.now());
    this.d.queue.enqueue({
      key: `push:${quizKey(ref)}`,
      priority: 'lesson',
      target: { ...stored.target, id: g.roomId, label: g.topic },
      messages: stored.messages,
      start: stored.next,
      notBefore,
      beforeEach: (i) => store.beginMessage(ref, owner, i),
      recheck: true,
      afterEach: (i) => store.messageSent(ref, owner, i),
      afterLast: open,
    });
  }

  /**
   * One pass; node-cron calls it every minute, the simulator at every virtual minute. Passes never
   * overlap (Redis may be slow or away); a tick asked for during a pass gets one more pass after it,
   * so a clock that jumped meanwhile is always seen.
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
    // A process whose account can't send (logged out, banned, standby) counts as dead for its claims, so the
    // account acting for those groups (core/accounts) takes its unsent pushes over; it adopts none itself.
    if (this.d.status?.().up ?? true) {
      await this.d.store.heartbeat(this.d.owner, this.d.clock.now(), deadAfterMs);
      await this.adoptOrphans();
    }
    await this.pushDue();
    await this.acknowledge();
    await this.closeDue();
    await this.runHooks('tick', (h) => h.tick?.(this.d.clock.now()));
    await this.d.outbox.pull();
  }

  /** Each engagement hook in turn; one that fails is logged and the others still run. */
  private async runHooks<T>(stage: string, call: (h: EngagementHook) => Promise<T> | undefined): Promise<T[]> {
    const out: T[] = [];
    for (const h of this.d.hooks) {
      try {
        const r = await call(h);
        if (r !== undefined) out.push(r);
      } catch (err) {
        this.d.log.error({ err, hook: h.name, stage }, 'engagement hook failed');
      }
    }
    return out;
  }

  /** Pushes left by a process that died before finishing them are taken over and resumed. */
  private async adoptOrphans(): Promise<void> {
    const now = this.d.clock.now();
    for (const o of await this.d.store.orphanedClaims(now, deadAfterMs)) {
      // A dead process's push is resumed by the account acting for its group (its own, or the one that took it over).
      const g = await this.d.store.getGroup(o.gid);
      if (!g || !actsFor(g, this.d.account)) continue;
      if (!(await this.d.store.reclaimPush(o, o.owner, this.d.owner, now))) continue;
      this.d.log.warn({ gid: o.gid, day: o.day, from: o.owner }, 'took over a push whose owner died before finishing it');
      await this.send(o);
    }
  }

  /**
   * Claims the pushes whose lead in the wave begins within a minute. Reads only the groups due from the
   * previous pass (less the grace window: what a clock step forward or downtime skipped over is caught up
   * or skipped as missed) to `maxLeadMs` ahead, from the due index; a new process looks back a day.
   */
  private async pushDue(): Promise<void> {
    const { settings, clock, store } = this.d;
    const now = clock.now();
    const today = wallClock(now, settings.timezone).day;
    const graceMs = settings.graceMinutes * minuteMs;
    const from = Math.min(this.lastPass ?? now - dayMs, now) - Math.max(graceMs, minuteMs);
    this.lastPass = now;
    const candidates = await this.dueBetween(from, now + maxLeadMs, now);
    const inTime: Due[] = [];
    for (const c of candidates) {
      if (now <= c.due + graceMs) inTime.push(c);
      else if (await store.skipPush(c.g.gid, c.day, now, 'missed')) {
        this.d.log.warn({ gid: c.g.gid, day: c.day, time: c.g.time, graceMinutes: settings.graceMinutes }, 'push missed beyond the grace window; skipped');
        if (c.day === today) await this.d.outbox.notify(`missed:${c.g.gid}:${c.day}`, roomTarget(c.g), renderMissed(c.day, c.g.time));
      }
    }
    for (const p of await this.placeWave(inTime, now)) {
      const { slot } = p;
      // Claimed a minute before its lead begins, so the queue never idles mid-wave; the queue holds it until then.
      if (slot.notBefore >= now + minuteMs) continue;
      const minutesLate = Math.ceil((slot.finish - p.due) / minuteMs);
      if (slot.held) {
        this.held.add(`${p.gid}:${p.day}`);
        if (await store.skipPush(p.gid, p.day, now, 'late')) {
          this.d.log.warn({ gid: p.gid, day: p.day, time: p.g.time, minutesLate, lateCeilingMinutes: settings.lateCeilingMinutes }, 'wave too late for this push; held back');
          await this.d.outbox.notify(`late:${p.gid}:${p.day}`, roomTarget(p.g), renderHeldBack(p.day, p.g.time, minutesLate));
        }
        continue;
      }
      const r = await this.push(p.g, p.day, now > p.due ? 'catch-up' : 'schedule', slot.notBefore, p.planned);
      if (r === 'queued' && minutesLate > 0) this.d.log.warn({ gid: p.gid, day: p.day, time: p.g.time, minutesLate }, 'wave running late: this lesson will arrive late');
    }
  }

  /** The pushes placed in the account's wave, in the order they start; each planned once (its length places it, the claim sends it). */
  private async placeWave(due: Due[], now: number): Promise<(DuePush & Due & { planned?: Planned; slot: WaveSlot })[]> {
    const { settings, queue } = this.d;
    const wave: (DuePush & Due & { planned?: Planned })[] = [];
    for (const c of due) {
      const planned = await this.plan(c.g.gid, c.day);
      const messages = planned ? renderLesson(planned.next.lesson, this.pushInfo(planned.group, c.day, planned.next)).length : 1;
      wave.push({ ...c, gid: c.g.gid, seconds: slowestSecondsPerBatch(settings.pace, messages), planned });
    }
    const slots = planWave(wave, { maxLeadMs, from: now + queue.busySeconds('lesson') * 1000, ceilingMs: settings.lateCeilingMinutes * minuteMs });
    return wave.map((p) => ({ ...p, slot: slots.get(p)! })).sort((a, b) => a.slot.start - b.slot.start);
  }

  /** This account's pushes due in [from, to] (around `now`) on a lesson day, not yet done or held back. */
  private async dueBetween(from: number, to: number, now: number): Promise<Due[]> {
    const { settings, store } = this.d;
    const tz = settings.timezone;
    const gids = to - from >= dayMs ? await store.dueGroups(0, 1439) : await store.dueGroups(minuteOfDay(from, tz), minuteOfDay(to, tz));
    const today = wallClock(now, tz).day;
    const found: Due[] = [];
    for (const g of await store.groups(gids)) {
      if (g.status !== 'active' || !actsFor(g, this.d.account)) continue;
      for (const day of [addDays(today, -1), today, addDays(today, 1)]) {
        if (g.current >= day || this.held.has(`${g.gid}:${day}`) || !isLessonDay(day, g.days, settings.calendar)) continue;
        const due = instantOf(day, g.time, tz);
        // Outside the window, or due before the group enrolled or resumed (nothing was missed then).
        if (due < from || due > to || due < g.activeSince) continue;
        found.push({ g, day, due });
      }
    }
    return found;
  }

  /**
   * The earliest time a pass may have work if nothing is said or sent before it, so the simulator can skip
   * the minutes before it (a live process ticks every minute anyway). While messages wait to go out, a
   * push of another instance is claimed or an outbox item is left over, that is the next minute.
   */
  async nextWork(): Promise<number> {
    const { store, clock, queue, owner } = this.d;
    const now = clock.now();
    const soon = Math.floor(now / minuteMs) * minuteMs + minuteMs;
    if (queue.size > 0 || (await store.hasPendingClaims(owner)) || (await this.d.outbox.stranded())) return soon;
    const hooks = await this.runHooks('nextWork', (h) => (h.tick ? (h.nextWork?.(now) ?? Promise.resolve(soon)) : undefined));
    return Math.max(soon, Math.min(await this.nextClaim(now), await this.nextQuizWork(), ...hooks));
  }

  /** The wave's next claim: the earliest among the pushes in view now, or when the next due group comes into view. */
  private async nextClaim(now: number): Promise<number> {
    const { settings, store } = this.d;
    const tz = settings.timezone;
    const inView = await this.dueBetween(now - settings.graceMinutes * minuteMs, now + maxLeadMs, now);
    const claims = (await this.placeWave(inView, now)).map((p) => p.slot.notBefore - minuteMs);
    const after = now + maxLeadMs;
    const minute = await store.nextDueMinute((minuteOfDay(after, tz) + 1) % 1440);
    const comesIntoView = minute === undefined ? Infinity : nextInstantOf(hhmmOf(minute), after, tz) - maxLeadMs;
    return Math.min(comesIntoView, ...claims);
  }

  /** The next close, and the next "已有 N 人作答" of a quiz that has answers since its last one. */
  private async nextQuizWork(): Promise<number> {
    const { store, settings, answered } = this.d;
    const everyMs = settings.ackEveryMinutes * minuteMs;
    let next = (await store.nextClose()) ?? Infinity;
    if (!everyMs) return next;
    for (const ref of answered.values()) {
      const push = await store.getPush(ref.gid, ref.day, ref.kind);
      next = Math.min(next, (push && nextAck(push, everyMs)) ?? Infinity);
    }
    return next;
  }

  private pushInfo(g: Group, day: string, next: NextLesson): PushInfo {
    const ref: QuizRef = { gid: g.gid, day, kind: 'lesson' };
    // "第 N 课" counts the group's lessons, whatever track each came from.
    return { track: next.track, number: g.lessons + 1, windowMinutes: g.windowMinutes, ref, caps: this.d.channel.caps, botName: this.d.settings.botName };
  }

  /**
   * While a quiz is open, at most one short "已有 N 人作答" per `ackEveryMinutes`, only when answers came
   * in since the last one, and never while lessons are still going out (they come first). Only the quizzes
   * this process recorded answers for are read (`answered`; after a start, every open quiz once).
   */
  private async acknowledge(): Promise<void> {
    const { store, clock, queue, settings, answered } = this.d;
    if (!this.ackIndexed) {
      this.ackIndexed = true;
      for (const ref of await store.openQuizzes()) answered.set(quizKey(ref), ref);
    }
    if (!settings.ackEveryMinutes) return answered.clear();
    if (queue.pending('lesson') > 0) return;
    const now = clock.now();
    const everyMs = settings.ackEveryMinutes * minuteMs;
    const pushes = await Promise.all([...answered.values()].map((ref) => store.getPush(ref.gid, ref.day, ref.kind)));
    // In the order the quizzes close, as the open quizzes' index has them.
    const due = [...answered].map(([key, ref], i) => ({ key, ref, push: pushes[i] })).sort((a, b) => (a.push?.closesAt ?? 0) - (b.push?.closesAt ?? 0) || (a.key < b.key ? -1 : 1));
    for (const { key, ref, push } of due) {
      const next = push && nextAck(push, everyMs);
      if (next === undefined || now < next) {
        // Closed, or acknowledged up to its last answer: a new answer brings it back.
        if (next === undefined) answered.delete(key);
        continue;
      }
      answered.delete(key);
      const g = await store.getGroup(ref.gid);
      if (!g || !actsFor(g, this.d.account)) continue;
      const n = await store.ackDue(ref, now, everyMs);
      if (n) await this.d.outbox.notify(`ack:${key}:${n}`, roomTarget(g), renderAck(n));
    }
  }

  private async closeDue(): Promise<void> {
    const { store, clock } = this.d;
    for (const ref of await store.openQuizzes(clock.now())) {
      const [g, before] = await Promise.all([store.getGroup(ref.gid), store.getPush(ref.gid, ref.day, ref.kind)]);
      // Still going out (a resumed push re-opens its window when done), or gone.
      if (before?.status === 'claimed' || before?.status === 'sending') continue;
      // The summary goes out from the robot acting for the group.
      if (g && !actsFor(g, this.d.account)) continue;
      if (!g || !before) {
        await store.forgetQuiz(ref);
        continue;
      }
      // Those on leave that day are not expected (engage/leave.ts).
      const expected = before.status === 'sent' ? await expectedOn(this.d, g, ref.day) : undefined;
      const closed = await store.closeQuiz(ref, clock.now(), expected?.count ?? 0, expected?.source, expected?.leave);
      if (!closed || closed.push.status !== 'closed') continue;
      // The summary goes into the durable outbox before the quiz leaves the open list: a crash at any
      // point here repeats these steps on the next tick, and the outbox takes the summary only once.
      await this.queueSummary(g, closed.push);
      await this.runHooks('afterClose', (h) => h.afterClose?.(g, closed.push));
      // A review counts toward points, never toward the daily participation figures.
      if (ref.kind === 'lesson') await store.syncRollup(ref.gid, ref.day, this.d.org.teamPaths(g.team));
      await store.forgetQuiz(ref);
      if (closed.closedNow) this.d.log.info({ gid: ref.gid, day: ref.day, answered: closed.push.answered, expected: closed.push.expected, correct: closed.push.correct }, 'quiz closed');
    }
  }

  private async queueSummary(g: Group, push: Push): Promise<void> {
    const { store } = this.d;
    const lesson = await store.snapshot(push.lessonHash);
    if (!lesson) return;
    const [firstCorrect, streaks] = await Promise.all([store.firstCorrect(push.gid, push.day, 3, push.kind), push.kind === 'lesson' ? store.streaksAt(push.gid, push.seq, 3) : []]);
    // The end of a round and the hooks' lines (badges) ride on the summary: one message, not two.
    const extra = (await this.runHooks('summaryLines', (h) => h.summaryLines?.(g, push))).flat();
    const parts = [renderSummary(lesson, { push, firstCorrect, streaks, viaPage: !!this.d.answerLink, review: push.kind === 'review' }), ...extra, push.completesRound ? renderRoundDone(this.d.library(), g) : ''];
    await this.d.outbox.notify(`summary:${quizKey(push)}`, roomTarget(g), parts.filter(Boolean).join('\n\n'));
  }
}
