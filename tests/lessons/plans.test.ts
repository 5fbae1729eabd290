import { describe, expect, test } from 'vitest';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { formatProblem } from '../../src/core/problems.ts';
import { runCli } from '../helpers/cli.ts';
import { lesson, lessonTree, track } from './fixtures.ts';

const shown = (dir: string) => loadLibrary(dir).problems.map((p) => formatProblem(p).replace(/^.*banqian-lessons-[^/]+\//, ''));


describe('plans under lessons/plans/', () => {
  test('a plan loads by id or Chinese title, with weekday tracks or weights; the plans folder is not a track', () => {
    const dir = lessonTree({
      'a/track.yaml': track('a'), 'a/001.yaml': lesson('a-001'),
      'b/track.yaml': track('b'), 'b/001.yaml': lesson('b-001'),
      'plans/mix.yaml': 'id: mix\ntitle: 综合\ntracks: [a, b]\n',
      'plans/week.yaml': 'id: week\ntitle: 每周\nweekdays:\n  1: a\n  2: b\n',
      'plans/heavy.yaml': 'id: heavy\ntitle: 偏重\nweights: {a: 3, b: 1}\n',
    });
    const { library, problems } = loadLibrary(dir);
    expect(problems).toEqual([]);
    expect(library.tracks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(library.course('综合')?.tracks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(library.course('week')?.weekdays?.get(2)?.id).toBe('b');
    expect([...library.course('偏重')!.weights!]).toEqual([['a', 3], ['b', 1]]);
    expect(library.course('测试课程 a')?.id).toBe('a');
    expect(runCli(['lessons', 'validate', dir]).stdout.trim()).toBe('2 门课程、3 个计划，2 课可用，0 个错误，0 个提醒');
  });

  test('mistakes in a plan are reported as file:line:col, and the good parts still load', () => {
    const dir = lessonTree({
      'a/track.yaml': track('a'), 'a/001.yaml': lesson('a-001'),
      'plans/1.yaml': 'id: mix\ntitle: 综合\ntracks: [a, cooking]\n',
      'plans/2.yaml': 'id: two\ntitle: 两种\ntracks: [a]\nweekdays:\n  1: a\n',
      'plans/3.yaml': 'id: a\ntitle: 重名\ntracks: [a]\n',
      'plans/4.yaml': 'id: bad\ntitle: 星期\nweekdays:\n  8: a\n',
      'plans/5.yaml': 'id: none\ntitle: 空\ntracks: [cooking]\n',
    });
    expect(shown(dir)).toEqual([
      'plans/1.yaml:3:13: 错误：没有课程“cooking”（可选：a）；这一项不计入计划',
      'plans/2.yaml:4:1: 错误：计划要写且只写一种：tracks（按课程大小轮换）、weights（按权重）或 weekdays（按星期几）',
      'plans/3.yaml:1:5: 错误：编号“a”已被一门课程使用，请换一个',
      'plans/4.yaml:4:3: 错误：不认识的字段“8”（拼写错误？）',
      'plans/5.yaml:1:1: 错误：计划“空”里没有一门可用的课程，未加载',
      'plans/5.yaml:3:10: 错误：没有课程“cooking”（可选：a）；这一项不计入计划',
    ]);
    const { library } = loadLibrary(dir);
    expect(library.plans.map((p) => [p.id, p.tracks.map((t) => t.id)])).toEqual([['mix', ['a']]]);
  });

  test('a lesson date that is not a month-day, or crosses New Year, is an error at its line', () => {
    const dir = lessonTree({
      'a/track.yaml': track('a'),
      'a/001.yaml': lesson('a-001', { 3: 'kind: expert\ndates: 06-31' }),
      'a/002.yaml': lesson('a-002', { 3: 'kind: expert\ndates: [07-01..08-31, 12-01..01-31]' }),
      'a/003.yaml': lesson('a-003', { 3: 'kind: expert\ndates: 05-01' }),
    });
    expect(shown(dir)).toEqual([
      'a/001.yaml:4:8: 错误：日期“06-31”格式不对，应写成 月-日，如 05-01，或一段日子，如 06-01..06-30',
      'a/002.yaml:4:23: 错误：日期“12-01..01-31”跨了年，请拆成两段，如 12-01..12-31 和 01-01..01-31',
    ]);
    expect(loadLibrary(dir).library.lesson('a-003')?.dates).toEqual(['05-01']);
  });
});
