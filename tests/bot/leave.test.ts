import { describe, expect, test } from 'vitest';
import { openStats } from '../../src/app/stats.ts';
import { leaveUsage, parseLeave } from '../../src/core/engage/leave.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { brief, runScenario, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));
// Five people the room lists besides the bot: the expected count is 5 (按群成员).
const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 孙伟, 周丽]
`;
const say = (at: string, from: string, text: string) => `  - {at: "2026-12-${at}:00+08:00", room: 总装车间一班, from: ${from}, text: "${text}"}`;
const privately = (at: string, from: string, text: string) => `  - {at: "2026-12-${at}:00+08:00", from: ${from}, text: "${text}"}`;
const scenario = (until: string, events: string[]) =>
  `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-${until}:00+08:00"\n${room}events:\n${say('07T07:00', '张班长', '报名 demo 07:50')}\n${events.join('\n')}\n`;
/** The replies at one minute (12-07T07:01 → "12-07T07:01 …"). */
const at = (lines: { at: string; room?: string | null; to?: string | null; text: string }[], minute: string) =>
  lines.filter((l) => l.at.slice(5, 16) === minute).map((l) => `${l.room ?? `→${l.to}`}: ${l.text}`);

describe('请假: reading the days', () => {
  const today = '2026-12-07';
  test('a count of lesson days, a range of month-days or full dates, one day, or 取消', () => {
    expect(parseLeave('3', today)).toEqual({ count: 3 });
    expect(parseLeave('3天', today)).toEqual({ count: 3 });
    expect(parseLeave('12-08..12-10', today)).toEqual({ from: '2026-12-08', to: '2026-12-10' });
    expect(parseLeave('2026-12-08..2026-12-10', today)).toEqual({ from: '2026-12-08', to: '2026-12-10' });
    expect(parseLeave('12-09', today)).toEqual({ from: '2026-12-09', to: '2026-12-09' });
    expect(parseLeave('12-28~01-03', today)).toEqual({ from: '2026-12-28', to: '2027-01-03' }); // into the next year
    expect(parseLeave('03-02..03-04', today)).toEqual({ from: '2027-03-02', to: '2027-03-04' }); // the next occurrence
    expect(parseLeave('取消', today)).toEqual({ cancel: true });
  });

  test('bad input says why, with the usage line', () => {
    expect(parseLeave('0', today)).toEqual({ error: `请假天数请填 1 到 60。${leaveUsage}` });
    expect(parseLeave('400', today)).toEqual({ error: `请假天数请填 1 到 60。${leaveUsage}` });
    expect(parseLeave('13-01', today)).toEqual({ error: `“13-01”不是有效日期。${leaveUsage}` });
    expect(parseLeave('12-10..12-08', today)).toEqual({ error: `结束日期 2026-12-08 早于开始日期 2026-12-10。${leaveUsage}` });
    expect(parseLeave('2026-12-10..2026-12-08', today)).toEqual({ error: `结束日期 2026-12-08 早于开始日期 2026-12-10。${leaveUsage}` });
    expect(parseLeave('2026-12-01..2026-12-03', today)).toEqual({ error: `2026-12-01 已经过去了，只能为今天以后的日子请假。${leaveUsage}` });
    expect(parseLeave('2026-12-08..2027-04-01', today)).toEqual({ error: `一次最多请 92 天内的假。${leaveUsage}` });
  });
});

