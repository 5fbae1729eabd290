import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { capacityOf, renderCapacity } from '../../core/engage/budget.ts';
import { withStore } from './options.ts';

const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} 要写一个正整数，例如 200（收到“${value}”）`);
  return n;
};

export function capacityCommand(): Command {
  return new Command('capacity')
    .description('一个机器人账号的发送量：早上的课、互动消息（按每群每天上限）和所需时间')
    .option('--groups <n>', '按这么多个群同一时间推送来算（默认读取已报名的群，取最拥挤的推送时间）', count('--groups'))
    .option('--lesson-messages <n>', '每节课的消息条数', count('--lesson-messages'), 1)
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (opts: { groups?: number; lessonMessages: number; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const pace = { perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds };
      let groups = opts.groups;
      let where = '';
      if (groups === undefined) {
        const active = await withStore(config, opts.prefix, ({ store }) => store.activeGroups());
        const byTime = new Map<string, number>();
        for (const g of active) if (g.status === 'active') byTime.set(g.time, (byTime.get(g.time) ?? 0) + 1);
        const [time, most] = [...byTime].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
        if (!most) throw new Error('还没有报名的群。用 --groups 200 按假设的群数计算。');
        groups = most;
        where = `已报名 ${[...byTime.values()].reduce((a, b) => a + b, 0)} 个群，最拥挤的推送时间 ${time} 有 ${most} 个。\n`;
      }
      process.stdout.write(`${where}${renderCapacity(capacityOf(groups, opts.lessonMessages, config.engagement.dailyCap, pace), pace)}\n`);
    });
}
