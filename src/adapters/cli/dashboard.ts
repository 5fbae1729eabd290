import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('只运行工会数据看板（不连微信）')
    .option('--port <port>', '端口（默认取设置 web.port）', (v) => Number(v))
    .option('--prefix <prefix>', 'Redis 前缀（默认取设置）')
    .action(async (opts: { port?: number; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const [{ redisFor }, { openStats }, { buildApp }, { dashboardOptions }] = await Promise.all([
        import('../../app/redis.ts'), import('../../app/stats.ts'), import('../web/app.ts'), import('../../app/dashboard.ts'),
      ]);
      const server = await redisFor(config, (m) => console.error(m));
      const { stats, store, close } = openStats(config, server.url, opts.prefix);
      const web = buildApp({ dashboard: dashboardOptions(config, stats, store, Date.now) });
      const address = await web.listen({ port: opts.port ?? config.web.port, host: config.web.host });
      console.error(`工会数据看板：${address}`);
      const stop = async () => {
        await web.close();
        close();
        await server.stop();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
