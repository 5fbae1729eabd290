import type { BotDeps } from '../bot/deps.ts';
import type { EngagementHook } from '../engage/hooks.ts';
import type { AccountState, Group } from '../ports.ts';
import { minuteMs, wallClock } from '../time.ts';

/**
 * Whether this process's account acts for the group (pushes, replies, answers): the account that owns it,
 * or the one that took it over while the owner is down. A group enrolled before there were several
 * accounts has no owner ('') and is the reading process's.
 */
export function actsFor(g: Pick<Group, 'account' | 'taker'>, account: string): boolean {
  return (g.taker || g.account || account) === account;
}

/** An account as its processes' reports show it: up while one of them is up and reporting. */
export interface AccountView {
  account: string;
  name: string;
  up: boolean;
  /** When it was last seen up (a process's last report while up, or the moment one went down). */
  upUntil: number;
  /** Why it is down, as its latest report says. */
  reason?: string;
}

/**
 * Merges the processes' reports per account. A report older than `staleMs` no longer shows a live process:
 * a process killed outright stops reporting. A standby process that reports down (another holds the robot's
 * connection) does not make its account down while the active one reports up.
 */
export function accountViews(reports: AccountState[], now: number, staleMs: number): Map<string, AccountView> {
  const views = new Map<string, AccountView>();
  for (const r of [...reports].sort((a, b) => a.beat - b.beat)) {
    const v = views.get(r.account) ?? { account: r.account, name: r.name, up: false, upUntil: 0 };
    v.name = r.name;
    v.up ||= r.up && now - r.beat < staleMs;
    v.upUntil = Math.max(v.upUntil, r.up ? r.beat : r.since);
    if (!r.up) v.reason = r.reason;
    views.set(r.account, v);
  }
  return views;
}

/** Down for longer than the threshold: its groups go to the other accounts present in them. */
export const isDown = (v: AccountView, now: number, failoverMs: number): boolean => !v.up && now - v.upUntil >= failoverMs;

/** A process's report this old is forgotten when its account has a newer one (a process restarted under a new id). */
const forgetAfterMs = 2 * 86_400_000;

export interface FailoverOptions {
  failoverMinutes: number;
  /** Tells the officers responsible for a team (by org path) privately, or in the reports dir. */
  tellOfficers: (id: string, team: string, message: string, day: string) => Promise<void>;
}

/**
 * The tick hook of many accounts: reports this account's status to Redis, takes over the groups of an
 * account down longer than `failoverMinutes` where this account is present (one taker per group, spread
 * over the accounts present), and takes its own groups back once it is up again. The responsible officer
 * is told either way; on a channel that hears only @-mentions, the group is told which robot to @.
 * Work follows the accounts' own indexes: the groups of a down account, the groups taken from this one.
 */
