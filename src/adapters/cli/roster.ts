import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { loadConfig } from '../../config/config.ts';
import { loadOrg } from '../../config/org.ts';
import type { OrgTree } from '../../core/org.ts';
import { csvRows, rosterFromRows, type SheetRow } from '../../core/roster/import.ts';
import type { RosterEntry } from '../../core/roster/roster.ts';
import { withStore } from './options.ts';

/** The first worksheet's rows as text (numbers such as user ids as Excel shows them). */
async function xlsxRows(file: string): Promise<SheetRow[]> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
  } catch {
    throw new Error(`${file}: 错误：不是有效的 .xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx 或 .csv）`);
  }
  const sheet = book.worksheets[0];
  const rows: SheetRow[] = [];
  sheet?.eachRow((row) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows.push({ row: row.number, cells });
  });
  return rows;
}

/** Reads and checks a roster file (.xlsx, or .csv in UTF-8 or GB18030); every problem is `file:row: 错误：…`. */
export async function readRoster(file: string, org: OrgTree): Promise<RosterEntry[]> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv') throw new Error(`${file}: 错误：花名册只支持 .xlsx 和 .csv 文件`);
  let rows: SheetRow[];
  try {
    rows = ext === '.xlsx' ? await xlsxRows(file) : csvRows(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${file}: 错误：文件不存在`);
    throw err;
  }
  const { entries, errors } = rosterFromRows(file, rows, org);
  if (errors.length) throw new Error([...errors, `花名册有 ${errors.length} 处错误，没有导入任何内容。`].join('\n'));
  return entries;
}

export function rosterCommand(): Command {
  const roster = new Command('roster').description('花名册：用户ID、姓名、班组');
  roster
    .command('import')
    .description('导入花名册（.xlsx 或 .csv，表头：用户ID、姓名、班组），整体替换原来导入的花名册')
    .argument('<file>', '花名册文件')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (file: string, opts: { prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      // Checked before Redis starts: a bad file changes nothing.
      const entries = await readRoster(file, loadOrg(config.orgFile));
      await withStore(config, opts.prefix, ({ roster }) => roster.replace(entries));
      console.log(`已导入花名册：${entries.length} 人，${new Set(entries.map((e) => e.team)).size} 个班组。`);
    });
  return roster;
}
