import type { Channel } from '../channel.ts';
import type { Roster } from '../roster/roster.ts';
import type { Group, Logger, RoomMember, Store } from '../ports.ts';

export type ExpectedSource = 'roster' | 'headcount' | 'room' | 'answerers';

export interface Expected {
  count: number;
  /** Where the count came from, so figures can say what they were measured against. */
  source: ExpectedSource;
  /** The people expected, where known (roster, room); a head count names nobody. */
  people?: RoomMember[];
}

/** How the summary and 统计 name each source: "参与：3/12 人（25%，按花名册）". */
export const sourceLabels: Record<ExpectedSource, string> = {
  roster: '按花名册',
  headcount: '按班长设定人数',
  room: '按群成员',
  answerers: '按答过题的人',
};

/**
 * The one definition of who is expected to answer a group's quiz, first that applies: the imported roster
 * of the group's team; the head count its leader set (`人数 12`); the room's members other than the bot,
 * where the platform can list them; everyone who has answered in the group before.
 */
export async function expectedParticipants(d: { channel: Channel; store: Store; log: Logger; roster: Roster }, g: Group): Promise<Expected> {
  const team = g.team ? await d.roster.team(g.team) : [];
  if (team.length) return { count: team.length, source: 'roster', people: team };
  const headcount = await d.roster.headcount(g.gid);
  if (headcount) return { count: headcount, source: 'headcount' };
  if (!d.channel.caps.listMembers) return { count: (await d.store.members(g.gid)).length, source: 'answerers' };
  try {
    const people = await d.channel.members(g.roomId);
    return { count: people.length, source: 'room', people };
  } catch (err) {
    const count = (await d.store.members(g.gid)).length;
    d.log.warn({ gid: g.gid, err: String(err), count }, "room members unavailable; counting the group's known answerers");
    return { count, source: 'answerers' };
  }
}