describe('请假 in the chat', () => {
  test('the worker in the group, by count or by dates; the reason is never repeated in the group', async () => {
    const lines = await runScenario(
      scenario('07T12:00', [
        say('07T07:01', '李明', '请假 3 回老家'),
        say('07T07:02', '王芳', '请假 12-11..2026-12-15'),
        say('07T07:03', '孙伟', '请假 12-12..12-13'),
        say('07T07:04', '周丽', '/absence 2026-12-09'),
      ]),
      { config },
    );
    // Today counts while its quiz is open; the weekend is no lesson day for a 周一至周五 group.
    expect(at(lines, '12-07T07:01')).toEqual(['总装车间一班: 已为 李明 登记请假 12月7日（周一）、12月8日（周二）、12月9日（周三）共 3 个学习日。这几天不算在应参与人数里，连续学习也不会中断。事由只有班长能看到。']);
    expect(at(lines, '12-07T07:02')).toEqual(['总装车间一班: 已为 王芳 登记请假 12月11日（周五）、12月14日（周一）、12月15日（周二）共 3 个学习日。这几天不算在应参与人数里，连续学习也不会中断。']);
    expect(at(lines, '12-07T07:03')).toEqual(['总装车间一班: 这段时间本群没有课（休息日或节假日），不用请假。']);
    expect(at(lines, '12-07T07:04')).toEqual(['总装车间一班: 已为 周丽 登记请假 12月9日（周三）共 1 个学习日。这几天不算在应参与人数里，连续学习也不会中断。']);
    expect(lines.filter((l) => l.room).some((l) => l.text.includes('回老家'))).toBe(false);
  });

  test('bad input in the group gets the usage line; talk that starts with 请假 is not a command', async () => {
    const bad = ['请假 0', '请假 400', '请假 13-01', '请假 12-10..12-08', '请假 2026-12-01'];
    const lines = await runScenario(scenario('07T07:30', [...bad.map((t, i) => say(`07T07:1${i}`, '孙伟', t)), say('07T07:20', '孙伟', '请假 的事明天再说')]), { config });
    const replies = brief(lines).slice(1);
    expect(replies).toHaveLength(bad.length);
    for (const r of replies) expect(r).toContain('用法：请假 天数');
  });

  test('privately, for every enrolled group the worker answers in; 销假 and 请假 取消 cancel what is still ahead', async () => {
    const lines = await runScenario(
      scenario('08T12:00', [
        privately('07T07:01', '孙伟', '请假 2'),
        say('07T08:00', '孙伟', 'B'),
        privately('07T12:00', '孙伟', '请假 3 出差'),
        say('08T08:00', '孙伟', '请假 取消'),
        say('08T08:01', '孙伟', '销假'),
      ]),
      { config },
    );
    expect(at(lines, '12-07T07:01')).toEqual(['→孙伟: 请在班组群里发送“请假 3”：你还没有在哪个班组群答过题，我不知道该为哪个群请假。']);
    // Today's quiz has closed: leave starts with the next lesson day.
    expect(at(lines, '12-07T12:00')).toEqual(['→孙伟: 总装车间一班：已登记请假 12月8日（周二）、12月9日（周三）、12月10日（周四）共 3 个学习日。这几天不算在应参与人数里，连续学习也不会中断。\n事由：出差（只有你和班长能看到）']);
    expect(at(lines, '12-08T08:00')).toEqual(['总装车间一班: 已为 孙伟 销假，取消了 12月8日（周二）、12月9日（周三）、12月10日（周四）共 3 个学习日的请假。']);
    expect(at(lines, '12-08T08:01')).toEqual(['总装车间一班: 没有可以取消的请假。']);
  });

  test('a leader puts a worker on leave with 班长 请假 @名字; others may not', async () => {
    const lines = await runScenario(
      scenario('07T08:00', [
        say('07T07:01', '张班长', '班长 请假 @周丽 2 病假'),
        say('07T07:02', '李明', '班长 请假 @周丽 2'),
        say('07T07:03', '张班长', '班长 请假 @没这人 2'),
        say('07T07:04', '张班长', '班长 请假 @周丽'),
        say('07T07:05', '张班长', '班长 请假 @周丽 0'),
        say('07T07:06', '张班长', '班长 请假 @周丽 取消'),
        say('07T07:07', '张班长', '班长 添加 @李明'),
      ]),
      { config },
    );
    expect(brief(lines).slice(1, 8)).toEqual([
      '12-07T07:01 总装车间一班: 已为 周丽 登记请假 12月7日（周一）、12月8日（周二）共 2 个学习日。这几天不算在应参与人数里，连续学习也不会中断。',
      '12-07T07:02 总装车间一班: 抱歉，只有群主或班长可以为工友请假。',
      '12-07T07:03 总装车间一班: 群里没有找到“没这人”。用法：班长 请假 @名字 天数或日期 事由，如：班长 请假 @李明 3 回老家（取消：班长 请假 @李明 取消）',
      '12-07T07:04 总装车间一班: 用法：班长 请假 @名字 天数或日期 事由，如：班长 请假 @李明 3 回老家（取消：班长 请假 @李明 取消）',
      '12-07T07:05 总装车间一班: 请假天数请填 1 到 60。用法：班长 请假 @名字 天数或日期 事由，如：班长 请假 @李明 3 回老家（取消：班长 请假 @李明 取消）',
      '12-07T07:06 总装车间一班: 已为 周丽 销假，取消了 12月7日（周一）、12月8日（周二）共 2 个学习日的请假。',
      '12-07T07:07 总装车间一班: 已添加 李明 为班长，可以设置本群。',
    ]);
    expect(lines.some((l) => l.text.includes('病假'))).toBe(false);
  });

  test('a leader switches leave off and on for the group; a worker may not', async () => {
    const lines = await runScenario(
      scenario('07T07:30', [
        say('07T07:01', '李明', '请假 关'),
        say('07T07:02', '张班长', '请假 关'),
        say('07T07:03', '李明', '请假 3'),
        say('07T07:04', '张班长', '请假 开'),
        say('07T07:05', '李明', '请假 1'),
      ]),
      { config },
    );
    expect(brief(lines).slice(1)).toEqual([
      '12-07T07:01 总装车间一班: 抱歉，只有群主或班长可以开关请假功能。',
      '12-07T07:02 总装车间一班: 本群已关闭请假功能。',
      '12-07T07:03 总装车间一班: 本群没有启用请假功能，请假请直接和班长说。',
      '12-07T07:04 总装车间一班: 本群已开启请假：工友可以发送“请假 3”。',
      '12-07T07:05 总装车间一班: 已为 李明 登记请假 12月7日（周一）共 1 个学习日。这几天不算在应参与人数里，连续学习也不会中断。',
    ]);
  });

  test('switched off for the group by config, 请假 says leave is not used here', async () => {
    const off = testConfig((c) => {
      c.orgFile = 'config/org.yaml';
      c.engagement.leave = false;
    });
    const lines = await runScenario(scenario('07T07:30', [say('07T07:01', '李明', '请假 3'), say('07T07:02', '张班长', '班长 请假 @李明 3')]), { config: off });
    expect(brief(lines).slice(1)).toEqual(['12-07T07:01 总装车间一班: 本群没有启用请假功能，请假请直接和班长说。', '12-07T07:02 总装车间一班: 本群没有启用请假功能，请假请直接和班长说。']);
  });
});

