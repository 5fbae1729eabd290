import { badgeLabels } from './engage/badges.ts';
import { optionLetter } from './lessons/types.ts';
import { OrgTree, type OrgNode } from './org.ts';
import type { Group, Push, RangeFigures, Store } from './ports.ts';
import { addDays, isoWeekday } from './time.ts';

/** The one definition of the figures, used by the CLI, the dashboard and the exports. */
export interface Figures {
  lessons: number;
  /** Sum over the lessons of room members other than the bot. */
  expected: number;
  /** Members who answered on time, summed over lessons. */
  answered: number;
  /** Of those, members with every question right. */
  correct: number;
  /** Answers recorded after the window closed (补学). */
  late: number;
  participationRate: number | null;
  correctRate: number | null;
}

export const countFields = ['lessons', 'expected', 'answered', 'correct', 'late'] as const;
type Counts = Record<(typeof countFields)[number], number>;

const zero = (): Counts => ({ lessons: 0, expected: 0, answered: 0, correct: 0, late: 0 });

function add(into: Counts, c: Counts): Counts {
  for (const f of countFields) into[f] += c[f];
  return into;
}

export function figures(c: Counts): Figures {
  return { ...c, participationRate: c.expected ? c.answered / c.expected : null, correctRate: c.answered ? c.correct / c.answered : null };
}

/** Only closed lessons count: an open quiz's figures are not final yet. */
const pushCounts = (p: Push): Counts =>
  p.status === 'closed' ? { lessons: 1, expected: p.expected ?? 0, answered: p.answered, correct: p.correct, late: p.late } : zero();

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to && days.length < 3660; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Weeks worked out so far: every answer's write asks for its day's week. */
const weeks = new Map<string, { week: string; monday: string }>();

/** "2026-W50" for the ISO week a day falls in. */
export function isoWeek(day: string): { week: string; monday: string } {
  let found = weeks.get(day);
  if (!found) {
    if (weeks.size >= 10_000) weeks.clear();
    found = computeIsoWeek(day);
    weeks.set(day, found);
  }
  return { ...found };
}

function computeIsoWeek(day: string): { week: string; monday: string } {
  const monday = addDays(day, 1 - isoWeekday(day));
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1Monday = addDays(jan4, 1 - isoWeekday(jan4));
  const n = Math.round((Date.parse(monday) - Date.parse(week1Monday)) / 604_800_000) + 1;
  return { week: `${year}-W${String(n).padStart(2, '0')}`, monday };
}

export interface DayFigures extends Figures {
  day: string;
}
export interface WeekFigures extends Figures {
  week: string;
  from: string;
}

function series(days: string[], counts: Counts[]): { daily: DayFigures[]; weekly: WeekFigures[] } {
  const daily = days.map((day, i) => ({ day, ...figures(counts[i]) }));
  const weeks = new Map<string, { from: string; c: Counts }>();
  days.forEach((day, i) => {
    const { week, monday } = isoWeek(day);
    const w = weeks.get(week) ?? { from: monday < days[0] ? days[0] : monday, c: zero() };
    add(w.c, counts[i]);
    weeks.set(week, w);
  });
  return { daily, weekly: [...weeks].map(([week, w]) => ({ week, from: w.from, ...figures(w.c) })) };
}

/** Participation over the last 14 of 28 days, and the 14 before, for spotting teams that drop off. */
export function trend(counts: Counts[]): { last2w: number | null; prev2w: number | null; dropped: boolean } {
  const rate = (cs: Counts[]) => figures(cs.reduce(add, zero())).participationRate;
  const last2w = rate(counts.slice(14));
  const prev2w = rate(counts.slice(0, 14));
  return { last2w, prev2w, dropped: last2w !== null && prev2w !== null && last2w < prev2w - dropThreshold };
}

/** A team whose participation fell by more than this (10 points) is highlighted. */
export const dropThreshold = 0.1;

/** One entry of a push's first answers: "wid:question" -> "choice|correct|onTime". */
export function readFirst(field: string, value: string) {
  const [wid, question] = field.split(':').map(Number);
  const [choice, correct, onTime] = value.split('|');
  return { wid, question, choice, correct: correct === '1', onTime: onTime === '1' };
}

export interface Child {
  kind: 'org' | 'team';
  path: string;
  name: string;
  gid?: number;
  figures: Figures;
  trend: { last2w: number | null; prev2w: number | null };
  dropped: boolean;
}

