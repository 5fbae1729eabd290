import { relative } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Document, Scalar } from 'yaml';
import type { Problem } from '../problems.ts';
import { decodePointer, describeSchemaError } from '../yaml/checkedYaml.ts';
import { checkLessonData, type LessonChecker, type RawLesson } from './load.ts';
import { kindLabels, lessonKinds, optionLetter, type Lesson, type Library, type Track } from './types.ts';

/** The spreadsheet layout of lessons: one row per lesson, one column per field, up to 3 questions of up to 6 options. */

export const maxQuestions = 3;
export const maxOptions = 6;
/** The sheet name of the lesson rows in an exported workbook, and of the column notes. */
export const lessonSheetName = '课程';
export const notesSheetName = '说明';

/** A cell as read: text, or a date when Excel turned a typed "05-01" into one. */
export type CellValue = string | Date;
export interface GridRow {
  /** The row number the spreadsheet shows. */
  row: number;
  cells: CellValue[];
}
export interface Grid {
  sheet: string;
  rows: GridRow[];
}

interface Column {
  /** Field key: id, track, title, …, q1, q1.options, q1.A, q1.answer, q1.explain. */
  key: string;
  zh: string;
  en: string;
  note: string;
}

const field = (key: string, zh: string, note: string, en = key): Column => ({ key, zh, en, note });

function questionColumns(n: number): Column[] {
  const letters = Array.from({ length: maxOptions }, (_, i) => optionLetter(i));
  return [
    field(`q${n}`, `题${n}`, n === 1 ? '第 1 题的题目（必填，每课 1–3 题）' : `第 ${n} 题的题目（可空；空着则没有这一题）`, `quiz${n}.question`),
    ...letters.map((l, i) =>
      field(`q${n}.${l}`, `题${n}选项${l}`, i < 2 ? `选项 ${l}（每题至少 2 个选项）` : `选项 ${l}（可空；选项要从 A 起连续填写）`, `quiz${n}.options.${l}`),
    ),
    field(`q${n}.answer`, `题${n}答案`, '正确选项的字母，单选如 B，多选如 AC', `quiz${n}.answer`),
    field(`q${n}.explain`, `题${n}解析`, '答题结束后公布的解析（必填）', `quiz${n}.explain`),
  ];
}

/** The columns an export writes, in order. */
export const lessonColumns: Column[] = [
  field('id', '编号', '课程编号，全库唯一，只用小写英文字母、数字、“-”和“_”，如 safety-011（必填）。再次导入时按编号更新原来的课'),
  field('track', '课程', '所属课程：课程编号（如 safety）或课程名称（如 安全生产）；命令里给了 --track 时可空'),
  field('title', '标题', '标题，最多 80 字（必填）'),
  field('kind', '形式', `“理论+N”形式（必填）：${lessonKinds.map((k) => kindLabels[k]).join('、')}；可省略“理论+”，也可写英文 ${lessonKinds.join('、')}`),
  field('dates', '日期', '可空。只在某天推送的课：月-日，如 05-01，或一段日子，如 06-01..06-30；几个日期用“、”、逗号或换行隔开'),
  field('body', '正文', '课程正文（必填），单元格里可换行；超过 1000 字会提醒，超过 5000 字不能导入'),
  field('source', '出处', '可空。文件、法规或报道的出处'),
  field('link.title', '链接标题', '可空。附带链接的标题；填了链接就要同时填链接标题和链接网址', 'link.title'),
  field('link.url', '链接网址', '可空。以 https:// 开头的网址', 'link.url'),
  field('image', '图片', '可空。图片文件（相对于课程文件夹，如 images/loto.png）或 https 网址'),
  ...[1, 2, 3].flatMap(questionColumns),
];

/** Accepted instead of the six option cells: all options in one cell, separated by "|". */
const joinedOptionColumns: Column[] = [1, 2, 3].map((n) =>
  field(`q${n}.options`, `题${n}选项`, `可代替选项A…F 各列：第 ${n} 题的全部选项写在一格里，用“|”隔开，如 断电上锁|直接干`, `quiz${n}.options`),
);

/** Header words compared without case, spaces, dots, dashes and underscores. */
const norm = (s: string) => s.replace(/^\uFEFF/, '').replace(/[\s._\-]+/g, '').toLowerCase();
const byHeader = new Map([...lessonColumns, ...joinedOptionColumns].flatMap((c) => [[norm(c.zh), c] as const, [norm(c.en), c] as const]));

/** The 说明 sheet (and the README table): each column and what goes in it. */
export const columnNotes: string[][] = [
  ['列', '英文列名', '说明'],
  ...[...lessonColumns.slice(0, 10), ...questionColumns(1), joinedOptionColumns[0]].map((c) => [c.zh, c.en, c.note]),
  ['题2…、题3…', 'quiz2.…、quiz3.…', '第 2、3 题，列与第 1 题相同'],
];

