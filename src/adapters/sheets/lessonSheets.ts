import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import ExcelJS from 'exceljs';
import { toCsv } from '../../core/export.ts';
import { loadLibrary } from '../../core/lessons/load.ts';
import {
  columnNotes,
  lessonColumns,
  lessonSheetName,
  lessonsFromSheets,
  lessonYaml,
  notesSheetName,
  type Grid,
  type SheetLesson,
  type SheetProblem,
} from '../../core/lessons/sheet.ts';
import { csvRows } from '../../core/roster/import.ts';

const sheetFormats = ['.xlsx', '.csv'];

function checkFormat(file: string): string {
  const ext = extname(file).toLowerCase();
  if (!sheetFormats.includes(ext)) throw new Error(`${file}: 错误：只支持 .xlsx 和 .csv 文件（请用 Excel 或 WPS 另存为 .xlsx 或 .csv）`);
  return ext;
}

/** Every worksheet of an .xlsx, or the one sheet of a .csv (named after the file, as Excel shows it). */
export async function readGrids(file: string): Promise<Grid[]> {
  const ext = checkFormat(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: 错误：无法读取文件（${(err as NodeJS.ErrnoException).code ?? String(err)}）`);
  }
  if (ext === '.csv') {
    // Rows are numbered by record, as Excel shows them (a body cell may span several lines of the file);
    // the apostrophe our CSV export puts before a leading = + - @ comes off again.
    const rows = csvRows(bytes).map((r, i) => ({ row: i + 1, cells: r.cells.map((c) => c.replace(/^'(?=[=+\-@\t\r])/, '')) }));
    return [{ sheet: basename(file, extname(file)), rows }];
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new Error(`${file}: 错误：不是有效的 .xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx 或 .csv）`);
  }
  return book.worksheets.map((ws) => {
    const rows: Grid['rows'] = [];
    ws.eachRow((row) => {
      const cells = [];
      for (let c = 1; c <= row.cellCount; c++) {
        const cell = row.getCell(c);
        cells.push(cell.value instanceof Date ? cell.value : (cell.text ?? ''));
      }
      rows.push({ row: row.number, cells });
    });
    return { sheet: ws.name, rows };
  });
}

/** Column widths by field, in characters (a CJK character counts two). */
const widthOf = (key: string) =>
  ({ id: 14, track: 10, title: 30, kind: 16, dates: 14, body: 60, source: 30, 'link.title': 20, 'link.url': 30, image: 16 })[key] ??
  (/^q\d$|explain$/.test(key) ? 30 : /answer$/.test(key) ? 10 : 16);

/** Writes lesson rows as a workbook for review and editing (with the 说明 sheet), or as CSV (UTF-8 with BOM). */
export async function writeLessonSheet(file: string, rows: string[][]): Promise<void> {
  if (checkFormat(file) === '.csv') {
    writeFileSync(file, toCsv([{ name: lessonSheetName, rows }]));
    return;
  }
  const book = new ExcelJS.Workbook();
  book.creator = 'banqian';
  const ws = book.addWorksheet(lessonSheetName, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  lessonColumns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = widthOf(c.key);
    // Text format, so a typed 05-01 or an option such as 150 stays as written.
    col.numFmt = '@';
    col.alignment = { wrapText: true, vertical: 'top' };
  });
  for (const r of rows) ws.addRow(r);
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  // A fixed height keeps long bodies browsable; the whole text is in the cell.
  for (let r = 2; r <= rows.length; r++) ws.getRow(r).height = 60;
  const notes = book.addWorksheet(notesSheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  [14, 22, 90].forEach((w, i) => (notes.getColumn(i + 1).width = w));
  for (const r of columnNotes) notes.addRow(r).alignment = { wrapText: true, vertical: 'top' };
  notes.getRow(1).font = { bold: true };
  writeFileSync(file, Buffer.from(await book.xlsx.writeBuffer()));
}

export interface ImportResult {
  problems: SheetProblem[];
  added: number;
  updated: number;
}

/**
 * Imports a lesson sheet into the library at `lessonsDir`. Every row is checked first; with any error
 * nothing is written. A lesson whose id is already in its track overwrites that file; a new one is
 * written as `NNN-<id>.yaml` after the last numbered file of its track, so it comes last in the rotation.
 */
export async function importLessonSheet(file: string, lessonsDir: string, track?: string): Promise<ImportResult> {
  const grids = await readGrids(file);
  const { library } = loadLibrary(lessonsDir);
  const shown = (p: string) => relative(process.cwd(), p) || p;
  const { lessons, problems } = lessonsFromSheets(grids, library, lessonsDir, { file: shown(file), track, shownFile: (l) => shown(l.file) });
  if (problems.some((p) => p.severity === 'error')) return { problems, added: 0, updated: 0 };
  if (!lessons.length) {
    problems.push({ file: shown(file), sheet: '', cell: '', row: 0, col: 0, severity: 'error', message: '表格里没有课程（第一行是表头，下面每行一课）' });
    return { problems, added: 0, updated: 0 };
  }
  const targets = targetFiles(lessons);
  for (const { path, lesson } of targets) {
    // Written beside it and renamed: the bot reading the folder never sees half a file.
    const temp = join(path, '..', `.${basename(path)}.tmp`);
    writeFileSync(temp, lessonYaml(lesson.raw));
    renameSync(temp, path);
  }
  const updated = targets.filter((t) => t.existing).length;
  return { problems, added: targets.length - updated, updated };
}

function targetFiles(lessons: SheetLesson[]): { path: string; lesson: SheetLesson; existing: boolean }[] {
  const next = new Map<string, number>();
  return lessons.map((lesson) => {
    const existing = lesson.track.lessons.find((l) => l.id === lesson.raw.id);
    if (existing) return { path: existing.file, lesson, existing: true };
    const dir = lesson.track.dir;
    let n = next.get(dir) ?? Math.max(0, ...readdirSync(dir).map((f) => Number(/^(\d+)/.exec(f)?.[1] ?? 0))) + 1;
    let path: string;
    while (existsSync((path = join(dir, `${String(n).padStart(3, '0')}-${lesson.raw.id}.yaml`)))) n++;
    next.set(dir, n + 1);
    return { path, lesson, existing: false };
  });
}
