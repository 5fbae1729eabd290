import { join } from 'node:path';
import { archiveHook } from './archive.ts';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { reminderHook } from '../core/engage/remind.ts';
import { digestHook } from '../core/engage/digest.ts';
import { createChannel, idSpace, type ChannelContext, type ChannelSetup, type ChatEvent } from '../adapters/chat/index.ts';
import type { MockWorld } from '../adapters/chat/wechaty/mockWorld.ts';
import { connectRedis, renameOldKeys } from '../adapters/store/redis/connect.ts';
import { RedisAnswerTokens } from '../adapters/store/redis/answerTokens.ts';
import { RedisStore } from '../adapters/store/redis/store.ts';
import { RedisRoster } from '../adapters/store/redis/roster.ts';
import type { Config } from '../config/config.ts';
import { loadOrg } from '../config/org.ts';
import { Banqian } from '../core/bot/bot.ts';
import { leaveHook } from '../core/engage/leave.ts';
import { officerNoticeFor, officerReportsFor } from './reports.ts';
import { failoverHook } from '../core/accounts/index.ts';
import { Outbox } from '../core/bot/outbox.ts';
import { enrolListed } from '../core/bot/chat.ts';
import type { Channel, ChannelStatus } from '../core/channel.ts';
import { LibraryWatcher } from '../core/lessons/load.ts';
import type { ChannelCapabilities } from '../core/channel.ts';
import type { Logger, QuizRef } from '../core/ports.ts';
import { AnswerPage, knownMembers } from '../core/quiz/answerPage.ts';
import type { AnsweredQuizzes } from '../core/quiz/record.ts';
import { formatProblem } from '../core/problems.ts';
import { warnMissingHolidays } from '../core/schedule/calendar.ts';
import { SendQueue, type Target } from '../core/send/queue.ts';
import type { OutMessage } from '../core/messages.ts';
import { systemClock, type Clock } from '../core/time.ts';
import { reviewHook } from '../core/engage/review.ts';
import { repetitionHook } from '../core/engage/repetition.ts';
import { badgesHook } from '../core/engage/badges.ts';
import { rankingHook } from '../core/engage/ranking.ts';
import { Stats } from '../core/stats.ts';

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
  /** Builds the channel instead of `channel.type`'s adapter (the simulator points a real adapter at its local server). */
  channel?: (ctx: ChannelContext) => Promise<ChannelSetup>;
  /** Judge other instances' heartbeats by Redis's clock (default: when running on the system clock). */
  redisTimeBeats?: boolean;
}

