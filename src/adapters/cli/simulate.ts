import { Command, Option } from 'commander';
import { simChannels, type SimChannel } from '../../app/sim/channels.ts';
import { loadConfig } from '../../config/config.ts';
import { loadScenario } from '../../app/scenario.ts';
import type { Redis } from 'ioredis';
import { scanKeys } from '../store/redis/connect.ts';
import { checkFiles } from './options.ts';

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('在模拟微信里按剧本运行机器人（虚拟时钟），每条机器人消息输出一行 JSON')
    .argument('<scenario>', '剧本文件（YAML）')
    .option('--lessons <dir>', '课程目录')
    .option('--prefix <prefix>', '数据保存在这个 Redis 前缀下（不写则用临时前缀，结束后删除）')
    .option('--reset', '先清空 --prefix 下已有的数据')
    .addOption(new Option('--channel <channel>', '在哪个平台上运行：wechaty（模拟微信）、wecom-sim（企业微信机器人，卡片答题）、dingtalk-sim（钉钉机器人，@答题）').choices([...simChannels]).default('wechaty'))
    .action(async (file: string, opts: { lessons?: string; prefix?: string; reset?: boolean; channel: SimChannel }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      if (opts.lessons) config.lessonsDir = opts.lessons;
      const scenario = loadScenario(file);
      checkFiles(config);
      const [{ redisFor }, { simulate }, { connectRedis }, { keyBuilder }] = await Promise.all([
        import('../../app/redis.ts'), import('../../app/simulate.ts'), import('../store/redis/connect.ts'), import('../store/redis/keys.ts'),
      ]);
      // stdout holds the JSON lines only; whatever a platform SDK prints (dingtalk-stream's "connect success") goes to stderr.
      console.log = console.info = console.error;
      const server = await redisFor(config, (m) => console.error(m));
      try {
        if (opts.prefix) await requireEmptyPrefix(connectRedis(server.url), keyBuilder(opts.prefix).all, opts.prefix, opts.reset ?? false);
        await simulate(scenario, { config, redisUrl: server.url, prefix: opts.prefix, channel: opts.channel, onLine: (line) => process.stdout.write(`${JSON.stringify(line)}\n`) });
      } finally {
        await server.stop();
      }
    });
}

/** A scenario replayed onto old data sends no lessons (already pushed) and doubles points, so it starts from nothing. */
async function requireEmptyPrefix(redis: Redis, pattern: string, prefix: string, reset: boolean): Promise<void> {
  try {
    let found = 0;
    await scanKeys(redis, pattern, async (keys) => (found += reset ? await redis.del(...keys) : keys.length));
    if (found && !reset) throw new Error(`Redis 前缀“${prefix}”下已经有数据（${found} 个键）。剧本要从空白开始：加 --reset 先清空它，或换一个前缀`);
    if (found) console.error(`已清空前缀“${prefix}”下的 ${found} 个键`);
  } finally {
    redis.disconnect();
  }
}