function child(kind: Child['kind'], path: string, name: string, range: Counts[], recent: Counts[], gid?: number): Child {
  const t = trend(recent);
  return { kind, path, name, gid, figures: figures(range.reduce(add, zero())), trend: { last2w: t.last2w, prev2w: t.prev2w }, dropped: t.dropped };
}

export interface StatsReport {
  from: string;
  to: string;
  /** `leave`: member-lessons excused by 请假 (one worker on leave for three lesson days counts 3), not in `expected`.
   * `review`: the team's weekly reviews (周复习), apart from the daily figures. */
  teams: ({ room: string; team: string | null; gid: number } & Figures & { leave: number; review: ReviewFigures })[];
  workers: { name: string; room: string; answered: number; correct: number; points: number; streak: number; badges: string[] }[];
  lessons: ({ lessonId: string; title: string } & Figures & { questions: { question: string; answer: string; options: { letter: string; text: string; count: number }[] }[] })[];
}

/** A team's closed weekly reviews: how many, members who answered them on time, members with all right. */
export interface ReviewFigures {
  quizzes: number;
  answered: number;
  correct: number;
}

/** A worker's range figures before the streak and badges are read. */
type WorkerRow = RangeFigures['workers'][number] & { gid: number; room: string; name: string };

const byName = new Intl.Collator('zh');

/** One group's place in a week's team PK (ties share a place). */
export interface PkRow extends Figures {
  gid: number;
  room: string;
  place: number;
  of: number;
  /** Participation the week before, for the change. */
  previousRate: number | null;
}

/** A group's 学习之星 for a month: most points earned in it, ties broken by streak. */
export interface Star {
  gid: number;
  room: string;
  name: string;
  points: number;
  streak: number;
}

/** Participation first, then correct rate. */
const byPk = (a: Figures, b: Figures) => (b.participationRate ?? -1) - (a.participationRate ?? -1) || (b.correctRate ?? -1) - (a.correctRate ?? -1);

export interface Points {
  correct: number;
  answered: number;
  late: number;
}

/**
 * Figures for officers. Org levels read the rollups the write path keeps per node and day; a team
 * reads its own pushes (at most one a day). Nothing here scans answer records.
 */
export class Stats {
  constructor(
    private readonly store: Store,
    readonly org: OrgTree,
    private readonly points: Points,
  ) {}

  group(gid: number): Promise<Group | undefined> {
    return this.store.getGroup(gid);
  }

  private async nodeCounts(path: string, days: string[]): Promise<Counts[]> {
    return (await this.store.rollups(path, days, [...countFields])) as Counts[];
  }

  private async teamCounts(gid: number, days: string[]): Promise<{ counts: Counts[]; pushes: Push[] }> {
    const pushes = await this.store.pushesBetween(gid, days[0], days.at(-1)!);
    const byDay = new Map(pushes.map((p) => [p.day, pushCounts(p)]));
    return { counts: days.map((d) => byDay.get(d) ?? zero()), pushes };
  }

  /** Where each group counts: the node it is bound to, or 未归属 when its binding is not in the tree. */
  private async placement(): Promise<{ gid: number; at: string }[]> {
    return (await this.store.teamBindings()).map((b) => ({ gid: b.gid, at: this.org.teamPaths(b.team).at(-1)! }));
  }

  async overview(node: OrgNode, from: string, to: string) {
    const days = daysBetween(from, to);
    const counts = await this.nodeCounts(node.path, days);
    const placed = await this.placement();
    const at = (n: OrgNode) => placed.filter((p) => p.at === n.path).map((p) => p.gid);
    const trendDays = daysBetween(addDays(to, -27), to);
    const orgChildren = node.children.filter((c) => c !== this.org.unbound || at(c).length);
    const children: Child[] = await Promise.all([
      ...orgChildren.map(async (c) => child('org', c.path, c.name, ...(await Promise.all([this.nodeCounts(c.path, days), this.nodeCounts(c.path, trendDays)])))),
      ...(await this.store.groups(at(node))).map(async (g) => {
        const [range, recent] = await Promise.all([this.teamCounts(g.gid, days), this.teamCounts(g.gid, trendDays)]);
        return child('team', node.path, g.topic, range.counts, recent.counts, g.gid);
      }),
    ]);
    return { from, to, node: { path: node.path, name: node.name }, figures: figures(counts.reduce(add, zero())), ...series(days, counts), children };
  }

