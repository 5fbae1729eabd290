import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisRoster } from '../../src/adapters/store/redis/roster.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { openStats } from '../../src/app/stats.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { brief, runScenario, testConfig } from '../helpers/sim.ts';

const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';

/** The simulator's store and roster (the mock puppet is the account; it numbers people wxid-1, wxid-2… as they first appear). */
function simStore(prefix: string) {
  const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
  return { store, roster: new RedisRoster(store), close: () => store.redis.disconnect() };
}

const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳]
  - topic: 二班群
    owner: 赵主任
    members: [孙伟]
`;

describe('enrolment with a one-time code', () => {
  redisTest('a worker who is not the owner enrols with the code: the group is bound to the team, they become its leader; the code works once', async ({ prefix }) => {
    const { store, roster, close } = simStore(prefix);
    try {
      const { code } = await roster.issue(team, Date.parse('2026-12-07T06:00:00+08:00'));
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const lines = await runScenario(
        `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T07:30:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 李明, text: "@班前小助手 报名 demo 07:50"}
  - {at: "2026-12-07T07:02:00+08:00", room: 总装车间一班, from: 李明, text: "@班前小助手 报名 demo 07:50 ${wrong}"}
  - {at: "2026-12-07T07:03:00+08:00", room: 总装车间一班, from: 李明, text: "@班前小助手 报名 demo 07:50 ${code}"}
  - {at: "2026-12-07T07:04:00+08:00", room: 总装车间一班, from: 李明, text: "/time 08:00"}
  - {at: "2026-12-07T07:05:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${code}"}
  - {at: "2026-12-07T07:06:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${wrong}"}
  - {at: "2026-12-07T07:07:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${wrong}"}
  - {at: "2026-12-07T07:08:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${wrong}"}
  - {at: "2026-12-07T07:09:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${wrong}"}
  - {at: "2026-12-07T07:10:00+08:00", room: 二班群, from: 孙伟, text: "报名 demo 07:50 ${wrong}"}
`,
        { prefix },
      );
      expect(brief(lines)).toEqual([
        '12-07T07:01 总装车间一班: 抱歉，只有群主或班长可以为本群报名。有工会发的报名码，请发送“报名 课程 时间 报名码”。',
        '12-07T07:02 总装车间一班: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:03 总装车间一班: 已报名《测试课程》：每个工作日（周一至周五，法定节假日休息，调休上班日照常）07:50 推送一课和小测，答题时间 120 分钟。首课：12月7日（周一） 07:50。',
        '12-07T07:04 总装车间一班: 好的，以后每个工作日 08:00 推送。',
        '12-07T07:05 二班群: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:06 二班群: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:07 二班群: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:08 二班群: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:09 二班群: 报名码不对或已经用过，请核对工会发的 6 位报名码。',
        '12-07T07:10 二班群: 报名码输错次数太多，请 55 分钟后再试。',
      ]);
      expect(lines[2].text.split('\n')[1]).toBe(`已归属：${team}；李明 已成为本群班长。`);
      expect(await store.teamBindings()).toEqual([{ gid: expect.any(Number), team }]);
    } finally {
      close();
    }
  });

  redisTest('config leaders may be platform user ids', async ({ prefix }) => {
    const config = testConfig((c) => (c.leaders = ['wxid-2'])); // 李明
    const lines = await runScenario(
      `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T07:10:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 王芳, text: "/enroll demo 07:50"}
  - {at: "2026-12-07T07:02:00+08:00", room: 总装车间一班, from: 李明, text: "/enroll demo 07:50"}
`,
      { prefix, config },
    );
    expect(brief(lines)).toEqual([
      '12-07T07:01 总装车间一班: 抱歉，只有群主或班长可以为本群报名。有工会发的报名码，请发送“报名 课程 时间 报名码”。',
      expect.stringMatching(/^12-07T07:02 总装车间一班: 已报名《测试课程》/),
    ]);
  });
});

describe('expected participants: which source, and the figures say so', () => {
  redisTest('a head count the leader sets (人数 12) counts when there is no roster; names heard fill the roster', async ({ prefix }) => {
    const lines = await runScenario(
      `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T10:05:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:02:00+08:00", room: 总装车间一班, from: 李明, text: "人数 12"}
  - {at: "2026-12-07T07:03:00+08:00", room: 总装车间一班, from: 张班长, text: "人数 5000"}
  - {at: "2026-12-07T07:04:00+08:00", room: 总装车间一班, from: 张班长, text: "人数 12"}
  - {at: "2026-12-07T07:55:00+08:00", room: 总装车间一班, from: 李明, text: "B"}
  - {at: "2026-12-07T08:00:00+08:00", room: 总装车间一班, from: 张班长, text: "/status"}
  - {at: "2026-12-07T10:00:00+08:00", room: 总装车间一班, from: 张班长, text: "/headcount 0"}
