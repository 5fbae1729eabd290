import { describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { brief, runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const lessonsOf = (lines: { text: string; room: string | null }[]) => lines.filter((l) => l.text.startsWith('【班前十分钟】')).map((l) => l.room);

describe('scheduling survives reality', () => {
  test('a restart within the grace window catches up the missed push; beyond it the day is skipped', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-08T12:00:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [李明]}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:40:00+08:00", offline_until: "2026-12-07T08:10:00+08:00"}
  - {at: "2026-12-08T07:40:00+08:00", offline_until: "2026-12-08T08:30:00+08:00"}
`);
    expect(brief(lines).slice(1)).toEqual([
      '12-07T08:10 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者',
      '12-07T09:40 总装车间一班: 还有 2 位工友没作答，还剩 30 分钟',
      '12-07T09:40 →张班长: 【答题提醒】总装车间一班：还剩 30 分钟，还有 2 位没作答：张班长、李明',
      '12-07T10:10 总装车间一班: 【小测揭晓】《第一课》',
      '12-08T08:30 总装车间一班: 【班前十分钟】12月8日（周二） 07:50 的课因系统停机没能按时推送。班长或群主发送“立即推送”即可补发今天的课。',
    ]);
  });

  test('days before a group enrolled, resumed or changed its time are not missed pushes: nothing is logged, the next lesson comes next', async () => {
    const warnings: string[] = [];
    const log = { ...silentLog, info: () => {}, error: () => {}, warn: (_o: object | string, msg?: string) => void warnings.push(String(msg)) };
    const lines = await runScenario(
      `
start: "2026-12-07T09:00:00+08:00"
until: "2026-12-14T07:00:00+08:00"
rooms:
  - {topic: 一班, owner: 张班长, members: [李明]}
events:
  - {at: "2026-12-07T09:05:00+08:00", room: 一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-08T12:00:00+08:00", room: 一班, from: 张班长, text: "暂停"}
  - {at: "2026-12-10T12:00:00+08:00", room: 一班, from: 张班长, text: "恢复"}
  - {at: "2026-12-11T07:00:00+08:00", room: 一班, from: 张班长, text: "时间 06:00"}
`,
      { log },
    );
    expect(lines.filter((l) => l.text.startsWith('【班前十分钟】')).map((l) => l.at)).toEqual(['2026-12-08T07:49:52+08:00', '2026-12-14T05:59:52+08:00']);
    expect(lines[1].text).toMatch(/^【班前十分钟】测试课程 第 1 课/);
    // The only warning is the start-up one about 2027's missing holiday data.
    expect(warnings.filter((w) => !w.startsWith('no public holiday data'))).toEqual([]);
  });

  test('a wave of groups at one minute is spread at the account\'s pace and starts early to arrive on time', async () => {
    const rooms = Array.from({ length: 12 }, (_, i) => `  - {topic: 班组${i + 1}, owner: 班长${i + 1}, members: [组员${i + 1}]}`).join('\n');
    const events = Array.from({ length: 12 }, (_, i) => `  - {at: "2026-12-07T07:${String(10 + i).padStart(2, '0')}:00+08:00", room: 班组${i + 1}, from: 班长${i + 1}, text: "报名 demo 07:50"}`).join('\n');
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T08:00:00+08:00"
rooms:
${rooms}
events:
${events}
`);
    const sends = lines.filter((l) => l.text.startsWith('【班前十分钟】')).map((l) => Date.parse(l.at));
    expect(sends).toHaveLength(12);
    const gaps = sends.slice(1).map((t, i) => t - sends[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3000); // never faster than 20 messages a minute
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8000 + 1000); // 3–8 s between rooms, rounded to the second
    expect(Math.max(...sends)).toBeLessThanOrEqual(Date.parse('2026-12-07T07:50:00+08:00')); // all in by 07:50
    expect(Math.min(...sends)).toBeGreaterThanOrEqual(Date.parse('2026-12-07T07:48:00+08:00')); // and not absurdly early
    // Enrolling the 12th group at the same minute warns the leader about the account's capacity.
    const lastConfirm = lines.find((l) => l.room === '班组12' && l.text.startsWith('已报名'))!;
    expect(lastConfirm.text).toMatch(/提示：07:50 这一波本号共有 12 个群，每分钟约能发 7 个群，将提前约 2 分钟开始发送，都能按时送到。/);
  });
});

