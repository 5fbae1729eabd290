import { Command } from 'commander';
import { isSimulator, loadConfig } from '../../config/config.ts';
import { checkFiles, listen, requireFreePort, runService } from './options.ts';

export function startCommand(): Command {
  return new Command('start')
    .description('运行机器人（默认：内置模拟微信 + 本地网页聊天）')
    .option('--port <port>', '网页端口（默认取设置 web.port）', (v) => Number(v))
    .action(async (opts: { port?: number }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      checkFiles(config);
      await requireFreePort(opts.port ?? config.web.port, config.web.host);
      // Loaded here, not at the top, so quick commands like `lessons validate` don't load Wechaty.
      const [{ pino }, { buildApp }, { createApp }, { DemoClock, demoRooms, simControl }, { runRealtime }, { redisFor }, { systemClock }, { Stats }, { dashboardOptions }] = await Promise.all([
        import('pino'), import('../web/app.ts'), import('../../app/compose.ts'), import('../../app/demo.ts'), import('../../app/realtime.ts'), import('../../app/redis.ts'), import('../../core/time.ts'),
        import('../../core/stats.ts'), import('../../app/dashboard.ts'),
      ]);
      const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
      await runService(async (onStop) => {
        const server = await redisFor(config, (m) => log.info(m));
        onStop(() => server.stop());
        const simulated = isSimulator(config);
        const demoClock = new DemoClock();
        const clock = simulated ? demoClock : systemClock;
        // channel wecom-sim: the same demo as a WeCom group, the real robot adapter against a local protocol server.
        const wecom = config.channel.type === 'wecom-sim' ? await (await import('../../app/sim/wecomDemo.ts')).wecomDemo(config, demoRooms) : undefined;
        if (wecom) onStop(() => wecom.close());
        const app = await createApp({ config: wecom?.config ?? config, clock, redisUrl: server.url, prefix: config.redis.prefix, log, channel: wecom?.factory });
        onStop(() => app.stop());
        if (simulated && !wecom) for (const room of demoRooms) app.world!.addRoom(room);
        const driver = runRealtime(app, config.timezone, clock.now);
        onStop(() => driver.stop());
        const stats = new Stats(app.store, app.bot.deps.org, config.points);
        const web = buildApp({ sim: simulated ? simControl(app, demoClock, config.timezone, driver.kick, wecom?.people(demoClock, config.timezone)) : undefined, dashboard: dashboardOptions(config, stats, app.store, clock.now, simulated), answers: app.answers });
        onStop(() => web.close());
        const address = await listen(web, opts.port ?? config.web.port, config.web.host);
        log.info(simulated ? `模拟${wecom ? '企业微信群' : '微信'}已启动：${address}/chat ；工会数据看板：${address}/` : `机器人已启动（${config.channel.type === 'wechaty' ? config.puppet.name : config.channel.type}），工会数据看板：${address}/`);
      });
    });
}
