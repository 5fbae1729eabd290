import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { ListedGroup } from '../../core/bot/chat.ts';
import type { Channel } from '../../core/channel.ts';
import type { Logger } from '../../core/ports.ts';
import type { Clock } from '../../core/time.ts';
import type { MockWorld } from './wechaty/mockWorld.ts';

/** A message seen in a chat, the bot's own included; the simulator's web page shows these. */
export interface ChatEvent {
  roomId?: string;
  roomTopic?: string;
  fromId: string;
  fromName: string;
  /** In a private chat, the person the bot talks with (the talker, or the listener of the bot's own message). */
  peerName?: string;
  self: boolean;
  text: string;
  kind: 'text' | 'image' | 'link' | 'other';
}

/** What an adapter's factory gets from the composition root. */
export interface ChannelContext {
  config: Config;
  log: Logger;
  clock: Clock;
  redis: Redis;
  /** Key prefix of this deployment (for a per-robot lease built in keys.ts). */
  prefix: string;
}

/** A channel plus what the composition root needs to know about it. */
export interface ChannelSetup {
  channel: Channel;
  /** Keys people and groups in the store ('wechaty', 'wecom', 'dingtalk'). */
  platform: string;
  /** The bot account this process sends as: its durable outbox and its identity keys are the account's. */
  account: string;
  /** The platform's room and contact ids change at every login (some Wechaty puppets). */
  unstableIds?: boolean;
  /** The simulator's WeChat, when the channel is the built-in mock. */
  world?: MockWorld;
  /** Every message in every chat, as it happens (the simulator page subscribes here). */
  watch?: (listener: (e: ChatEvent) => void) => () => void;
  /** The rooms the account is in now; after a (re)login the bot re-binds enrolled groups to them. */
  rooms?: () => Promise<{ id: string; topic: string; ownerName: string }[]>;
  /** Groups enrolled from the settings, where the channel hears no 报名 (webhooks). */
  listed?: ListedGroup[];
}

export type ChannelType = Config['channel']['type'];
export type ChannelFactory = (ctx: ChannelContext) => Promise<ChannelSetup>;

/**
 * Who the bot is on its platform: people, groups and the roster are keyed by it. The bot and the officers'
 * tools (roster import, stats, dashboard) both take it from here, so an imported roster matches the bot's ids.
 */
export function channelIdentity(config: Config): { platform: string; account: string } {
  const { type, wecomBot, dingtalk } = config.channel;
  if (type === 'wecom-bot') return { platform: 'wecom', account: wecomBot.botId };
  // The demo's WeCom robot is the local protocol server's (src/app/sim/wecomServer.ts).
  if (type === 'wecom-sim') return { platform: 'wecom', account: wecomBot.botId || 'bot-test' };
  if (type === 'wecom-webhook') return { platform: 'wecom-webhook', account: 'webhook' };
  if (type === 'dingtalk') return { platform: 'dingtalk', account: dingtalk.robotCode || dingtalk.clientId || 'webhook' };
  return { platform: 'wechaty', account: config.puppet.name };
}

/**
 * The account people and groups are keyed by: the bot's own, or the id space every account of a deployment
 * shares (`accounts.identity`), so that several robots in one group see one group and the same people.
 */
export const idSpace = (config: Config, account: string): string => config.accounts.identity || account;

/** Channel type → the adapter's factory, each loaded only when chosen (so Wechaty isn't loaded for WeCom). */
export const channelFactories: Record<ChannelType, ChannelFactory> = {
  wechaty: async (ctx) => (await import('./wechaty/factory.ts')).wechatyChannel(ctx),
  'wecom-bot': async (ctx) => {
    const { createWecomBot } = await import('./wecom-bot/channel.ts');
    const c = ctx.config.channel.wecomBot;
    return { channel: createWecomBot({ ...c, botName: ctx.config.botName }, ctx), ...channelIdentity(ctx.config) };
  },
  'wecom-webhook': async (ctx) => {
    const { createWecomWebhook } = await import('./wecom-webhook/index.ts');
    const { groups, ...rest } = ctx.config.channel.wecomWebhook;
    // A webhook group is known to banqian by its configured name: that is the room id pushes go to.
    const channel = createWecomWebhook({ ...rest, groups: groups.map((g) => ({ id: g.name, key: g.key })) }, ctx.log);
    return { channel, ...channelIdentity(ctx.config), listed: groups };
  },
  dingtalk: async (ctx) => {
    const [{ createDingtalk }, { redisLeases }] = await Promise.all([import('./dingtalk/index.ts'), import('../store/redis/lease.ts')]);
    const c = ctx.config.channel.dingtalk;
    const channel = createDingtalk({ ...c, robotName: ctx.config.botName }, { log: ctx.log, leases: redisLeases(ctx.redis, ctx.prefix), now: () => ctx.clock.now() });
    return { channel, ...channelIdentity(ctx.config) };
  },
  // The demo's WeCom group needs its local protocol server, which `npm start` runs (src/app/sim/wecomDemo.ts).
  'wecom-sim': async () => {
    throw new Error('channel wecom-sim 只用于 npm start 的模拟器');
  },
};

export function createChannel(ctx: ChannelContext): Promise<ChannelSetup> {
  return channelFactories[ctx.config.channel.type](ctx);
}
