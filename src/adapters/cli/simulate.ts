import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { loadScenario } from '../../app/scenario.ts';

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('在模拟微信里按剧本运行机器人（虚拟时钟），每条机器人消息输出一行 JSON')
    .argument('<scenario>', '剧本文件（YAML）')
    .option('--lessons <dir>', '课程目录')
    .option('--prefix <prefix>', '数据保存在这个 Redis 前缀下（不写则用临时前缀，结束后删除）')
    .action(async (file: string, opts: { lessons?: string; prefix?: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      if (opts.lessons) config.lessonsDir = opts.lessons;
      const scenario = loadScenario(file);
      const [{ redisFor }, { simulate }] = await Promise.all([import('../../app/redis.ts'), import('../../app/simulate.ts')]);
      const server = await redisFor(config, (m) => console.error(m));
      try {
        await simulate(scenario, { config, redisUrl: server.url, prefix: opts.prefix, onLine: (line) => process.stdout.write(`${JSON.stringify(line)}\n`) });
      } finally {
        await server.stop();
      }
    });
}