describe('leave in the figures', () => {
  redisTest('those on leave are not expected (in the summary, 统计 and the stats JSON); one who answers anyway counts', async ({ prefix }) => {
    const lines = await runScenario(
      scenario('08T12:00', [
        say('07T07:01', '李明', '请假 2 回老家'), // answers anyway on the 7th, not on the 8th
        say('07T07:02', '周丽', '请假 1 看病'),
        say('07T08:00', '李明', 'B'),
        say('07T08:01', '孙伟', 'B'),
        say('08T08:00', '孙伟', '1A 2C'),
        say('08T08:10', '张班长', '统计'),
      ]),
      { config, prefix },
    );
    const summaries = lines.filter((l) => l.text.startsWith('【小测揭晓】')).map((l) => l.text.split('\n').find((t) => t.startsWith('参与')));
    expect(summaries).toEqual([
      '参与：2/4 人（50%，按群成员，请假 1 人不计），全部答对 2 人。', // 5 less 周丽; 李明 answered, so he counts
      '参与：1/4 人（25%，按群成员，请假 1 人不计），全部答对 1 人。', // 5 less 李明
    ]);
    const status = at(lines, '12-08T08:10');
    expect(status[0].split('\n')).toEqual([
      '总装车间一班: 【本周参与】总装车间一班',
      '应参与：4 人（按群成员，请假 1 人不计）',
      '12月7日（周一）：2/4（50%）',
      '12月8日（周二）：1/4（25%）（答题中）',
      '今天还没作答（3 人）：张班长、王芳、周丽',
      '今天请假（1 人）：李明（事由已私信发给你）',
      '课程：测试课程，第 1 轮，已学 2 课。',
    ]);
    // The reason goes only to the leader who asked, privately.
    expect(status[1]).toBe('→张班长: 【总装车间一班 · 12月8日（周二）请假事由】\n李明：回老家');
    expect(lines.filter((l) => l.room).some((l) => /回老家|看病/.test(l.text))).toBe(false);

    const { stats, close } = openStats(config, redisUrl(), prefix);
    try {
      const report = await stats.report(stats.org.root, '2026-12-07', '2026-12-08');
      expect(report.teams.map((t) => [t.room, t.lessons, t.expected, t.answered, t.leave])).toEqual([['总装车间一班', 2, 8, 3, 2]]);
      // The dashboard's team page: who is on leave today, with the reason, and not among those who haven't answered.
      const g = (await stats.group(report.teams[0].gid))!;
      const team = await stats.team(g, '2026-12-07', '2026-12-08', '2026-12-08');
      expect([team.onLeaveToday, team.notAnsweredToday]).toEqual([[{ name: '李明', reason: '回老家' }], []]);
    } finally {
      close();
    }
  });

  test('with a head count, which names nobody, everyone on leave is taken off it', async () => {
    const lines = await runScenario(
      scenario('07T12:00', [say('07T07:01', '张班长', '人数 10'), say('07T07:02', '李明', '请假 1'), say('07T07:03', '周丽', '请假 1'), say('07T08:00', '孙伟', 'B')]),
      { config },
    );
    const summary = lines.find((l) => l.text.startsWith('【小测揭晓】'))!.text;
    expect(summary).toContain('参与：1/8 人（13%，按班长设定人数，请假 2 人不计），全部答对 1 人。');
  });

  test('a leave day neither breaks nor lengthens a streak; a day missed without leave breaks it', async () => {
    const lines = await runScenario(
      scenario('09T12:05', [
        say('07T08:00', '李明', 'B'),
        say('07T08:01', '王芳', 'B'),
        say('07T12:00', '李明', '请假 1'),
        say('08T12:00', '李明', '我的'),
        say('09T08:00', '李明', 'AC'),
        say('09T08:01', '王芳', 'AC'),
        say('09T12:00', '李明', '我的'),
        say('09T12:01', '王芳', '我的'),
      ]),
      { config },
    );
    const streak = (minute: string) => /连续学习 (\d+) 次/.exec(at(lines, minute)[0])?.[1];
    expect(streak('12-08T12:00')).toBe('1'); // the leave day closed: still 1
    expect(streak('12-09T12:00')).toBe('2'); // 1 before the leave, 1 after
    expect(streak('12-09T12:01')).toBe('1'); // 王芳 missed the 8th
  });
});
