import ExcelJS from 'exceljs';
import { neutralise, type Cell } from '../../core/export.ts';

/** One worksheet per sheet; text cells are neutralised like the CSV, numbers stay numbers. */
export async function toXlsx(sheets: { name: string; rows: Cell[][] }[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'banqian';
  for (const s of sheets) {
    const ws = book.addWorksheet(s.name);
    for (const row of s.rows) ws.addRow(row.map((c) => (typeof c === 'string' ? neutralise(c) : c)));
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((col) => (col.width = 14));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
