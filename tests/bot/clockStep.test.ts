import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const t0 = Date.parse('2026-12-07T07:00:00+08:00');
const isLesson = (t: string) => t.startsWith('【班前十分钟】') && !t.includes('没能按时推送');

/**
 * Bot processes on one Redis, each with its own clock (a process's clock may step), judging each
 * other's heartbeats by Redis time as in production.
 */
function world() {
  const prefix = newPrefix();
  const sent: { app: number; room: string; text: string }[] = [];
  const apps: { app: App; clock: { t: number; now: () => number } }[] = [];
  const boot = async (n: number, rooms: string[]) => {
    const clock = { t: t0, now: () => clock.t };
    const app = await createApp({
      config: testConfig(), clock, redisUrl: redisUrl(), prefix, log: silentLog, random: seededRandom(n), redisTimeBeats: true,
      onSent: (t, m) => sent.push({ app: n, room: t.label, text: m.kind === 'text' ? m.text : '' }),
    });
    for (const r of rooms) app.world!.addRoom({ topic: r, owner: `${r}班长`, members: [`${r}组员`] });
    apps.push({ app, clock });
    return { app, clock };
  };
  /** Every process runs `ms` of its own time: a tick at each of its minutes, its queue every 5 s. */
  const run = async (ms: number, who = apps) => {
    for (let step = 0; step < ms; step += 5000) {
      for (const { app, clock } of who) {
        if (clock.t % minuteMs === 0) await app.tick();
        await app.pump();
        await app.chat.idle();
        clock.t += 5000;
      }
    }
  };
  const enrol = async (app: App, room: string, time: string) => {
    app.world!.say(`${room}班长`, `报名 demo ${time}`, room);
    await app.chat.idle();
  };
  return { sent, boot, run, enrol, stopAll: () => Promise.all(apps.map((a) => a.app.stop())) };
}

let stop: () => Promise<unknown> = async () => {};
afterEach(() => stop());

describe('a process whose clock steps', () => {
  test('one hour back: nothing is pushed again', async () => {
    const w = world();
    stop = w.stopAll;
    const a = await w.boot(1, ['一班', '二班']);
    const b = await w.boot(2, ['一班', '二班']);
    await w.enrol(a.app, '一班', '07:20');
    await w.enrol(b.app, '二班', '07:30');
    await w.run(35 * minuteMs);
    expect(w.sent.filter((s) => isLesson(s.text)).map((s) => s.room).sort()).toEqual(['一班', '二班']);
    a.clock.t -= 60 * minuteMs;
    await w.run(70 * minuteMs);
    expect(w.sent.filter((s) => isLesson(s.text)).map((s) => s.room).sort()).toEqual(['一班', '二班']);
  });

  test('forward: like downtime, a push within the grace window is sent, one beyond it skipped with the notice', async () => {
    const w = world();
    stop = w.stopAll;
    const a = await w.boot(1, ['一班', '二班']);
    await w.enrol(a.app, '一班', '07:50');
    await w.enrol(a.app, '二班', '07:30');
    await w.run(20 * minuteMs);
    a.clock.t += 55 * minuteMs; // 07:20 -> 08:15: 一班 is 25 minutes late (grace 30), 二班 45
    await w.run(5 * minuteMs);
    const lines = w.sent.filter((s) => s.text.startsWith('【班前十分钟】'));
    expect(lines.filter((s) => isLesson(s.text)).map((s) => s.room)).toEqual(['一班']);
    expect(lines.filter((s) => s.text.includes('没能按时推送')).map((s) => s.room)).toEqual(['二班']);
  });

  test('an hour ahead, it takes over none of the live process\'s claims', async () => {
    const w = world();
    stop = w.stopAll;
    const rooms = Array.from({ length: 12 }, (_, i) => `班组${i + 1}`);
    const a = await w.boot(1, rooms);
    const b = await w.boot(2, rooms);
    for (const r of rooms) await w.enrol(b.app, r, '07:50');
    await w.run(10_000);
    // b claims the wave a minute ahead, then is busy (its queue not pumped): the claims are pending, b alive.
    b.clock.t = Date.parse('2026-12-07T07:48:00+08:00');
    await b.app.tick();
    const gids = (await b.app.store.activeGroups()).map((g) => g.gid);
    const claimedByB = async () => (await Promise.all(gids.map((gid) => b.app.store.getPush(gid, '2026-12-07')))).filter((p) => p?.owner === b.app.bot.deps.owner && p.status === 'claimed').length;
    expect(await claimedByB()).toBeGreaterThan(0);
    const before = await claimedByB();
    a.clock.t = Date.parse('2026-12-07T08:48:00+08:00');
    await a.app.tick();
    await w.run(60_000, [{ app: a.app, clock: a.clock }]);
    expect(await claimedByB()).toBe(before);
    expect(w.sent.filter((s) => s.app === 1 && isLesson(s.text))).toEqual([]);
  });
});
