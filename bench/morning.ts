/**
 * A morning for the answer benches: `groups` groups enrolled, each with its lesson sent and its quiz open, and
 * `workers` known workers each (seen on earlier days, so their ids exist). Each worker then answers every
 * question in one message ("1B 2C"); about one answer in five is wrong. Used by bench/parts/answers.ts,
 * bench/parts/memory.ts and the child processes they start (bench/answerWorker.ts).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { wechatyCaps } from '../src/adapters/chat/wechaty/caps.ts';
import { connectRedis } from '../src/adapters/store/redis/connect.ts';
import { RedisRoster } from '../src/adapters/store/redis/roster.ts';
import { RedisStore } from '../src/adapters/store/redis/store.ts';
import { loadConfig } from '../src/config/config.ts';
import { Banqian } from '../src/core/bot/bot.ts';
import type { Incoming } from '../src/core/bot/context.ts';
import { Outbox } from '../src/core/bot/outbox.ts';
import { loadLibrary } from '../src/core/lessons/load.ts';
import { snapshotOf, type LessonSnapshot } from '../src/core/lessons/snapshot.ts';
import { text } from '../src/core/messages.ts';
import { OrgTree } from '../src/core/org.ts';
import type { Group } from '../src/core/ports.ts';
import { SendQueue } from '../src/core/send/queue.ts';
import { instantOf, minuteMs } from '../src/core/time.ts';

export const day = '2026-12-07';
const tz = 'Asia/Shanghai';
const sentAt = instantOf(day, '07:50', tz);
/** Answers arrive within the window (120 minutes), so every one is on time. */
export const answerAt = sentAt + 5 * minuteMs;

export const roomId = (t: number) => `room-${t}`;
export const sender = (t: number, w: number) => ({ id: `w-${t}-${w}`, name: `职工${w + 1}` });

/** The track's first lesson with at least two questions: a real morning's "1B 2C". */
export function benchLesson(): LessonSnapshot {
  const track = loadLibrary('lessons').library.track('safety')!;
  return snapshotOf(track.lessons.find((l) => l.quiz.length >= 2)!, track);
}

/** Worker w of team t's choices: one question in five wrong. */
export function choices(lesson: LessonSnapshot, t: number, w: number): string[] {
  return lesson.quiz.map((q, i) => ((t + w + i) % 5 === 0 ? (q.answer === 'A' ? 'B' : 'A') : q.answer));
}

export const answerText = (lesson: LessonSnapshot, t: number, w: number) => choices(lesson, t, w).map((c, i) => `${i + 1}${c}`).join(' ');

export function openStore(url: string, prefix: string): RedisStore {
  const config = loadConfig('/nonexistent', {});
  return new RedisStore(connectRedis(url), { prefix, platform: 'wechaty', account: 'bench', unstableIds: false, points: config.points });
}

/**
 * Enrols teams [from, to), sends each its lesson of `on` (its quiz open from 07:50 on `day` for 120 minutes, or
 * until the day after for a later day) and makes its workers known; returns the gids.
 */
export async function seedMorning(store: RedisStore, lesson: LessonSnapshot, from: number, to: number, workers: number, on = day): Promise<number[]> {
  const gids: number[] = [];
  const one = async (t: number) => {
    const gid = await store.resolveGroup(roomId(t), `班组${t + 1}`, `班长${t + 1}`);
    const g: Group = {
      gid, roomId: roomId(t), topic: `班组${t + 1}`, track: lesson.trackId, time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 120,
      status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: '', account: '',
    };
    await store.saveGroup(g);
    const ref = { gid, day: on, kind: 'lesson' as const };
    const plan = { snapshot: lesson, messages: [text(lesson.title)], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: true, completesRound: false, freshSince: '' };
    await store.claimPush((await store.getGroup(gid))!, on, plan, sentAt, 'bench', 'schedule');
    await store.beginMessage(ref, 'bench', 0);
    await store.openQuiz(ref, 'bench', sentAt, instantOf(on, '09:50', tz));
    for (let w = 0; w < workers; w++) await store.resolveWorker(gid, sender(t, w).id, sender(t, w).name);
    gids[t - from] = gid;
  };
  let next = from;
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let t = next++; t < to; t = next++) await one(t);
  }));
  return gids;
}

