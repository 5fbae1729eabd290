import { afterEach, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { DemoClock, demoRooms } from '../../src/app/demo.ts';
import { wecomDemo } from '../../src/app/sim/wecomDemo.ts';
import { openStats } from '../../src/app/stats.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import type { SimEvent } from '../../src/adapters/web/chatPage.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Waits (in real time) until the bot's side of the simulated WeCom shows what the test is waiting for. */
async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('on WeCom a leader enrols with the union\'s code, workers answer by tapping, and the officers\' figures name them from the imported roster', async () => {
  const config = testConfig((c) => (c.channel.type = 'wecom-sim'));
  const prefix = newPrefix();
  const demo = await wecomDemo(config, demoRooms);
  cleanup.push(() => demo.close());
  const clock = new DemoClock();
  clock.set(Date.parse('2026-12-07T07:00:00+08:00'));
  const app: App = await createApp({ config: demo.config, clock, redisUrl: redisUrl(), prefix, log: silentLog, channel: demo.factory });
  cleanup.push(() => app.stop());
  const people = demo.people(clock, config.timezone);
  const seen: SimEvent[] = [];
  people.watch((e) => void seen.push(e));
  const fromBot = (text: string) => seen.find((e) => e.self && e.text.includes(text));
  /** Lets the robot's frames cross the local WebSocket, then runs the next half minute of the bot. */
  const step = async (ms = 30_000) => {
    await new Promise((r) => setTimeout(r, 200));
    await app.chat.idle();
    await runVirtual(app, clock, clock.now() + ms);
  };

  // The union officer imports the roster (WeCom ids → names) and issues a one-time code for the team.
  const officer = openStats(config, redisUrl(), prefix);
  cleanup.push(() => officer.close());
  await officer.roster.replace([
    { id: 'u2', name: '李小明', team },
    { id: 'u3', name: '王芳芳', team },
  ]);
  const { code } = await officer.roster.issue(team, clock.now());

  // 李明 (u2) is neither the group's owner nor a configured leader: the code makes him the leader.
  people.say('李明', `@班前小助手 报名 demo 07:50 ${code}`, '总装车间一班');
  await step();
  expect((await until(() => fromBot('已报名'), 'the enrolment reply')).text).toContain(`已归属：${team}；李小明 已成为本群班长。`);
  people.say('李明', '@班前小助手 立即推送', '总装车间一班');
  await step(minuteMs);
  const card = await until(() => seen.find((e) => e.card)?.card, 'the quiz card');

  // 王芳 (u3) taps B on the card; the tap is recorded as her answer.
  people.tap!('王芳', '总装车间一班', card.taskId, [card.options[1].id]);
  await step(121 * minuteMs);
  const summary = await until(() => fromBot('【小测揭晓】'), 'the summary');
  // Expected participants come from the roster of the team; the first right answer is named from it.
  expect(summary.text).toContain('参与：1/2 人（50%，按花名册）');
  expect(summary.text).toContain('最先全对：王芳芳');

  const report = await officer.stats.report(officer.stats.org.root, '2026-12-07', '2026-12-07');
  expect(report.teams).toMatchObject([{ room: '总装车间一班', team, lessons: 1, expected: 2, answered: 1, correct: 1 }]);
  expect(report.workers.map((w) => w.name)).toEqual(['王芳芳']);
}, 60_000);