`,
      { prefix },
    );
    const said = lines.filter((l) => !/^(【班前十分钟】|已有 \d+ 人作答)/.test(l.text));
    expect(said.slice(1, 4).map((l) => l.text)).toEqual([
      '抱歉，只有群主或班长可以设置人数。',
      '人数请填 1 到 1000 之间的整数，例如：人数 12（没有花名册时，统计按这个人数算；“人数 0”取消）',
      '好的，本群应参与人数设为 12 人。',
    ]);
    expect(said[4].text.split('\n').slice(0, 4)).toEqual(['【本周参与】总装车间一班', '应参与：12 人（按班长设定人数）', '12月7日（周一）：1/12（8%）（答题中）', '今天已作答 1 人。']);
    // The reminder counts against the head count; a head count names nobody, so no private list goes out.
    expect(said[5].text).toBe('还有 11 位工友没作答，还剩 30 分钟');
    expect(said[6].text).toContain('参与：1/12 人（8%，按班长设定人数），全部答对 1 人。');
    expect(said[7].text).toBe('已取消设定的人数。统计的应参与人数现在按群成员：3 人。');
    const { roster, close } = simStore(prefix);
    try {
      expect(await roster.names(['wxid-1', 'wxid-2', 'wxid-3'])).toEqual(['张班长', '李明', undefined]); // 王芳 never spoke
    } finally {
      close();
    }
  });

  redisTest('the roster of the group\'s team counts first, and its names show in 统计, the summary and the dashboard figures', async ({ prefix }) => {
    const { store, roster, close } = simStore(prefix);
    try {
      await roster.replace([
        { id: 'wxid-1', name: '张班长', team },
        { id: 'wxid-2', name: '李明', team },
        { id: 'wxid-3', name: '王芳芳', team },
        { id: 'zhao', name: '赵强', team },
        { id: 'qian', name: '钱二班', team: '江都区总工会/江都机械有限公司/总装车间/总装车间二班' },
      ]);
      const lines = await runScenario(
        `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T10:00:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:02:00+08:00", room: 总装车间一班, from: 张班长, text: "班组 总装车间一班"}
  - {at: "2026-12-07T07:03:00+08:00", room: 总装车间一班, from: 张班长, text: "人数 30"}
  - {at: "2026-12-07T07:55:00+08:00", room: 总装车间一班, from: 王芳, text: "B"}
  - {at: "2026-12-07T08:00:00+08:00", room: 总装车间一班, from: 张班长, text: "统计"}
`,
        { prefix },
      );
      const said = lines.filter((l) => !/^(【班前十分钟】|已有 \d+ 人作答)/.test(l.text)).map((l) => l.text);
      expect(said[2]).toBe('好的，本群应参与人数设为 30 人。统计的应参与人数现在按花名册：4 人。');
      expect(said[3].split('\n').slice(0, 4)).toEqual(['【本周参与】总装车间一班', '应参与：4 人（按花名册）', '12月7日（周一）：1/4（25%）（答题中）', '今天还没作答（3 人）：张班长、李明、赵强']);
      expect(said[4]).toBe('还有 3 位工友没作答，还剩 30 分钟');
      expect(said[5]).toBe('【答题提醒】总装车间一班：还剩 30 分钟，还有 3 位没作答：张班长、李明、赵强\n（群里只说了人数，没有点名。）');
      expect(said[6]).toContain('参与：1/4 人（25%，按花名册），全部答对 1 人。\n👏 最先全对：王芳芳');
      const { stats, close: closeStats } = openStats(testConfig(), redisUrl(), prefix);
      try {
        const g = (await store.activeGroups())[0];
        expect((await stats.team(g, '2026-12-07', '2026-12-07', '2026-12-07')).workers.map((w) => w.name)).toEqual(['王芳芳']);
      } finally {
        closeStats();
      }
    } finally {
      close();
    }
  });

  redisTest('a roster imported later renames people who answered before, on the dashboard too', async ({ prefix }) => {
    await runScenario(
      `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-08T08:00:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:55:00+08:00", room: 总装车间一班, from: 王芳, text: "B"}
`,
      { prefix },
    );
    const { store, roster, close } = simStore(prefix);
    const { stats, close: closeStats } = openStats(testConfig(), redisUrl(), prefix);
    try {
      await roster.replace([{ id: 'wxid-3', name: '王芳芳', team }]);
      const g = (await store.activeGroups())[0];
      const view = await stats.team(g, '2026-12-07', '2026-12-08', '2026-12-08');
      expect(view.workers.map((w) => w.name)).toEqual(['王芳芳']);
      expect(view.notAnsweredToday).toEqual(['王芳芳']);
    } finally {
      closeStats();
      close();
    }
  });
});
