import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { archiveAnswers } from '../../src/app/archive.ts';
import type { QuizRef } from '../../src/core/ports.ts';
import { openStats } from '../../src/app/stats.ts';
import { runCli } from '../helpers/cli.ts';
import { createApp } from '../../src/app/compose.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { silentLog } from '../helpers/sim.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from './seed.ts';

const days = ['2026-12-07', '2026-12-08'];
/** How many of these keys exist, one EXISTS each: on a Cluster they sit in different slots. */
const existing = async (redis: { exists(key: string): Promise<number> }, keys: string[]) => (await Promise.all(keys.map((k) => redis.exists(k)))).reduce((a, b) => a + b, 0);
const lines = (file: string) => gunzipSync(readFileSync(file)).toString().trim().split('\n').map((l) => JSON.parse(l));

describe('archiving old answer records', () => {
  redisTest('records older than the configured age go to a monthly gzip JSONL file and leave Redis; every figure stays', async ({ prefix, redis }) => {
    await seedTwoDays(prefix);
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    const dir = mkdtempSync(join(tmpdir(), 'banqian-archive-'));
    try {
      const gids = (await store.teamBindings()).map((b) => b.gid);
      const answerKeys = gids.flatMap((gid) => days.map((d) => store.keys.answers(gid, d)));
      const inRedis = (await Promise.all(answerKeys.map((k) => redis.lrange(k, 0, -1)))).flat();
      expect(inRedis.length).toBe(6); // 李明 B, "=HYPERLINK(1)" A, 孙伟 B, 王芳 B (late), 李明 1A 2C
      const report = await stats.report(stats.org.root, '2026-12-01', '2026-12-31');
      const overview = await stats.overview(stats.org.root, '2026-12-01', '2026-12-31');
      const team = await stats.team((await store.getGroup(gids[0]))!, '2026-12-01', '2026-12-31', '2026-12-31');

      // On 2028-01-11 nothing is older than 400 days; on 2028-01-12 the records of 12-07 are (401 days), then 12-08's.
      expect(await archiveAnswers(store, { dir, afterDays: 400, today: '2028-01-11' })).toEqual({ quizzes: 0, records: 0, files: [] });
      expect(await archiveAnswers(store, { dir, afterDays: 400, today: '2028-01-12' })).toEqual({ quizzes: 2, records: 4, files: [join(dir, '2026-12.jsonl.gz')] });
      expect(await existing(redis, answerKeys)).toBe(1); // 总装车间一班's 12-08
      expect(await archiveAnswers(store, { dir, afterDays: 400, today: '2028-01-13' })).toMatchObject({ quizzes: 1, records: 2 });
      expect(readdirSync(dir)).toEqual(['2026-12.jsonl.gz']);
      const archived = lines(join(dir, '2026-12.jsonl.gz'));
      expect(archived).toHaveLength(6);
      expect(archived.map((r) => JSON.stringify([r.wid, r.question, r.choice, r.correct ? 1 : 0, r.at, r.onTime ? 1 : 0])).sort()).toEqual([...inRedis].sort());
      expect(archived.find((r) => r.onTime === false)).toMatchObject({ day: '2026-12-07', kind: 'lesson', lessonId: 'demo-001', choice: 'B' });
      expect(await existing(redis, answerKeys)).toBe(0);
      expect(await redis.zcard(store.keys.answerDays)).toBe(0);

      expect(await stats.report(stats.org.root, '2026-12-01', '2026-12-31')).toEqual(report);
      expect(await stats.overview(stats.org.root, '2026-12-01', '2026-12-31')).toEqual(overview);
      expect(await stats.team((await store.getGroup(gids[0]))!, '2026-12-01', '2026-12-31', '2026-12-31')).toEqual(team);
      // A rerun finds nothing to do and writes nothing.
      expect(await archiveAnswers(store, { dir, afterDays: 400, today: '2029-01-01' })).toEqual({ quizzes: 0, records: 0, files: [] });
      expect(lines(join(dir, '2026-12.jsonl.gz'))).toHaveLength(6);
    } finally {
      close();
    }
  });

  redisTest('a run that dies between writing and dropping loses nothing and writes nothing twice', async ({ prefix, redis }) => {
    await seedTwoDays(prefix);
    const { store, close } = openStats(statsConfig(), redisUrl(), prefix);
    const dir = mkdtempSync(join(tmpdir(), 'banqian-archive-'));
    try {
      let crashed: QuizRef | undefined;
      const crash = (ref: QuizRef) => {
        crashed = ref;
        throw new Error('killed');
      };
      await expect(archiveAnswers(store, { dir, afterDays: 400, today: '2029-01-01', afterWrite: crash })).rejects.toThrow('killed');
      expect(lines(join(dir, '2026-12.jsonl.gz')).length).toBeGreaterThan(0); // on disk, and still in Redis
      expect(await redis.llen(store.keys.answers(crashed!.gid, crashed!.day))).toBeGreaterThan(0);
      expect(await redis.exists(store.keys.archivePending)).toBe(1);
      expect(await archiveAnswers(store, { dir, afterDays: 400, today: '2029-01-01' })).toMatchObject({ quizzes: 3, records: 6 });
      expect(lines(join(dir, '2026-12.jsonl.gz'))).toHaveLength(6);
      expect(await existing(redis, [store.keys.archivePending, store.keys.archiveLock])).toBe(0);
    } finally {
      close();
    }
  });

  redisTest('`banqian archive` uses the configured age and says what it did', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'banqian-archive-'));
    const config = join(dir, 'banqian.yaml');
    writeFileSync(config, `dataDir: ${dir}\norgFile: config/org.yaml\narchive: {afterDays: 30}\n`);
    const env = { REDIS_URL: redisUrl() };
    expect(runCli(['archive', '-c', config, '--prefix', prefix, '--today', '2027-01-06'], { env }).stdout).toMatch(/没有超过 30 天的答题记录需要归档/);
    const r = runCli(['archive', '-c', config, '--prefix', prefix, '--today', '2027-01-08'], { env });
    expect(r.stdout).toContain(`已归档 6 条答题记录（3 次小测），写入 ${join(dir, 'archive', '2026-12.jsonl.gz')}`);
    expect(runCli(['archive', '-c', config, '--today', '2027-02-30'], { env }).stderr).toMatch(/“2027-02-30”不是有效日期/);
  }, 60_000);

  redisTest('the bot archives by itself once a day from 03:00', async ({ prefix, redis }) => {
    await seedTwoDays(prefix);
    const dataDir = mkdtempSync(join(tmpdir(), 'banqian-archive-'));
    const config = statsConfig();
    config.dataDir = dataDir;
    config.archive.afterDays = 30;
    let t = Date.parse('2027-01-20T02:50:00+08:00');
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const app = await createApp({ config, clock, redisUrl: redisUrl(), prefix, log: silentLog });
    try {
      await runVirtual(app, clock, Date.parse('2027-01-20T02:59:00+08:00'));
      expect(await redis.zcard(app.store.keys.answerDays)).toBeGreaterThan(0);
      await runVirtual(app, clock, Date.parse('2027-01-20T03:01:00+08:00'));
      expect(lines(join(dataDir, 'archive', '2026-12.jsonl.gz'))).toHaveLength(6);
      expect(await redis.zcard(app.store.keys.answerDays)).toBe(0);
    } finally {
      await app.stop();
    }
  });
});