/** "A", …, "Z", "AA", … for a 0-based column index. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------- export

const kindLabel = (kind: string) => kindLabels[kind as keyof typeof kindLabels] ?? kind;

/** One lesson as the cells of `lessonColumns` (an image path relative to its track folder, as written). */
export function lessonRow(lesson: Lesson, track: Track): string[] {
  const cells: Record<string, string | undefined> = {
    id: lesson.id,
    track: track.id,
    title: lesson.title,
    kind: kindLabel(lesson.kind),
    dates: lesson.dates?.join('、'),
    body: lesson.body,
    source: lesson.source,
    'link.title': lesson.link?.title,
    'link.url': lesson.link?.url,
    image: lesson.image && !/^https?:\/\//.test(lesson.image) ? relative(track.dir, lesson.image).split('\\').join('/') : lesson.image,
  };
  lesson.quiz.forEach((q, i) => {
    cells[`q${i + 1}`] = q.question;
    q.options.forEach((o, j) => (cells[`q${i + 1}.${optionLetter(j)}`] = o));
    cells[`q${i + 1}.answer`] = q.answer;
    cells[`q${i + 1}.explain`] = q.explain;
  });
  return lessonColumns.map((c) => cells[c.key] ?? '');
}

/** The header row and one row per lesson of the library (or of one track). */
export function lessonRows(library: Library, trackId?: string): string[][] {
  const tracks = library.tracks.filter((t) => !trackId || t.id === trackId);
  return [lessonColumns.map((c) => c.zh), ...tracks.flatMap((t) => t.lessons.map((l) => lessonRow(l, t)))];
}

// ---------------------------------------------------------------- import

/** A problem in a spreadsheet, at `file:sheet!cell`. */
export interface SheetProblem {
  file: string;
  sheet: string;
  cell: string;
  /** For ordering: row, then column. */
  row: number;
  col: number;
  severity: Problem['severity'];
  message: string;
}

export function formatSheetProblem(p: SheetProblem): string {
  const at = p.cell ? `${p.file}:${p.sheet}!${p.cell}` : p.file;
  return `${at}: ${p.severity === 'error' ? '错误' : '提醒'}：${p.message}`;
}

/** A checked row: the lesson as it will be written, and its track. */
export interface SheetLesson {
  raw: RawLesson;
  track: Track;
}

/** Where each part of one row's lesson came from, so a data path can be placed on a cell. */
interface RowPlace {
  row: number;
  columns: Map<string, number>;
  /** The sheet question number (1–3) of each quiz item. */
  questions: number[];
}

/** Places each problem of one row's lesson on its cell: ['quiz', 1, 'options', 2] → the cell of 题2选项C. */
class RowChecker implements LessonChecker {
  constructor(
    private readonly sink: (col: number, row: number, severity: Problem['severity'], message: string) => void,
    private readonly place: RowPlace,
  ) {}

  report(path: (string | number)[], severity: Problem['severity'], message: string): void {
    this.sink(this.column(path), this.place.row, severity, message);
  }

  checkSchema(validate: ValidateFunction, data: unknown, describe: (e: ErrorObject) => string = describeSchemaError): boolean {
    if (validate(data)) return true;
    for (const e of validate.errors ?? []) {
      const path = e.instancePath.split('/').slice(1).map(decodePointer);
      if (e.keyword === 'required') path.push(String(e.params.missingProperty));
      // A missing field is reported on its (empty) cell; "文件" would mislead in a sheet.
      let message = describe(e).replace(/^文件/, '这一行');
      if (e.instancePath === '/kind' && e.keyword === 'enum') message += `，或中文：${lessonKinds.map((k) => kindLabels[k]).join('、')}`;
      this.report(path, 'error', message);
    }
    return false;
  }

  private column(path: (string | number)[]): number {
    const cols = this.place.columns;
    const at = (key: string) => cols.get(key);
    const [top, i, part, j] = path;
    if (top === 'link') return at(`link.${part ?? 'title'}`) ?? at('link.title') ?? at('link.url')!;
    if (top === 'quiz' && typeof i === 'number') {
      const n = this.place.questions[i];
      if (part === 'options') return (typeof j === 'number' ? at(`q${n}.${optionLetter(j)}`) : at(`q${n}.A`)) ?? at(`q${n}.options`)!;
      return at(part && part !== 'question' ? `q${n}.${part}` : `q${n}`)!;
    }
    if (top === 'quiz') return at('q1')!;
    return at(String(top)) ?? at('id')!;
  }
}

