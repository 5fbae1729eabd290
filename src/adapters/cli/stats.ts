import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { csvLine, csvStart, lessonSheet, teamSheet, toTable, workerSheet } from '../../core/export.ts';
import type { Stats } from '../../core/stats.ts';
import { dateRange, resolveOrg, withStore } from './options.ts';

type Parts = Awaited<ReturnType<Stats['reportParts']>>;

/**
 * Writes the report as CSV or JSON, the workers batch by batch as they are read (a district has tens of
 * thousands), waiting whenever the output is full.
 */
export async function writeReport(parts: Parts, format: 'csv' | 'json', out: Writable): Promise<void> {
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const lines = async (rows: string[]) => write(rows.join(''));
  if (format === 'csv') {
    await write(csvStart);
    await lines([teamSheet.header, ...parts.teams.map(teamSheet.cells)].map(csvLine));
    await write('\r\n' + csvLine(workerSheet.header));
    for await (const batch of parts.workers()) await lines(batch.map((w) => csvLine(workerSheet.cells(w))));
    await lines(['\r\n', ...[lessonSheet.header, ...parts.lessons.map(lessonSheet.cells)].map(csvLine)]);
    return;
  }
  // The same keys as the report object; one worker per line.
  const head = JSON.stringify({ from: parts.from, to: parts.to, teams: parts.teams }, null, 2);
  await write(`${head.slice(0, -2)},\n  "workers": [`);
  let written = 0;
  for await (const batch of parts.workers()) await lines(batch.map((w) => `${written++ ? ',' : ''}\n    ${JSON.stringify(w)}`));
  await write(`\n  ],\n  "lessons": ${JSON.stringify(parts.lessons, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('按组织层级统计参与情况（默认本月、全部范围、表格）')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .option('--from <YYYY-MM-DD>', '开始日期')
    .option('--to <YYYY-MM-DD>', '结束日期')
    .option('--org <path>', '组织路径或名称')
    .addOption(new Option('--format <format>', '输出格式').choices(['table', 'csv', 'json']).default('table'))
    .option('--out <file>', '写入文件而不是屏幕')
    .option('--rebuild', '升级后运行一次（先停机器人）：按已有答题重建每个群的统计汇总')
    .action(async (opts: { prefix?: string; from?: string; to?: string; org?: string; format: string; out?: string; rebuild?: boolean }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const range = dateRange(opts.from, opts.to, config.timezone);
      await withStore(config, opts.prefix, async ({ stats, store }) => {
        if (opts.rebuild) {
          const groups = await store.teamBindings();
          for (const { gid } of groups) await store.rebuildFigures(gid);
          console.log(`已按答题记录重建 ${groups.length} 个群的统计汇总。`);
          return;
        }
        const node = resolveOrg(stats.org, opts.org);
        const parts = await stats.reportParts(node, range.from, range.to);
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        if (opts.format === 'table') {
          out.write(`${node.path}  ${range.from} 至 ${range.to}\n\n${toTable([teamSheet.header, ...parts.teams.map(teamSheet.cells)])}\n`);
        } else await writeReport(parts, opts.format as 'csv' | 'json', out);
        if (out !== process.stdout) await new Promise<void>((done, fail) => out.end(() => done()).on('error', fail));
      });
    });
}
