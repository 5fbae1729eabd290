import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import qrcode from 'qrcode-terminal';
import { realPuppet, WechatyChat } from '../adapters/chat/wechaty.ts';
import { MockWorld } from '../adapters/chat/mockWorld.ts';
import { connectRedis } from '../adapters/store/redis/connect.ts';
import { RedisStore } from '../adapters/store/redis/store.ts';
import { RedisRoster } from '../adapters/store/redis/roster.ts';
import type { Config } from '../config/config.ts';
import { loadOrg } from '../config/org.ts';
import { Banqian } from '../core/bot/bot.ts';
import { LibraryWatcher } from '../core/lessons/load.ts';
import type { Logger } from '../core/ports.ts';
import { formatProblem } from '../core/problems.ts';
import { warnMissingHolidays } from '../core/schedule/calendar.ts';
import { SendQueue, type Target } from '../core/send/queue.ts';
import type { OutMessage } from '../core/messages.ts';
import type { Clock } from '../core/time.ts';

export interface AppOptions {
  config: Config;
  clock: Clock;
  redisUrl: string;
  prefix: string;
  log?: Logger;
  /** Random source for the send queue's gaps (the simulator seeds it for repeatable output). */
  random?: () => number;
  /** Called after each message the bot sent (the simulator prints them). */
  onSent?: (target: Target, message: OutMessage, at: number) => void;
}

export interface App {
  bot: Banqian;
  chat: WechatyChat;
  store: RedisStore;
  redis: Redis;
  queue: SendQueue;
  lessons: LibraryWatcher;
  /** The simulated WeChat, when the puppet is the built-in mock. */
  world?: MockWorld;
  log: Logger;
  /** One scheduling pass, with lesson files re-read if they changed. */
  tick(): Promise<void>;
  /** Sends whatever the queue has due now. */
  pump(): Promise<void>;
  stop(): Promise<void>;
}

/** Puppets whose contact and room ids change at every login. */
const unstableIdPuppets = new Set(['wechaty-puppet-wechat4u', 'wechaty-puppet-wechat']);

/** The composition root: the one place that picks adapters and hands them to the bot's logic. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, clock } = opts;
  const log = opts.log ?? pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis(opts.redisUrl, (err) => log.warn({ err: err.message }, 'redis unavailable; commands wait and retry'));
  // One process sends as one account; its id keys people and groups and the durable outbox.
  const account = config.puppet.name;
  const store = new RedisStore(redis, { prefix: opts.prefix, platform: 'wechaty', account, unstableIds: unstableIdPuppets.has(config.puppet.name), points: config.points });
  const lessons = new LibraryWatcher(config.lessonsDir, (problems) => {
    for (const p of problems) log[p.severity === 'error' ? 'error' : 'warn']({ problem: formatProblem(p) }, 'lesson problem');
  });
  lessons.refresh();
  warnMissingHolidays(log, clock.now(), config.timezone, config.schedule);
  const queue = new SendQueue({ perMinute: config.send.perMinute, roomGapSeconds: config.send.roomGapSeconds }, opts.random);

  const world = config.puppet.name === 'mock' ? new MockWorld() : undefined;
  const chat = new WechatyChat(
    world ? { name: 'banqian-sim', puppet: world.puppet } : realPuppet(config.puppet, config.dataDir),
    log,
    () => clock.now(),
  );
  chat.wechaty.on('scan', (code, status) => {
    log.info({ status }, '请用机器人的微信扫码登录');
    qrcode.generate(code, { small: true });
  });

  const bot = new Banqian({
    store, rooms: chat, queue, clock, log, owner, account, org: loadOrg(config.orgFile), roster: new RedisRoster(store),
    library: () => lessons.library,
    settings: {
      botName: config.botName, timezone: config.timezone, windowMinutes: config.quiz.windowMinutes, workDays: config.schedule.workDays,
      graceMinutes: config.schedule.graceMinutes, calendar: config.schedule, pace: queue.pace, leaders: config.leaders,
      ackEveryMinutes: config.quiz.ackEveryMinutes,
    },
  });
  chat.onMessage((msg) => bot.handle(msg));
  chat.wechaty.on('login', async () => {
    for (const room of await chat.rooms().catch(() => [])) await bot.syncRoom(room);
  });

  await chat.start(config.puppet.name);
  chat.trackPuppet();
  world?.login(config.botName);
  await chat.wechaty.ready();

  return {
    bot, chat, store, redis, queue, lessons, world, log,
    tick: () => {
      lessons.refresh();
      return bot.tick();
    },
    pump: () =>
      queue.pump(
        () => clock.now(),
        async (target, message) => {
          await chat.send(target, message);
          opts.onSent?.(target, message, clock.now());
        },
        (err, target) => log.error({ err: String(err), to: target.label }, 'send failed'),
      ),
    stop: async () => {
      await chat.wechaty.stop().catch(() => {});
      redis.disconnect();
    },
  };
}
