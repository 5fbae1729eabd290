import type { MockRoomSpec } from '../adapters/chat/wechaty/mockWorld.ts';
import type { SimControl, SimEvent, SimPeople } from '../adapters/web/chatPage.ts';
import { isoInZone, minuteMs } from '../core/time.ts';
import type { App } from './compose.ts';
import { runVirtual } from './virtual.ts';

/** The team the simulator starts with, so `npm start` has someone to talk to. */
export const demoRooms: MockRoomSpec[] = [
  { topic: '总装车间一班', owner: '张班长', members: ['李明', '王芳', '赵强', '陈静'] },
  { topic: '机加车间二班', owner: '刘组长', members: ['孙伟', '周丽', '吴刚'] },
];

/** Real time plus an offset the demo page can move forward ("快进"). */
export class DemoClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  set = (t: number): void => {
    this.offset = t - Date.now();
  };
}

/** The mock WeChat's people and chats, for the simulator's web page. */
export function wechatyPeople(app: App, clock: DemoClock, timezone: string): SimPeople {
  const world = app.world!;
  return {
    rooms: () => world.roomTopics().map((topic) => ({ topic, owner: world.owner(topic), members: world.members(topic) })),
    say: (from, text, room) => {
      if (room !== undefined && !world.roomTopics().includes(room)) throw new Error(`没有群“${room}”`);
      const known = room !== undefined ? world.members(room) : world.roomTopics().flatMap((t) => world.members(t));
      if (!known.includes(from)) throw new Error(`“${from}”不在${room ? `群“${room}”` : '任何群'}里`);
      world.say(from, text, room);
    },
    watch: (listener) =>
      app.watch!((e) => {
        const event: SimEvent = { at: isoInZone(clock.now(), timezone), room: e.roomTopic ?? null, to: e.roomTopic ? null : (e.peerName ?? null), from: e.fromName, self: e.self, text: e.text || (e.kind === 'image' ? '[图片]' : e.kind === 'link' ? '[链接]' : '') };
        listener(event);
      }),
  };
}

/** What the simulator's web page needs: its people (the mock WeChat's, or the WeCom demo's) and the running app. */
export function simControl(app: App, clock: DemoClock, timezone: string, afterAdvance: () => void, people: SimPeople = wechatyPeople(app, clock, timezone)): SimControl {
  return {
    botName: app.bot.deps.settings.botName,
    ...people,
    advance: async (minutes) => {
      await app.chat.idle(); // messages already sent are handled at the time they were sent
      // Every minute jumped over runs as it would have: pushes, closes and sends all happen.
      const until = clock.now() + minutes * minuteMs;
      await runVirtual(app, clock, until);
      clock.set(until);
      await app.tick();
      afterAdvance();
    },
    now: () => isoInZone(clock.now(), timezone),
    channel: () => app.status(),
    watchChannel: (listener) => app.chat.onStatus(listener),
  };
}
