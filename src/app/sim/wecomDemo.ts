import type { MockRoomSpec } from '../../adapters/chat/wechaty/mockWorld.ts';
import { channelFactories, type ChannelContext, type ChannelSetup } from '../../adapters/chat/index.ts';
import type { SimEvent, SimPeople } from '../../adapters/web/chatPage.ts';
import type { Config } from '../../config/config.ts';
import { shownMarkdown } from '../../core/send/text.ts';
import { isoInZone, type Clock } from '../../core/time.ts';
import { WecomServer } from './wecomServer.ts';
import { onWecomServer } from './worlds.ts';

/**
 * `channel: wecom-sim`: the demo as a WeCom group. The real smart-robot adapter talks to the local protocol
 * server; people on the chat page have user ids (u1, u2 …), the robot hears a group message only when it
 * @-mentions it, and quizzes arrive as cards the page lets them tap.
 */
export interface WecomDemo {
  config: Config;
  factory: (ctx: ChannelContext) => Promise<ChannelSetup>;
  people(clock: Clock, timezone: string): SimPeople;
  close(): Promise<void>;
}

export async function wecomDemo(config: Config, rooms: MockRoomSpec[]): Promise<WecomDemo> {
  const server = await WecomServer.start();
  const names = [...new Set(rooms.flatMap((r) => [r.owner, ...r.members]))];
  const ids = new Map(names.map((n, i) => [n, `u${i + 1}`]));
  const chatIds = new Map(rooms.map((r, i) => [r.topic, `wrdemo${i + 1}`]));
  const byId = new Map([...[...ids].map(([n, id]) => [id, n] as const), ...[...chatIds].map(([t, id]) => [id, t] as const)]);
  const listeners = new Set<(e: SimEvent) => void>();
  const emit = (e: SimEvent) => {
    for (const l of listeners) l(e);
  };
  const members = (topic: string) => {
    const room = rooms.find((r) => r.topic === topic);
    if (!room) throw new Error(`没有群“${topic}”`);
    return [...new Set([room.owner, ...room.members])];
  };
  const check = (from: string, room?: string) => {
    const known = room !== undefined ? members(room) : names;
    if (!known.includes(from)) throw new Error(`“${from}”不在${room ? `群“${room}”` : '任何群'}里`);
    return { userid: ids.get(from)!, chatid: room === undefined ? undefined : chatIds.get(room) };
  };
  return {
    // Without a roster, each room's owner is a configured leader (WeCom does not say who owns a group).
    config: onWecomServer(config, server, rooms.map((r) => ids.get(r.owner)!)),
    factory: (ctx) => channelFactories['wecom-bot'](ctx),
    people: (clock, timezone) => {
      const at = () => isoInZone(clock.now(), timezone);
      server.onMessage = (body) => {
        const where = byId.get(body.chatid) ?? body.chatid;
        const base = { at: at(), room: chatIds.has(where) ? where : null, to: chatIds.has(where) ? null : where, from: config.botName, self: true };
        if (body.msgtype === 'template_card') {
          const card = body.template_card;
          emit({ ...base, text: `${card.main_title?.title ?? ''}\n${card.sub_title_text ?? ''}`.trim(), card: { taskId: card.task_id, multi: card.checkbox?.mode === 1, options: card.checkbox?.option_list ?? [] } });
        } else emit({ ...base, text: body.msgtype === 'markdown' ? shownMarkdown(body.markdown.content) : '[图片]' });
      };
      return {
        rooms: () => rooms.map((r) => ({ topic: r.topic, owner: r.owner, members: members(r.topic) })),
        say: (from, text, room) => {
          const { userid, chatid } = check(from, room);
          emit({ at: at(), room: room ?? null, to: room === undefined ? from : null, from, self: false, text });
          // The robot hears a group message only when it is @-mentioned; private messages always.
          if (!chatid || text.includes(`@${config.botName}`)) server.text(userid, text, chatid);
        },
        tap: (from, room, taskId, options) => {
          const { userid, chatid } = check(from, room);
          server.tap(userid, taskId, options, chatid);
        },
        watch: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    },
    close: () => server.close(),
  };
}
