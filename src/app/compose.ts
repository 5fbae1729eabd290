import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import qrcode from 'qrcode-terminal';
import { realPuppet, WechatyChat } from '../adapters/chat/wechaty.ts';
import { MockWorld } from '../adapters/chat/mockWorld.ts';
import { connectRedis } from '../adapters/store/redis/connect.ts';
import { RedisAnswerTokens } from '../adapters/store/redis/answerTokens.ts';
import { RedisStore } from '../adapters/store/redis/store.ts';
import type { Config } from '../config/config.ts';
import { loadOrg } from '../config/org.ts';
import { Banqian } from '../core/bot/bot.ts';
import { LibraryWatcher } from '../core/lessons/load.ts';
import type { ChannelCapabilities } from '../core/channel.ts';
import type { Logger, QuizRef } from '../core/ports.ts';
import { AnswerPage, knownMembers } from '../core/quiz/answerPage.ts';
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
  /** The mobile answer page (/q/<token>) for channels that hear nothing. */
  answers: AnswerPage;
  log: Logger;
  /** One scheduling pass, with lesson files re-read if they changed. */
  tick(): Promise<void>;
  /** Sends whatever the queue has due now. */
  pump(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Quizzes on a channel that hears nothing (a webhook robot) carry a link to the answer page, which needs
 * an address workers' phones can open.
 */
export function answerLinkFor(hears: ChannelCapabilities['hears'], publicUrl: string, page: AnswerPage): ((ref: QuizRef) => Promise<string>) | undefined {
  if (hears !== 'none') return undefined;
  if (!publicUrl) throw new Error('这个聊天通道收不到群消息，工人要在答题页上答题：请在 config/banqian.yaml 里设置 web.publicUrl（工人手机能打开的网址）');
  return (ref) => page.link(ref);
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

  const org = loadOrg(config.orgFile);
  // Until the roster import exists, the page lists the people the group already knows.
  const answers = new AnswerPage({ store, org, clock, tokens: new RedisAnswerTokens(redis, store.keys), roster: knownMembers(store), publicUrl: config.web.publicUrl });
  const bot = new Banqian({
    store, rooms: chat, queue, clock, log, owner, account, org,
    // Wechaty hears every message; a channel with caps.hears 'none' passes its caps here.
    answerLink: answerLinkFor('all', config.web.publicUrl, answers),
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
    bot, chat, store, redis, queue, lessons, world, answers, log,
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
