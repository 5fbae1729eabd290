import type { ChannelContext, ChannelSetup } from '../../adapters/chat/index.ts';
import { channelFactories } from '../../adapters/chat/index.ts';
import { createDingtalk } from '../../adapters/chat/dingtalk/index.ts';
import { encodeTaskId } from '../../adapters/chat/wecom-bot/cards.ts';
import { redisLeases } from '../../adapters/store/redis/lease.ts';
import type { Config } from '../../config/config.ts';
import type { Channel } from '../../core/channel.ts';
import type { OutMessage, QuizCard } from '../../core/messages.ts';
import type { Question } from '../../core/lessons/types.ts';
import { parseAnswers } from '../../core/quiz/answers.ts';
import type { Target } from '../../core/send/queue.ts';
import type { MockRoomSpec } from '../../adapters/chat/wechaty/mockWorld.ts';
import { DingtalkServer } from './dingtalkServer.ts';
import { WecomServer } from './wecomServer.ts';
import type { SimChannel } from './channels.ts';

/**
 * A platform that a scenario's people speak on, the same for every channel: rooms by topic, people by
 * name. On the robots a person's name is their user id, a room's topic maps to a chat id and back.
 */
export interface SimPlatform {
  /** The settings and the channel the app runs on. */
  config: Config;
  factory?: (ctx: ChannelContext) => Promise<ChannelSetup>;
  /** After (re)start: rooms exist and the channel is connected. */
  ready(world: ChannelSetup['world']): Promise<void>;
  say(from: string, text: string, room?: string): Promise<void>;
  join(room: string, name: string): Promise<void>;
  /** What the bot just sent, to learn which cards a text answer taps. */
  sent(target: Target, message: OutMessage): void;
  /** Where a message went, as the scenario names it. */
  where(target: Target): { room: string | null; to: string | null };
  /** What reached the bot through the adapter: messages and card taps. */
  received(): Received;
  close(): Promise<void>;
}

/** Waits (in real time) for something the local server or the adapter does over the loopback network. */
export async function waitFor(done: () => boolean, failure: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > until) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Settings that point the real WeCom robot adapter at a local server, with `leaders` (user ids) added. */
export function onWecomServer(config: Config, server: WecomServer, leaders: string[]): Config {
  const wecomBot = { ...config.channel.wecomBot, botId: server.botId, secret: server.secret, wsUrl: server.url };
  return { ...config, leaders: [...config.leaders, ...leaders], channel: { ...config.channel, type: 'wecom-bot', wecomBot } };
}

/** The robots hear a group message only with an @-mention: a scenario's command gets one. */
const mention = (bot: string, text: string) => (text.trimStart().startsWith(`@${bot}`) ? text : `@${bot} ${text}`);

export async function simPlatform(channel: SimChannel, config: Config, rooms: MockRoomSpec[]): Promise<SimPlatform> {
  if (channel === 'wechaty') return wechatyPlatform(config, rooms);
  // Without a roster, a room's owner is a configured leader of it, as the group's owner is on WeChat.
  const owners = rooms.map((r) => r.owner);
  const chatIds = new Map(rooms.map((r, i) => [r.topic, `${channel === 'wecom-sim' ? 'wr' : 'cid'}sim${i + 1}`]));
  const topics = new Map([...chatIds].map(([topic, id]) => [id, topic]));
  const where = (t: Target) => (t.kind === 'room' ? { room: topics.get(t.id) ?? t.label, to: null } : { room: null, to: t.id });
  const counted = counting();
  return channel === 'wecom-sim' ? wecomPlatform(config, owners, chatIds, where, counted) : dingtalkPlatform({ ...config, leaders: [...config.leaders, ...owners] }, chatIds, where, counted);
}

function wechatyPlatform(config: Config, rooms: MockRoomSpec[]): SimPlatform {
  let world: ChannelSetup['world'];
  return {
    config: { ...config, puppet: { name: 'mock', token: '' }, channel: { ...config.channel, type: 'wechaty' } },
    ready: async (w) => {
      world = w;
      for (const room of rooms) world!.addRoom(room);
    },
    say: async (from, text, room) => world!.say(from, text, room),
    join: async (room, name) => world!.join(room, name),
    sent: () => {},
    where: (t) => ({ room: t.kind === 'room' ? t.label : null, to: t.kind === 'contact' ? t.label : null }),
    // The mock WeChat hands messages to Wechaty directly; nothing to count.
    received: () => ({ messages: 0, cardAnswers: 0 }),
    close: async () => {},
  };
}

/**
 * Counts what reached the bot through the real adapter, so the simulator can wait for a message it put
 * on the wire before it moves the clock on.
 */
