import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LibraryWatcher, loadLibrary, longBodyChars, maxBodyChars, maxLessonBytes } from '../../src/core/lessons/load.ts';
import { aliasBomb, lesson, lessonTree, track } from './fixtures.ts';

/** Loads one track holding a good lesson and the given bad one; returns the problems of the bad file. */
function problemsOf(badLesson: string, extra: Record<string, string> = {}) {
  const root = lessonTree({ 't/track.yaml': track('t'), 't/001-good.yaml': lesson('t-001'), 't/002-bad.yaml': badLesson, ...extra });
  const { library, problems } = loadLibrary(root);
  return { library, problems: problems.filter((p) => p.file.endsWith('002-bad.yaml')), all: problems };
}

describe('lesson loader', () => {
  test('loads a valid library in file-name order, with letters normalised', () => {
    const root = lessonTree({
      'b/track.yaml': track('b'),
      'b/002.yaml': lesson('b-002', { 10: '    answer: A' }),
      'b/001.yaml': lesson('b-001'),
      'a/track.yaml': 'id: a\ntitle: 甲\ndescription: 说明\n',
      'a/001.yaml': lesson('a-001', { 9: '    options: [甲, 乙, 丙]', 10: '    answer: CA' }),
    });
    const { library, problems } = loadLibrary(root);
    expect(problems).toEqual([]);
    expect(library.tracks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(library.track('b')!.lessons.map((l) => l.id)).toEqual(['b-001', 'b-002']);
    expect(library.lesson('a-001')!.quiz[0].answer).toBe('AC');
    expect(library.lesson('b-001')).toMatchObject({ title: '上锁挂牌', kind: 'expert', body: '检修前先断电，再上锁挂牌。', trackId: 'b' });
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['YAML syntax error', lesson('t-002', { 9: '    options: [断电上锁, 直接干' }), 10, 5, /YAML 格式错误/],
    ['missing required field', lesson('t-002', { 2: '# no title' }), 1, 1, /缺少必填字段“title”/],
    ['unknown field (typo)', lesson('t-002', { 6: 'sauce: 测试来源' }), 6, 1, /不认识的字段“sauce”/],
    ['wrong kind', lesson('t-002', { 3: 'kind: lecture' }), 3, 7, /“kind”只能是：expert、model-worker/],
    ['answer letter outside the options', lesson('t-002', { 10: '    answer: C' }), 10, 13, /答案“C”超出了选项范围（只有 A–B）/],
    ['repeated answer letters', lesson('t-002', { 10: '    answer: AA' }), 10, 13, /重复的字母/],
    ['lower-case answer', lesson('t-002', { 10: '    answer: a' }), 10, 13, /应为选项字母/],
    ['too few options', lesson('t-002', { 9: '    options: [只有一个]' }), 9, 14, /至少要有 2 项/],
    ['empty body', lesson('t-002', { 5: '  ' }), 4, 7, /不能为空/],
    ['bad id', lesson('t-002', { 1: 'id: Safety 2' }), 1, 5, /只能用小写英文字母/],
    ['duplicate key', lesson('t-002', { 6: 'title: 又一个' }), 6, 1, /YAML 格式错误/],
    ['duplicate id across the library', lesson('t-001'), 1, 5, /“t-001”重复了，.*001-good\.yaml:1 已经用过/],
    ['missing image file', lesson('t-002', { 6: 'image: images/none.png' }), 6, 8, /找不到图片文件“images\/none\.png”/],
    ['body over the hard limit', lesson('t-002', { 5: `  ${'安'.repeat(maxBodyChars + 1)}` }), 4, 7, /正文有 5001 字，超过上限 5000 字/],
    ['alias bomb ("billion laughs")', aliasBomb('t-002'), 14, 10, /别名（& 和 \*）展开后内容过多/],
    ['alias to a missing anchor', lesson('t-002', { 6: 'source: *nowhere' }), 6, 9, /YAML 内容无法读取/],
    ['too many questions', lesson('t-002') + ['  - {question: 二, options: [a, b], answer: A, explain: e}', '  - {question: 三, options: [a, b], answer: A, explain: e}', '  - {question: 四, options: [a, b], answer: A, explain: e}'].join('\n'), 8, 3, /最多只能有 3 项/],
  ];

  test.each(cases)('%s is reported at its line and the good lesson still loads', (_name, text, line, col, message) => {
    const { library, problems } = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ line, col, severity: 'error' });
    expect(problems[0].message).toMatch(message);
    expect(library.lesson('t-001')).toBeDefined();
    expect(library.track('t')!.lessons.map((l) => l.id)).toEqual(['t-001']);
  });

  test('an image that exists loads with an absolute path', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001', { 6: 'image: images/a.png' }), 't/images/a.png': 'png' });
    const { library, problems } = loadLibrary(root);
    expect(problems).toEqual([]);
    expect(library.lesson('t-001')!.image).toBe(join(root, 't/images/a.png'));
  });

  test('a long body is a warning, and the lesson still loads', () => {
    const { library, problems } = problemsOf(lesson('t-002', { 5: `  ${'安'.repeat(longBodyChars + 1)}` }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 4, col: 7, severity: 'warning' });
    expect(library.lesson('t-002')).toBeDefined();
  });

  // Placing problems used to cost O(problems × keys): 20,000 unknown keys took 10 s. 30,000 (the most a file
  // under the size limit holds) would take far longer; linear, they take a fraction of a second.
  test('30,000 unknown keys are checked in seconds, not minutes, each placed at its line', () => {
    const count = 30_000;
    const text = lesson('t-002') + Array.from({ length: count }, (_, i) => `x${i.toString(36)}: v`).join('\n') + '\n';
    expect(Buffer.byteLength(text)).toBeLessThan(maxLessonBytes);
    const started = performance.now();
    const { problems } = problemsOf(text);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(problems.map((p) => p.line)).toEqual(Array.from({ length: count }, (_, i) => 12 + i));
  });

  test.each([
    ['unknown keys', lesson('t-002') + Array.from({ length: 200_000 }, (_, i) => `k${i}: v`).join('\n') + '\n'],
    ['a body', lesson('t-002', { 5: `  ${'安'.repeat(700_000)}` })],
  ])('a 2 MB file of %s is refused in under a second; the other lessons load', (_name, text) => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(2_000_000);
    const started = performance.now();
    const { library, problems } = problemsOf(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(problems).toEqual([expect.objectContaining({ line: 1, col: 1, severity: 'error', message: expect.stringMatching(/文件有 2\.\d MB，超过上限 256 KB，未加载/) })]);
    expect(library.track('t')!.lessons.map((l) => l.id)).toEqual(['t-001']);
  });

  test('every problem in one file is reported in one pass, in line order', () => {
    const { problems } = problemsOf(lesson('t-002', { 3: 'kind: lecture', 10: '    answer: C' }));
    expect(problems.map((p) => p.line)).toEqual([3, 10]);
  });

  test('a track without track.yaml is reported, others still load', () => {
    const root = lessonTree({ 'good/track.yaml': track('good'), 'good/001.yaml': lesson('good-001'), 'orphan/001.yaml': lesson('orphan-001') });
    const { library, problems } = loadLibrary(root);
    expect(library.lesson('good-001')).toBeDefined();
    expect(problems).toHaveLength(1);
    expect(problems[0].file).toMatch(/orphan$/);
    expect(problems[0].message).toMatch(/缺少 track\.yaml/);
  });

  test('a broken track.yaml is reported at its line', () => {
    const root = lessonTree({ 't/track.yaml': 'id: t\ntitle: 课\ncolour: red\n', 't/001.yaml': lesson('t-001') });
    const { library, problems } = loadLibrary(root);
    expect(library.tracks).toEqual([]);
    expect(problems[0]).toMatchObject({ line: 3, col: 1 });
  });

  test("an editor's lock file (a dangling symlink such as .#001.yaml) neither breaks a reload nor counts as a lesson", () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001') });
    symlinkSync('root@host.1234:1700000000', join(root, 't/.#001.yaml'));
    symlinkSync(join(root, 'gone'), join(root, 'old-track'));
    const reported: unknown[] = [];
    const library = new LibraryWatcher(root, (p) => reported.push(...p)).refresh();
    expect(library.track('t')!.lessons.map((l) => l.id)).toEqual(['t-001']);
    expect(reported).toEqual([]);
  });

  test('the watcher sees a file added or removed at once, and an edit in place by its next look at every file', async () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001') });
    const watcher = new LibraryWatcher(root, () => {}, 200);
    expect(watcher.refresh().track('t')!.lessons).toHaveLength(1);
    writeFileSync(join(root, 't/002.yaml'), lesson('t-002'));
    expect(watcher.refresh().track('t')!.lessons).toHaveLength(2);
    writeFileSync(join(root, 't/002.yaml'), lesson('t-002b'));
    // Within the interval only the folders are looked at: nothing changed there.
    expect(watcher.refresh().lesson('t-002b')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));
    expect(watcher.refresh().lesson('t-002b')).toBeDefined();
  });

  test('a missing lessons directory is an error, not a crash', () => {
    const { library, problems } = loadLibrary(join(lessonTree({}), 'nope'));
    expect(library.tracks).toEqual([]);
    expect(problems[0].message).toMatch(/找不到课程目录/);
  });

  test('a file that changes on disk is read afresh by the next load', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001') });
    expect(loadLibrary(root).problems).toEqual([]);
    writeFileSync(join(root, 't/001.yaml'), lesson('t-001', { 10: '    answer: Z' }));
    expect(loadLibrary(root).problems[0].line).toBe(10);
  });
});