/** Lesson kinds by English name, Chinese label, or the label without "理论+". */
const kindWords = new Map(lessonKinds.flatMap((k) => [[k, k] as const, [norm(kindLabels[k]), k] as const, [norm(kindLabels[k].replace(/^理论\+/, '')), k] as const]));
const kindOf = (text: string) => kindWords.get(norm(text.replace(/^理论\s*[+＋]/, ''))) ?? kindWords.get(norm(text)) ?? text;

const pad2 = (n: number) => String(n).padStart(2, '0');
/** A date Excel made of a typed "05-01" goes back to "05-01" (Excel keeps dates as UTC days). */
const dayOf = (d: Date) => `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;

const textOf = (v: CellValue | undefined): string => (v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? '').replace(/\r\n?/g, '\n'));

export interface ImportOptions {
  /** The file name used in problems. */
  file: string;
  /** The track of rows whose 课程 cell is empty. */
  track?: string;
  /** Where an id already used in the library is (shown in the duplicate message). */
  shownFile?: (lesson: Lesson) => string;
}

/**
 * Reads lesson rows from every sheet (but 说明) and checks each lesson exactly as a YAML file is checked,
 * plus: a known track, ids unique in the sheet and not used by another track's files. With any error the
 * caller writes nothing.
 */
export function lessonsFromSheets(grids: Grid[], library: Library, lessonsDir: string, opts: ImportOptions): { lessons: SheetLesson[]; problems: SheetProblem[] } {
  const problems: SheetProblem[] = [];
  const lessons: SheetLesson[] = [];
  const sheetIds = new Map<string, string>();
  const defaultTrack = opts.track === undefined ? undefined : findTrack(library, opts.track);
  const trackList = library.tracks.map((t) => `${t.id}（${t.title}）`).join('、');
  if (opts.track !== undefined && !defaultTrack) {
    problems.push({ file: opts.file, sheet: '', cell: '', row: 0, col: 0, severity: 'error', message: `没有课程“${opts.track}”（可选：${trackList}）` });
    return { lessons, problems };
  }
  for (const grid of grids.filter((g) => g.sheet !== notesSheetName)) {
    const sink = (col: number, row: number, severity: Problem['severity'], message: string) =>
      problems.push({ file: opts.file, sheet: grid.sheet, cell: `${columnLetter(col)}${row}`, row, col, severity, message });
    const filled = grid.rows.filter((r) => r.cells.some((c) => textOf(c).trim()));
    const header = filled[0];
    if (!header) continue;
    const columns = readHeader(header, (col, message) => sink(col, header.row, 'error', message));
    if (!columns) continue;
    if (!columns.has('track') && !defaultTrack) sink(0, header.row, 'error', '表头缺少“课程”列：请加上这一列，或在命令里写 --track 课程编号');
    for (const r of filled.slice(1)) {
      const cell = (key: string) => {
        const c = columns.get(key);
        return c === undefined ? '' : textOf(r.cells[c]);
      };
      const place: RowPlace = { row: r.row, columns, questions: [] };
      const checker = new RowChecker(sink, place);
      const raw = rawLesson(r, columns, place, checker);
      const trackWord = cell('track').trim();
      const track = trackWord ? findTrack(library, trackWord) : defaultTrack;
      if (trackWord && !track) checker.report(['track'], 'error', `没有课程“${trackWord}”（可选：${trackList}）`);
      else if (track && defaultTrack && track !== defaultTrack) checker.report(['track'], 'error', `这一行属于课程“${track.id}”，与命令里的 --track ${defaultTrack.id} 不一致`);
      else if (!track && columns.has('track')) checker.report(['track'], 'error', '请填写所属课程（课程编号或名称），或在命令里写 --track 课程编号');
      // Ids taken: earlier rows, and lessons of other tracks (a row updates the lesson of its own track).
      const seen = new Map(sheetIds);
      for (const t of library.tracks) if (t !== track) for (const l of t.lessons) seen.set(l.id, opts.shownFile?.(l) ?? l.file);
      checkLessonData(checker, raw, track?.dir ?? lessonsDir, seen);
      if (typeof raw.id === 'string' && !sheetIds.has(raw.id)) sheetIds.set(raw.id, `${opts.file}:${grid.sheet}!${columnLetter(columns.get('id')!)}${r.row}`);
      if (track) lessons.push({ raw: raw as RawLesson, track });
    }
  }
  problems.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row || a.col - b.col);
  return { lessons, problems };
}

const findTrack = (library: Library, word: string) => library.track(word.trim()) ?? library.tracks.find((t) => t.title === word.trim());

/** Column key -> index, or undefined (reported) when the header is unusable. */
function readHeader(header: GridRow, report: (col: number, message: string) => void): Map<string, number> | undefined {
  const columns = new Map<string, number>();
  let ok = true;
  header.cells.forEach((v, i) => {
    const text = textOf(v).trim();
    if (!text) return;
    const c = byHeader.get(norm(text));
    if (!c) return report(i, `不认识的列“${text}”（拼写错误？可用的列见“${notesSheetName}”表）`);
    if (columns.has(c.key)) return report(i, `“${text}”列出现了两次`);
    columns.set(c.key, i);
  });
  for (const key of ['id', 'title', 'kind', 'body', 'q1', 'q1.answer', 'q1.explain']) {
    if (columns.has(key)) continue;
    const c = lessonColumns.find((x) => x.key === key)!;
    report(header.cells.length, `表头缺少“${c.zh}”列`);
    ok = false;
  }
  for (let n = 1; n <= maxQuestions; n++) {
    if (!columns.has(`q${n}`) || columns.has(`q${n}.options`) || columns.has(`q${n}.A`)) continue;
    report(columns.get(`q${n}`)!, `有“题${n}”列却没有它的选项列：请加上“题${n}选项A”“题${n}选项B”…，或一个“题${n}选项”列（选项用“|”隔开）`);
    ok = false;
  }
  return ok ? columns : undefined;
}

/** One row as a lesson object shaped like a YAML file, so the same checks apply. */
function rawLesson(r: GridRow, columns: Map<string, number>, place: RowPlace, checker: RowChecker): Partial<RawLesson> {
  const value = (key: string) => {
    const c = columns.get(key);
    return c === undefined ? undefined : r.cells[c];
  };
  const text = (key: string) => textOf(value(key));
  const raw: Record<string, unknown> = {};
  const set = (key: string, v: string) => v.trim() && (raw[key] = v);
  set('id', text('id').trim());
  set('title', text('title'));
  if (text('kind').trim()) raw.kind = kindOf(text('kind').trim());
  const dates = value('dates');
  const days = dates instanceof Date ? [dayOf(dates)] : text('dates').split(/[\n、,，;；]+/).map((d) => d.trim()).filter(Boolean);
  if (days.length) raw.dates = days.length === 1 ? days[0] : days;
  set('body', text('body'));
  set('source', text('source'));
  const link = { title: text('link.title'), url: text('link.url').trim() };
  if (link.title.trim() || link.url) raw.link = Object.fromEntries(Object.entries(link).filter(([, v]) => v.trim()));
  set('image', text('image').trim());
  const quiz: Record<string, unknown>[] = [];
  for (let n = 1; n <= maxQuestions; n++) {
    const keys = [`q${n}`, `q${n}.options`, `q${n}.answer`, `q${n}.explain`, ...Array.from({ length: maxOptions }, (_, i) => `q${n}.${optionLetter(i)}`)];
    if (!keys.some((k) => text(k).trim())) continue;
    place.questions.push(n);
    const q: Record<string, unknown> = {};
    if (text(`q${n}`).trim()) q.question = text(`q${n}`);
    const cells = Array.from({ length: maxOptions }, (_, i) => text(`q${n}.${optionLetter(i)}`));
    const last = cells.findLastIndex((o) => o.trim());
    const joined = text(`q${n}.options`);
    if (joined.trim() && last >= 0) checker.report(['quiz', quiz.length, 'options'], 'error', `第 ${n} 题的选项请只写在一处：要么写在“题${n}选项”一格里用“|”隔开，要么分开写在选项A…F里`);
    if (joined.trim()) q.options = joined.split('|').map((o) => o.trim());
    else if (last >= 0) {
      q.options = cells.slice(0, last + 1);
      const gap = cells.findIndex((o) => !o.trim());
      if (gap >= 0 && gap < last) checker.report(['quiz', quiz.length, 'options', gap], 'error', `第 ${n} 题的选项${optionLetter(gap)}空着，选项要从 A 起连续填写`);
    }
    const answer = text(`q${n}.answer`).replace(/[\s,，、]+/g, '').toUpperCase();
    if (answer) q.answer = answer;
    if (text(`q${n}.explain`).trim()) q.explain = text(`q${n}.explain`);
    quiz.push(q);
  }
  raw.quiz = quiz;
  return raw as Partial<RawLesson>;
}

// ---------------------------------------------------------------- YAML

const fieldOrder = ['id', 'title', 'kind', 'dates', 'body', 'source', 'link', 'image', 'quiz'] as const;

/** A lesson file as the starter library writes them: fields in the usual order, the body as a `|` block. */
export function lessonYaml(raw: RawLesson): string {
  const ordered = Object.fromEntries(fieldOrder.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
  const doc = new Document(ordered);
  const body = doc.get('body', true) as Scalar;
  body.type = Scalar.BLOCK_LITERAL;
  body.value = `${String(body.value).trimEnd()}\n`; // "|" rather than "|-"; the loader trims the body anyway
  return doc.toString({ lineWidth: 0 });
}
