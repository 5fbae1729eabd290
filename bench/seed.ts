/**
 * Seeds teams with answers through the bot's own write path (claim, send, answer scripts, close, rollup),
 * for the benchmarks: one district → enterprises → workshops of 10 teams.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startRedisServer } from '../src/adapters/store/redis/server.ts';
import { openStats } from '../src/app/stats.ts';
import { loadConfig } from '../src/config/config.ts';
import { packFigures, rollupMarker, totalsOf, type RedisStore } from '../src/adapters/store/redis/store.ts';
import type { Lesson, Track } from '../src/core/lessons/types.ts';
import { snapshotOf } from '../src/core/lessons/snapshot.ts';
import { text } from '../src/core/messages.ts';
import type { OrgTree } from '../src/core/org.ts';
import type { Group } from '../src/core/ports.ts';
import { addDays, epochDay, instantOf, minuteMs } from '../src/core/time.ts';

const perWorkshop = 10;
const leaf = (t: number) => `第${Math.floor(t / perWorkshop / 10) + 1}公司/第${Math.floor(t / perWorkshop) + 1}车间/第${t + 1}班组`;

/** Writes the org tree for `teams` teams (2,000 → 20 enterprises × 10 workshops × 10 teams). */
function writeOrg(file: string, teams: number): void {
  const workshops = Math.ceil(teams / perWorkshop);
  const enterprises = Math.ceil(workshops / 10);
  writeFileSync(
    file,
    stringify({
      name: '区总工会',
      children: Array.from({ length: enterprises }, (_, e) => ({
        name: `第${e + 1}公司`,
        children: Array.from({ length: Math.min(10, workshops - e * 10) }, (_, w) => ({
          name: `第${e * 10 + w + 1}车间`,
          children: Array.from({ length: Math.min(perWorkshop, teams - (e * 10 + w) * perWorkshop) }, (_, t) => ({ name: `第${(e * 10 + w) * perWorkshop + t + 1}班组` })),
        })),
      })),
    }),
  );
}

/**
 * A private redis-server (or REDIS_URL) and the default settings with an org tree of `teams` teams; the store
 * and figures under `prefix`. `close` stops and removes all of it.
 */
export async function openBench(teams: number, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-'));
  const server = process.env.REDIS_URL ? { url: process.env.REDIS_URL, stop: async () => {} } : await startRedisServer({ dir, aof: false });
  const config = loadConfig('/nonexistent', {});
  config.orgFile = join(dir, 'org.yaml');
  writeOrg(config.orgFile, teams);
  const opened = openStats(config, server.url, prefix);
  const close = async () => {
    opened.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...opened, config, url: server.url, close };
}

export interface Seed {
  store: RedisStore;
  org: OrgTree;
  track: Track;
  lessons: Lesson[];
  workers: number;
  /** Lesson days, consecutive from firstDay. */
  days: number;
  firstDay: string;
  timezone: string;
}

/** Each worker answers one question; about one in five picks a wrong option, a few answer late. */
function answerOf(lesson: Lesson, t: number, d: number, w: number) {
  const q = 0;
  const right = (t + d + w) % 5 !== 0;
  return { q, right, choice: right ? lesson.quiz[q].answer : lesson.quiz[q].answer === 'A' ? 'B' : 'A', late: (t + d + w) % 23 === 0 };
}