/** The bot as compose.ts builds it, minus the chat platform: messages go in through handle(). */
export function benchBot(store: RedisStore): Banqian {
  const config = loadConfig('/nonexistent', {});
  const clock = { now: () => answerAt };
  const queue = new SendQueue({ perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds });
  const channel = { caps: wechatyCaps } as ConstructorParameters<typeof Banqian>[0]['channel'];
  const outbox = new Outbox({ store, queue, clock, account: 'bench', owner: 'bench', channel });
  const library = loadLibrary('lessons').library;
  return new Banqian({
    store, channel, queue, clock, log: pino({ level: 'silent' }), owner: 'bench', account: 'bench', org: new OrgTree({ name: '全部' }),
    roster: new RedisRoster(store), outbox, hooks: [], answered: new Map(), library: () => library,
    settings: {
      botName: config.botName, timezone: tz, windowMinutes: config.quiz.windowMinutes, workDays: config.schedule.workDays, graceMinutes: config.schedule.graceMinutes, lateCeilingMinutes: config.schedule.lateCeilingMinutes,
      calendar: config.schedule, pace: queue.pace, leaders: config.leaders, ackEveryMinutes: config.quiz.ackEveryMinutes, defaultCourse: config.defaultCourse, engagement: config.engagement,
      sharedGroups: false,
    },
  });
}

/** Worker w of team t's message, as the Wechaty adapter hands it to the bot. */
export function message(lesson: LessonSnapshot, t: number, w: number): Incoming {
  return { room: { id: roomId(t), topic: `班组${t + 1}`, ownerName: `班长${t + 1}` }, sender: sender(t, w), text: answerText(lesson, t, w), mentioned: false, at: answerAt };
}

/** Runs `count` jobs with `inFlight` of them at a time, in the order given. */
export async function pool(count: number, inFlight: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let i = next++; i < count; i = next++) await job(i);
  }));
}

/**
 * Runs the morning of teams [0, groups) in `procs` child processes (bench/answerWorker.ts), each its share of the
 * groups, started together once all are ready: the answers, the time from "go" to the last one done, and the
 * largest RSS at the end (after a full garbage collection).
 */
export async function answerProcesses(o: { url: string; prefix: string; procs: number; groups: number; workers: number; mode: 'bot' | 'store'; inFlight: number; profile?: string }): Promise<{ answers: number; ms: number; rssMb: number }> {
  const worker = fileURLToPath(new URL('./answerWorker.ts', import.meta.url));
  const children = Array.from({ length: o.procs }, (_, p) => {
    const from = Math.floor((o.groups * p) / o.procs);
    const to = Math.floor((o.groups * (p + 1)) / o.procs);
    return fork(worker, [JSON.stringify({ url: o.url, prefix: o.prefix, from, to, workers: o.workers, mode: o.mode, inFlight: o.inFlight, profile: o.profile })], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  });
  const next = (c: (typeof children)[number]) =>
    new Promise<{ answers: number; ms: number; rssMb: number }>((resolve, reject) => {
      c.once('message', resolve);
      c.once('exit', (code) => reject(new Error(`answer bench process exited with ${code}`)));
    });
  await Promise.all(children.map(next));
  const t0 = performance.now();
  const done = children.map(next);
  for (const c of children) c.send('go');
  const reports = await Promise.all(done);
  return { answers: reports.reduce((n, r) => n + r.answers, 0), ms: performance.now() - t0, rssMb: Math.round(Math.max(...reports.map((r) => r.rssMb))) };
}
