import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { columnNotes, lessonColumns, lessonRows } from '../../src/core/lessons/sheet.ts';
import type { Library } from '../../src/core/lessons/types.ts';
import { readGrids, writeLessonSheet } from '../../src/adapters/sheets/lessonSheets.ts';
import { runCli } from '../helpers/cli.ts';
import { lesson, lessonTree, track } from './fixtures.ts';

const shipped = resolve('lessons');
const tmp = () => mkdtempSync(join(tmpdir(), 'banqian-sheet-'));

/** An empty library with the same track folders (track.yaml only) as `from`. */
function emptyCopy(from: string): string {
  const root = tmp();
  for (const name of readdirSync(from)) {
    if (name === 'plans' || !readdirSync(from, { withFileTypes: true }).find((d) => d.name === name)?.isDirectory()) continue;
    mkdirSync(join(root, name));
    cpSync(join(from, name, 'track.yaml'), join(root, name, 'track.yaml'));
  }
  return root;
}

/** Every lesson, comparable across libraries: all fields but `file`, a local image relative to its track. */
function lessonsOf(library: Library) {
  return library.tracks.flatMap((t) =>
    t.lessons.map(({ file: _file, ...l }) => ({ ...l, image: l.image?.startsWith('https://') ? l.image : l.image && relative(t.dir, l.image) })),
  );
}

