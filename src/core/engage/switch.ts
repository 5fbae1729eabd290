import type { ChatContext } from '../bot/context.ts';
import type { Group } from '../ports.ts';
import { featureOn, optionOf, type EngagementSettings, type Feature } from './features.ts';

/** "开"/"关" (or on/off) as a leader's switch; undefined for anything else. */
export function parseSwitch(word: string | undefined): 'on' | 'off' | undefined {
  if (/^(开|开启|on)$/i.test(word ?? '')) return 'on';
  if (/^(关|关闭|off)$/i.test(word ?? '')) return 'off';
  return undefined;
}

/** Whether the settings and the org leave the feature to the group's leader (it is on once the leader says so). */
export const leaderMayTurnOn = (f: Feature, g: Group, settings: EngagementSettings): boolean =>
  featureOn(f, { ...g, options: { ...g.options, [optionOf(f)]: 'on' } }, settings);

/**
 * Stores a leader's switch and remembers the sender as one of the group's leaders: a group's owner or a
 * configured leader is a leader without being listed, and the private notices go to listed leaders.
 */
export async function setSwitch(ctx: ChatContext, g: Group, f: Feature, value: 'on' | 'off'): Promise<void> {
  await ctx.deps.store.setGroupOption(g.gid, optionOf(f), value);
  await ctx.deps.store.addLeader(g.gid, await ctx.wid());
}

/** Why a leader's private items can't come on this channel; said once, in the reply to the command. */
export const noPrivateMessages = '本平台的机器人不能私聊，名单不会私发给班长（也不会在群里点名），可随时在群里发送“统计”查看。';
/** Where the org or the settings switched a feature off for this group. */
export const switchedOffByUnion = (what: string) => `工会已在本单位关闭${what}，班长不能单独开启。`;

/** How a private message names the group: WeCom gives groups no name until they are bound to a team. */
export const groupLabel = (g: Group): string => g.topic || g.team.split('/').pop() || '班组群';