/** Two bot processes on one Redis, on one virtual clock, each with its own simulated WeChat. */
async function twoInstances(prefix: string, t0: number) {
  const clock = { t: t0, now: () => clock.t };
  const sent: { app: number; room: string; text: string }[] = [];
  const boot = async (n: number) => {
    const app = await createApp({
      config: testConfig(), clock, redisUrl: redisUrl(), prefix, log: silentLog, random: seededRandom(n),
      onSent: (t, m) => sent.push({ app: n, room: t.label, text: m.kind === 'text' ? m.text : '' }),
    });
    for (let i = 1; i <= 3; i++) app.world!.addRoom({ topic: `班组${i}`, owner: `班长${i}`, members: [`组员${i}`] });
    return app;
  };
  return { clock, sent, boot };
}

/** One instance with 班组1 enrolled and today's lesson just sent (its quiz open). */
async function pushedToday() {
  const { clock, sent, boot } = await twoInstances(newPrefix(), Date.parse('2026-12-07T07:00:00+08:00'));
  const app = await boot(1);
  app.world!.say('班长1', '报名 demo 07:50', '班组1');
  await app.chat.idle();
  app.world!.say('班长1', '立即推送', '班组1');
  await app.chat.idle();
  await runFor([app], clock, 20_000);
  return { app, clock, sent };
}

async function runFor(apps: App[], clock: { t: number }, ms: number) {
  const end = clock.t + ms;
  while (clock.t < end) {
    await Promise.all(apps.map((a) => a.pump()));
    await Promise.all(apps.map((a) => a.chat.idle()));
    clock.t += 1000;
  }
}

describe('message order', () => {
  test('messages of one chat are handled in order: "报名" then "立即推送" right after it both work', async () => {
    const { clock, sent, boot } = await twoInstances(newPrefix(), Date.parse('2026-12-07T07:00:00+08:00'));
    const app = await boot(1);
    try {
      for (let i = 1; i <= 3; i++) {
        app.world!.say(`班长${i}`, '报名 demo 07:50', `班组${i}`);
        app.world!.say(`班长${i}`, '立即推送', `班组${i}`);
      }
      await app.chat.idle();
      await runFor([app], clock, 60_000);
      expect(lessonsOf(sent.map((s) => ({ text: s.text, room: s.room }))).sort()).toEqual(['班组1', '班组2', '班组3']);
    } finally {
      await app.stop();
    }
  });
});

describe('ticks', () => {
  test('a tick asked for during a running pass gets its own pass, so a clock jump is never missed', async () => {
    const { app, clock, sent } = await pushedToday();
    try {
      // Hold the first pass right after it looked for quizzes to close (none due yet)…
      const original = app.store.openQuizzes.bind(app.store);
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      let looked = false;
      app.store.openQuizzes = async (now) => {
        const due = await original(now);
        if (!looked) {
          looked = true;
          await gate;
        }
        return due;
      };
      const running = app.tick();
      while (!looked) await new Promise((r) => setTimeout(r, 5));
      clock.t += 3 * 60 * minuteMs; // …then the demo fast-forwards past the close and asks for a tick
      const asked = app.tick();
      release();
      await Promise.all([running, asked]);
      await runFor([app], clock, 5_000);
      expect(sent.filter((s) => s.text.startsWith('【小测揭晓】')).map((s) => s.room)).toEqual(['班组1']);
    } finally {
      await app.stop();
    }
  });
});

