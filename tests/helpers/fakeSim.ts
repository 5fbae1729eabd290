import type { SimControl, SimEvent } from '../../src/adapters/web/chatPage.ts';
import type { ChannelStatus } from '../../src/core/channel.ts';

/** An in-memory simulator: records what the page asks of it and emits events to its watchers. */
export function fakeSim() {
  const rooms = [{ topic: '检修一班', owner: '王班长', members: ['王班长', '李师傅', '小张'] }];
  const listeners = new Set<(e: SimEvent) => void>();
  const said: { from: string; text: string; room?: string }[] = [];
  const advanced: number[] = [];
  let channel: ChannelStatus = { up: true };
  const channelListeners: ((s: ChannelStatus) => void)[] = [];
  let clock = Date.parse('2025-03-03T07:40:00+08:00');
  const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
  const sim: SimControl = {
    botName: '班前小助手',
    rooms: () => rooms,
    say(from, text, room) {
      if (!rooms.some((r) => r.members.includes(from))) throw new Error(`没有成员“${from}”`);
      said.push({ from, text, room });
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async advance(minutes) {
      advanced.push(minutes);
      clock += minutes * 60_000;
    },
    now: () => iso(clock),
    channel: () => channel,
    watchChannel: (listener) => void channelListeners.push(listener),
  };
  /** The channel goes down or comes back, as an adapter would report it. */
  const setChannel = (status: ChannelStatus) => {
    channel = status;
    for (const l of channelListeners) l(status);
  };
  const emit = (text: string, self = true, room: string | null = '检修一班'): SimEvent => {
    const e: SimEvent = { at: sim.now(), room, to: null, from: self ? sim.botName : '小张', self, text };
    for (const l of listeners) l(e);
    return e;
  };
  return { sim, said, advanced, listeners, emit, setChannel };
}
