import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { checkFiles, listen, requireFreePort, runService } from './options.ts';

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('只运行工会数据看板（不连微信）')
    .option('--port <port>', '端口（默认取设置 web.port）', (v) => Number(v))
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (opts: { port?: number; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      checkFiles(config);
      await requireFreePort(opts.port ?? config.web.port, config.web.host);
      const [{ redisFor }, { openStats }, { buildApp }, { dashboardOptions }] = await Promise.all([
        import('../../app/redis.ts'), import('../../app/stats.ts'), import('../web/app.ts'), import('../../app/dashboard.ts'),
      ]);
      await runService(async (onStop) => {
        const server = await redisFor(config, (m) => console.error(m));
        onStop(() => server.stop());
        const { stats, store, close } = openStats(config, server.url, opts.prefix);
        onStop(close);
        const web = buildApp({ dashboard: dashboardOptions(config, stats, store, Date.now) });
        onStop(() => web.close());
        const address = await listen(web, opts.port ?? config.web.port, config.web.host);
        console.error(`工会数据看板：${address}`);
      });
    });
}
