import type { Channel } from '../channel.ts';
import type { Group, Logger, Store } from '../ports.ts';

export interface Expected {
  count: number;
  /** Where the count came from, so figures can say what they were measured against. */
  source: 'room' | 'answerers';
}

/**
 * The one definition of who is expected to answer a group's quiz: the room's members other than the
 * bot, or, when the platform can't list them, everyone who has answered in the group before.
 */
export async function expectedParticipants(d: { channel: Channel; store: Store; log: Logger }, g: Group): Promise<Expected> {
  if (!d.channel.caps.listMembers) return { count: (await d.store.members(g.gid)).length, source: 'answerers' };
  try {
    return { count: (await d.channel.members(g.roomId)).length, source: 'room' };
  } catch (err) {
    const count = (await d.store.members(g.gid)).length;
    d.log.warn({ gid: g.gid, err: String(err), count }, "room members unavailable; counting the group's known answerers");
    return { count, source: 'answerers' };
  }
}
