import { describe, expect, test } from 'vitest';
import type { SentLine } from '../../src/app/simulate.ts';
import { createApp } from '../../src/app/compose.ts';
import { DemoClock, simControl } from '../../src/app/demo.ts';
import type { SimEvent } from '../../src/adapters/web/chatPage.ts';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { commandsDuring, newPrefix, redisTest, redisUrl } from '../helpers/redis.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { brief, runScenario, silentLog, testConfig } from '../helpers/sim.ts';
import { parseCommand } from '../../src/core/bot/commands.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));
const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 孙伟, 周丽]
`;
const say = (hhmm: string, from: string, text: string, day = '07') => `  - {at: "2026-12-${day}T${hhmm}:00+08:00", room: 总装车间一班, from: ${from}, text: "${text}"}`;
/** Enrolled at 07:00 for 07:50 with the default 120-minute window: the quiz closes at 09:50. */
const scenario = (events: string[], until = '2026-12-07T12:00') =>
  `start: "2026-12-07T06:59:00+08:00"\nuntil: "${until}:00+08:00"\n${room}events:\n${[say('07:00', '张班长', '报名 demo 07:50'), ...events].join('\n')}\n`;
/** Two of the room's five people (the owner counts) answer. */
const twoAnswer = [say('08:00', '李明', 'B'), say('08:01', '王芳', 'A')];

const reminders = (lines: SentLine[]) => brief(lines).filter((l) => l.includes('位工友没作答'));
const privately = (lines: SentLine[]) => lines.filter((l) => l.to !== null);
const inGroup = (lines: SentLine[]) => lines.filter((l) => l.room !== null);

describe('the reminder before the close', () => {
  redisTest('comes once, the set time before the close, with how many have not answered; names only privately, to each leader', async ({ prefix }) => {
    const lines = await runScenario(scenario([say('07:02', '张班长', '班长 添加 @王芳'), ...twoAnswer]), { config, prefix });
    expect(reminders(lines)).toEqual(['12-07T09:20 总装车间一班: 还有 3 位工友没作答，还剩 30 分钟']);
    const names = privately(lines).filter((l) => l.text.startsWith('【答题提醒】'));
    expect(names.map((l) => l.to).sort()).toEqual(['张班长', '王芳']);
    for (const l of names) expect(l.text).toContain('还有 3 位没作答：张班长、孙伟、周丽');
    // Nobody who hasn't answered is named in the group, by the reminder or anything else.
    expect(inGroup(lines).filter((l) => /孙伟|周丽/.test(l.text))).toEqual([]);
    // It took one message of the group's daily cap, once: a second would not fit in a cap of 1, it fits in 2.
    const redis = connectRedis(redisUrl());
    try {
      const store = new RedisStore(redis, { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
      const [g] = await store.activeGroups();
      expect(await store.spendBudget(g.gid, '2026-12-07', 1)).toBe(false);
      expect(await store.spendBudget(g.gid, '2026-12-07', 2)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  test('says nothing when everyone has answered', async () => {
    const all = ['张班长', '李明', '王芳', '孙伟', '周丽'].map((p, i) => say(`08:0${i}`, p, 'B'));
    const lines = await runScenario(scenario(all), { config });
    expect(reminders(lines)).toEqual([]);
    expect(privately(lines)).toEqual([]);
  });

  test('提醒 45 moves it, 提醒 关 stops it, 提醒 开 brings it back with the same lead', async () => {
    const lines = await runScenario(
      scenario(
        [
          say('07:01', '张班长', '提醒 45'),
          ...twoAnswer,
          say('07:00', '张班长', '提醒 关', '08'),
          say('07:00', '张班长', '提醒 开', '09'),
          say('07:01', '张班长', '提醒 200', '09'),
        ],
        '2026-12-09T12:00',
      ),
      { config },
    );
    expect(brief(lines).filter((l) => /提醒/.test(l) && !l.includes('→'))).toEqual([
      '12-07T07:01 总装车间一班: 好的，答题截止前 45 分钟在群里提醒还有几人没作答（不点名），每课一次。没作答的名单私聊发给班长。',
      '12-08T07:00 总装车间一班: 已关闭答题提醒。发送“提醒 开”可恢复。',
      '12-09T07:00 总装车间一班: 好的，答题截止前 45 分钟在群里提醒还有几人没作答（不点名），每课一次。没作答的名单私聊发给班长。',
      '12-09T07:01 总装车间一班: 提醒时间请填 5 分钟以上、比本群答题时长（120 分钟）短的分钟数。用法：提醒 30（答题截止前 30 分钟在群里提醒）· 提醒 关 · 提醒 开',
    ]);
    // Nobody answers on the 8th and 9th: five are missing, but only the 7th and the 9th are reminded.
    expect(reminders(lines)).toEqual(['12-07T09:05 总装车间一班: 还有 3 位工友没作答，还剩 45 分钟', '12-09T09:05 总装车间一班: 还有 5 位工友没作答，还剩 45 分钟']);
  });

  test('an org that switched reminders off gets none, and its leaders cannot turn them on', async () => {
    const off = testConfig((c) => {
      c.orgFile = 'config/org.yaml';
      c.engagement.off = { '江都区总工会/江都机械有限公司': ['reminder'] };
    });
    const lines = await runScenario(scenario([say('07:01', '张班长', '班组 总装车间一班'), say('07:02', '张班长', '提醒 开'), ...twoAnswer]), { config: off });
    expect(brief(lines)).toContain('12-07T07:02 总装车间一班: 工会已在本单位关闭答题提醒，班长不能单独开启。');
    expect(reminders(lines)).toEqual([]);
    expect(privately(lines)).toEqual([]);
  });

  test('stays within the daily cap of engagement messages', async () => {
    const capped = testConfig((c) => {
      c.orgFile = 'config/org.yaml';
      c.engagement.dailyCap = 0;
    });
    const lines = await runScenario(scenario(twoAnswer), { config: capped });
    expect(reminders(lines)).toEqual([]);
  });

  test('where the channel cannot message privately: 提醒 says so, the group still hears the count, nobody is named anywhere', async () => {
    const lines = await runScenario(scenario([say('07:01', '张班长', '提醒 30'), ...twoAnswer]), { config, caps: { privateMessages: false } });
    expect(brief(lines)).toContain(
      '12-07T07:01 总装车间一班: 好的，答题截止前 30 分钟在群里提醒还有几人没作答（不点名），每课一次。本平台的机器人不能私聊，名单不会私发给班长（也不会在群里点名），可随时在群里发送“统计”查看。',
    );
    expect(reminders(lines)).toEqual(['12-07T09:20 总装车间一班: 还有 3 位工友没作答，还剩 30 分钟']);
    expect(privately(lines)).toEqual([]);
    expect(lines.filter((l) => /孙伟|周丽/.test(l.text))).toEqual([]);
  });
});

describe('the reminders index', () => {
  test('提醒 while the quiz is open moves today\'s reminder, earlier or later', async () => {
    const earlier = await runScenario(scenario([...twoAnswer, say('08:30', '张班长', '提醒 60')]), { config });
    expect(reminders(earlier)).toEqual(['12-07T08:50 总装车间一班: 还有 3 位工友没作答，还剩 60 分钟']);
    const later = await runScenario(scenario([...twoAnswer, say('08:30', '张班长', '提醒 20')]), { config });
    expect(reminders(later)).toEqual(['12-07T09:30 总装车间一班: 还有 3 位工友没作答，还剩 20 分钟']);
  });

  test('a pass reads only the reminders and acknowledgements due, not every open quiz; after a restart, open quizzes are picked up again', async () => {
    let t = Date.parse('2026-12-07T07:00:00+08:00');
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const prefix = newPrefix();
    const options = { config: testConfig((c) => ((c.orgFile = 'config/org.yaml'), (c.quiz.ackEveryMinutes = 30))), clock, redisUrl: redisUrl(), prefix, log: silentLog };
    let app = await createApp(options);
    try {
      app.world!.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明', '王芳'] });
      app.world!.say('张班长', '报名 demo 07:50', '总装车间一班');
      await app.chat.idle();
      await runVirtual(app, clock, Date.parse('2026-12-07T08:30:00+08:00'));
      const [g] = await app.store.activeGroups();
      const pushKey = app.store.keys.push(g.gid, '2026-12-07');
      expect((await app.store.getPush(g.gid, '2026-12-07'))?.status).toBe('sent');
      // 08:31: the quiz is open, nobody has answered and its reminder is due at 09:20: a pass does not read it.
      clock.set(Date.parse('2026-12-07T08:31:00+08:00'));
      const reads = await commandsDuring(prefix, () => app.tick());
      expect(reads.filter(([, key]) => key === pushKey)).toEqual([]);
      // An answer (an acknowledgement is due at once: the window opened over 30 minutes ago), then the bot stops
      // before its next pass, and the reminders index is lost as after an upgrade.
      clock.set(Date.parse('2026-12-07T08:32:00+08:00'));
      app.world!.say('李明', 'B', '总装车间一班');
      await app.chat.idle();
      await app.store.redis.del(app.store.keys.reminders);
      await app.stop();
      app = await createApp(options);
      expect(await app.store.getPush(g.gid, '2026-12-07')).toMatchObject({ answered: 1, ackCount: 0, reminded: false });
      await runVirtual(app, clock, Date.parse('2026-12-07T09:19:00+08:00'));
      expect(await app.store.getPush(g.gid, '2026-12-07')).toMatchObject({ ackCount: 1, reminded: false });
      await runVirtual(app, clock, Date.parse('2026-12-07T09:21:00+08:00'));
      expect((await app.store.getPush(g.gid, '2026-12-07'))?.reminded).toBe(true);
    } finally {
      await app.stop();
    }
  });
});

describe("the leader's daily digest", () => {
  const digest = (lines: SentLine[]) => privately(lines).filter((l) => l.text.startsWith('【班长日报】'));

  test('is off until a leader turns it on; then each leader gets it privately after the close; 日报 关 stops it', async () => {
    const lines = await runScenario(
      scenario(
        [
          say('07:01', '张班长', '日报 开'),
          say('07:02', '张班长', '班长 添加 @王芳'),
          ...twoAnswer,
          say('07:00', '张班长', '日报 关', '08'),
          say('08:00', '李明', 'C', '08'),
        ],
        '2026-12-08T12:00',
      ),
      { config },
    );
    expect(brief(lines)).toContain('12-07T07:01 总装车间一班: 已开启班长日报：每课答题结束后私聊发给班长（参与情况、未作答和补学的人、错得最多的选项）。发送“日报 关”可关闭。');
    const sent = digest(lines);
    expect(sent.map((l) => `${l.at.slice(5, 16)} ${l.to}`).sort()).toEqual(['12-07T09:50 张班长', '12-07T09:50 王芳']);
    expect(sent[0].text).toBe(
      [
        '【班长日报】总装车间一班 12月7日（周一）《第一课》',
        '参与：2/5 人（40%，按群成员），全部答对 1 人',
        '未作答（3 人）：张班长、孙伟、周丽',
        '补学：暂无',
        '错得最多：第 1 题“检修前先做什么？”，1 人选了 A“直接干”；正确答案 B“断电上锁”',
      ].join('\n'),
    );
    expect(inGroup(lines).filter((l) => l.text.includes('班长日报') && !l.text.startsWith('已'))).toEqual([]);
  });

  test('is not sent without 日报 开', async () => {
    const lines = await runScenario(scenario(twoAnswer), { config });
    expect(digest(lines)).toEqual([]);
  });

  test('where the channel cannot message privately, 日报 开 says why and stays off', async () => {
    const lines = await runScenario(scenario([say('07:01', '张班长', '日报 开'), say('07:02', '张班长', '/digest'), ...twoAnswer]), { config, caps: { privateMessages: false } });
    expect(brief(lines).slice(1, 3)).toEqual([
      '12-07T07:01 总装车间一班: 本平台的机器人不能私聊，日报发不出去，所以没有开启。可随时在群里发送“统计”查看本群情况。',
      '12-07T07:02 总装车间一班: 本群班长日报：关。',
    ]);
    expect(privately(lines)).toEqual([]);
  });

  test('on DingTalk, names come from the roster and reach the leader privately', async () => {
    const lines = await runScenario(scenario([say('07:01', '张班长', '班组 总装车间一班'), say('07:02', '张班长', '日报 开'), ...twoAnswer]), { config, channel: 'dingtalk-sim' });
    expect(reminders(lines)).toEqual(['12-07T09:20 总装车间一班: 还有 3 位工友没作答，还剩 30 分钟']);
    expect(privately(lines).map((l) => `${l.to} ${l.text.split('\n')[0]}`)).toEqual([
      '张班长 【答题提醒】总装车间一班：还剩 30 分钟，还有 3 位没作答：张班长、孙伟、周丽',
      '张班长 【班长日报】总装车间一班 12月7日（周一）《第一课》',
    ]);
  });
});

describe('on the simulator chat page', () => {
  test("the leader's private messages show in the leader's private chat with the bot", async () => {
    const clock = new DemoClock();
    clock.set(Date.parse('2026-12-07T07:00:00+08:00'));
    const app = await createApp({ config: testConfig(), clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog });
    try {
      app.world!.addRoom({ topic: '一班', owner: '张班长', members: ['李明', '王芳'] });
      const sim = simControl(app, clock, 'Asia/Shanghai', () => {});
      const events: SimEvent[] = [];
      sim.watch((e) => events.push(e));
      sim.say('张班长', '报名 demo 07:50', '一班');
      sim.say('张班长', '日报 开', '一班');
      await app.chat.idle();
      await sim.advance(60);
      sim.say('李明', 'B', '一班');
      await app.chat.idle();
      await sim.advance(180);
      // The page's private chat shows the events whose `to` is the member picked (static/chat.js inView).
      const toLeader = events.filter((e) => e.self && e.room === null && e.to === '张班长').map((e) => e.text.split('\n')[0]);
      expect(toLeader).toEqual(['【答题提醒】一班：还剩 30 分钟，还有 2 位没作答：张班长、王芳', expect.stringMatching(/^【班长日报】一班 12月7日/)]);
      expect(events.filter((e) => e.room === '一班' && e.text.startsWith('还有 2 位工友没作答'))).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
});

describe('提醒 and 日报 as commands', () => {
  test('count only with their arguments; talk about reminders and reports is chat', () => {
    expect(parseCommand('提醒 30', false)).toEqual({ name: 'remind', args: ['30'], explicit: false });
    expect(parseCommand('提醒 20分钟', false)?.name).toBe('remind');
    expect(parseCommand('提醒 关', false)?.name).toBe('remind');
    expect(parseCommand('日报 开', false)).toEqual({ name: 'digest', args: ['开'], explicit: false });
    expect(parseCommand('/digest on', false)).toEqual({ name: 'digest', args: ['on'], explicit: true });
    for (const chat of ['提醒 一下大家', '提醒', '日报 呢', '日报', '日报 30']) expect(parseCommand(chat, false), chat).toBeUndefined();
  });
});
