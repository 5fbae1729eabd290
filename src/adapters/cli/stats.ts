import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { figureHeaders, figureCells, reportSheets, toCsv, toTable } from '../../core/export.ts';
import { dateRange, resolveOrg, withStore } from './options.ts';

export function statsCommand(): Command {
  return new Command('stats')
    .description('按组织层级统计参与情况（默认本月、全部范围、表格）')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .option('--from <YYYY-MM-DD>', '开始日期')
    .option('--to <YYYY-MM-DD>', '结束日期')
    .option('--org <path>', '组织路径或名称')
    .addOption(new Option('--format <format>', '输出格式').choices(['table', 'csv', 'json']).default('table'))
    .option('--out <file>', '写入文件而不是屏幕')
    .action(async (opts: { prefix?: string; from?: string; to?: string; org?: string; format: string; out?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const range = dateRange(opts.from, opts.to, config.timezone);
      await withStore(config, opts.prefix, async ({ stats }) => {
        const node = resolveOrg(stats.org, opts.org);
        const report = await stats.report(node, range.from, range.to);
        const output =
          opts.format === 'json'
            ? JSON.stringify(report, null, 2) + '\n'
            : opts.format === 'csv'
              ? toCsv(reportSheets(report))
              : `${node.path}  ${range.from} 至 ${range.to}\n\n${toTable([['班组', '归属', ...figureHeaders], ...report.teams.map((t) => [t.room, t.team ?? '未归属', ...figureCells(t)])])}\n`;
        if (opts.out) writeFileSync(opts.out, output);
        else process.stdout.write(output);
      });
    });
}