  /**
   * Every team within the node, wherever below it: its figures over the range and the dashboard's trend
   * (so a team is "dropped" here exactly when the dashboard marks it 下降 for a range ending `to`).
   */
  async teamsWithin(node: OrgNode, from: string, to: string): Promise<(Child & { group: Group })[]> {
    const days = daysBetween(from, to);
    const trendDays = daysBetween(addDays(to, -27), to);
    const within = (await this.placement()).filter((p) => OrgTree.within(p.at, node.path));
    const at = new Map(within.map((p) => [p.gid, p.at]));
    return Promise.all(
      (await this.store.groups([...at.keys()])).map(async (g) => {
        const [range, recent] = await Promise.all([this.teamCounts(g.gid, days), this.teamCounts(g.gid, trendDays)]);
        return { ...child('team', at.get(g.gid)!, g.topic, range.counts, recent.counts, g.gid), group: g };
      }),
    );
  }

  async team(g: Group, from: string, to: string, today: string) {
    const days = daysBetween(from, to);
    const { counts, pushes } = await this.teamCounts(g.gid, days);
    const sent = pushes.filter((p) => p.status !== 'skipped');
    const snapshots = await Promise.all(sent.map((p) => this.store.snapshot(p.lessonHash)));
    const lessons = sent.map((p, i) => ({ day: p.day, lessonId: p.lessonId, title: snapshots[i]?.title ?? p.lessonId, figures: figures(pushCounts(p)) }));
    const workers = await this.withMembers(await this.workerRows([g], await this.store.figuresBetween([g.gid], from, to)));
    const todays = await this.store.getPush(g.gid, today);
    const lessonToday = todays && todays.status !== 'skipped';
    // Who is on leave today, with the reason, for the officers (the group sees no reasons).
    const away = lessonToday ? await this.store.onLeave(g.gid, today) : new Map<number, string>();
    const names = await this.store.workerNames([...away.keys()]);
    const onLeaveToday = [...away.values()].map((reason, i) => ({ name: names[i], reason }));
    const notAnsweredToday = lessonToday ? (await this.notAnswered(g, today, away)) : null;
    const course = { id: g.track, title: g.courseTitle || g.track, cycle: g.cycle, lessons: g.lessons };
    return { from, to, team: { gid: g.gid, room: g.topic, path: g.team || null }, course, figures: figures(counts.reduce(add, zero())), ...series(days, counts), lessons, workers, notAnsweredToday, onLeaveToday };
  }

  private async notAnswered(g: Group, day: string, away: Map<number, string>): Promise<string[]> {
    const answered = new Set(await this.store.onTimeWorkers(g.gid, day));
    // Workers who have answered in this group before (the dashboard may run without the chat platform), less those on leave.
    const missing = (await this.store.members(g.gid)).filter((m) => !answered.has(m.wid) && !away.has(m.wid));
    // Display names, which a roster import updates (a member's own record keeps the name of their last answer).
    return (await this.store.workerNames(missing.map((m) => m.wid))).sort((a, b) => a.localeCompare(b, 'zh'));
  }

  /**
   * Per worker of these groups with a first answer in the range: lessons answered on time, lessons all right,
   * points (reviews' and late answers' too), from the rollups the write path keeps; each group's workers by
   * points, then name. Streak and badges are read later, only for the rows shown (`withMembers`).
   */
  private async workerRows(groups: Pick<Group, 'gid' | 'topic'>[], figs: RangeFigures[]): Promise<WorkerRow[]> {
    const names = await this.store.workerNames(figs.flatMap((f) => f.workers.map((w) => w.wid)));
    let at = 0;
    // A collator comparison is slow: teams are sorted one by one (ties only matter within a team), and the
    // order of two names is worked out once per batch (the same names recur across teams), kept by name and
    // name rather than under a joined key that would be built at every comparison.
    const order = new Map<string, Map<string, number>>();
    const compareNames = (a: string, b: string) => {
      let of = order.get(a);
      if (!of) order.set(a, (of = new Map()));
      let c = of.get(b);
      if (c === undefined) of.set(b, (c = byName.compare(a, b)));
      return c;
    };
    return figs.flatMap((f, i) =>
      // Named fields rather than a spread, which V8 copies far more slowly (60,000 rows in a district).
      f.workers.map((w) => ({ wid: w.wid, answered: w.answered, correct: w.correct, points: w.points, gid: groups[i].gid, room: groups[i].topic, name: names[at++] })).sort((a, b) => b.points - a.points || compareNames(a.name, b.name)),
    );
  }

