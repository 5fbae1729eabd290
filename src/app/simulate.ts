import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Config } from '../config/config.ts';
import type { OutMessage } from '../core/messages.ts';
import type { Logger } from '../core/ports.ts';
import type { Target } from '../core/send/queue.ts';
import type { ChannelCapabilities } from '../core/channel.ts';
import { createChannel, type ChannelContext, type ChannelSetup } from '../adapters/chat/index.ts';
import { isoInZone } from '../core/time.ts';
import { scanKeys } from '../adapters/store/redis/connect.ts';
import { createApp, type App } from './compose.ts';
import type { Scenario } from './scenario.ts';
import { runVirtual, type SettableClock } from './virtual.ts';
import { simPlatform, type Received } from './sim/worlds.ts';
import type { SimChannel } from './sim/channels.ts';
import { RedisRoster } from '../adapters/store/redis/roster.ts';
import { loadOrg } from '../config/org.ts';
import type { OrgTree } from '../core/org.ts';

/** One line of the simulator's output: a message the bot sent. */
export interface SentLine {
  at: string;
  room: string | null;
  to: string | null;
  text: string;
  file?: string;
  url?: string;
  /** A quiz card's task id (WeCom and DingTalk channels). */
  card?: string;
}

export interface SimulateOptions {
  config: Config;
  redisUrl: string;
  /** Keep data under this prefix; without it a fresh prefix is used and removed at the end. */
  prefix?: string;
  log?: Logger;
  /** The platform people speak on: the WeChat simulator (default), or a real robot adapter against its local protocol server. */
  channel?: SimChannel;
  /** Caps that differ from the channel's own, to see how the bot behaves where a platform can't do something. */
  caps?: Partial<ChannelCapabilities>;
  onLine: (line: SentLine) => void;
  /** Tick every virtual minute (the live pace) instead of skipping idle minutes; the output must be the same. */
  everyMinute?: boolean;
}

/** A seeded generator (mulberry32), so a scenario prints the same output every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs a scenario against the real bot (real Redis, the mock puppet or a real robot adapter, same scheduler
 * and send queue) on a virtual clock that jumps from one thing to the next: a scenario event, a minute tick,
 * a due send.
 */
export async function simulate(s: Scenario, opts: SimulateOptions): Promise<{ prefix: string; received: Received; ticks: number }> {
  const prefix = opts.prefix ?? `sim-${randomUUID().slice(0, 8)}`;
  const platform = await simPlatform(opts.channel ?? 'wechaty', { ...opts.config, botName: s.bot ?? opts.config.botName }, s.rooms);
  const { config } = platform;
  const log = opts.log ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  let t = s.start;
  const clock: SettableClock = { now: () => t, set: (to) => (t = to) };
  const random = seededRandom(1);
  const toLine = (target: Target, m: OutMessage, at: number): SentLine => ({
    at: isoInZone(at, config.timezone),
    ...platform.where(target),
    ...(m.kind === 'text' ? { text: m.text } : m.kind === 'image' ? { text: '[图片]', file: m.file } : m.kind === 'link' ? { text: m.title, url: m.url } : { text: m.question, card: m.taskId }),
  });
  const onSent = (target: Target, m: OutMessage, at: number) => {
    platform.sent(target, m);
    opts.onLine(toLine(target, m, at));
  };
  const boot = async (): Promise<App> => {
    const app = await createApp({ config, clock, redisUrl: opts.redisUrl, prefix, log, random, onSent, channel: withCaps(platform.factory ?? createChannel, opts.caps) });
    await platform.ready(app.world);
    return app;
  };

  let app: App | undefined;
  let ticks = 0;
  try {
    app = await boot();
    if (opts.channel && opts.channel !== 'wechaty') await loadRoster(app, s, loadOrg(config.orgFile));
    for (const e of s.events) {
      ticks += await runVirtual(app, clock, e.at, opts);
      clock.set(Math.max(clock.now(), e.at));
      if (e.kind === 'say') await platform.say(e.from, e.text, e.room);
      else if (e.kind === 'join') await platform.join(e.room, e.name);
      else {
        await app.chat.idle();
        await app.stop(); // like kill -9: whatever was still queued is gone
        clock.set(e.until);
        app = await boot();
      }
      await app.chat.idle();
    }
    ticks += await runVirtual(app, clock, s.until + 1, opts);
  } finally {
    if (app && !opts.prefix) await removeKeys(app);
    await app?.stop();
    await platform.close();
  }
  return { prefix, received: platform.received(), ticks };
}

/**
 * The robots give user ids only, so the scenario's people are the roster: a name is the user id, and a room
 * whose topic is a team of the org tree is that team (the roster then gives its expected participants, as
 * the room's member list does on WeChat).
 */
async function loadRoster(app: App, s: Scenario, org: OrgTree): Promise<void> {
  const entries = s.rooms.flatMap((r) => [...new Set([r.owner, ...r.members])].map((name) => ({ id: name, name, team: org.find(r.topic).node?.path ?? r.topic })));
  await new RedisRoster(app.store).replace(entries);
}

/** The channel as built, with some caps replaced (everything else is the channel itself). */
function withCaps(factory: (ctx: ChannelContext) => Promise<ChannelSetup>, caps?: Partial<ChannelCapabilities>): (ctx: ChannelContext) => Promise<ChannelSetup> {
  if (!caps) return factory;
  return async (ctx) => {
    const setup = await factory(ctx);
    const changed = { ...setup.channel.caps, ...caps };
    const channel = new Proxy(setup.channel, { get: (c, p) => (p === 'caps' ? changed : typeof Reflect.get(c, p) === 'function' ? Reflect.get(c, p).bind(c) : Reflect.get(c, p)) });
    return { ...setup, channel };
  };
}

async function removeKeys(app: App): Promise<void> {
  await scanKeys(app.redis, app.store.keys.all, (keys) => app.redis.del(...keys));
}
