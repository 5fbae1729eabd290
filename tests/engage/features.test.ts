import { describe, expect } from 'vitest';
import type { SentLine } from '../../src/app/simulate.ts';
import { redisTest } from '../helpers/redis.ts';
import { brief, runScenario, testConfig } from '../helpers/sim.ts';

const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳]
`;
const say = (hhmm: string, from: string, text: string) => `  - {at: "2026-12-07T${hhmm}:00+08:00", room: 总装车间一班, from: ${from}, text: "${text}"}`;
const scenario = (events: string[]) =>
  `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-07T12:00:00+08:00"\n${room}events:\n${[say('07:00', '张班长', '报名 demo 07:50'), ...events].join('\n')}\n`;
/** The bot's lines in the minutes of the leader's commands. */
const at = (lines: SentLine[], minutes: RegExp) => brief(lines).filter((l) => minutes.test(l));

describe('功能: a leader switches the engagement loop per group', () => {
  redisTest('lists what is on, switches a part off and on, and the switch takes effect (no reminder once 提醒 is off)', async ({ prefix }) => {
    const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));
    const lines = await runScenario(
      scenario([
        say('07:01', '张班长', '功能'),
        say('07:02', '张班长', '功能 周复习 关'),
        say('07:03', '张班长', '功能 提醒 关'),
        say('07:04', '张班长', '功能 提醒 开'),
        say('07:05', '李明', '功能 徽章 关'),
        say('07:06', '张班长', '功能 做饭 关'),
        say('07:07', '张班长', '功能'),
        say('07:08', '张班长', '功能 提醒 关'),
      ]),
      { config, prefix },
    );
    const said = at(lines, /T07:0[1-8]/);
    expect(said).toEqual([
      '12-07T07:01 总装车间一班: 本群功能：提醒 开、日报 关、周复习 开、错题再练 开、班组PK 开、学习之星 开、徽章 开、请假 开。',
      '12-07T07:02 总装车间一班: 好的，本群已关闭周复习。',
      '12-07T07:03 总装车间一班: 好的，本群已关闭提醒。',
      '12-07T07:04 总装车间一班: 开启提醒请发送“提醒 开”。',
      '12-07T07:05 总装车间一班: 抱歉，只有群主或班长可以设置本群功能。',
      '12-07T07:06 总装车间一班: 没有功能“做饭”。用法：功能 周复习 关 · 功能 周复习 开（可选：提醒、日报、周复习、错题再练、班组PK、学习之星、徽章、请假）',
      '12-07T07:07 总装车间一班: 本群功能：提醒 关、日报 关、周复习 关、错题再练 开、班组PK 开、学习之星 开、徽章 开、请假 开。',
      '12-07T07:08 总装车间一班: 好的，本群已关闭提醒。',
    ]);
    // Nobody answered, yet no reminder came: the leader switched it off.
    expect(brief(lines).filter((l) => l.includes('位工友没作答'))).toEqual([]);
  });

  redisTest('a part the union switched off for the org cannot be switched on by a leader', async ({ prefix }) => {
    const config = testConfig((c) => {
      c.orgFile = 'config/org.yaml';
      c.engagement.ranking = false;
    });
    const lines = await runScenario(scenario([say('07:01', '张班长', '功能 班组PK 开'), say('07:02', '张班长', '功能')]), { config, prefix });
    const said = at(lines, /T07:0[12]/);
    expect(said[0]).toBe('12-07T07:01 总装车间一班: 工会已在本单位关闭班组PK，班长不能单独开启。');
    expect(said[1]).toContain('班组PK 关（工会设置）');
  });
});