describe('closing a quiz', () => {
  test('a failure between closing and counting the rollup is repaired by the next tick; the summary is posted once', async () => {
    const { app, clock, sent } = await pushedToday();
    try {
      app.world!.say('组员1', 'B', '班组1');
      await app.chat.idle();
      clock.t += 3 * 60 * minuteMs;
      const sync = app.store.syncRollup.bind(app.store);
      app.store.syncRollup = async () => {
        throw new Error('process died here');
      };
      await app.tick(); // closes the quiz, then fails before the rollup
      app.store.syncRollup = sync;
      clock.t += minuteMs;
      await app.tick();
      await runFor([app], clock, 10_000);
      // The summary was in the durable outbox before the failure: posted once, not lost, not doubled.
      expect(sent.filter((s) => s.text.startsWith('【小测揭晓】'))).toHaveLength(1);
      const [rollup] = await app.store.rollups('江都区总工会', ['2026-12-07'], ['lessons', 'answered']);
      expect(rollup).toEqual({ lessons: 1, answered: 1 });
      expect(await app.store.openQuizzes(clock.t)).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('when the chat platform cannot list a room', () => {
  test('the quiz still closes, with the group\'s known answerers as the expected count', async () => {
    const { app, clock, sent } = await pushedToday();
    try {
      app.world!.say('组员1', 'B', '班组1');
      await app.chat.idle();
      app.chat.members = async () => {
        throw new Error('puppet offline');
      };
      clock.t += 3 * 60 * minuteMs;
      await app.tick();
      await runFor([app], clock, 5_000);
      expect(sent.find((s) => s.text.startsWith('【小测揭晓】'))!.text).toContain('参与：1/1 人（100%，按答过题的人）');
    } finally {
      await app.stop();
    }
  });
});

describe('exactly one push per (group, day)', () => {
  test('two instances ticking together send each lesson once', async () => {
    const { clock, sent, boot } = await twoInstances(newPrefix(), Date.parse('2026-12-07T07:00:00+08:00'));
    const [a, b] = [await boot(1), await boot(2)];
    try {
      for (let i = 1; i <= 3; i++) a.world!.say(`班长${i}`, '报名 demo 07:50', `班组${i}`);
      await a.chat.idle();
      clock.t = Date.parse('2026-12-07T07:50:00+08:00');
      for (let round = 0; round < 3; round++) {
        await Promise.all([a.tick(), b.tick()]);
        await runFor([a, b], clock, 60_000);
      }
      const lessons = sent.filter((s) => s.text.startsWith('【班前十分钟】'));
      expect(lessons.map((s) => s.room).sort()).toEqual(['班组1', '班组2', '班组3']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('after kill -9 mid-wave, a new instance sends the claims the dead one never started, and nothing twice', async () => {
    const { clock, sent, boot } = await twoInstances(newPrefix(), Date.parse('2026-12-07T07:00:00+08:00'));
    const a = await boot(1);
    for (let i = 1; i <= 3; i++) a.world!.say(`班长${i}`, '报名 demo 07:50', `班组${i}`);
    await a.chat.idle();
    await runFor([a], clock, 30_000); // enrolment confirmations go out
    clock.t = Date.parse('2026-12-07T07:50:00+08:00');
    await a.tick(); // claims all three
    await a.pump(); // sends the first lesson only: the queue waits before the next room
    await a.stop(); // dies: the other two claims are left in Redis, unsent
    expect(lessonsOf(sent.map((s) => ({ text: s.text, room: s.room })))).toEqual(['班组1']);

    clock.t += 4 * minuteMs;
    const b = await boot(2);
    try {
      await b.tick();
      await runFor([b], clock, 60_000);
      await b.tick();
      await runFor([b], clock, 60_000);
      expect(lessonsOf(sent.map((s) => ({ text: s.text, room: s.room }))).sort()).toEqual(['班组1', '班组2', '班组3']);
      expect(sent.filter((s) => s.app === 2 && s.text.startsWith('【班前十分钟】')).map((s) => s.room).sort()).toEqual(['班组2', '班组3']);
    } finally {
      await b.stop();
    }
  });
});
