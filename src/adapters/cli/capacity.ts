import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { capacityOf, renderCapacity, renderWave } from '../../core/engage/budget.ts';
import { hhmmOf, minuteOf, type WaveGroup } from '../../core/schedule/plan.ts';
import { parseHhmm } from '../../core/time.ts';
import { channelIdentity } from '../chat/index.ts';
import { withStore } from './options.ts';

const hhmm = (name: string) => (value: string) => {
  const t = parseHhmm(value);
  if (!t) throw new Error(`${name} 要写一个时间，例如 07:30（收到“${value}”）`);
  return t;
};

const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} 要写一个正整数，例如 200（收到“${value}”）`);
  return n;
};

export function capacityCommand(): Command {
  return new Command('capacity')
    .description('一个机器人账号的发送量：早上的课、互动消息（按每群每天上限）和所需时间')
    .option('--groups <n>', '按这么多个群来算（默认读取已报名的群）；不给 --from/--to 时按同一时间推送', count('--groups'))
    .option('--from <hh:mm>', '早上从几点看起', hhmm('--from'), '05:00')
    .option('--to <hh:mm>', '看到几点；和 --groups 一起用时，这些群平均分布在 --from 到 --to 之间', hhmm('--to'), '10:00')
    .option('--lesson-messages <n>', '每节课的消息条数', count('--lesson-messages'), 1)
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (opts: { groups?: number; from: string; to: string; lessonMessages: number; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const pace = { perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds };
      const [from, to] = [minuteOf(opts.from), minuteOf(opts.to)];
      if (from > to) throw new Error(`--from ${opts.from} 晚于 --to ${opts.to}`);
      const spread = ['from', 'to'].some((o) => cmd.getOptionValueSource(o) === 'cli');
      let wave: WaveGroup[];
      if (opts.groups !== undefined) {
        // A planned wave: the groups spread evenly over the minutes, or all at --from.
        const span = spread ? to - from + 1 : 1;
        wave = Array.from({ length: opts.groups }, (_, i) => ({ gid: i + 1, time: hhmmOf(from + Math.floor((i * span) / opts.groups!)), account: '' }));
      } else {
        // Only the minutes asked about are read from the due index.
        wave = await withStore(config, opts.prefix, async ({ store }) => (await store.groups(await store.dueGroups(from, to))).filter((g) => g.status === 'active'));
        if (!wave.length) throw new Error(`${opts.from}–${opts.to} 还没有报名的群。用 --groups 200 按假设的群数计算。`);
      }
      const byTime = new Map<string, number>();
      for (const g of wave) byTime.set(g.time, (byTime.get(g.time) ?? 0) + 1);
      const [time, most] = [...byTime].sort((a, b) => b[1] - a[1])[0];
      const where = opts.groups === undefined ? `${opts.from}–${opts.to} 已报名 ${wave.length} 个群，最拥挤的推送时间 ${time} 有 ${most} 个。\n` : '';
      const account = opts.groups === undefined ? channelIdentity(config).account : '（假设的一个账号）';
      process.stdout.write(`${where}${renderCapacity(capacityOf(most, opts.lessonMessages, config.engagement.dailyCap, pace), pace)}\n\n${renderWave(wave, opts.lessonMessages, pace, account)}\n`);
    });
}
