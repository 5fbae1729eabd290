import type { BotDeps } from '../bot/deps.ts';
import { cellText, figureCells, figureHeaders, type Cell } from '../export.ts';
import { OrgTree, type OrgNode } from '../org.ts';
import type { Group, Push, Store } from '../ports.ts';
import { isLessonDay, type CalendarOverrides } from '../schedule/calendar.ts';
import { isoWeek, type Child, type Figures, type Stats } from '../stats.ts';
import { addDays, instantOf, isoWeekday } from '../time.ts';
import { featureOn, orgFeatureOn, type EngagementSettings } from './features.ts';
import { onceADay, type EngagementHook } from './hooks.ts';

/** What the reports need of an officer (config/officers.yaml). */
export interface ReportOfficer {
  name: string;
  scope: string;
  /** User id per chat platform ("wecom", "dingtalk", "wechaty"). */
  contact?: Partial<Record<string, string>>;
  email?: string;
  weeklyReport?: boolean;
}

/** Monday's reports, and each day's drop-alert check, go out at the first pass of the daily loop from this time. */
export const reportTime = '08:30';

/** A team that missed this many lesson days running gets an alert. */
export const missedRun = 3;

/** "2026-W50" -> its Monday and Sunday, or a sentence saying what a week looks like. */
export function parseWeek(week: string): { week: string; from: string; to: string } | { error: string } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week.trim());
  const error = `“${week}”不是有效的周：请写成 2026-W50 这样的 ISO 周（年份-W周数，周数 01–53）`;
  if (!m) return { error };
  // The Monday of week 1 is the Monday of the week holding 4 January.
  const jan4 = `${m[1]}-01-04`;
  const monday = addDays(jan4, 1 - isoWeekday(jan4) + (Number(m[2]) - 1) * 7);
  if (Number(m[2]) < 1 || isoWeek(monday).week !== week.trim()) return { error };
  return { week: week.trim(), from: monday, to: addDays(monday, 6) };
}

/** The officers responsible for a team: those whose scope is the narrowest one holding the team's org path. */
export function responsibleOfficers<O extends ReportOfficer>(officers: O[], teamPath: string): O[] {
  const above = officers.filter((o) => OrgTree.within(teamPath, o.scope));
  const depth = Math.max(...above.map((o) => o.scope.split('/').length));
  return above.filter((o) => o.scope.split('/').length === depth);
}

export interface Alert {
  gid: number;
  room: string;
  /** The org path the team counts under. */
  path: string;
  kind: 'drop' | 'missed';
  text: string;
}

export type ReportTeam = Child & { group: Group };

export interface WeeklyReport {
  week: string;
  from: string;
  to: string;
  scope: { path: string; name: string };
  figures: Figures;
  teams: ReportTeam[];
  top: ReportTeam[];
  bottom: ReportTeam[];
  alerts: Alert[];
}

const pct = (rate: number | null) => cellText({ rate }) || '—';
const points = (a: number, b: number) => ((b - a) * 100).toFixed(1);

/** What alerts read besides the store: which days a team was due a lesson, and where alerts are switched off. */
export interface Schedule {
  calendar: CalendarOverrides;
  timezone: string;
  engagement: EngagementSettings;
}

/** Why a team that missed its last lesson days missed them, from what the store knows. */
function missedCause(g: Group, pushes: (Push | undefined)[]): string {
  if (g.status === 'paused') return '班组暂停了推送';
  if (g.status === 'left') return '机器人已不在群里（被移出群或群已解散）';
  if (pushes.some((p) => p?.status === 'skipped' && p.reason === 'missed')) return '到点时聊天通道断开或机器人没有运行，推送被跳过';
  return '没有推送记录：机器人没有运行，或没有连上这个群';
}

/**
 * A team's alerts as of `day` (none where drop alerts are switched off for it): its participation dropped the
 * way the dashboard marks 下降 (last two weeks more than 10 points below the two before), or its last 3 lesson
 * days up to `day` all went without a push.
 */
export async function teamAlerts(store: Store, t: ReportTeam, day: string, schedule: Schedule): Promise<Alert[]> {
  const g = t.group;
  if (!featureOn('dropAlerts', g, schedule.engagement)) return [];
  const base = { gid: g.gid, room: g.topic, path: t.path };
  const alerts: Alert[] = [];
  if (t.dropped) {
    alerts.push({ ...base, kind: 'drop', text: `${g.topic}：参与率下降，近两周 ${pct(t.trend.last2w)}，前两周 ${pct(t.trend.prev2w)}，少了 ${points(t.trend.last2w!, t.trend.prev2w!)} 个百分点` });
  }
  // The team's last lesson days up to `day` (its own work days and the holiday calendar), since it enrolled or resumed.
  const due: string[] = [];
  for (let d = day; due.length < missedRun && d > addDays(day, -60) && instantOf(d, g.time, schedule.timezone) >= g.activeSince; d = addDays(d, -1)) {
    if (isLessonDay(d, g.days, schedule.calendar)) due.push(d);
  }
  if (due.length === missedRun) {
    const byDay = new Map((await store.pushesBetween(g.gid, due.at(-1)!, day)).map((p) => [p.day, p]));
    const pushes = due.map((d) => byDay.get(d));
    if (pushes.every((p) => !p || p.status === 'skipped')) {
      const days = due.map((d) => d.slice(5)).reverse().join('、');
      alerts.push({ ...base, kind: 'missed', text: `${g.topic}：连续 ${missedRun} 次没有推送（${days}），可能原因：${missedCause(g, pushes)}` });
    }
  }
  return alerts;
}