export function failoverHook(deps: BotDeps, opts: FailoverOptions): EngagementHook {
  const { store, account, log, settings } = deps;
  const failoverMs = opts.failoverMinutes * minuteMs;
  let mine: AccountState | undefined;

  function report(now: number): AccountState {
    const { up, reason } = deps.status?.() ?? { up: true };
    // `since` moves only when the status changes, so a long outage is seen as long.
    const since = mine && mine.up === up && mine.reason === reason ? mine.since : now;
    mine = { account, process: deps.owner, name: settings.botName, up, ...(reason && { reason }), since, beat: now };
    return mine;
  }

  async function announce(g: Group, from: AccountView | undefined, to: { account: string; name: string }, back: boolean, now: number): Promise<void> {
    const day = wallClock(now, settings.timezone).day;
    const fromName = from?.name ?? g.taker ?? '';
    log.warn({ gid: g.gid, from: from?.account ?? g.taker, to: to.account, reason: from?.reason }, back ? 'group returned to its account' : 'took over a group whose account is down');
    const why = from?.reason ? `（${from.reason}）` : '';
    const officerText = back
      ? `【机器人恢复】${g.topic}：机器人“${to.name}”（账号 ${to.account}）已恢复，本群重新由它推送和答题。`
      : `【机器人离线】${g.topic}：机器人“${fromName}”（账号 ${from?.account}）离线已超过 ${opts.failoverMinutes} 分钟${why}，本群改由机器人“${to.name}”（账号 ${to.account}）推送和答题。`;
    const id = `${back ? 'return' : 'failover'}:${g.gid}:${to.account}:${from?.upUntil ?? now}`;
    // Where people must @ the robot, the group learns which one answers now.
    if (deps.channel.caps.hears === 'mentions') {
      const groupText = back ? `机器人“${to.name}”已恢复，从现在起请重新 @${to.name} 发指令和答题。` : `本群的机器人“${fromName}”暂时离线，从现在起请 @${to.name} 发指令和答题。`;
      await deps.outbox.notify(id, { kind: 'room', id: g.roomId, label: g.topic }, groupText);
    }
    await opts.tellOfficers(id, g.team, `${officerText}\n（${g.team || '未归属班组'}）`, day);
  }

  /** The down account's groups this account is present in and chosen for (its share of the accounts up there). */
  async function takeOver(down: AccountView, byAccount: Map<string, AccountView>, now: number): Promise<void> {
    const up = (a: string) => !!byAccount.get(a)?.up;
    for (const g of await store.groups(await store.accountGroups(down.account))) {
      if (g.status === 'left' || g.account !== down.account || g.taker === account || (g.taker && up(g.taker))) continue;
      const candidates = (await store.presentAccounts(g.gid)).filter(up);
      // Spread by group id over the accounts up in the group, so one survivor does not take everything.
      if (candidates[g.gid % candidates.length] !== account) continue;
      if (await store.setTaker(g.gid, down.account, g.taker ?? '', account)) await announce(g, byAccount.get(g.taker ?? '') ?? down, mine!, false, now);
    }
  }

  async function takeBack(byAccount: Map<string, AccountView>, now: number): Promise<void> {
    for (const g of await store.groups(await store.takenFrom(account))) {
      if (!g.taker || g.account !== account) continue;
      if (await store.setTaker(g.gid, account, g.taker, '')) await announce(g, byAccount.get(g.taker), mine!, true, now);
    }
  }

  return {
    name: 'accounts',
    async tick(now) {
      // Reports are stamped and judged by one clock for every process (Redis's, where processes keep their own),
      // so a process whose clock stepped sees no live account as down, and is not seen as down itself.
      const shared = await store.sharedNow(now);
      const me = report(shared);
      await store.reportAccount(me);
      if (!me.up) return;
      const reports = await store.accountStates();
      // An account's last report is kept however old: a banned account's groups stay with their takers.
      const newer = (r: AccountState) => reports.some((o) => o.account === r.account && o.beat > r.beat);
      for (const r of reports) if (shared - r.beat > forgetAfterMs && newer(r)) await store.dropAccountState(r.account, r.process);
      const byAccount = accountViews(reports, shared, failoverMs);
      await takeBack(byAccount, now);
      for (const v of byAccount.values()) if (v.account !== account && isDown(v, shared, failoverMs)) await takeOver(v, byAccount, now);
    },
  };
}

/** Groups each process has already recorded itself in, so presence costs one write per group, not per message. */
const noted = new WeakMap<BotDeps, Set<number>>();

/** Records (once per process) that this account is in the group: it heard a message there or saw the room. */
export async function notePresent(deps: BotDeps, gid: number): Promise<void> {
  const seen = processSet(noted, deps);
  if (seen.has(gid)) return;
  await deps.store.notePresent(gid, deps.account);
  seen.add(gid);
}

/**
 * For something said in a group: notes this account's presence and tells whether it acts there. A group
 * enrolled before there were several accounts goes to the first account that hears it; a group not
 * enrolled yet is everyone's until its enrolment claims it (chat.ts enroll), each of its messages answered
 * by one account.
 */
export async function actsHere(deps: BotDeps, gid: number, group: () => Promise<Group | undefined>, message: { text: string; at: number }): Promise<boolean> {
  const settled = processSet(settledGroups, deps);
  if (settled.has(gid)) return true;
  await notePresent(deps, gid);
  const g = await group();
  // Nobody owns it yet: where accounts share groups they all hear this message, and one answers it.
  if (!g) return !deps.settings.sharedGroups || (await deps.store.claimMessage(gid, message.text, message.at));
  const owner = g.account || (await deps.store.claimGroup(gid, deps.account));
  const acts = actsFor({ account: owner, taker: g.taker }, deps.account);
  // Where accounts share no groups nothing takes one over: once this account acts for a group, it always will,
  // and the answer path reads no group hash for it again.
  if (acts && !deps.settings.sharedGroups) settled.add(gid);
  return acts;
}

/** Per process, the groups whose ownership is settled for good (see actsHere). */
const settledGroups = new WeakMap<BotDeps, Set<number>>();

/** One process's set of group ids in a map kept by process (its deps). */
function processSet(sets: WeakMap<BotDeps, Set<number>>, deps: BotDeps): Set<number> {
  let s = sets.get(deps);
  if (!s) sets.set(deps, (s = new Set()));
  return s;
}
