import { describe, expect, test } from 'vitest';
import { parseCommand, stripMention } from '../../src/core/bot/commands.ts';
import { parseDays } from '../../src/core/bot/chat.ts';
import { isLessonDay } from '../../src/core/schedule/calendar.ts';
import { addDays, instantOf, isoInZone, isoWeekday, isRealDate, parseHhmm, wallClock } from '../../src/core/time.ts';

const none = { restDays: [], extraWorkDays: [] };
const weekdays = [1, 2, 3, 4, 5];

describe('lesson days', () => {
  test.each([
    ['2026-12-07', weekdays, true], // Monday
    ['2026-12-05', weekdays, false], // Saturday
    ['2026-12-05', [1, 2, 3, 4, 5, 6], true],
    ['2026-10-01', weekdays, false], // National Day
    ['2026-10-03', [1, 2, 3, 4, 5, 6], false], // a Saturday inside the holiday
    ['2026-10-10', weekdays, true], // 调休 make-up Saturday
    ['2026-02-14', weekdays, true], // 调休 before Spring Festival
    ['2026-02-17', weekdays, false], // Spring Festival
  ])('%s with days %j → %s', (day, days, expected) => {
    expect(isLessonDay(day, days, none)).toBe(expected);
  });

  test('local overrides win', () => {
    expect(isLessonDay('2026-12-07', weekdays, { restDays: ['2026-12-07'], extraWorkDays: [] })).toBe(false);
    expect(isLessonDay('2026-12-06', weekdays, { restDays: [], extraWorkDays: ['2026-12-06'] })).toBe(true);
  });
});

describe('time helpers', () => {
  test('wall clock and instants in Asia/Shanghai', () => {
    const t = instantOf('2026-12-07', '07:50', 'Asia/Shanghai');
    expect(new Date(t).toISOString()).toBe('2026-12-06T23:50:00.000Z');
    expect(wallClock(t, 'Asia/Shanghai')).toEqual({ day: '2026-12-07', hhmm: '07:50', seconds: 0 });
    expect(isoInZone(t, 'Asia/Shanghai')).toBe('2026-12-07T07:50:00+08:00');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isoWeekday('2026-12-06')).toBe(7);
  });

  test.each([
    ['07:50', '07:50'], ['7:50', '07:50'], ['07：50', '07:50'], ['23:59', '23:59'],
    ['25:99', undefined], ['24:00', undefined], ['7.50', undefined], ['', undefined], ['07:5', undefined],
  ])('parseHhmm(%j) → %j', (input, expected) => {
    expect(parseHhmm(input)).toBe(expected);
  });

  test('real dates only', () => {
    expect(isRealDate('2028-02-29')).toBe(true);
    expect(isRealDate('2026-02-29')).toBe(false);
    expect(isRealDate('2026-13-01')).toBe(false);
  });
});

describe('chat commands', () => {
  test('mentions are stripped, with WeChat\'s U+2005 space', () => {
    expect(stripMention('@班前小助手\u2005报名 safety 07:50', '班前小助手')).toEqual({ text: '报名 safety 07:50', mentioned: true });
    expect(stripMention('我的 @班前小助手', '班前小助手')).toEqual({ text: '我的', mentioned: true });
    expect(stripMention('我的', '班前小助手')).toEqual({ text: '我的', mentioned: false });
  });

  test('Chinese and English forms map to one command; "/" or a mention makes it explicit', () => {
    expect(parseCommand('报名 safety 07:50', false)).toEqual({ name: 'enroll', args: ['safety', '07:50'], explicit: false });
    expect(parseCommand('/ENROLL safety 07:50', false)).toEqual({ name: 'enroll', args: ['safety', '07:50'], explicit: true });
    expect(parseCommand('／me', false)).toEqual({ name: 'me', args: [], explicit: true });
    expect(parseCommand('统计', true)).toEqual({ name: 'status', args: [], explicit: true });
    expect(parseCommand('报名了吗', false)).toBeUndefined();
    expect(parseCommand('今天 统计', false)).toBeUndefined();
  });

  test.each([
    ['1-5', [1, 2, 3, 4, 5]], ['1-6', [1, 2, 3, 4, 5, 6]], ['1,3,5', [1, 3, 5]], ['1，3，5', [1, 3, 5]], ['1-5,7', [1, 2, 3, 4, 5, 7]],
    ['5-1', undefined], ['0-5', undefined], ['1-8', undefined], ['', undefined], ['周一', undefined],
  ])('parseDays(%j) → %j', (spec, expected) => {
    expect(parseDays(spec)).toEqual(expected);
  });
});
