import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { reportSheets, type ReportOutput, type WeeklyReport } from '../../core/engage/reports.ts';
import { toXlsx } from '../export/xlsx.ts';

/** An officer's name as a file name: characters Windows or a shell would trip on become "_". */
const fileName = (name: string) => name.replace(/[\\/:*?"<>|\s]/g, '_') || '_';

/** The report's workbook, as the weekly report and `banqian report --out` write it. */
export const reportXlsx = (r: WeeklyReport): Promise<Buffer> => toXlsx(reportSheets(r));

/** Reports and alerts as files under the reports dir (<dir>/<week>/<officer>.xlsx|.txt|.alerts.txt), and by SMTP when configured. */
export function reportOutput(dir: string, smtp: { url: string; from: string }): ReportOutput {
  const weekDir = async (week: string) => {
    const d = join(dir, week);
    await mkdir(d, { recursive: true });
    return d;
  };
  const mailer = smtp.url ? createTransport(smtp.url) : undefined;
  return {
    async save(r, officer, summary) {
      const base = join(await weekDir(r.week), fileName(officer));
      await writeFile(`${base}.xlsx`, await reportXlsx(r));
      await writeFile(`${base}.txt`, `${summary}\n`);
      return `${base}.xlsx`;
    },
    async appendAlerts(week, officer, lines) {
      const file = join(await weekDir(week), `${fileName(officer)}.alerts.txt`);
      await appendFile(file, lines.map((l) => `${l}\n`).join(''));
      return file;
    },
    mail: mailer
      ? async (to, subject, text, xlsx) => {
          await mailer.sendMail({ from: smtp.from || undefined, to, subject, text, attachments: [{ filename: xlsx.split(/[\\/]/).at(-1), path: xlsx }] });
        }
      : undefined,
  };
}
