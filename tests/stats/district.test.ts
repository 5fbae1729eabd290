import { Writable } from 'node:stream';
import { describe, expect } from 'vitest';
import { writeReport } from '../../src/adapters/cli/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { openStats } from '../../src/app/stats.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { csvLine, csvStart, lessonSheet, teamSheet, workerSheet } from '../../src/core/export.ts';
import { runCli } from '../helpers/cli.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from './seed.ts';

const from = '2026-12-01';
const to = '2026-12-31';

/** Collects what is written, and how many writes it took. */
function sink() {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { out, chunks, text: () => chunks.join('') };
}

describe('district-scope stats read rollups, page and stream the workers', () => {
  redisTest('the figures come from the rollups the write path keeps: removing first answers and answer records changes none', async ({ prefix, redis }) => {
    await seedTwoDays(prefix);
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const before = await stats.report(stats.org.root, from, to);
      expect(before.workers.length).toBe(4);
      const team = (await store.teamBindings())[0];
      const teamPage = await stats.team((await store.getGroup(team.gid))!, from, to, '2026-12-08');
      for (const { gid } of await store.teamBindings()) {
        for (const day of ['2026-12-07', '2026-12-08']) await redis.del(store.keys.firsts(gid, day), store.keys.answers(gid, day));
      }
      expect(await stats.report(stats.org.root, from, to)).toEqual(before);
      expect((await stats.team((await store.getGroup(team.gid))!, from, to, '2026-12-08')).workers).toEqual(teamPage.workers);
    } finally {
      close();
    }
  });

  redisTest('`banqian stats --rebuild` rebuilds the rollups of answers recorded before they existed', async ({ prefix, redis }) => {
    await seedTwoDays(prefix);
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const before = await stats.report(stats.org.root, from, to);
      const gids = (await store.teamBindings()).map((b) => b.gid);
      const rollupKeys = gids.flatMap((gid) => [store.keys.workerFigures(gid), store.keys.workerTotals(gid), store.keys.teamFigures(gid), store.keys.teamTotals(gid)]);
      await Promise.all(rollupKeys.map((k) => redis.del(k))); // as data from before this version (one key a call: a Cluster spreads them)
      expect((await stats.report(stats.org.root, from, to)).workers).toEqual([]);
      const r = runCli(['stats', '--rebuild', '--prefix', prefix, '-c', '/nonexistent'], { env: { REDIS_URL: redisUrl() } });
      expect(r.stdout.trim()).toBe('已按答题记录重建 3 个群的统计汇总。');
      expect(await stats.report(stats.org.root, from, to)).toEqual(before);
      // The same bytes as the write path's, so later answers continue them.
      const rebuilt = await Promise.all(rollupKeys.filter((k) => !k.endsWith(':team')).map((k) => redis.hgetallBuffer(k)));
      await Promise.all(rollupKeys.map((k) => redis.del(k)));
      await seedTwoDays(`${prefix}-again`);
      const { store: again, close: closeAgain } = openStats(statsConfig(), redisUrl(), `${prefix}-again`);
      try {
        const writePath = gids.flatMap((gid) => [again.keys.workerFigures(gid), again.keys.workerTotals(gid), again.keys.teamTotals(gid)]);
        expect(await Promise.all(writePath.map((k) => redis.hgetallBuffer(k)))).toEqual(rebuilt);
      } finally {
        closeAgain();
        const keys = await redis.keys(`${prefix}-again:*`);
        await Promise.all(keys.map((k) => redis.del(k)));
      }
    } finally {
      close();
    }
  }, 60_000);

  redisTest('a late answer to an older quiz is counted on its day and carried into the later days', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const room = '总装车间一班'; // 12-07: one late answer (王芳)
      const gid = (await stats.report(stats.org.root, from, to)).teams.find((t) => t.room === room)!.gid;
      const wid = await store.resolveWorker(gid, 'zhao-liu', '赵六');
      const answer = async (day: string) => {
        const p = (await store.getPush(gid, day))!;
        const snap = (await store.snapshot(p.lessonHash))!;
        return store.recordAnswer({ gid, day, kind: 'lesson', wid, name: '赵六', lessonId: p.lessonId, lessonHash: p.lessonHash, question: 0, choice: snap.quiz[0].answer, correct: true, questionCount: snap.quiz.length, at: p.closesAt! + 60_000 });
      };
      expect(await answer('2026-12-08')).toMatchObject({ kind: 'recorded', onTime: false, points: 1 });
      expect(await answer('2026-12-07')).toMatchObject({ kind: 'recorded', onTime: false, points: 1 }); // older than the entry above
      const zhao = async (a: string, b: string) => (await store.figuresBetween([gid], a, b))[0].workers.find((w) => w.wid === wid);
      expect(await zhao('2026-12-07', '2026-12-07')).toEqual({ wid, answered: 0, correct: 0, points: 1 });
      expect(await zhao('2026-12-08', '2026-12-08')).toEqual({ wid, answered: 0, correct: 0, points: 1 });
      expect(await zhao('2026-12-07', '2026-12-08')).toEqual({ wid, answered: 0, correct: 0, points: 2 });
      expect(await zhao('2026-12-09', '2026-12-31')).toBeUndefined();
      expect(await zhao('2026-12-01', '2026-12-06')).toBeUndefined();
      const late = async () => (await stats.report(stats.org.root, '2026-12-07', '2026-12-07')).teams.find((t) => t.gid === gid)!.late;
      // The team's late answers follow once the quiz is synced, as the bot does after a late answer.
      expect(await late()).toBe(1);
      await store.syncRollup(gid, '2026-12-07', stats.org.teamPaths((await store.getGroup(gid))!.team));
      expect(await late()).toBe(2);
    } finally {
      close();
    }
  });

  redisTest('a page counts every group\'s workers without listing them: as many as listed, for any range', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const { store, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const gids = (await store.teamBindings()).map((b) => b.gid);
      for (const [a, b] of [[from, to], ['2026-12-07', '2026-12-07'], ['2026-12-08', '2026-12-31'], ['2026-12-09', '2026-12-31']]) {
        const listed = await store.figuresBetween(gids, a, b);
        const counted = await store.figuresBetween(gids, a, b, false);
        expect(counted.map((f) => [f.workerCount, f.workers]), `${a}..${b}`).toEqual(listed.map((f) => [f.workers.length, []]));
        expect(counted.map((f) => f.team)).toEqual(listed.map((f) => f.team));
      }
      // Whole range: 总装车间一班's 3 workers with an answer and 机加车间二班's 1 (涂装车间三班: nobody answered).
      expect((await store.figuresBetween(gids, from, to, false)).map((f) => f.workerCount).sort()).toEqual([0, 1, 3]);
      // Each group's name and binding come with its figures, as getGroup has them; a group that does not exist has none.
      const groups = await store.groups(gids);
      expect((await store.figuresBetween([...gids, 999], from, to, false)).map((f) => f.group)).toEqual([...groups.map((g) => ({ topic: g.topic, team: g.team })), undefined]);
    } finally {
      close();
    }
  });

  redisTest('/api/stats pages the workers with limit and offset and says the total', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    const officers = [{ name: '区干部', scope: '江都区总工会', password: hashPassword('pw-123456') }];
    const app = buildApp({ dashboard: { stats, officers: () => officers, sessions: new RedisSessions(store.redis, store.keys), secret: 'test-secret-0123456789', now: Date.now, timezone: 'Asia/Shanghai' } });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/login', payload: { name: '区干部', password: 'pw-123456' } });
      const cookies = { bq_session: login.cookies.find((c) => c.name === 'bq_session')!.value };
      const get = (query: string) => app.inject({ url: `/api/stats?from=${from}&to=${to}${query}`, cookies });
      const all = (await stats.report(stats.org.root, from, to)).workers;
      const whole = (await get('')).json();
      expect(whole.workers).toEqual(all);
      expect(whole.page).toEqual({ offset: 0, limit: 500, total: 4 });
      const page = (await get('&limit=2&offset=1')).json();
      expect(page.workers).toEqual(all.slice(1, 3));
      expect(page.page).toEqual({ offset: 1, limit: 2, total: 4 });
      expect(page.teams).toEqual(whole.teams); // teams and lessons are never paged
      expect((await get('&offset=4')).json().workers).toEqual([]);
      for (const [query, error] of [['&limit=0', '每页条数应在 1 到 5000 之间'], ['&limit=abc', '每页条数格式不正确'], ['&offset=-1', '起始行格式不正确']]) {
        const res = await get(query);
        expect([res.statusCode, res.json().error], query).toEqual([400, error]);
      }
    } finally {
      await app.close();
      close();
    }
  });

  redisTest('the CLI writes each batch of workers before it reads the next, as CSV or JSON equal to the report', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const { stats, close } = openStats(statsConfig(), redisUrl(), prefix);
    try {
      const report = await stats.report(stats.org.root, from, to);
      for (const format of ['json', 'csv'] as const) {
        const parts = await stats.reportParts(stats.org.root, from, to);
        const s = sink();
        const writtenBeforeNext: boolean[] = [];
        const shown = (name: string) => name.replace(/^=/, format === 'csv' ? "'=" : '=');
        // A team at a time (batches of at least one worker): when one is read, the one before must already be out.
        const streamed = {
          ...parts,
          async *workers() {
            let before: { name: string }[] = [];
            for await (const batch of parts.workers(0, Infinity, 1)) {
              if (before.length) writtenBeforeNext.push(before.every((w) => s.text().includes(shown(w.name))));
              yield batch;
              before = batch;
            }
          },
        };
        await writeReport(streamed, format, s.out);
        expect(writtenBeforeNext, format).toEqual([true]); // 总装车间一班's three workers and 机加车间二班's one
        const expected =
          format === 'json'
            ? report
            : csvStart + [[teamSheet.header, ...report.teams.map(teamSheet.cells)], [workerSheet.header, ...report.workers.map(workerSheet.cells)], [lessonSheet.header, ...report.lessons.map(lessonSheet.cells)]].map((rows) => rows.map(csvLine).join('')).join('\r\n');
        expect(format === 'json' ? JSON.parse(s.text()) : s.text(), format).toEqual(expected);
      }
    } finally {
      close();
    }
  });
});
