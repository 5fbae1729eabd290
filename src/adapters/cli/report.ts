import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { parseWeek, reportSummary, weeklyReport } from '../../core/engage/reports.ts';
import { isoWeek } from '../../core/stats.ts';
import { addDays, wallClock } from '../../core/time.ts';
import { reportXlsx } from '../report/output.ts';
import { resolveOrg, withStore } from './options.ts';

export function reportCommand(): Command {
  return new Command('report')
    .description('生成一份工会干部周报（Excel + 摘要），与每周一自动发送的相同（默认上周、全部范围）')
    .option('--week <YYYY-Www>', 'ISO 周，如 2026-W50（默认上周）')
    .option('--org <path>', '组织路径或名称（默认全部）')
    .option('--out <file>', 'Excel 文件（默认 report-<周>.xlsx）')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (opts: { week?: string; org?: string; out?: string; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const week = parseWeek(opts.week ?? isoWeek(addDays(wallClock(Date.now(), config.timezone).day, -7)).week);
      if ('error' in week) throw new Error(week.error);
      await withStore(config, opts.prefix, async ({ stats, store }) => {
        const node = resolveOrg(stats.org, opts.org);
        const report = await weeklyReport(stats, store, node, week, { calendar: config.schedule, timezone: config.timezone, engagement: config.engagement });
        const out = opts.out ?? `report-${week.week}.xlsx`;
        writeFileSync(out, await reportXlsx(report));
        process.stdout.write(`${reportSummary(report, out)}\n`);
      });
    });
}
