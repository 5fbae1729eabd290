import type { Figures, StatsReport } from './stats.ts';

export type Cell = string | number | null;

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading
 * apostrophe: nicknames are chosen by users and must never become formulas.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const percent = (r: number | null): string => (r === null ? '' : `${(r * 100).toFixed(1)}%`);

export const figureHeaders = ['课次', '应参与', '参与', '全对', '补学', '参与率', '正确率'];
export const figureCells = (f: Figures): Cell[] => [f.lessons, f.expected, f.answered, f.correct, f.late, percent(f.participationRate), percent(f.correctRate)];

/** The report as sheets: one row per team, one per worker, one per lesson. */
export function reportSheets(r: StatsReport): { name: string; rows: Cell[][] }[] {
  return [
    { name: '班组', rows: [['班组', '归属', ...figureHeaders], ...r.teams.map((t) => [t.room, t.team ?? '未归属', ...figureCells(t)])] },
    { name: '职工', rows: [['姓名', '班组', '参与', '全对', '积分', '连续学习'], ...r.workers.map((w) => [w.name, w.room, w.answered, w.correct, w.points, w.streak])] },
    { name: '课程', rows: [['课程', '标题', ...figureHeaders], ...r.lessons.map((l) => [l.lessonId, l.title, ...figureCells(l)])] },
  ];
}

function csvCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c);
  const safe = neutralise(c);
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a BOM, so Excel opens the Chinese text correctly; sheets follow each other after a blank line. */
export function toCsv(sheets: { name: string; rows: Cell[][] }[]): string {
  return '\uFEFF' + sheets.map((s) => s.rows.map((row) => row.map(csvCell).join(',')).join('\r\n')).join('\r\n\r\n') + '\r\n';
}

/** A plain text table for the terminal (CJK characters count double). */
export function toTable(rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === null ? '' : String(c))));
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = text[0].map((_, i) => Math.max(...text.map((r) => width(r[i] ?? ''))));
  return text.map((r) => r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd()).join('\n');
}
