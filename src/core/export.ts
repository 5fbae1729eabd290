import type { Figures, StatsReport } from './stats.ts';

/** A rate (0–1) and a day stay typed, so a spreadsheet gets a percent-formatted number and a date. */
export type Cell = string | number | null | { rate: number | null } | { day: string };

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading
 * apostrophe: nicknames are chosen by users and must never become formulas.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** How a cell reads as text (CSV, terminal): a rate as "37.5%". */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c !== 'object') return String(c);
  if ('day' in c) return c.day;
  return c.rate === null ? '' : `${(c.rate * 100).toFixed(1)}%`;
}

/** Display width: CJK and other wide characters count double. */
export const textWidth = (s: string): number => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);

export const figureHeaders = ['课次', '应参与', '参与', '全对', '补学', '参与率', '正确率'];
export const figureCells = (f: Figures): Cell[] => [f.lessons, f.expected, f.answered, f.correct, f.late, { rate: f.participationRate }, { rate: f.correctRate }];

/** The report's sheets, one row per team, per worker and per lesson: each sheet's header and how a row reads. */
export const teamSheet = { header: ['班组', '归属', ...figureHeaders], cells: (t: StatsReport['teams'][number]): Cell[] => [t.room, t.team ?? '未归属', ...figureCells(t)] };
export const workerSheet = {
  header: ['姓名', '班组', '参与', '全对', '积分', '连续学习', '徽章'],
  cells: (w: StatsReport['workers'][number]): Cell[] => [w.name, w.room, w.answered, w.correct, w.points, w.streak, w.badges.join('、') || null],
};
export const lessonSheet = { header: ['课程', '标题', ...figureHeaders], cells: (l: StatsReport['lessons'][number]): Cell[] => [l.lessonId, l.title, ...figureCells(l)] };

function csvCell(c: Cell): string {
  if (typeof c !== 'string') return cellText(c);
  const safe = neutralise(c);
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line, with its CRLF. */
export const csvLine = (row: Cell[]): string => row.map(csvCell).join(',') + '\r\n';

/** Starts a CSV file: a BOM, so Excel opens the Chinese text correctly. */
export const csvStart = '\uFEFF';

/** RFC 4180 CSV with a BOM; sheets follow each other after a blank line. */
export function toCsv(sheets: { name: string; rows: Cell[][] }[]): string {
  return csvStart + sheets.map((s) => s.rows.map(csvLine).join('')).join('\r\n');
}

/** A plain text table for the terminal (CJK characters count double). */
export function toTable(rows: Cell[][]): string {
  const text = rows.map((r) => r.map(cellText));
  const widths = text[0].map((_, i) => Math.max(...text.map((r) => textWidth(r[i] ?? ''))));
  return text.map((r) => r.map((c, i) => c + ' '.repeat(widths[i] - textWidth(c))).join('  ').trimEnd()).join('\n');
}