/** Every file under a folder with its text, to show a failed import wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) files[relative(dir, join(f.parentPath, f.name))] = readFileSync(join(f.parentPath, f.name), 'utf8');
  }
  return files;
}

const col = (header: string) => lessonColumns.findIndex((c) => c.zh === header);

describe('lessons export and import', () => {
  test('xlsx round trip over the whole shipped library is lossless', () => {
    const out = join(tmp(), 'all.xlsx');
    const exported = runCli(['lessons', 'export', out, '--lessons', shipped]);
    expect(exported.stderr).toBe('');
    const before = loadLibrary(shipped).library;
    const count = before.tracks.reduce((n, t) => n + t.lessons.length, 0);
    expect(exported.stdout).toContain(`已导出 ${count} 课`);
    const root = emptyCopy(shipped);
    const r = runCli(['lessons', 'import', out, '--lessons', root]);
    expect(r.stdout.trim()).toBe(`新增 ${count} 课，更新 0 课`);
    expect(r.code).toBe(0);
    const after = loadLibrary(root);
    expect(after.problems).toEqual([]);
    expect(lessonsOf(after.library)).toEqual(lessonsOf(before));
  });

  // The shipped library has no dates, links or images, and no text a spreadsheet could take for a formula.
  const rich = () =>
    lessonTree({
      't/track.yaml': track('t'),
      't/images/loto.png': 'png',
      't/001.yaml': lesson('t-001', {
        2: 'title: "=SUM(A1) 不是公式"',
        5: '  - 开头的短横\n  第二行\n\n  空行之后',
        6: 'source: 测试来源\ndates: [05-01, 06-01..06-30]\nlink: { title: 原文, url: "https://example.com/a?b=1" }\nimage: images/loto.png',
        9: '    options: [150, "+1", 断电上锁, "@家", 直接干, 甲]',
        10: '    answer: FC',
      }),
      't/002.yaml': lesson('t-002', { 3: 'kind: online', 6: 'dates: 12-31\nimage: https://example.com/x.png' }),
    });

  test.each(['xlsx', 'csv'])('%s round trip keeps dates, links, images, numeric options and formula-like text', (ext) => {
    const from = rich();
    const out = join(tmp(), `t.${ext}`);
    expect(runCli(['lessons', 'export', out, '--lessons', from]).code).toBe(0);
    const root = emptyCopy(from);
    cpSync(join(from, 't/images'), join(root, 't/images'), { recursive: true });
    const r = runCli(['lessons', 'import', out, '--lessons', root]);
    expect(r.stdout.trim()).toBe('新增 2 课，更新 0 课');
    const after = loadLibrary(root);
    expect(after.problems).toEqual([]);
    const lessons = lessonsOf(after.library);
    expect(lessons).toEqual(lessonsOf(loadLibrary(from).library));
    expect(lessons[0]).toMatchObject({ title: '=SUM(A1) 不是公式', dates: ['05-01', '06-01..06-30'], link: { title: '原文', url: 'https://example.com/a?b=1' }, image: 'images/loto.png' });
    expect(lessons[0].quiz[0]).toMatchObject({ options: ['150', '+1', '断电上锁', '@家', '直接干', '甲'], answer: 'CF' });
    expect(lessons[1]).toMatchObject({ kind: 'online', dates: ['12-31'], image: 'https://example.com/x.png' });
  });

  test('the xlsx has the lesson sheet with a frozen header and text columns, and the 说明 sheet', async () => {
    const out = join(tmp(), 'all.xlsx');
    await writeLessonSheet(out, lessonRows(loadLibrary(shipped).library, 'safety'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets.map((w) => w.name)).toEqual(['课程', '说明']);
    const ws = book.getWorksheet('课程')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([undefined, ...lessonColumns.map((c) => c.zh)]);
    expect(ws.getCell('F2').alignment).toMatchObject({ wrapText: true });
    expect(ws.getColumn(col('日期') + 1).numFmt).toBe('@');
    expect(book.getWorksheet('说明')!.getRow(1).values).toEqual([undefined, '列', '英文列名', '说明']);
  });

  test('export --track safety exports only that track', async () => {
    const out = join(tmp(), 'safety.xlsx');
    const r = runCli(['lessons', 'export', '--track', 'safety', out, '--lessons', shipped]);
    expect(r.code).toBe(0);
    const [grid] = await readGrids(out);
    const rows = grid.rows.slice(1);
    expect(rows.length).toBe(loadLibrary(shipped).library.track('safety')!.lessons.length);
    expect(new Set(rows.map((row) => row.cells[col('课程')]))).toEqual(new Set(['safety']));
    expect(runCli(['lessons', 'export', '--track', 'nope', out, '--lessons', shipped])).toMatchObject({ code: 1, stderr: expect.stringContaining('没有课程“nope”') });
  });

  test('a CSV in UTF-8, UTF-8 with BOM or GB18030 imports the same lessons', () => {
    const utf8 = readFileSync('tests/fixtures/sheets/lessons.csv');
    const files = { 'utf8.csv': utf8, 'bom.csv': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 'gb.csv': readFileSync('tests/fixtures/sheets/lessons-gb18030.csv') };
    const results = Object.entries(files).map(([name, bytes]) => {
      const dir = tmp();
      writeFileSync(join(dir, name), bytes);
      const root = lessonTree({ 't/track.yaml': track('t') });
      const r = runCli(['lessons', 'import', join(dir, name), '--lessons', root]);
      expect(r.stdout.trim()).toBe('新增 2 课，更新 0 课');
      return lessonsOf(loadLibrary(root).library);
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0][0]).toMatchObject({
      id: 'csv-001',
      title: '有限空间“先通风、再检测、后作业”',
      kind: 'expert',
      dates: ['05-01', '06-01..06-30'],
      body: '工友们好。\n今天讲有限空间。',
      quiz: [{ options: ['先作业', '先通风、再检测、后作业', '戴口罩直接进'], answer: 'B' }],
    });
    // Track by its Chinese title, a kind without "理论+", a lower-case answer, quotes inside a quoted cell.
    expect(results[0][1]).toMatchObject({ id: 'csv-002', trackId: 't', kind: 'union-cadre', body: '加班要付加班费，"不低于150%"。' });
    expect(results[0][1].quiz.map((q) => q.answer)).toEqual(['A', 'B']);
  });

  test('options separated by "|" in one cell give the same lesson as options in cells', () => {
    const head = '编号,标题,形式,正文,题1,{opts},题1答案,题1解析';
    const sheets = {
      'joined.csv': [head.replace('{opts}', '题1选项'), 'x-001,标题,expert,正文,问题？, 甲 | 乙 |丙,C,解析'],
      'cells.csv': [head.replace('{opts}', '题1选项A,题1选项B,题1选项C'), 'x-001,标题,expert,正文,问题？,甲,乙,丙,C,解析'],
    };
    const [joined, cells] = Object.entries(sheets).map(([name, lines]) => {
      const file = join(tmp(), name);
      writeFileSync(file, lines.join('\n'));
      const root = lessonTree({ 'x/track.yaml': track('x') });
      expect(runCli(['lessons', 'import', file, '--track', 'x', '--lessons', root]).code).toBe(0);
      return lessonsOf(loadLibrary(root).library);
    });
    expect(joined).toEqual(cells);
    expect(joined[0].quiz[0]).toMatchObject({ options: ['甲', '乙', '丙'], answer: 'C' });
  });

  test('a sheet with errors reports each at file:sheet!cell with the YAML message and writes nothing', async () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 'u/track.yaml': track('u'), 'u/001.yaml': lesson('u-001') });
    const dir = tmp();
    const rows = lessonRows(loadLibrary(root).library, 't');
    const row = (id: string) => {
      const r = [...rows[1]];
      r[0] = id;
      return r;
    };
    const badAnswer = row('t-002');
    badAnswer[col('题1答案')] = 'D';
    const noTitle = row('t-003');
    noTitle[col('标题')] = '';
    const badDate = row('t-004');
    badDate[col('日期')] = '05-01、13-01';
    const takenByU = row('u-001');
    const noId = row('');
    const badOption = row('t-005');
    badOption[col('题1选项A')] = '';
    await writeLessonSheet(join(dir, 'bad.xlsx'), [rows[0], rows[1], badAnswer, noTitle, badDate, row('t-001'), takenByU, noId, badOption]);
    const before = snapshot(root);
    const r = runCli(['lessons', 'import', 'bad.xlsx', '--lessons', root], { cwd: dir });
    expect(r.code).toBe(1);
    // The same mistakes in a YAML file, for their messages.
    const yaml = loadLibrary(lessonTree({ 't/track.yaml': track('t'), 't/1.yaml': lesson('t-1', { 10: '    answer: D' }), 't/2.yaml': lesson('t-2', { 6: 'dates: [05-01, 13-01]' }) })).problems.map((p) => p.message);
    expect(yaml).toHaveLength(2);
    const L = (h: string) => String.fromCharCode(65 + col(h));
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `bad.xlsx:课程!${L('题1答案')}3: 错误：${yaml[0]}`,
      `bad.xlsx:课程!${L('标题')}4: 错误：这一行缺少必填字段“title”`,
      `bad.xlsx:课程!${L('日期')}5: 错误：${yaml[1]}`,
      `bad.xlsx:课程!A6: 错误：课程编号“t-001”重复了，bad.xlsx:课程!A2 已经用过`,
      `bad.xlsx:课程!A7: 错误：课程编号“u-001”重复了，${relative(dir, join(root, 'u/001.yaml'))} 已经用过`,
      `bad.xlsx:课程!A8: 错误：这一行缺少必填字段“id”`,
      `bad.xlsx:课程!${L('题1选项A')}9: 错误：第 1 题的选项A空着，选项要从 A 起连续填写`,
      '表格有 7 处错误，没有导入任何课程。',
    ]);
    expect(snapshot(root)).toEqual(before);
  });

  test('unknown columns, a missing required column and an unknown track are reported', () => {
    const dir = tmp();
    const root = lessonTree({ 't/track.yaml': track('t') });
    writeFileSync(join(dir, 'a.csv'), '编号,课程,标题,形式,正文,题1,题1选项,题1答案,备注\nx-1,nope,标,expert,文,问？,甲|乙,A,\n');
    const r = runCli(['lessons', 'import', join(dir, 'a.csv'), '--lessons', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('a.csv:a!I1: 错误：不认识的列“备注”');
    expect(r.stdout).toContain('a.csv:a!J1: 错误：表头缺少“题1解析”列');
    writeFileSync(join(dir, 'b.csv'), '编号,课程,标题,形式,正文,题1,题1选项,题1答案,题1解析\nx-1,nope,标,讲座,文,问？,甲|乙,A,析\n');
    const b = runCli(['lessons', 'import', join(dir, 'b.csv'), '--lessons', root]);
    expect(b.stdout).toContain('b.csv:b!B2: 错误：没有课程“nope”（可选：t（测试课程 t））');
    expect(b.stdout).toMatch(/b\.csv:b!D2: 错误：“kind”只能是：expert、model-worker.*，或中文：理论\+专家学者/);
    expect(readdirSync(join(root, 't'))).toEqual(['track.yaml']);
  });

  test('re-importing an edited sheet updates the existing file by id; a new row gets the next number', async () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001-lock.yaml': lesson('t-001'), 't/002-two.yaml': lesson('t-002') });
    const out = join(tmp(), 't.xlsx');
    expect(runCli(['lessons', 'export', out, '--lessons', root]).code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const ws = book.getWorksheet('课程')!;
    ws.getCell(2, col('标题') + 1).value = '改过的标题';
    // Excel turns a typed 05-01 into a date; it is read back as 05-01.
    const day = ws.getCell(2, col('日期') + 1);
    day.value = new Date(Date.UTC(2026, 4, 1));
    day.numFmt = 'm月d日';
    const added = ws.addRow([...(ws.getRow(3).values as string[]).slice(1)]);
    added.getCell(1).value = 't-new';
    added.getCell(col('形式') + 1).value = '劳模工匠';
    await book.xlsx.writeFile(out);
    const r = runCli(['lessons', 'import', out, '--lessons', root]);
    expect(r.stdout.trim()).toBe('新增 1 课，更新 2 课');
    expect(readdirSync(join(root, 't')).sort()).toEqual(['001-lock.yaml', '002-two.yaml', '003-t-new.yaml', 'track.yaml']);
    const { library, problems } = loadLibrary(root);
    expect(problems).toEqual([]);
    expect(library.lesson('t-001')).toMatchObject({ title: '改过的标题', dates: ['05-01'], file: join(root, 't/001-lock.yaml') });
    expect(library.lesson('t-new')).toMatchObject({ kind: 'model-worker', trackId: 't' });
    expect(readFileSync(join(root, 't/001-lock.yaml'), 'utf8')).toMatch(/^id: t-001\ntitle: 改过的标题\nkind: expert\ndates: 05-01\nbody: \|\n {2}检修前/);
  });

  test('English headers are accepted; a long body is a warning and still imports', () => {
    const root = lessonTree({ 't/track.yaml': track('t') });
    const dir = tmp();
    const body = '长'.repeat(1200);
    writeFileSync(join(dir, 'en.csv'), `ID,Track,Title,Kind,Dates,Body,Link Title,link_url,quiz1.question,Quiz1 Options,quiz1.answer,quiz1.explain\nx-1,t,标,culture,"05-01\n05-04",${body},原文,https://example.com,问？,甲|乙,b,析\n`);
    const r = runCli(['lessons', 'import', 'en.csv', '--lessons', root], { cwd: dir });
    expect(r.stdout).toBe('en.csv:en!F2: 提醒：正文有 1200 字，超过 1000 字，在微信里一屏读不完，建议精简或拆成两课\n新增 1 课，更新 0 课\n');
    expect(loadLibrary(root).library.lesson('x-1')).toMatchObject({ kind: 'culture', dates: ['05-01', '05-04'], link: { title: '原文', url: 'https://example.com' }, quiz: [{ options: ['甲', '乙'], answer: 'B' }] });
  });

  test('header and option mistakes: a repeated column, a question without options, options in both places, no question', () => {
    const root = lessonTree({ 't/track.yaml': track('t') });
    const dir = tmp();
    writeFileSync(join(dir, 'h.csv'), '编号,标题,标题,形式,正文,题1,题1答案,题1解析\n');
    const h = runCli(['lessons', 'import', 'h.csv', '--track', 't', '--lessons', root], { cwd: dir });
    expect(h.stdout).toContain('h.csv:h!C1: 错误：“标题”列出现了两次');
    expect(h.stdout).toContain('h.csv:h!F1: 错误：有“题1”列却没有它的选项列');
    writeFileSync(join(dir, 'o.csv'), '编号,标题,形式,正文,题1,题1选项,题1选项A,题1选项B,题1答案,题1解析\nx-1,标,expert,文,问？,甲|乙,甲,乙,A,析\nx-2,标,expert,文,,,,,,\n');
    const o = runCli(['lessons', 'import', 'o.csv', '--track', 't', '--lessons', root], { cwd: dir });
    expect(o.stdout).toContain('o.csv:o!G2: 错误：第 1 题的选项请只写在一处');
    expect(o.stdout).toContain('o.csv:o!E3: 错误：“quiz”至少要有 1 项');
    expect(o.code).toBe(1);
  });

  test('export names the broken files it leaves out', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001'), 't/002.yaml': lesson('t-002', { 10: '    answer: D' }) });
    const r = runCli(['lessons', 'export', join(tmp(), 'x.xlsx'), '--lessons', root]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/002\.yaml:10:13: 错误：第 1 题答案“D”超出了选项范围[^]*以上 1 处错误所在的课没有导出。/);
    expect(r.stdout).toContain('已导出 1 课');
  });

  test('--track fills an empty 课程 cell and must agree with a filled one', () => {
    const root = lessonTree({ 'a/track.yaml': track('a'), 'b/track.yaml': track('b') });
    const file = join(tmp(), 'x.csv');
    writeFileSync(file, '编号,课程,标题,形式,正文,题1,题1选项,题1答案,题1解析\nx-1,,标,expert,文,问？,甲|乙,A,析\nx-2,b,标,expert,文,问？,甲|乙,A,析\n');
    const r = runCli(['lessons', 'import', file, '--track', 'a', '--lessons', root]);
    expect(r.stdout).toContain('x.csv:x!B3: 错误：这一行属于课程“b”，与命令里的 --track a 不一致');
    writeFileSync(file, '编号,课程,标题,形式,正文,题1,题1选项,题1答案,题1解析\nx-1,,标,expert,文,问？,甲|乙,A,析\n');
    expect(runCli(['lessons', 'import', file, '--lessons', root]).stdout).toContain('x.csv:x!B2: 错误：请填写所属课程');
    expect(runCli(['lessons', 'import', file, '--track', 'a', '--lessons', root]).stdout.trim()).toBe('新增 1 课，更新 0 课');
    expect(readdirSync(join(root, 'a'))).toContain('001-x-1.yaml');
  });

  test('a file that is not a spreadsheet gets one clear error', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.xlsx'), 'not a zip');
    expect(runCli(['lessons', 'import', join(dir, 'x.xlsx'), '--lessons', shipped])).toMatchObject({ code: 1, stderr: expect.stringContaining('不是有效的 .xlsx 文件') });
    expect(runCli(['lessons', 'import', join(dir, 'x.txt'), '--lessons', shipped])).toMatchObject({ code: 1, stderr: expect.stringContaining('只支持 .xlsx 和 .csv') });
  });

  test('the shipped template has the layout and imports cleanly; the loader ignores it', async () => {
    const [lessonsGrid, notes] = await readGrids('lessons/template.xlsx');
    expect(lessonsGrid.rows[0].cells).toEqual(lessonColumns.map((c) => c.zh));
    expect(lessonsGrid.rows.length).toBe(3);
    expect(notes.rows.map((r) => r.cells)).toEqual(columnNotes);
    const root = emptyCopy(shipped);
    expect(runCli(['lessons', 'import', resolve('lessons/template.xlsx'), '--lessons', root]).stdout.trim()).toBe('新增 2 课，更新 0 课');
    expect(loadLibrary(shipped).problems.filter((p) => p.file.includes('template'))).toEqual([]);
  });

  test('the README documents every column', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const [zh, en] of columnNotes.slice(1)) expect(readme.includes(`| ${zh} | \`${en}\` |`), zh).toBe(true);
  });
});
