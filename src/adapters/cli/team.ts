import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { loadOrg } from '../../config/org.ts';
import { bindTeam } from '../../core/bot/chat.ts';
import { resolveTeam } from '../../core/roster/import.ts';
import { describeCode } from '../../core/bot/texts.ts';
import { resolveOrg, withStore } from './options.ts';

export function teamCommand(): Command {
  const team = new Command('team').description('班组与组织架构');
  team
    .command('bind')
    .description('把一个群归到组织架构的某个节点（原有数据一并归过去）')
    .argument('<room>', '群名称')
    .argument('<path>', '组织路径或唯一的名称')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (room: string, path: string, opts: { prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      await withStore(config, opts.prefix, async ({ stats, store }) => {
        const node = resolveOrg(stats.org, path);
        const all = await store.groups((await store.teamBindings()).map((b) => b.gid));
        const matches = all.filter((g) => g.topic === room);
        if (matches.length !== 1) throw new Error(matches.length ? `有 ${matches.length} 个群叫“${room}”` : `没有报名的群叫“${room}”`);
        await bindTeam(store, stats.org, matches[0], node.path);
        console.log(`已归属：${room} → ${node.path}`);
      });
    });
  team
    .command('code')
    .description('为一个班组生成一次性报名码（6 位，7 天内有效，只能用一次）')
    .argument('<team>', '班组名称或完整路径')
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (query: string, opts: { prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const found = resolveTeam(loadOrg(config.orgFile), query);
      if ('error' in found) throw new Error(found.error);
      const { code, expiresAt } = await withStore(config, opts.prefix, ({ roster }) => roster.issue(found.node.path, Date.now()));
      console.log(describeCode(code, found.node.path, expiresAt, config.timezone));
    });
  return team;
}