export interface App {
  bot: Banqian;
  chat: Channel;
  store: RedisStore;
  redis: Redis;
  queue: SendQueue;
  lessons: LibraryWatcher;
  /** The simulated WeChat, when the puppet is the built-in mock. */
  world?: MockWorld;
  /** Every message in every chat, where the channel can show them (the simulator page). */
  watch?: (listener: (e: ChatEvent) => void) => () => void;
  /** The channel's latest status: down, with why, until it is back. */
  status(): ChannelStatus;
  /** The mobile answer page (/q/<token>) for channels that hear nothing. */
  answers: AnswerPage;
  log: Logger;
  /** One scheduling pass, with lesson files re-read if they changed. */
  tick(): Promise<void>;
  /** When the next tick may have work, if nothing is said or sent before it. */
  nextWork(): Promise<number>;
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

/** The composition root: the one place that picks adapters and hands them to the bot's logic. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, clock } = opts;
  const log = opts.log ?? pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis(opts.redisUrl, (err) => log.warn({ err: err.message }, 'redis unavailable; commands wait and retry'));
  const setup = await (opts.channel ?? createChannel)({ config, log, clock, redis, prefix: opts.prefix });
  const chat = setup.channel;
  // One process sends as one account; its id keys people and groups (unless the deployment's accounts share
  // one id space, `accounts.identity`) and the durable outbox.
  const { account } = setup;
  const store = new RedisStore(redis, { prefix: opts.prefix, platform: setup.platform, account: idSpace(config, account), unstableIds: !!setup.unstableIds, points: config.points, redisTimeBeats: opts.redisTimeBeats ?? clock === systemClock });
  await renameOldKeys(redis, store.keys.renamed);
  // Each tick looks at the folders; every file at most every few real seconds (the simulator ticks fast).
  const lessons = new LibraryWatcher(config.lessonsDir, (problems) => {
    for (const p of problems) log[p.severity === 'error' ? 'error' : 'warn']({ problem: formatProblem(p) }, 'lesson problem');
  }, 5_000);
  lessons.refresh();
  await store.ensureDueIndex();
  warnMissingHolidays(log, clock.now(), config.timezone, config.schedule);
  // The platform's rate is a ceiling; the config may only go slower.
  const pace = { perMinute: Math.min(config.send.perMinute, chat.caps.perMinute), per: chat.caps.ratePer, roomGapSeconds: config.send.roomGapSeconds };
  const queue = new SendQueue(pace, opts.random);

  const org = loadOrg(config.orgFile);
  // Until the roster import exists, the page lists the people the group already knows.
  const answered: AnsweredQuizzes = new Map();
  const answers = new AnswerPage({ store, org, clock, tokens: new RedisAnswerTokens(redis, store.keys), roster: knownMembers(store), publicUrl: config.web.publicUrl, answered });
  const outbox = new Outbox({ store, queue, clock, account, owner, channel: chat });
  let status: ChannelStatus | undefined;
  const bot = new Banqian({
    store, channel: chat, queue, clock, log, owner, account, org, status: () => status ?? { up: true }, roster: new RedisRoster(store), outbox, hooks: [], answered,
    answerLink: answerLinkFor(chat.caps.hears, config.web.publicUrl, answers),
    library: () => lessons.library,
    settings: {
      botName: config.botName, timezone: config.timezone, windowMinutes: config.quiz.windowMinutes, workDays: config.schedule.workDays,
      graceMinutes: config.schedule.graceMinutes, lateCeilingMinutes: config.schedule.lateCeilingMinutes, calendar: config.schedule, pace: queue.pace, leaders: config.leaders,
      ackEveryMinutes: config.quiz.ackEveryMinutes, defaultCourse: config.defaultCourse, engagement: config.engagement,
      sharedGroups: !!config.accounts.identity,
    },
  });
  // Accounts share groups only in a shared id space; first, so a takeover or a return is settled before the
  // other parts of the loop read the groups.
  if (config.accounts.identity) bot.deps.hooks.push(failoverHook(bot.deps, { failoverMinutes: config.accounts.failoverMinutes, tellOfficers: officerNoticeFor(bot.deps, config, setup.platform) }));
  bot.deps.hooks.push(leaveHook(bot.deps));
  bot.deps.hooks.push(reminderHook(bot.deps));
  bot.deps.hooks.push(digestHook(bot.deps));
  bot.deps.hooks.push(officerReportsFor(bot.deps, config, store, setup.platform));
  bot.deps.hooks.push(reviewHook(bot.deps));
  bot.deps.hooks.push(repetitionHook(bot.deps));
  bot.deps.hooks.push(rankingHook(bot.deps, new Stats(store, org, config.points)));
  bot.deps.hooks.push(badgesHook(bot.deps));
  bot.deps.hooks.push(archiveHook(store, { dir: join(config.dataDir, 'archive'), afterDays: config.archive.afterDays, timezone: config.timezone, log }));
  // A send-only channel can't hear 报名: its groups are enrolled as the settings list them.
  if (setup.listed) await enrolListed(bot.deps, setup.listed);
  chat.onMessage((msg) => bot.handle(msg));
  chat.onCardAnswer((answer) => bot.handleCard(answer));
  chat.onStatus((next) => {
    logStatus(log, status, next);
    status = next;
    if (next.up && setup.rooms) void syncRooms(setup.rooms);
  });
  const syncRooms = async (rooms: NonNullable<typeof setup.rooms>) => {
    for (const room of await rooms().catch(() => [])) await bot.syncRoom(room);
  };

  await chat.start();

  return {
    bot, chat, store, redis, queue, lessons, world: setup.world, watch: setup.watch, answers, log,
    // The app exists only once start() resolved, that is once the channel was connected.
    status: () => status ?? { up: true },
    tick: () => {
      lessons.refresh();
      return bot.tick();
    },
    nextWork: () => bot.nextWork(),
    pump: () =>
      queue.pump(
        () => clock.now(),
        async (target, message) => {
          await chat.send(target, message);
          opts.onSent?.(target, message, clock.now());
        },
        (err, target, failure) => {
          if (failure === 'retry') log.warn({ err: String(err), to: target.label }, 'send refused for now; retrying with backoff');
          else if (failure === 'unknown') log.warn({ err: String(err), to: target.label }, 'send outcome unknown; not retried (a retry could post twice)');
          else log.error({ err: String(err), to: target.label }, 'send failed');
        },
      ),
    stop: async () => {
      await chat.stop().catch(() => {});
      redis.disconnect();
    },
  };
}

/** One plain line when the channel goes down (and why, each new why once) or comes back; a first connect is quiet. */
export function logStatus(log: Logger, before: ChannelStatus | undefined, next: ChannelStatus): void {
  if (next.up) {
    if (before && !before.up) log.info('聊天通道已恢复');
  } else if (!before || before.up || before.reason !== next.reason) {
    log.warn(`聊天通道已断开：${next.reason ?? '原因不明'}`);
  }
}
