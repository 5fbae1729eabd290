import type { Group } from '../ports.ts';
import type { ChatContext } from './context.ts';

/**
 * The people a leader's command names in the group (班长 添加 @孙伟, 班长 请假 @李明). Where the platform says
 * whom a message @-mentions, those ids decide; names are looked up among the room's members only on Wechaty.
 */
export async function peopleNamed(ctx: ChatContext, g: Group, names: string[]): Promise<{ people: { id: string; name: string }[]; missing: string[] }> {
  const mentioned = ctx.msg.mentions ?? [];
  if (mentioned.length) {
    const shown = await ctx.deps.roster.names(mentioned.map((m) => m.id));
    return { people: mentioned.map((m, i) => ({ id: m.id, name: shown[i] ?? m.name ?? m.id })), missing: [] };
  }
  // A platform that can't list members finds nobody by name (the reply says so) rather than failing silently.
  const members = await ctx.deps.channel.members(g.roomId).catch(() => []);
  const people: { id: string; name: string }[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const member = members.find((m) => m.name === name);
    if (member) people.push({ id: member.id, name: member.name });
    else missing.push(name);
  }
  return { people, missing };
}
