import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { DemoClock, simControl } from '../../src/app/demo.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import type { Config } from '../../src/config/config.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { brief, fixtureLessons, runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const t0 = Date.parse('2026-12-07T07:00:00+08:00');
const isLesson = (t: string) => t.startsWith('【班前十分钟】测试课程');
const isSummary = (t: string) => t.startsWith('【小测揭晓】');

/** A copy of the fixture library the test may break, edit or extend. */
function lessonCopy(): { dir: string; config: Config } {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-durable-'));
  cpSync(fixtureLessons, dir, { recursive: true });
  return { dir, config: testConfig((c) => (c.lessonsDir = dir)) };
}

/** Bot processes on one Redis and one virtual clock; `sent` records what every one of them sent. */
function world(config: Config) {
  const prefix = newPrefix();
  const clock = { t: t0, now: () => clock.t };
  const sent: { app: number; room: string; text: string; kind: string }[] = [];
  const apps: App[] = [];
  const boot = async (n: number) => {
    const app = await createApp({
      config, clock, redisUrl: redisUrl(), prefix, log: silentLog, random: seededRandom(n),
      onSent: (t, m) => sent.push({ app: n, room: t.label, kind: m.kind, text: m.kind === 'text' ? m.text : m.kind === 'link' ? m.title : '' }),
    });
    app.world!.addRoom({ topic: '一班', owner: '张班长', members: ['李明', '王芳'] });
    apps.push(app);
    return app;
  };
  const run = async (app: App, ms: number) => {
    for (const end = clock.t + ms; clock.t < end; clock.t += 1000) {
      await app.pump();
      await app.chat.idle();
    }
  };
  const say = async (app: App, from: string, text: string) => {
    app.world!.say(from, text, '一班');
    await app.chat.idle();
  };
  /** 一班 enrols and its leader pushes today's lesson at once; the quiz is open after this. */
  const pushNow = async (app: App) => {
    await say(app, '张班长', '报名 demo 07:50');
    await say(app, '张班长', '立即推送');
    await run(app, 20_000);
  };
  return { clock, sent, boot, run, say, pushNow, stopAll: () => Promise.all(apps.map((a) => a.stop())) };
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('a push keeps the lesson as it was sent', () => {
  test('breaking, then editing the lesson file mid-quiz changes nothing: answers count against what was sent, the summary is posted', async () => {
    const { dir, config } = lessonCopy();
    const w = world(config);
    cleanup.push(w.stopAll, async () => rmSync(dir, { recursive: true, force: true }));
    const app = await w.boot(1);
    await w.pushNow(app);
    expect(w.sent.filter((s) => isLesson(s.text))).toHaveLength(1);

    // A YAML slip while fixing a typo: the lesson disappears from the live library.
    writeFileSync(join(dir, 'demo/001-one.yaml'), 'id: demo-001\ntitle: [broken\n');
    await app.tick();
    await w.say(app, '李明', 'B');
    // Fixed, but with another key, another title and a renamed id: the open quiz still uses what was sent.
    writeFileSync(join(dir, 'demo/001-one.yaml'), 'id: demo-001-new\ntitle: 改过的第一课\nkind: expert\nbody: 改过。\nquiz:\n  - question: 改过的问题？\n    options: [甲, 乙, 丙]\n    answer: C\n    explain: 改过。\n');
    await app.tick();
    await w.say(app, '王芳', 'B');

    w.clock.t += 2 * 60 * minuteMs + minuteMs;
    await app.tick();
    await w.run(app, 20_000);
    const summaries = w.sent.filter((s) => isSummary(s.text));
    expect(summaries).toHaveLength(1);
    expect(summaries[0].text).toContain('【小测揭晓】《第一课》');
    expect(summaries[0].text).toContain('正确答案：B. 断电上锁');
    expect(summaries[0].text).toContain('参与：2/3 人（67%，按群成员），全部答对 2 人。');
  });

  test('the lesson page and the stats read the snapshot, even after the file is gone', async () => {
    const { dir, config } = lessonCopy();
    const w = world(config);
    cleanup.push(w.stopAll, async () => rmSync(dir, { recursive: true, force: true }));
    const app = await w.boot(1);
    await w.pushNow(app);
    await w.say(app, '李明', 'C');
    rmSync(join(dir, 'demo/001-one.yaml'));
    w.clock.t += 2 * 60 * minuteMs + minuteMs;
    await app.tick();
    const { Stats } = await import('../../src/core/stats.ts');
    const stats = new Stats(app.store, app.bot.deps.org, config.points);
    const g = (await app.store.getGroup((await app.store.teamBindings())[0].gid))!;
    const page = await stats.lessonPage(g, '2026-12-07');
    expect(page?.lesson.title).toBe('第一课');
    expect(page?.questions[0].options.map((o) => [o.letter, o.count, o.correct])).toEqual([['A', 0, false], ['B', 0, true], ['C', 1, false]]);
    const report = await stats.report(stats.org.root, '2026-12-07', '2026-12-07');
    expect(report.lessons.map((l) => [l.lessonId, l.title, l.answered])).toEqual([['demo-001', '第一课', 1]]);
  });
});

describe('a push killed in the middle of sending is finished, not abandoned', () => {
  test('after kill -9 between a lesson\'s messages, another instance sends only the rest; the quiz opens and closes once', async () => {
    const { dir, config } = lessonCopy();
    // A lesson with a link goes out as two messages: text, then the link card.
    writeFileSync(join(dir, 'demo/001-one.yaml'), 'id: demo-001\ntitle: 第一课\nkind: online\nbody: 检修前先断电，再上锁挂牌。\nlink: {title: 原文链接, url: "https://www.gov.cn/"}\nquiz:\n  - question: 检修前先做什么？\n    options: [直接干, 断电上锁, 喊一声]\n    answer: B\n    explain: 先断电上锁。\n');
    const w = world(config);
    cleanup.push(w.stopAll, async () => rmSync(dir, { recursive: true, force: true }));
    const a = await w.boot(1);
    await w.say(a, '张班长', '报名 demo 07:50');
    await w.run(a, 10_000);
    await w.say(a, '张班长', '立即推送');
    await a.pump(); // the text goes out; the link waits for the account's pace…
    await a.stop(); // …and the process dies
    expect(w.sent.filter((s) => s.app === 1).map((s) => s.kind)).toEqual(['text', 'text']);

    w.clock.t += 4 * minuteMs; // the dead instance's heartbeat is old now
    const b = await w.boot(2);
    await b.tick();
    await w.run(b, 30_000);
    expect(w.sent.filter((s) => s.app === 2).map((s) => [s.kind, s.text])).toEqual([['link', '原文链接']]);
    await w.say(b, '李明', 'B');
    w.clock.t += 2 * 60 * minuteMs + minuteMs;
    await b.tick();
    await w.run(b, 20_000);
    await b.tick();
    expect(w.sent.filter((s) => isLesson(s.text))).toHaveLength(1);
    const summaries = w.sent.filter((s) => isSummary(s.text));
    expect(summaries).toHaveLength(1);
    expect(summaries[0].text).toContain('参与：1/3 人');
  });

  test('a summary queued when the process dies is posted after the restart, once', async () => {
    const w = world(testConfig());
    cleanup.push(w.stopAll);
    const a = await w.boot(1);
    await w.pushNow(a);
    await w.say(a, '李明', 'B');
    w.clock.t += 2 * 60 * minuteMs + minuteMs;
    await a.tick(); // closes the quiz and queues the summary…
    await a.stop(); // …killed before it went out
    expect(w.sent.filter((s) => isSummary(s.text))).toHaveLength(0);

    const b = await w.boot(2);
    await b.tick();
    await w.run(b, 20_000);
    await b.tick();
    await w.run(b, 20_000);
    expect(w.sent.filter((s) => isSummary(s.text)).map((s) => s.app)).toEqual([2]);
  });
});

describe('a skipped day can be recovered', () => {
  test('after downtime beyond the grace window the group is told once, 统计 shows the day as skipped, and 立即推送 sends today\'s lesson', async () => {
    const { dir, config } = lessonCopy();
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    // A second track, so 统计 can name what else there is.
    cpSync(join(dir, 'demo'), join(dir, 'rights'), { recursive: true });
    writeFileSync(join(dir, 'rights/track.yaml'), 'id: rights\ntitle: 职工权益\n');
    for (const f of ['001-one', '002-two', '003-multi']) {
      const file = join(dir, `rights/${f}.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: demo-/m, 'id: rights-'));
    }
    const lines = await runScenario(
      `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T12:00:00+08:00"
rooms:
  - {topic: 一班, owner: 张班长, members: [李明]}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:40:00+08:00", offline_until: "2026-12-07T08:30:00+08:00"}
  - {at: "2026-12-07T08:35:00+08:00", offline_until: "2026-12-07T08:36:00+08:00"}
  - {at: "2026-12-07T08:38:00+08:00", room: 一班, from: 张班长, text: "统计"}
  - {at: "2026-12-07T08:40:00+08:00", room: 一班, from: 张班长, text: "立即推送"}
  - {at: "2026-12-07T08:41:00+08:00", room: 一班, from: 李明, text: "B"}
`,
      { config },
    );
    expect(brief(lines).slice(1)).toEqual([
      '12-07T08:30 一班: 【班前十分钟】12月7日（周一） 07:50 的课因系统停机没能按时推送。班长或群主发送“立即推送”即可补发今天的课。',
      '12-07T08:38 一班: 【本周参与】一班',
      '12-07T08:40 一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者',
      '12-07T09:10 一班: 已有 1 人作答，还没答的工友抓紧时间，截止后公布答案。', // 30 min after the push
      '12-07T10:10 一班: 还有 1 位工友没作答，还剩 30 分钟',
      '12-07T10:10 →张班长: 【答题提醒】一班：还剩 30 分钟，还有 1 位没作答：张班长',
      '12-07T10:40 一班: 【小测揭晓】《第一课》',
    ]);
    expect(lines[2].text).toBe(
      ['【本周参与】一班', '应参与：2 人（按群成员）', '12月7日（周一）：未推送（系统停机错过），发送“立即推送”可补发', '课程：测试课程，第 1 轮，已学 0 课。', '其他课程：职工权益（rights），发送“报名 课程 07:50”可更换，进度都保留。'].join('\n'),
    );
  });
});

describe('quiz.ackEveryMinutes', () => {
  test('"已有 N 人作答" waits while lessons are still going out, and comes only after new answers', async () => {
    const w = world(testConfig());
    cleanup.push(w.stopAll);
    const app = await w.boot(1);
    await w.pushNow(app);
    await w.say(app, '李明', 'B');
    // Another group's lesson is still waiting to go out (the morning wave).
    app.queue.enqueue({ target: { kind: 'room', id: 'other@chatroom', label: '二班' }, messages: [{ kind: 'text', text: '【班前十分钟】二班的课' }], priority: 'lesson', notBefore: w.clock.t + 40 * minuteMs });
    const acks = () => w.sent.filter((s) => s.text.startsWith('已有')).map((s) => s.text);
    w.clock.t += 31 * minuteMs;
    await app.tick();
    await w.run(app, 5_000);
    expect(acks()).toEqual([]);
    w.clock.t += 10 * minuteMs;
    await w.run(app, 5_000); // the wave is out
    await app.tick();
    await w.run(app, 5_000);
    expect(acks()).toEqual(['已有 1 人作答，还没答的工友抓紧时间，截止后公布答案。']);
    w.clock.t += 31 * minuteMs; // no new answers since: nothing more
    await app.tick();
    await w.run(app, 5_000);
    expect(acks()).toHaveLength(1);
  });
});

describe('the simulator\'s fast-forward', () => {
  test('"快进 1 天" across a push time runs every minute in between: the lesson and the summary go out', async () => {
    const clock = new DemoClock();
    clock.set(t0);
    const sent: string[] = [];
    const app = await createApp({ config: testConfig(), clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog, onSent: (_t, m) => sent.push(m.kind === 'text' ? m.text : '') });
    cleanup.push(() => app.stop());
    app.world!.addRoom({ topic: '一班', owner: '张班长', members: ['李明'] });
    const sim = simControl(app, clock, 'Asia/Shanghai', () => {});
    sim.say('张班长', '报名 demo 07:50', '一班');
    await app.chat.idle();
    await sim.advance(24 * 60);
    expect(sent.filter(isLesson).map((t) => t.split('\n')[1])).toEqual(['《第一课》']);
    expect(sent.filter(isSummary)).toHaveLength(1);
    expect(sim.now()).toMatch(/^2026-12-08T07:0/);
  });
});
