import { join } from 'node:path';
import { Command } from 'commander';
import { archiveAnswers } from '../../app/archive.ts';
import { loadConfig } from '../../config/config.ts';
import { isRealDate, wallClock } from '../../core/time.ts';
import { withStore } from './options.ts';

export function archiveCommand(): Command {
  return new Command('archive')
    .description('把超过保留天数的答题记录归档到 data/archive/（每月一个压缩文件），再从 Redis 删除；统计数字不变')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .option('--today <YYYY-MM-DD>', '按哪一天计算（默认今天）')
    .action(async (opts: { prefix?: string; today?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const today = opts.today ?? wallClock(Date.now(), config.timezone).day;
      if (!isRealDate(today)) throw new Error(`“${today}”不是有效日期，应写成 2026-12-07`);
      const dir = join(config.dataDir, 'archive');
      await withStore(config, opts.prefix, async ({ store }) => {
        const done = await archiveAnswers(store, { dir, afterDays: config.archive.afterDays, today });
        if (!done) console.log('另一个归档任务正在运行，这次不做。');
        else console.log(done.records ? `已归档 ${done.records} 条答题记录（${done.quizzes} 次小测），写入 ${done.files.join('、')}` : `没有超过 ${config.archive.afterDays} 天的答题记录需要归档。`);
      });
    });
}
