import ExcelJS from 'exceljs';
import { cellText, neutralise, textWidth, type Cell } from '../../core/export.ts';

const maxWidth = 60;

/** A cell as Excel keeps it: neutralised text, numbers, rates as percent-formatted numbers, days as dates. */
function excelValue(c: Cell): { value: ExcelJS.CellValue; numFmt?: string } {
  if (typeof c === 'string') return { value: neutralise(c) };
  if (c === null || typeof c === 'number') return { value: c };
  if ('day' in c) return { value: new Date(`${c.day}T00:00:00Z`), numFmt: 'yyyy-mm-dd' };
  return { value: c.rate, numFmt: '0.0%' };
}

/** One worksheet per sheet, with a bold header row and columns as wide as their widest text. */
export async function toXlsx(sheets: { name: string; rows: Cell[][] }[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'banqian';
  for (const s of sheets) {
    const ws = book.addWorksheet(s.name);
    const widths: number[] = [];
    for (const row of s.rows) {
      const added = ws.addRow([]);
      row.forEach((c, i) => {
        const { value, numFmt } = excelValue(c);
        const cell = added.getCell(i + 1);
        cell.value = value;
        if (numFmt) cell.numFmt = numFmt;
        widths[i] = Math.max(widths[i] ?? 0, textWidth(typeof c === 'string' ? neutralise(c) : cellText(c)));
      });
    }
    ws.getRow(1).font = { bold: true };
    widths.forEach((w, i) => (ws.getColumn(i + 1).width = Math.min(maxWidth, Math.max(6, w + 2))));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
