import { afterAll, describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { postToGroup } from '../../src/core/engage/send.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00+08:00`);
const groups = 200;
const due = at('07:50');

interface Sent {
  at: number;
  room: string;
  text: string;
}

/**
 * 200 groups enrolled for 07:50 on one account; while the wave goes out, the engagement loop queues a
 * reminder and a ranking for a few groups at every tick, and a worker asks the bot something mid-wave.
 */
async function morningWave() {
  let t = at('06:00');
  const clock = { now: () => t, set: (to: number) => (t = to) };
  const sent: Sent[] = [];
  const app: App = await createApp({
    config: testConfig(), clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog, random: seededRandom(1),
    onSent: (target, m, when) => sent.push({ at: when, room: target.label, text: m.kind === 'text' ? m.text : '' }),
  });
  // When each lesson was handed to the send queue (the scheduler claims it a minute before its planned start).
  const lessonQueued = new Map<string, number>();
  const enqueue = app.queue.enqueue.bind(app.queue);
  app.queue.enqueue = (batch) => {
    if (batch.priority === 'lesson' && !lessonQueued.has(batch.target.label)) lessonQueued.set(batch.target.label, t);
    enqueue(batch);
  };
  const topic = (i: number) => `班组${i}`;
  for (let i = 1; i <= groups; i++) app.world!.addRoom({ topic: topic(i), owner: `班长${i}`, members: [`组员${i}`] });
  for (let i = 1; i <= groups; i++) app.world!.say(`班长${i}`, '报名 demo 07:50', topic(i));
  await app.chat.idle();
  // The enrolment replies are out long before the wave.
  await runVirtual(app, clock, at('07:00'));
  const queuedAt = new Map<string, number>();
  app.bot.deps.hooks.push({
    name: 'test-engagement',
    tick: async (now) => {
      if (now < at('07:35') || now > due) return;
      const minute = Math.round(now / minuteMs);
      for (const g of await app.store.activeGroups()) {
        if (g.gid % 15 !== minute % 15) continue;
        // The cap is 3 a day: two reminders and a ranking fit, the third reminder does not.
        for (const [id, priority] of [['remind-a', 'other'], ['rank', 'ranking'], ['remind-b', 'other'], ['remind-c', 'other']] as const) {
          const text = `【测试${id}】${g.topic}`;
          if (await postToGroup(app.bot.deps, g, `${id}:${g.gid}`, text, priority)) queuedAt.set(text, now);
        }
      }
    },
  });
  await runVirtual(app, clock, at('07:40'));
  app.world!.say('组员7', '/help', topic(7));
  const askedAt = t;
  await app.chat.idle();
  await runVirtual(app, clock, at('09:00'));
  return { app, sent, queuedAt, askedAt, lessonQueued };
}

describe('the engagement loop never pushes a lesson past its time', () => {
  let wave: Awaited<ReturnType<typeof morningWave>>;
  afterAll(() => wave?.app.stop());

  test('200 groups due at 07:50: every lesson starts by 07:50, engagement messages wait for the wave, replies jump ahead', async () => {
    wave = await morningWave();
    const { sent, queuedAt, askedAt, lessonQueued } = wave;
    const window = sent.filter((s) => s.at >= at('07:00'));
    const firstLesson = new Map<string, number>();
    for (const s of window) if (s.text.startsWith('【班前十分钟】') && !firstLesson.has(s.room)) firstLesson.set(s.room, s.at);
    expect(firstLesson.size).toBe(groups);
    const starts = [...firstLesson.values()];
    // Each group is on time: the wave started early enough (planWave), and nothing else got in its way.
    expect(Math.max(...starts)).toBeLessThanOrEqual(due);
    const waveStart = Math.min(...starts);
    expect(waveStart).toBeLessThan(at('07:35')); // the engagement messages below were queued mid-wave

    const engagement = window.filter((s) => s.text.startsWith('【测试'));
    // Every group got its two reminders and one ranking, never the fourth message over the cap.
    expect(engagement).toHaveLength(queuedAt.size);
    expect(queuedAt.size).toBe(groups * 3);
    expect(engagement.filter((s) => s.text.startsWith('【测试remind-c'))).toEqual([]);
    // None went out while a lesson was waiting in the queue: the wave is planned with the longest pause, so the
    // queue may run ahead of it and fill an idle moment, but every lesson handed to it by then had started.
    expect(engagement.filter((s) => s.at < due).length).toBeGreaterThan(0);
    for (const e of engagement) {
      const waiting = [...lessonQueued].filter(([room, queued]) => queued < e.at && firstLesson.get(room)! > e.at);
      expect(waiting).toEqual([]);
    }
    // …and a ranking never goes out while a reminder queued before it waits.
    const sentAt = new Map(engagement.map((s) => [s.text, s.at]));
    for (const r of engagement.filter((s) => s.text.startsWith('【测试rank'))) {
      const waitingReminders = [...queuedAt].filter(([text, queued]) => !text.startsWith('【测试rank') && queued < r.at && sentAt.get(text)! > r.at);
      expect(waitingReminders).toEqual([]);
    }

    // A worker's question mid-wave is answered at once, ahead of the lessons still waiting.
    const reply = window.find((s) => s.room === '班组7' && s.at >= askedAt && s.text.includes('使用说明'));
    expect(reply).toBeDefined();
    expect(reply!.at - askedAt).toBeLessThan(20_000);
    expect(reply!.at).toBeLessThan(Math.max(...starts));
  }, 120_000);
});