/** One team's whole history, through the same store calls the bot makes; the answers written. */
async function seedTeam(s: Seed, t: number, wids: number[]): Promise<number> {
  const { store } = s;
  const gid = await store.resolveGroup(`${t}@chatroom`, `班组${t + 1}`, `班长${t + 1}`);
  const group: Group = {
    gid, roomId: `${t}@chatroom`, topic: `班组${t + 1}`, track: s.track.id, time: '07:50', days: [1, 2, 3, 4, 5, 6, 7], windowMinutes: 120,
    status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, account: '', team: `区总工会/${leaf(t)}`,
  };
  await store.saveGroup(group);
  let answers = 0;
  for (let d = 0; d < s.days; d++) {
    const day = addDays(s.firstDay, d);
    const lesson = s.lessons[d % s.lessons.length];
    const sentAt = instantOf(day, '07:50', s.timezone);
    const g = (await store.getGroup(gid))!;
    const ref = { gid, day, kind: 'lesson' as const };
    // Each push starts a new round, so the seed may cycle through the track freely.
    const plan = { snapshot: snapshotOf(lesson, s.track), messages: [text(lesson.title)], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: true, completesRound: false, freshSince: '' };
    if (typeof (await store.claimPush(g, day, plan, sentAt, 'bench', 'schedule')) !== 'number') continue;
    await store.beginMessage(ref, 'bench', 0);
    await store.openQuiz(ref, 'bench', sentAt, sentAt + 120 * minuteMs);
    const writes: Promise<unknown>[] = [];
    for (const [w, wid] of wids.entries()) {
      const { q, right, choice, late } = answerOf(lesson, t, d, w);
      writes.push(
        store.recordAnswer({
          ...ref, wid, name: `职工${w + 1}`, lessonId: lesson.id, lessonHash: plan.snapshot.hash, question: q, choice, correct: right, questionCount: 1,
          at: sentAt + (late ? 200 : 30) * minuteMs,
        }),
      );
    }
    await Promise.all(writes);
    answers += wids.length;
    await store.closeQuiz(ref, sentAt + 120 * minuteMs, s.workers);
    await store.syncRollup(gid, day, s.org.teamPaths(group.team));
    await store.forgetQuiz(ref);
  }
  return answers;
}