function counting() {
  const received: Received = { messages: 0, cardAnswers: 0 };
  const delivered = () => received.messages + received.cardAnswers;
  let expected = 0;
  const wrap = (setup: ChannelSetup): ChannelSetup => {
    const c = setup.channel;
    const channel: Channel = {
      caps: c.caps,
      start: () => c.start(),
      stop: () => c.stop(),
      onStatus: (listener) => c.onStatus(listener),
      send: (target, message) => c.send(target, message),
      members: (chatId) => c.members(chatId),
      idle: () => c.idle(),
      onMessage: (h) => c.onMessage((m) => (received.messages++, h(m))),
      onCardAnswer: (h) => c.onCardAnswer((a) => (received.cardAnswers++, h(a))),
    };
    return { ...setup, channel };
  };
  const arrived = (n: number) => {
    expected += n;
    return waitFor(() => delivered() >= expected, '模拟服务器发出的消息 10 秒内没有到达机器人');
  };
  return { wrap, arrived, received: () => ({ ...received }) };
}

type Where = SimPlatform['where'];
export interface Received {
  messages: number;
  cardAnswers: number;
}

/** Letters per question of a text answer, read against the cards last sent to that room. */
function cardTaps(text: string, cards: QuizCard[] | undefined): { card: QuizCard; letters: string }[] {
  if (!cards?.length) return [];
  const quiz = cards.map((c) => ({ question: c.question, options: c.options, answer: c.multi ? 'AB' : 'A' }) as Question);
  const sheet = parseAnswers(text, quiz);
  if (!Array.isArray(sheet)) return [];
  return sheet.flatMap((letters, i) => (letters ? [{ card: cards[i], letters }] : []));
}

async function wecomPlatform(base: Config, owners: string[], chatIds: Map<string, string>, where: Where, counted: ReturnType<typeof counting>): Promise<SimPlatform> {
  const server = await WecomServer.start();
  const config = onWecomServer(base, server, owners);
  /** The cards of the latest quiz in each room, in question order. */
  const cards = new Map<string, QuizCard[]>();
  const quizOf = (taskId: string) => taskId.replace(/_\d+$/, '');
  return {
    config,
    factory: async (ctx) => counted.wrap(await channelFactories['wecom-bot'](ctx)),
    ready: () => waitFor(() => server.connections === 1, '企业微信模拟服务器：机器人 10 秒内没有连上'),
    say: async (from, text, room) => {
      const chatid = room === undefined ? undefined : chatIds.get(room)!;
      const taps = chatid ? cardTaps(text, cards.get(chatid)) : [];
      for (const t of taps) server.tap(from, encodeTaskId(t.card.taskId), [...t.letters], chatid);
      if (!taps.length) server.text(from, chatid ? mention(config.botName, text) : text, chatid);
      await counted.arrived(taps.length || 1);
    },
    // WeCom tells the robot nothing about who joins a group.
    join: async () => {},
    sent: (target, m) => {
      if (m.kind !== 'card' || target.kind !== 'room') return;
      const before = cards.get(target.id) ?? [];
      cards.set(target.id, before.length && quizOf(before[0].taskId) === quizOf(m.taskId) ? [...before, m] : [m]);
    },
    where,
    received: counted.received,
    close: () => server.close(),
  };
}

async function dingtalkPlatform(config: Config, chatIds: Map<string, string>, where: Where, counted: ReturnType<typeof counting>): Promise<SimPlatform> {
  const server = await new DingtalkServer().start();
  const settings = { clientId: server.clientId, clientSecret: server.clientSecret, robotCode: server.clientId, webhook: { url: '', secret: '' } };
  return {
    config: { ...config, channel: { ...config.channel, type: 'dingtalk', dingtalk: settings } },
    factory: async (ctx) =>
      counted.wrap({
        channel: createDingtalk(
          { ...settings, robotName: ctx.config.botName, apiBase: server.base, oapiBase: server.base, gatewayUrl: server.gatewayUrl },
          { log: ctx.log, leases: redisLeases(ctx.redis, ctx.prefix), now: () => ctx.clock.now() },
        ),
        platform: 'dingtalk',
        account: server.clientId,
      }),
    ready: () => waitFor(() => server.online === 1, '钉钉模拟服务器：机器人 10 秒内没有连上'),
    // Every answer is an @-message: DingTalk's robot has no cards here.
    say: async (from, text, room) => {
      const group = room === undefined ? undefined : { id: chatIds.get(room)!, title: room };
      await server.robotMessage({ text: group ? mention(config.botName, text) : text, staffId: from, nick: from, group });
      await counted.arrived(1);
    },
    join: async () => {},
    sent: () => {},
    where,
    received: counted.received,
    close: () => server.stop(),
  };
}
