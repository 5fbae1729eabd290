import type { BotDeps } from '../bot/deps.ts';
import type { Group } from '../ports.ts';
import { wallClock } from '../time.ts';

/**
 * Posts an engagement message (reminder, review, ranking…) to a group, once per id, within the group's daily
 * cap; false when the cap is reached (it is logged, and nothing is sent).
 */
export async function postToGroup(deps: BotDeps, g: Group, id: string, message: string, priority: 'other' | 'ranking' = 'other'): Promise<boolean> {
  const day = wallClock(deps.clock.now(), deps.settings.timezone).day;
  if (!(await deps.store.spendBudget(g.gid, day, deps.settings.engagement.dailyCap))) {
    deps.log.info({ gid: g.gid, id, cap: deps.settings.engagement.dailyCap }, 'engagement message over the daily cap; not sent');
    return false;
  }
  await deps.outbox.notify(id, { kind: 'room', id: g.roomId, label: g.topic }, message, priority);
  return true;
}

/**
 * Sends a private message to a worker where the channel can (Wechaty only reaches friends, webhooks no one);
 * says why not otherwise, so the caller can tell the leader once.
 */
export async function sendPrivately(deps: BotDeps, wid: number, id: string, message: string): Promise<'sent' | 'no-private' | 'no-contact'> {
  if (!deps.channel.caps.privateMessages) return 'no-private';
  const contact = await deps.store.contactOf(wid);
  if (!contact) return 'no-contact';
  const [name] = await deps.store.workerNames([wid]);
  await deps.outbox.notify(id, { kind: 'contact', id: contact, label: name ?? contact }, message);
  return 'sent';
}
