import { describe, expect, test } from 'vitest';
import { yearsWithoutHolidays } from '../../src/core/schedule/calendar.ts';
import { runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const none = { restDays: [], extraWorkDays: [] };
const enrolAt = (start: string) => `
start: "${start}T07:00:00+08:00"
until: "${start}T07:02:00+08:00"
rooms:
  - {topic: 一班, owner: 张班长, members: [李明]}
events:
  - {at: "${start}T07:01:00+08:00", room: 一班, from: 张班长, text: "报名 demo 07:50"}
`;

describe('a year without holiday data is never reached silently (chinese-days 1.5.7 stops at 2026)', () => {
  test('years within the horizon that have no data and no configured rest day', () => {
    expect(yearsWithoutHolidays('2026-12-07', none)).toEqual([2027]);
    expect(yearsWithoutHolidays('2026-06-01', none)).toEqual([]);
    expect(yearsWithoutHolidays('2025-12-20', none)).toEqual([]); // 2026 is known
    expect(yearsWithoutHolidays('2026-12-07', { restDays: ['2027-01-01'], extraWorkDays: [] })).toEqual([]);
    expect(yearsWithoutHolidays('2026-12-07', { restDays: ['2026-12-31'], extraWorkDays: [] })).toEqual([2027]);
  });

  test('the enrolment reply warns, and start-up logs it; a 2027 rest day in the config silences both', async () => {
    const warnings: { obj: unknown; msg?: string }[] = [];
    const log = { ...silentLog, info: () => {}, error: () => {}, warn: (obj: object | string, msg?: string) => void warnings.push({ obj, msg }) };
    const [reply] = await runScenario(enrolAt('2026-12-07'), { log });
    expect(reply.text).toContain('提示：节假日数据还没有 2027 年的安排，2027 年的法定节假日会照常推送。请管理员在配置 schedule.restDays 里写上这些休息日，或更新 chinese-days。');
    expect(warnings).toEqual([{ obj: { years: [2027] }, msg: expect.stringMatching(/^no public holiday data for these years/) }]);

    warnings.length = 0;
    const listed = testConfig((c) => (c.schedule.restDays = ['2027-01-01', '2027-01-02', '2027-01-03']));
    const [quiet] = await runScenario(enrolAt('2026-12-07'), { log, config: listed });
    expect(quiet.text).toMatch(/^已报名/);
    expect(quiet.text).not.toContain('节假日数据');
    expect(warnings).toEqual([]);

    const [summer] = await runScenario(enrolAt('2026-06-01'), { log });
    expect(summer.text).not.toContain('节假日数据');
    expect(warnings).toEqual([]);
  });
});