/** The weekly report of an org node: the week's figures, every team in it, the top and bottom teams and the alerts as of Sunday. */
export async function weeklyReport(stats: Stats, store: Store, node: OrgNode, week: { week: string; from: string; to: string }, schedule: Schedule): Promise<WeeklyReport> {
  const [overview, teams] = await Promise.all([stats.overview(node, week.from, week.to), stats.teamsWithin(node, week.from, week.to)]);
  teams.sort((a, b) => a.path.localeCompare(b.path, 'zh') || a.name.localeCompare(b.name, 'zh'));
  const ranked = teams
    .filter((t) => t.figures.participationRate !== null)
    .sort((a, b) => b.figures.participationRate! - a.figures.participationRate! || (b.figures.correctRate ?? 0) - (a.figures.correctRate ?? 0));
  // At most three each way, and no team in both lists.
  const top = ranked.slice(0, Math.min(3, Math.ceil(ranked.length / 2)));
  const bottom = ranked.slice(top.length).slice(-3).reverse();
  const alerts = (await Promise.all(teams.map((t) => teamAlerts(store, t, week.to, schedule)))).flat();
  return { week: week.week, from: week.from, to: week.to, scope: { path: node.path, name: node.name }, figures: overview.figures, teams, top, bottom, alerts };
}

/** The one-screen summary: the text of the private message, the .txt file and the email. */
export function reportSummary(r: WeeklyReport, xlsx?: string): string {
  const f = r.figures;
  const list = (ts: ReportTeam[]) => ts.map((t) => `${t.name} ${pct(t.figures.participationRate)}`).join('、') || '—';
  return [
    `【周报】${r.scope.name} ${r.week}（${r.from.slice(5)} 至 ${r.to.slice(5)}）`,
    `参与率 ${pct(f.participationRate)}（参与 ${f.answered} / 应参与 ${f.expected} 人次），正确率 ${pct(f.correctRate)}，共 ${f.lessons} 课次，补学 ${f.late} 人次，${r.teams.length} 个班组`,
    `参与率最高：${list(r.top)}`,
    `参与率最低：${list(r.bottom)}`,
    r.alerts.length ? `预警 ${r.alerts.length} 条：\n${r.alerts.map((a) => `· ${a.text}`).join('\n')}` : '预警：无',
    ...(xlsx ? [`完整报表（Excel）：${xlsx}`] : []),
  ].join('\n');
}

/** The report as sheets (plain cells, Chinese headers, names of at most 31 characters). */
export function reportSheets(r: WeeklyReport): { name: string; rows: Cell[][] }[] {
  const f = r.figures;
  return [
    {
      name: '概况',
      rows: [
        ['项目', '内容'], ['范围', r.scope.path], ['周次', r.week], ['开始', { day: r.from }], ['结束', { day: r.to }], ['班组数', r.teams.length],
        ...figureHeaders.map((h, i): Cell[] => [h, figureCells(f)[i]]), ['预警', r.alerts.length],
      ],
    },
    {
      name: '班组',
      rows: [
        ['班组', '归属', ...figureHeaders, '近两周参与率', '前两周参与率', '参与率下降'],
        ...r.teams.map((t): Cell[] => [t.name, t.path, ...figureCells(t.figures), { rate: t.trend.last2w }, { rate: t.trend.prev2w }, t.dropped ? '是' : '']),
      ],
    },
    { name: '预警', rows: [['班组', '归属', '类型', '说明'], ...r.alerts.map((a): Cell[] => [a.room, a.path, a.kind === 'drop' ? '参与率下降' : '连续未推送', a.text])] },
  ];
}

/** Where reports and alerts go besides a private message: files under the reports dir, and email. */
export interface ReportOutput {
  /** Writes <week>/<officer>.xlsx and .txt; returns the XLSX's path. */
  save(r: WeeklyReport, officer: string, summary: string): Promise<string>;
  /** Adds alerts an officer can't be told privately to <week>/<officer>.alerts.txt; returns its path. */
  appendAlerts(week: string, officer: string, lines: string[]): Promise<string>;
  /** Sends an email with the XLSX attached, when SMTP is configured. */
  mail?(to: string, subject: string, text: string, xlsx: string): Promise<void>;
}