  /** The rows as the report shows them, with each worker's current streak and badges. */
  private async withMembers(rows: WorkerRow[]): Promise<StatsReport['workers']> {
    const members = await this.store.memberStatsOf(rows);
    return rows.map((r, i) => ({ name: r.name, room: r.room, answered: r.answered, correct: r.correct, points: r.points, streak: members[i]?.streak ?? 0, badges: badgeLabels(members[i]?.badges ?? []) }));
  }

  /** Groups bound within a node, ranked over the ISO week from `monday`; a group with no lesson that week is not ranked. */
  async pk(node: OrgNode, monday: string): Promise<PkRow[]> {
    const days = daysBetween(addDays(monday, -7), addDays(monday, 6));
    const within = (await this.placement()).filter((p) => p.at !== this.org.unbound.path && OrgTree.within(p.at, node.path));
    const rows = await Promise.all(
      (await this.store.groups(within.map((p) => p.gid))).map(async (g) => {
        const { counts } = await this.teamCounts(g.gid, days);
        const week = figures(counts.slice(7).reduce(add, zero()));
        return { gid: g.gid, room: g.topic, ...week, previousRate: figures(counts.slice(0, 7).reduce(add, zero())).participationRate };
      }),
    );
    const ranked = rows.filter((r) => r.participationRate !== null).sort((a, b) => byPk(a, b) || a.room.localeCompare(b.room, 'zh'));
    return ranked.map((r) => ({ ...r, place: ranked.findIndex((o) => byPk(o, r) === 0) + 1, of: ranked.length }));
  }

  /** The group's 学习之星 of a month ("2026-11"), from the points the write path keeps per month; none without points. */
  async star(g: Group, month: string): Promise<Star | undefined> {
    const top = await this.store.monthPoints(g.gid, month, 20);
    const tied = top.filter((t) => t.points === top[0]?.points && t.points > 0);
    const streaks = await Promise.all(tied.map(async (t) => (await this.store.memberStats(g.gid, t.wid))?.streak ?? 0));
    const best = tied.map((t, i) => ({ ...t, streak: streaks[i] })).sort((a, b) => b.streak - a.streak || a.wid - b.wid)[0];
    if (!best) return undefined;
    const [name] = await this.store.workerNames([best.wid]);
    return { gid: g.gid, room: g.topic, name, points: best.points, streak: best.streak };
  }

  /** Each group's 学习之星 within a node for a month, most points first. */
  async stars(node: OrgNode, month: string): Promise<Star[]> {
    const within = (await this.placement()).filter((p) => OrgTree.within(p.at, node.path));
    const stars = await Promise.all((await this.store.groups(within.map((p) => p.gid))).map((g) => this.star(g, month)));
    return stars.filter((s): s is Star => !!s).sort((a, b) => b.points - a.points || b.streak - a.streak || a.room.localeCompare(b.room, 'zh'));
  }

  /** How each option of a push's quiz was chosen (on time), for the lesson page. */
  async lessonPage(g: Group, day: string) {
    const push = await this.store.getPush(g.gid, day);
    // The quiz as it was sent, whatever the lesson file says now.
    const lesson = push && (await this.store.snapshot(push.lessonHash));
    if (!push || !lesson) return undefined;
    const counts = new Map<string, number>();
    for (const [field, value] of Object.entries(await this.store.firstAnswers(g.gid, day))) {
      const { question, choice, onTime } = readFirst(field, value);
      if (!onTime) continue;
      for (const letter of choice) counts.set(`${question}:${letter}`, (counts.get(`${question}:${letter}`) ?? 0) + 1);
    }
    return {
      team: { gid: g.gid, room: g.topic }, day, lesson: { id: lesson.id, title: lesson.title }, figures: figures(pushCounts(push)),
      questions: lesson.quiz.map((q, i) => ({
        question: q.question, answer: q.answer,
        options: q.options.map((text, j) => ({ letter: optionLetter(j), text, count: counts.get(`${i}:${optionLetter(j)}`) ?? 0, correct: q.answer.includes(optionLetter(j)) })),
      })),
    };
  }

