import type { BotDeps } from '../bot/deps.ts';
import type { OrgNode, OrgTree } from '../org.ts';
import type { Group } from '../ports.ts';
import { isoWeek, type PkRow, type Stats } from '../stats.ts';
import { addDays, wallClock } from '../time.ts';
import { featureOn, type EngagementSettings } from './features.ts';
import type { EngagementHook } from './hooks.ts';
import { postToGroup } from './send.ts';

/**
 * Where a group is ranked: the deepest node of `rankAt` above it (an officer's pick), else its ancestor at
 * `rankingLevel` (root = 1), or its parent when it sits higher than that; none for an unbound group.
 */
export function rankNode(org: OrgTree, settings: EngagementSettings, g: Group): OrgNode | undefined {
  const chain = org.chain(g.team);
  if (chain.length < 2) return undefined;
  const picked = chain.slice(0, -1).filter((n) => settings.rankAt.includes(n.path)).at(-1);
  return picked ?? chain[Math.min(settings.rankingLevel, chain.length - 1) - 1];
}

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

function change(row: PkRow): string {
  if (row.previousRate === null || row.participationRate === null) return '';
  const d = Math.round((row.participationRate - row.previousRate) * 100);
  return d === 0 ? '（与前一周持平）' : `（比前一周${d > 0 ? '升' : '降'} ${Math.abs(d)} 个百分点）`;
}

const figuresText = (r: PkRow) => `参与率 ${pct(r.participationRate)}${change(r)}，正确率 ${pct(r.correctRate)}`;

/** The week's post to one group: its place and the leading group's figures. */
export function renderPk(node: OrgNode, week: { from: string; to: string }, rows: PkRow[], gid: number): string | undefined {
  const own = rows.find((r) => r.gid === gid);
  if (!own) return undefined;
  const lead = rows[0];
  const lines = [
    `【本周${node.name} PK：第 ${own.place} 名 / 共 ${own.of} 个班组】`,
    `上周（${week.from.slice(5)} 至 ${week.to.slice(5)}）本群${figuresText(own)}。`,
    own.place === 1 ? '本群领先，继续保持！' : `第 1 名 ${lead.room}：${figuresText(lead)}。`,
  ];
  return lines.join('\n');
}

const scanEveryMs = 5 * 60_000;

/** "11月": the post names last month, so the year goes without saying. */
const monthName = (month: string) => `${Number(month.slice(5))}月`;

export const previousMonth = (month: string): string => addDays(`${month}-01`, -1).slice(0, 7);

/**
 * Weekly team PK and monthly 学习之星 (with the month's 全勤 marks). Each group's post follows its first lesson
 * of the ISO week (of the month), once that lesson went out: Monday morning for most groups, behind the lesson
 * in the send queue (priority 'ranking'), and on the first lesson day after a holiday.
 */