/** Seeds `teams` teams, `concurrency` at a time; the answers written. */
export async function seedTeams(s: Seed, teams: number, concurrency = 32): Promise<number> {
  const started = Date.now();
  let answers = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let t = next++; t < teams; t = next++) {
        const wids = await workersOf(s, t);
        // Awaited first: `answers += await …` would read `answers` before the wait and lose the others' counts.
        const written = await seedTeam(s, t, wids);
        answers += written;
        if (t % 100 === 99) console.error(`seeded ${t + 1}/${teams} teams, ${answers} answers, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }),
  );
  return answers;
}

const savedSnapshots = new Set<string>();

/** The keys the figures read, as the write path leaves them for one team: what `writeShapes` writes. */
export const shapeKeys = (store: RedisStore, gid: number, wids: number[]) => [store.keys.workerFigures(gid), store.keys.workerTotals(gid), store.keys.teamFigures(gid), store.keys.teamTotals(gid), ...wids.map((w) => store.keys.member(gid, w))];

/**
 * Writes, for team `t`, exactly what seedTeam's write path leaves in the keys the officers' figures read
 * (record_answer.lua's worker figures and member hashes, sync_team.lua's team figures, sync_rollup.lua's org
 * rollups), computed here and written with one pipeline per team instead of 2,700 script calls; the rollups of the
 * nodes above the team are summed into `above` for flushShapes. No push,
 * answer record or first-answer hash is written. `checkShapes` compares it with the real path's on a sample.
 */
export async function writeShapes(s: Seed, t: number, wids: number[], above: Map<string, Map<string, number>>): Promise<number> {
  const { store } = s;
  const p = store.opts.points;
  const gid = await store.resolveGroup(`${t}@chatroom`, `班组${t + 1}`, `班长${t + 1}`);
  const team = `区总工会/${leaf(t)}`;
  await store.saveGroup({ gid, roomId: `${t}@chatroom`, topic: `班组${t + 1}`, track: s.track.id, time: '07:50', days: [1, 2, 3, 4, 5, 6, 7], windowMinutes: 120, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team, account: '' });
  const nodes = await Promise.all(s.org.teamPaths(team).map((path) => store.nodeId(path)));
  const pipe = store.redis.pipeline();
  const perDay = wids.map(() => [] as [string, number[]][]);
  const totals = wids.map(() => ({ answered: 0, correct: 0, late: 0, points: 0, firsts: 0 }));
  // record_answer.lua's per-month count of lessons answered on time (joined:<month>, which 我的 reads).
  const joined = wids.map(() => new Map<string, number>());
  for (let d = 0; d < s.days; d++) {
    const day = addDays(s.firstDay, d);
    const lesson = s.lessons[d % s.lessons.length];
    const snapshot = snapshotOf(lesson, s.track);
    const hash = snapshot.hash;
    // As claim_push's caller does, once per prefix and snapshot.
    if (!savedSnapshots.has(`${store.keys.prefix}:${hash}`)) await store.saveSnapshot(snapshot);
    savedSnapshots.add(`${store.keys.prefix}:${hash}`);
    const roll: Record<string, number> = { lessons: 1, expected: s.workers, answered: 0, correct: 0, late: 0 };
    for (const w of wids.keys()) {
      const a = answerOf(lesson, t, d, w);
      const sum = totals[w];
      sum.firsts++;
      if (a.late) (sum.late++, roll.late++, (sum.points += p.late));
      else {
        sum.answered++;
        roll.answered++;
        joined[w].set(`joined:${day.slice(0, 7)}`, (joined[w].get(`joined:${day.slice(0, 7)}`) ?? 0) + 1);
        if (a.right) (sum.correct++, roll.correct++);
        sum.points += a.right ? p.correct : p.answered;
        const option = `q${a.q}:${a.choice}`;
        roll[option] = (roll[option] ?? 0) + 1;
      }
      perDay[w].push([day, [a.late ? 0 : 1, !a.late && a.right ? 1 : 0, a.late ? p.late : a.right ? p.correct : p.answered, 1]]);
    }
    pipe.zadd(store.keys.teamFigures(gid), epochDay(day), `lesson|${day}|1|${s.workers}|${roll.answered}|${roll.correct}|${roll.late}|0`);
    [1, s.workers, roll.answered, roll.correct, roll.late].forEach((v, i) => v && pipe.hincrby(store.keys.teamTotals(gid), `lesson:${i + 1}`, v));
    // sync_rollup.lua's fields: the figures, and per lesson snapshot the figures and the on-time options.
    const figures = Object.entries(roll).filter(([, v]) => v).flatMap(([f, v]) => [...(f.startsWith('q') ? [] : [[f, v] as const]), [`L:${hash}:${f}`, v] as const]);
    // apply_rollup.lua's marker: each node took version 1 of this group's change for the day.
    const fields = [...figures, [`${rollupMarker}${gid}`, 1] as const];
    // The team's own node is this team's alone; the nodes above are summed over teams and written by flushShapes.
    pipe.hset(store.keys.rollup(nodes.at(-1)!, day), ...fields.flat());
    for (const node of nodes.slice(0, -1)) {
      const sums = above.get(store.keys.rollup(node, day)) ?? new Map<string, number>();
      for (const [f, v] of fields) sums.set(f, (sums.get(f) ?? 0) + v);
      above.set(store.keys.rollup(node, day), sums);
    }
  }
  for (const [w, wid] of wids.entries()) {
    const packed = packFigures(perDay[w]);
    pipe.hset(store.keys.workerFigures(gid), wid, packed).hset(store.keys.workerTotals(gid), wid, totalsOf(packed));
    const m = totals[w];
    // HINCRBY never ran for a figure that stayed 0, so such a field is absent.
    const counts = Object.entries({ answered: m.answered, correct: m.correct, late: m.late }).filter(([, v]) => v).flat();
    pipe.hset(store.keys.member(gid, wid), ...counts, ...[...joined[w]].flat(), 'points', m.points, 'lastSeq', s.days, 'streak', s.days, 'bestStreak', s.days, 'name', `职工${w + 1}`, 'wid', wid);
  }
  await pipe.exec();
  return s.days * wids.length;
}

/** Adds the org rollups above the teams that writeShapes summed (the nodes' rollups may hold the write path's too). */
export async function flushShapes(store: RedisStore, above: Map<string, Map<string, number>>): Promise<void> {
  const pipe = store.redis.pipeline();
  for (const [key, sums] of above) for (const [f, v] of sums) pipe.hincrby(key, f, v);
  await pipe.exec();
  above.clear();
}

/** Team `t`'s workers, resolved as the bot resolves them. */
export const workersOf = (s: Seed, t: number): Promise<number[]> =>
  Promise.all(Array.from({ length: s.workers }, (_, w) => s.store.resolveWorker(undefined, `w-${t}-${w}`, `职工${w + 1}`)));
