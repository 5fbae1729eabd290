import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { aliasBomb, lesson, lessonTree, track } from './fixtures.ts';

describe('banqian lessons', () => {
  test('validate exits 0 and prints a summary for a good library', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 't/002.yaml': lesson('t-002') });
    const r = runCli(['lessons', 'validate', root]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('1 门课程，2 课可用，0 个错误，0 个提醒');
  });

  test('validate exits 1 and names file:line:col for each error', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 't/002.yaml': lesson('t-002', { 10: '    answer: D' }) });
    const r = runCli(['lessons', 'validate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/t\/002\.yaml:10:13: 错误：第 1 题答案“D”超出了选项范围/);
    expect(r.stdout).toMatch(/1 门课程，1 课可用，1 个错误，0 个提醒/);
  });

  test('an alias bomb in one file gets file:line:col and a plain message; the others load and the summary is printed', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 't/002.yaml': aliasBomb('t-002'), 't/003.yaml': lesson('t-003') });
    const r = runCli(['lessons', 'validate', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/t\/002\.yaml:14:10: 错误：别名（& 和 \*）展开后内容过多，文件不予加载/);
    expect(r.stdout).toMatch(/1 门课程，2 课可用，1 个错误，0 个提醒/);
  });

  test('validate exits 0 when there are only warnings', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001', { 5: `  ${'长'.repeat(1200)}` }) });
    const r = runCli(['lessons', 'validate', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/001\.yaml:4:7: 提醒：正文有 1200 字/);
  });

  test('preview prints the merged lesson and quiz message the bot would send', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 't/002.yaml': lesson('t-002', { 2: 'title: 第二课' }) });
    const r = runCli(['lessons', 'preview', 't-002', '--lessons', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('──── 消息 1/1（文字）────');
    expect(r.stdout).toContain('【班前十分钟】测试课程 t 第 2 课 · 理论+专家学者\n《第二课》');
    expect(r.stdout).toContain('检修前先做什么？\nA. 断电上锁\nB. 直接干');
    expect(r.stdout).not.toContain('先断电上锁。'); // the explanation stays secret until the quiz closes
  });

  test('preview of an unknown lesson exits 1 with a clear message', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001') });
    const r = runCli(['lessons', 'preview', 'nope-001', '--lessons', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/找不到课程“nope-001”/);
  });

  test('--help lists the commands', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lessons/);
  });
});
