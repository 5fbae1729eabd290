import { describe, expect, test } from 'vitest';
import { createApp } from '../../src/app/compose.ts';
import { loadScenario } from '../../src/app/scenario.ts';
import { simulate, type SentLine } from '../../src/app/simulate.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { isoInZone } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+08:00`);

describe('the virtual clock skips minutes in which nothing can happen', () => {
  test('a week of one group ticks only around its lessons, quizzes and the daily archive, report and repetition times', async () => {
    let t = at('2026-12-07', '07:00'); // a Monday
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const sent: string[] = [];
    const app = await createApp({ config: testConfig(), clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog, onSent: (_t, m, when) => sent.push(`${isoInZone(when, 'Asia/Shanghai').slice(0, 16)} ${m.kind === 'text' ? m.text.split('\n')[0] : m.kind}`) });
    const ticks: string[] = [];
    const tick = app.tick;
    app.tick = () => (ticks.push(isoInZone(clock.now(), 'Asia/Shanghai').slice(0, 16)), tick());
    try {
      const world = app.world!;
      world.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明'] });
      world.say('张班长', '报名 demo 07:50', '总装车间一班');
      await app.chat.idle();
      await runVirtual(app, clock, at('2026-12-14', '07:00'));

      // Every work day's lesson went out by 07:50 and its quiz closed with a summary, as an every-minute run does.
      const lessons = sent.filter((l) => l.includes('【班前十分钟】'));
      expect(lessons.map((l) => l.slice(0, 10))).toEqual(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11']);
      for (const l of lessons) expect(l.slice(11, 16) <= '07:50').toBe(true);
      expect(sent.filter((l) => l.startsWith('【小测揭晓】', 17)).length).toBe(5);

      // A week has 10,080 minutes; most of them are skipped.
      expect(ticks.length).toBeLessThan(400);
      // The weekend has no lesson and no open quiz: only the archive's time, the group's time coming into view (the
      // due index holds times, not days), the officers' report time and the repetition time wake it.
      expect(ticks.filter((m) => m.startsWith('2026-12-12'))).toEqual(['2026-12-12T03:00', '2026-12-12T07:05', '2026-12-12T08:30', '2026-12-12T12:00']);
      // On a lesson day, after the archive's run, the next tick is when its lesson comes into view, 45 minutes before its time.
      expect(ticks.filter((m) => m.startsWith('2026-12-11')).slice(0, 2)).toEqual(['2026-12-11T03:00', '2026-12-11T07:05']);
    } finally {
      await app.stop();
    }
  });

  test('a scenario run with skipped minutes sends exactly what it sends ticking every minute', async () => {
    const scenario = loadScenario('tests/scenarios/restart.yaml');
    const run = async (everyMinute: boolean) => {
      const lines: SentLine[] = [];
      const { ticks } = await simulate(scenario, { config: testConfig(), redisUrl: redisUrl(), log: silentLog, everyMinute, onLine: (l) => lines.push(l) });
      return { lines, ticks };
    };
    const everyMinute = await run(true);
    const skipping = await run(false);
    expect(everyMinute.lines.length).toBeGreaterThan(5);
    expect(skipping.lines).toEqual(everyMinute.lines);
    expect(skipping.ticks).toBeLessThan(everyMinute.ticks / 5);
  }, 60_000);
});