export interface ReportOptions {
  /** Read at each use, so an officer added while the bot runs is included. */
  officers: () => ReportOfficer[];
  /** The running channel's platform: the officer's contact for it is where private messages go. */
  platform: string;
  stats: Stats;
  output: ReportOutput;
}

const officerContact = (deps: BotDeps, platform: string, o: ReportOfficer) => (deps.channel.caps.privateMessages ? o.contact?.[platform] : undefined);

/**
 * Tells officers something (a drop alert, an account's failover): privately where the channel reaches them
 * (once per `id` and officer, through the durable outbox), else in the week's alerts file in the reports dir.
 */
export async function tellOfficers(deps: BotDeps, opts: Pick<ReportOptions, 'platform' | 'output'>, id: string, officers: ReportOfficer[], message: string, day: string): Promise<void> {
  for (const o of officers) {
    const contact = officerContact(deps, opts.platform, o);
    if (contact) await deps.outbox.notify(`${id}:${o.name}`, { kind: 'contact', id: contact, label: o.name }, message);
    else deps.log.info({ officer: o.name, file: await opts.output.appendAlerts(isoWeek(day).week, o.name, [`${day} ${message.replace('\n', ' ')}`]) }, 'officer notice written to the reports dir');
  }
}

/**
 * The tick hook: from 08:30 each day, the drop alerts (once per team per episode, to the responsible
 * officer); on Mondays, each officer's report of the week before (once per officer per week).
 */
export function officerReports(deps: BotDeps, opts: ReportOptions): EngagementHook {
  const { settings, store, log } = deps;
  const schedule = { calendar: settings.calendar, timezone: settings.timezone, engagement: settings.engagement };
  const privateId = (o: ReportOfficer) => officerContact(deps, opts.platform, o);
  const tell = (id: string, o: ReportOfficer, contact: string, message: string) => deps.outbox.notify(id, { kind: 'contact', id: contact, label: o.name }, message);

  async function checkAlerts(day: string): Promise<void> {
    const asOf = addDays(day, -1); // today's lesson may still be due
    const officers = opts.officers();
    for (const t of await opts.stats.teamsWithin(deps.org.root, asOf, asOf)) {
      const found = await teamAlerts(store, t, asOf, schedule);
      for (const kind of ['drop', 'missed'] as const) {
        const alert = found.find((a) => a.kind === kind);
        if (!alert) await store.endAlert(t.group.gid, kind);
        else if (await store.startAlert(t.group.gid, kind)) await deliverAlert(alert, responsibleOfficers(officers, t.path), day);
      }
    }
  }

  async function deliverAlert(a: Alert, officers: ReportOfficer[], day: string): Promise<void> {
    if (!officers.length) log.warn({ gid: a.gid, path: a.path }, 'drop alert with no officer responsible for the team');
    await tellOfficers(deps, opts, `alert:${a.gid}:${a.kind}:${day}`, officers, `【预警】${a.text}\n（${a.path}）`, day);
  }

  async function sendReports(day: string): Promise<void> {
    const week = isoWeek(addDays(day, -7));
    const range = { week: week.week, from: week.monday, to: addDays(week.monday, 6) };
    for (const o of opts.officers()) {
      const node = deps.org.get(o.scope);
      if (!node) log.warn({ officer: o.name, scope: o.scope }, 'officer scope not in the org tree; no weekly report');
      if (o.weeklyReport === false || !node || !orgFeatureOn('weeklyReport', node.path, settings.engagement)) continue;
      if (!(await store.markReportSent(range.week, o.name))) continue;
      const report = await weeklyReport(opts.stats, store, node, range, schedule);
      const xlsx = await opts.output.save(report, o.name, reportSummary(report));
      const summary = reportSummary(report, xlsx);
      const contact = privateId(o);
      if (contact) await tell(`report:${range.week}:${o.name}`, o, contact, summary);
      if (o.email && opts.output.mail) await opts.output.mail(o.email, `班前十分钟周报 ${report.scope.name} ${range.week}`, summary, xlsx);
      log.info({ officer: o.name, week: range.week, xlsx, private: !!contact, email: !!(o.email && opts.output.mail) }, 'weekly report made');
    }
  }

  // Redis decides once across instances (takeAlertCheck, the reports' own ids).
  return {
    name: 'officer-reports',
    ...onceADay(reportTime, settings.timezone, async (day) => {
      if (settings.engagement.dropAlerts && (await store.takeAlertCheck(day))) await checkAlerts(day);
      if (settings.engagement.weeklyReport && isoWeekday(day) === 1) await sendReports(day);
    }),
  };
}