  /**
   * The report behind `banqian stats` and /api/stats, in parts: teams and lessons whole, and the workers (of
   * `total`) read page by page as the caller takes them, so a district's 60,000 never sit in one reply.
   */
  async reportParts(node: OrgNode, from: string, to: string) {
    const within = (await this.placement()).filter((p) => OrgTree.within(p.at, node.path));
    // Each group's name, team figures and how many workers it has; the workers themselves only for the groups a page touches.
    const [all, lessons] = await Promise.all([this.store.figuresBetween(within.map((p) => p.gid), from, to, false), this.lessonReport(node.path, daysBetween(from, to))]);
    const figs = all.filter((f) => f.group);
    const groups = figs.map((f) => ({ gid: f.gid, topic: f.group!.topic }));
    const teams: StatsReport['teams'] = figs.map(({ gid, group, team: t }) => {
      const counts = Object.fromEntries(countFields.map((f) => [f, t[f]])) as Counts;
      return { room: group!.topic, team: this.org.get(group!.team) ? group!.team : null, gid, ...figures(counts), leave: t.leave, review: t.review };
    });
    const rows = async (i: number, j: number) => {
      const some = groups.slice(i, j);
      return this.workerRows(some, await this.store.figuresBetween(some.map((g) => g.gid), from, to));
    };
    const withMembers = (page: WorkerRow[]) => this.withMembers(page);
    const counts = figs.map((f) => f.workerCount);
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      from, to, teams, lessons, total,
      /**
       * Workers offset.. (at most `limit`), read team by team in batches of about `batch`: only the teams a
       * page touches get their names, order and members read.
       */
      async *workers(offset = 0, limit = Infinity, batch = 1000): AsyncGenerator<StatsReport['workers']> {
        const end = Math.min(total, offset + limit);
        let [i, at] = [0, 0]; // team i's rows start at row `at`
        while (i < groups.length && at + counts[i] <= offset) at += counts[i++];
        while (i < groups.length && at < end) {
          let [j, next] = [i, at];
          while (j < groups.length && next < end && (j === i || next - at < batch)) next += counts[j++];
          const page = (await rows(i, j)).slice(Math.max(0, offset - at), end - at);
          if (page.length) yield await withMembers(page);
          [i, at] = [j, next];
        }
      },
    };
  }

  /** The whole report in one object (a team's, a workshop's); a district's goes through reportParts. */
  async report(node: OrgNode, from: string, to: string): Promise<StatsReport> {
    const parts = await this.reportParts(node, from, to);
    const workers: StatsReport['workers'] = [];
    for await (const batch of parts.workers()) workers.push(...batch);
    return { from, to, teams: parts.teams, workers, lessons: parts.lessons };
  }

  /** Per lesson snapshot: an edited lesson is reported per version, so option counts never mix. */
  private async lessonReport(path: string, days: string[]): Promise<StatsReport['lessons']> {
    const perSnapshot = new Map<string, Record<string, number>>();
    for (const day of await this.store.rollups(path, days)) {
      for (const [field, value] of Object.entries(day)) {
        const m = /^L:([^:]+):(.+)$/.exec(field);
        if (!m) continue;
        const l = perSnapshot.get(m[1]) ?? {};
        l[m[2]] = (l[m[2]] ?? 0) + value;
        perSnapshot.set(m[1], l);
      }
    }
    const used = [...perSnapshot].filter(([, f]) => f.lessons > 0);
    const snapshots = await Promise.all(used.map(([hash]) => this.store.snapshot(hash)));
    return used
      .map(([hash, f], i) => {
        const lesson = snapshots[i];
        const counts = Object.fromEntries(countFields.map((k) => [k, f[k] ?? 0])) as Counts;
        return {
          lessonId: lesson?.id ?? hash, title: lesson?.title ?? hash, ...figures(counts),
          questions: (lesson?.quiz ?? []).map((q, i) => ({
            question: q.question, answer: q.answer,
            options: q.options.map((text, j) => ({ letter: optionLetter(j), text, count: f[`q${i}:${optionLetter(j)}`] ?? 0 })),
          })),
        };
      })
      .sort((a, b) => a.lessonId.localeCompare(b.lessonId));
  }
}
