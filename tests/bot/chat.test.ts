import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { brief, fixtureLessons, runScenario, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));
const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 孙伟, 周丽]
`;
const say = (hhmm: string, from: string, text: string, day = '07') =>
  `  - {at: "2026-12-${day}T${hhmm}:00+08:00", room: 总装车间一班, from: ${from}, text: "${text}"}`;
const enrolled = say('07:00', '张班长', '报名 demo 07:50');

describe('the bot does what people mean', () => {
  test('ordinary chat after a command word is never a command, not even from the owner', async () => {
    const chat = ['暂停 一下，先开会', '退订 了吗', '我的 天啊', '帮助 一下', '时间 到了', '班组 周五聚餐', '报名 明天的活动', '班长 你来一下', '统计 一下'];
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T07:55:00+08:00"\n${room}events:\n${enrolled}\n${chat.map((t, i) => say(`07:${10 + i}`, '张班长', t)).join('\n')}\n`,
      { config },
    );
    // No reply to any of it, and the group was neither paused nor left: the lesson still comes.
    expect(brief(lines)).toEqual([expect.stringMatching(/^12-07T07:00 总装车间一班: 已报名/), '12-07T07:49 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者']);
  });

  test('every attempt at a command gets an answer: usage lines for bad values, a refusal for non-leaders', async () => {
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T07:30:00+08:00"\n${room}events:\n${enrolled}\n${[
        say('07:01', '张班长', '报名 demo'),
        say('07:02', '张班长', '报名 demo 8点'),
        say('07:03', '张班长', '时间 25:00'),
        say('07:04', '张班长', '答题时长 3'),
        say('07:05', '张班长', '工作日 周一到周五'),
        say('07:06', '张班长', '班组 不存在的班'),
        say('07:07', '李明', '统计'),
        say('07:08', '李明', '立即推送'),
        say('07:09', '李明', '暂停'),
        say('07:10', '张班长', '统计。'),
      ].join('\n')}\n`,
      { config },
    );
    expect(brief(lines).slice(1)).toEqual([
      '12-07T07:01 总装车间一班: 用法：报名 课程 时间（24 小时制），例如：报名 demo 07:50；不写课程即学测试课程：报名 07:50',
      '12-07T07:02 总装车间一班: 时间“8点”不对。用法：报名 课程 时间（24 小时制），例如：报名 demo 07:50；不写课程即学测试课程：报名 07:50',
      '12-07T07:03 总装车间一班: 时间“25:00”不对，请用 24 小时制，例如：时间 07:50',
      '12-07T07:04 总装车间一班: 答题时长请填 5 到 720 之间的分钟数，例如：答题时长 90',
      '12-07T07:05 总装车间一班: 工作日请用 1–7 的数字表示星期，例如：工作日 1-5，或 工作日 1-6，或 工作日 1,3,5',
      '12-07T07:06 总装车间一班: 组织架构里没有“不存在的班”。请写名称或完整路径，顶层是“江都区总工会”，路径用“/”连接。',
      '12-07T07:07 总装车间一班: 抱歉，只有群主或班长可以查看本群统计。',
      '12-07T07:08 总装车间一班: 抱歉，只有群主或班长可以立即推送。',
      '12-07T07:09 总装车间一班: 抱歉，只有群主或班长可以暂停推送。',
      '12-07T07:10 总装车间一班: 【本周参与】总装车间一班',
    ]);
    expect(lines.some((l) => l.text.includes('查看本群统计') && l.text.includes('设置'))).toBe(false);
  });

  test('退订 asks first; only "确认退订" leaves', async () => {
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-08T08:00:00+08:00"\n${room}events:\n${enrolled}\n${say('07:10', '张班长', '退订')}\n${say('12:00', '张班长', '确认退订')}\n`,
      { config },
    );
    expect(brief(lines).slice(1)).toEqual([
      '12-07T07:10 总装车间一班: 确定要退订吗？退订后不再推送，学习记录都保留。确定请回复“确认退订”。',
      // Still enrolled after the bare 退订: the lesson comes.
      '12-07T07:49 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者',
      '12-07T09:20 总装车间一班: 还有 5 位工友没作答，还剩 30 分钟',
      '12-07T09:20 →张班长: 【答题提醒】总装车间一班：还剩 30 分钟，还有 5 位没作答：张班长、李明、王芳、孙伟、周丽',
      '12-07T09:50 总装车间一班: 【小测揭晓】《第一课》',
      '12-07T12:00 总装车间一班: 已退订，不再推送。学习记录都保留着，重新“报名”即可接着学。',
    ]);
  });

  test('@-messages and private chats always get a reply, except a quiz answer', async () => {
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T09:00:00+08:00"\n${room}events:\n${enrolled}\n${[
        say('08:00', '李明', '@班前小助手 你好'),
        say('08:01', '王芳', '@班前小助手 B'),
        say('08:02', '孙伟', '今天天气不错'),
        '  - {at: "2026-12-07T08:03:00+08:00", from: 周丽, text: "在吗"}',
        say('08:04', '李明', '@班前小助手 我的'),
      ].join('\n')}\n`,
      { config },
    );
    expect(brief(lines).slice(2)).toEqual([
      '12-07T08:00 总装车间一班: 我是班前小助手：每个工作日推送班前十分钟的一课和小测。答题直接回复选项，如 “B”；发送“帮助”查看全部指令，发送“我的”查看积分。',
      '12-07T08:03 →周丽: 我是班前小助手：每个工作日推送班前十分钟的一课和小测。答题直接回复选项，如 “B”；发送“帮助”查看全部指令，发送“我的”查看积分。',
      '12-07T08:04 总装车间一班: 【我的学习】李明',
      // 王芳's @-answer got no reply of its own; it counts toward the periodic acknowledgement.
      '12-07T08:20 总装车间一班: 已有 1 人作答，还没答的工友抓紧时间，截止后公布答案。',
    ]);
  });

  test('报名 takes a track\'s Chinese title; switching tracks says what changes and that progress is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'banqian-lessons-'));
    cpSync(fixtureLessons, dir, { recursive: true });
    cpSync(join(dir, 'demo'), join(dir, 'other'), { recursive: true });
    writeFileSync(join(dir, 'other/track.yaml'), 'id: other\ntitle: 安全生产\n');
    for (const f of ['001-one', '002-two', '003-multi']) {
      const file = join(dir, 'other', `${f}.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: demo-/m, 'id: other-')); // ids are unique across tracks
    }
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T07:20:00+08:00"\n${room}events:\n${enrolled}\n${say('07:10', '张班长', '报名 安全生产 07:50')}\n`,
      { config: testConfig((c) => ((c.lessonsDir = dir), (c.orgFile = 'config/org.yaml'))) },
    );
    expect(lines[0].text).not.toContain('原来学的');
    expect(lines[1].text).toMatch(/^已报名《安全生产》/);
    expect(lines[1].text).toContain('原来学的《测试课程》改为《安全生产》；《测试课程》的学习进度保留，以后改回会接着学。');
    rmSync(dir, { recursive: true, force: true });
  });

  test('班组 binds only to a team, never a workshop or the district; 班长 添加 adds everyone named', async () => {
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T07:30:00+08:00"\n${room}events:\n${enrolled}\n${[
        say('07:01', '张班长', '班组 总装车间'),
        say('07:02', '张班长', '/team 江都区总工会'),
        say('07:03', '张班长', '班组 总装车间一班'),
        say('07:04', '张班长', '班长 添加 @孙伟 @周丽'),
        say('07:05', '周丽', '时间 07:45'),
        say('07:06', '孙伟', '答题时长 60'),
        say('07:07', '张班长', '班长 添加 @王芳 @老刘'),
      ].join('\n')}\n`,
      { config },
    );
    expect(brief(lines).slice(1)).toEqual([
      '12-07T07:01 总装车间一班: “总装车间”不是班组，请写本群所在的班组，例如：班组 总装车间一班（可选：总装车间一班、总装车间二班）。',
      '12-07T07:02 总装车间一班: “江都区总工会”不是班组，请写本群所在的班组，例如：班组 总装车间一班（可选：总装车间一班、总装车间二班、机加车间二班、织造车间甲班、织造车间乙班）。',
      '12-07T07:03 总装车间一班: 已归属：江都区总工会/江都机械有限公司/总装车间/总装车间一班',
      '12-07T07:04 总装车间一班: 已添加 孙伟、周丽 为班长，可以设置本群。',
      '12-07T07:05 总装车间一班: 好的，以后每个工作日 07:45 推送。',
      '12-07T07:06 总装车间一班: 好的，以后每课答题时间 60 分钟，到时公布答案。',
      '12-07T07:07 总装车间一班: 已添加 王芳 为班长，可以设置本群。',
    ]);
    expect(lines.at(-1)!.text).toBe('已添加 王芳 为班长，可以设置本群。\n群里没有找到“老刘”。');
  });

  test('answers as people type them are recorded; a word is not; an unreadable attempt gets one hint per quiz', async () => {
    // Day 1: one single-choice question (B). Day 2: two single-choice questions (A, C). Day 3: multiple choice (AC).
    const lines = await runScenario(
      `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-09T10:00:00+08:00"\n${room}events:\n${enrolled}\n${[
        say('08:00', '李明', '我选B👍'),
        say('08:01', '王芳', 'bad'),
        say('08:02', '孙伟', '答案是：b。'),
        say('08:00', '李明', '第一题A 第二题C', '08'),
        say('08:01', '王芳', 'B', '08'),
        say('08:02', '王芳', 'C', '08'),
        say('08:03', '王芳', '①A ②C', '08'),
        say('08:04', '孙伟', '(1)A (2)B', '08'),
        say('08:00', '李明', 'E', '09'),
        say('08:01', '李明', 'A、C！', '09'),
      ].join('\n')}\n`,
      { config },
    );
    const summaries = lines.filter((l) => l.text.startsWith('【小测揭晓】')).map((l) => l.text);
    expect(summaries[0]).toContain('参与：2/5 人（40%，按群成员），全部答对 2 人。'); // 李明, 孙伟; "bad" is a word
    expect(summaries[1]).toContain('参与：3/5 人（60%，按群成员），全部答对 2 人。');
    expect(summaries[2]).toContain('参与：1/5 人（20%，按群成员），全部答对 1 人。');
    const hints = lines.filter((l) => l.text.includes('没看懂'));
    expect(hints.map((l) => `${l.at.slice(5, 16)} ${l.text}`)).toEqual([
      // "B" on a two-question quiz: which question? Told once, though 王芳 tried twice.
      '12-08T08:01 @王芳 没看懂这条答案。请按题号回复，如 “1B 2B”，以第一次回复为准。',
      '12-09T08:00 @李明 没看懂这条答案。请直接回复选项字母，如 “AC”，多选题把选项连着写，以第一次回复为准。',
    ]);
  });
});
