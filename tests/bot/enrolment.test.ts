import { describe, expect, test } from 'vitest';
import { brief, runScenario } from '../helpers/sim.ts';

const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳]
`;

describe('enrolment and leader commands', () => {
  test('only the owner or an added leader may configure the group; mistakes get a one-line reply', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T07:20:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 总装车间一班, from: 李明, text: "/status"}
  - {at: "2026-12-07T07:02:00+08:00", room: 总装车间一班, from: 李明, text: "@班前小助手 报名 demo 07:50"}
  - {at: "2026-12-07T07:03:00+08:00", room: 总装车间一班, from: 张班长, text: "@班前小助手 报名 cooking 07:50"}
  - {at: "2026-12-07T07:04:00+08:00", room: 总装车间一班, from: 张班长, text: "/enroll demo 25:99"}
  - {at: "2026-12-07T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:06:00+08:00", room: 总装车间一班, from: 李明, text: "/time 08:00"}
  - {at: "2026-12-07T07:07:00+08:00", room: 总装车间一班, from: 张班长, text: "/leader add @李明"}
  - {at: "2026-12-07T07:08:00+08:00", room: 总装车间一班, from: 李明, text: "时间 08：10"}
  - {at: "2026-12-07T07:09:00+08:00", room: 总装车间一班, from: 李明, text: "工作日 1-6"}
  - {at: "2026-12-07T07:10:00+08:00", room: 总装车间一班, from: 李明, text: "答题时长 3"}
  - {at: "2026-12-07T07:11:00+08:00", room: 总装车间一班, from: 李明, text: "/window 90"}
  - {at: "2026-12-07T07:12:00+08:00", room: 总装车间一班, from: 王芳, text: "时间到了吗"}
  - {at: "2026-12-07T07:13:00+08:00", room: 总装车间一班, from: 王芳, text: "暂停"}
`);
    expect(brief(lines)).toEqual([
      '12-07T07:01 总装车间一班: 本群还没有报名。请群主或班长发送“报名 时间”（学综合课程），例如：报名 07:50；或“报名 课程 时间”，例如：报名 safety 07:50',
      '12-07T07:02 总装车间一班: 抱歉，只有群主或班长可以为本群报名。有工会发的报名码，请发送“报名 课程 时间 报名码”。',
      '12-07T07:03 总装车间一班: 没有课程“cooking”。用法：报名 课程 时间（24 小时制），例如：报名 demo 07:50；不写课程即学测试课程：报名 07:50。可选：测试课程（demo）。',
      '12-07T07:04 总装车间一班: 时间“25:99”不对。用法：报名 课程 时间（24 小时制），例如：报名 demo 07:50；不写课程即学测试课程：报名 07:50',
      '12-07T07:05 总装车间一班: 已报名《测试课程》：每个工作日（周一至周五，法定节假日休息，调休上班日照常）07:50 推送一课和小测，答题时间 120 分钟。首课：12月7日（周一） 07:50。',
      '12-07T07:06 总装车间一班: 抱歉，只有群主或班长可以设置本群。',
      '12-07T07:07 总装车间一班: 已添加 李明 为班长，可以设置本群。',
      '12-07T07:08 总装车间一班: 好的，以后每个工作日 08:10 推送。',
      '12-07T07:09 总装车间一班: 好的，工作日改为周一至周六（法定节假日休息，调休上班日照常推送）。',
      '12-07T07:10 总装车间一班: 答题时长请填 5 到 720 之间的分钟数，例如：答题时长 90',
      '12-07T07:11 总装车间一班: 好的，以后每课答题时间 90 分钟，到时公布答案。',
      '12-07T07:13 总装车间一班: 抱歉，只有群主或班长可以暂停推送。',
    ]);
    // A bare "答题时长 3" is an attempt (right shape, bad value): it gets the usage line; "时间到了吗" is chat.
  });

  test('an enrolled group gets its lesson at its time, and /pause, /resume, /leave work', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-10T09:00:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T12:00:00+08:00", room: 总装车间一班, from: 张班长, text: "暂停"}
  - {at: "2026-12-08T12:00:00+08:00", room: 总装车间一班, from: 张班长, text: "/resume"}
  - {at: "2026-12-09T12:00:00+08:00", room: 总装车间一班, from: 张班长, text: "退订"}
  - {at: "2026-12-09T12:00:30+08:00", room: 总装车间一班, from: 张班长, text: "确认退订"}
  - {at: "2026-12-09T12:02:00+08:00", room: 总装车间一班, from: 张班长, text: "/time 08:00"}
`);
    expect(brief(lines)).toEqual([
      expect.stringMatching(/^12-07T07:05 总装车间一班: 已报名/),
      // A push starts a few seconds early so that it arrives by the group's time.
      '12-07T07:49 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者',
      '12-07T09:50 总装车间一班: 【小测揭晓】《第一课》',
      '12-07T12:00 总装车间一班: 已暂停推送。发送“恢复”继续。',
      '12-08T12:00 总装车间一班: 已恢复，下一课：12月9日（周三） 07:50。',
      '12-09T07:49 总装车间一班: 【班前十分钟】测试课程 第 2 课 · 理论+工会干部',
      '12-09T09:50 总装车间一班: 【小测揭晓】《第二课》',
      '12-09T12:00 总装车间一班: 确定要退订吗？退订后不再推送，学习记录都保留。确定请回复“确认退订”。',
      '12-09T12:00 总装车间一班: 已退订，不再推送。学习记录都保留着，重新“报名”即可接着学。',
      // A group that left is not one that never enrolled.
      '12-09T12:02 总装车间一班: 本群已退订，不再推送。群主或班长重新发送“报名 课程 时间”即可接着学，学习记录都保留着。',
    ]);
  });

  test('/push sends today\'s lesson now, once; the scheduled time then sends nothing more', async () => {
    const lines = await runScenario(`
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T08:30:00+08:00"
${room}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:30:00+08:00", room: 总装车间一班, from: 张班长, text: "立即推送"}
  - {at: "2026-12-07T07:31:00+08:00", room: 总装车间一班, from: 张班长, text: "/push"}
`);
    expect(brief(lines).slice(1)).toEqual([
      '12-07T07:30 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者',
      '12-07T07:31 总装车间一班: 今天的课已经推送过了。',
    ]);
  });
});