export function rankingHook(deps: BotDeps, stats: Stats): EngagementHook {
  /** This instance's view of what is done this week, so most ticks read nothing per group. */
  const seen = new Set<string>();
  let seenWeek = '';
  let lastSlot = NaN;
  /** Groups whose lesson quiz closed since the last look (a window shorter than the look's interval). */
  const closed = new Set<number>();

  /**
   * The groups whose weekly or monthly post is not done in this instance's view, once their lesson went out.
   * Only groups whose lesson went out lately are looked at (an open lesson quiz, or one closed since the last
   * look), never every group: a post missed while the bot was down comes with the group's next lesson.
   */
  async function waiting(now: number) {
    const today = wallClock(now, deps.settings.timezone).day;
    const { week, monday } = isoWeek(today);
    if (week !== seenWeek) {
      seen.clear();
      seenWeek = week;
    }
    const month = today.slice(0, 7);
    const weekly = `pk:${week}`;
    const monthly = `month:${month}`;
    const lately = new Set([...(await deps.store.openQuizzes()).filter((r) => r.kind === 'lesson').map((r) => r.gid), ...closed]);
    const due: { g: Group; dueWeek: boolean; dueMonth: boolean }[] = [];
    for (const g of await deps.store.groups([...lately])) {
      if (g.status !== 'active' || !g.current || g.current > today) continue;
      const dueWeek = g.current >= monday && !seen.has(`${g.gid}:${weekly}`);
      const dueMonth = g.current.startsWith(month) && !seen.has(`${g.gid}:${monthly}`);
      if (!dueWeek && !dueMonth) continue;
      // The lesson must have gone out first: a ranking never comes before it.
      const push = await deps.store.getPush(g.gid, g.current);
      if (push?.status === 'sent' || push?.status === 'closed') due.push({ g, dueWeek, dueMonth });
    }
    return { today, monday, month, weekly, monthly, due };
  }

  return {
    name: 'ranking',
    async tick(now: number): Promise<void> {
      // A look once in each few minutes of the clock is soon enough for a post that waits for the lesson
      // anyway, and keeps the minute-by-minute loop from reading every group for it.
      const slot = Math.floor(now / scanEveryMs);
      if (slot === lastSlot) return;
      lastSlot = slot;
      const { today, monday, month, weekly, monthly, due } = await waiting(now);
      closed.clear();
      const boards = new Map<string, Promise<PkRow[]>>();
      for (const { g, dueWeek, dueMonth } of due) {
        if (dueWeek) {
          seen.add(`${g.gid}:${weekly}`);
          if (featureOn('ranking', g, deps.settings.engagement) && (await deps.store.onceFor(g.gid, weekly, today))) await postPk(g, addDays(monday, -7), boards);
        }
        if (dueMonth) {
          seen.add(`${g.gid}:${monthly}`);
          const star = featureOn('star', g, deps.settings.engagement);
          const badges = featureOn('badges', g, deps.settings.engagement);
          if ((star || badges) && (await deps.store.onceFor(g.gid, monthly, today))) await monthEnd(g, previousMonth(month), today, star, badges);
        }
      }
    },
    afterClose: async (g, push) => void (push.kind === 'lesson' && closed.add(g.gid)),
    // The next look, while a group waits for its post; pushes going out wake the loop themselves.
    nextWork: async (now) => ((await waiting(now)).due.length ? (Math.floor(now / scanEveryMs) + 1) * scanEveryMs : Infinity),
  };

  async function postPk(g: Group, lastMonday: string, boards: Map<string, Promise<PkRow[]>>): Promise<void> {
    const node = rankNode(deps.org, deps.settings.engagement, g);
    if (!node) return;
    // One ranking per node and pass, shared by the node's groups.
    const key = `${node.path}|${lastMonday}`;
    if (!boards.has(key)) boards.set(key, stats.pk(node, lastMonday));
    const text = renderPk(node, { from: lastMonday, to: addDays(lastMonday, 6) }, await boards.get(key)!, g.gid);
    if (text) await postToGroup(deps, g, `pk:${g.gid}:${lastMonday}`, text, 'ranking');
  }

  /** Names last month's 学习之星 and gives 全勤 to everyone who answered every lesson of it on time. */
  async function monthEnd(g: Group, last: string, today: string, star: boolean, badges: boolean): Promise<void> {
    const lines: string[] = [];
    if (star) {
      const s = await stats.star(g, last);
      if (s) lines.push(`【${monthName(last)}学习之星】${s.name}：上月积分 ${s.points} 分，连续学习 ${s.streak} 次。向 TA 学习！`);
    }
    if (badges) {
      const full = await fullAttendance(deps, g, last);
      for (const wid of full) await deps.store.awardBadge(g.gid, wid, `full:${last}`, today);
      if (full.length) lines.push(`${monthName(last)}全勤：${(await deps.store.workerNames(full)).join('、')}，获得“全勤”徽章。`);
    }
    if (lines.length) await postToGroup(deps, g, `month:${g.gid}:${last}`, lines.join('\n'), 'ranking');
  }
}

/** Workers who answered every lesson the group closed in the month on time (none when it had no lesson). */
export async function fullAttendance(deps: BotDeps, g: Group, month: string): Promise<number[]> {
  const pushes = (await deps.store.pushesBetween(g.gid, `${month}-01`, `${month}-31`)).filter((p) => p.status === 'closed');
  if (!pushes.length) return [];
  const sets = await Promise.all(pushes.map((p) => deps.store.onTimeWorkers(g.gid, p.day)));
  return sets.reduce((all, s) => all.filter((w) => s.includes(w))).sort((a, b) => a - b);
}
