import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisRoster } from '../../src/adapters/store/redis/roster.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { codeTries } from '../../src/core/roster/roster.ts';
import { runCli } from '../helpers/cli.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { workDir } from '../helpers/workDir.ts';

const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
const day = 86_400_000;
const t0 = Date.parse('2026-12-07T08:00:00+08:00');

function rosterFor(prefix: string) {
  const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
  return { roster: new RedisRoster(store), close: () => store.redis.disconnect() };
}

/** A six-digit code that is not `code`. */
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('enrolment codes', () => {
  redisTest('6 digits, single use, valid for 7 days on the bot clock', async ({ prefix }) => {
    const { roster, close } = rosterFor(prefix);
    try {
      const a = await roster.issue(team, t0);
      expect(a.code).toMatch(/^\d{6}$/);
      expect(a.expiresAt).toBe(t0 + 7 * day);
      expect(await roster.use(a.code, 1, 1, t0 + 7 * day - 1)).toEqual({ kind: 'ok', team });
      expect(await roster.use(a.code, 2, 2, t0 + 7 * day - 1)).toEqual({ kind: 'wrong' });
      const b = await roster.issue(team, t0);
      expect(b.code).not.toBe(a.code);
      expect(await roster.use(b.code, 3, 3, t0 + 7 * day)).toEqual({ kind: 'expired' });
      expect(await roster.use(b.code, 3, 3, t0 + 7 * day)).toEqual({ kind: 'wrong' });
    } finally {
      close();
    }
  });

  redisTest('wrong tries are limited per group and per sender; the lock holds even for the right code, then lifts', async ({ prefix }) => {
    const { roster, close } = rosterFor(prefix);
    try {
      const { code } = await roster.issue(team, t0);
      // Per group: five senders each try a wrong code in group 1.
      for (let wid = 1; wid <= codeTries.max; wid++) expect(await roster.use(other(code), 1, wid, t0)).toEqual({ kind: 'wrong' });
      expect(await roster.use(code, 1, 99, t0 + 1000)).toEqual({ kind: 'locked', until: t0 + codeTries.windowMs });
      // Per sender: sender 50 tries in five groups, then is locked in a sixth.
      for (let gid = 10; gid < 10 + codeTries.max; gid++) expect(await roster.use(other(code), gid, 50, t0)).toEqual({ kind: 'wrong' });
      expect(await roster.use(code, 20, 50, t0)).toMatchObject({ kind: 'locked' });
      // Neither lock touched the code: someone else in another group, or group 1 after the window, can still use it.
      expect(await roster.use(code, 1, 99, t0 + codeTries.windowMs)).toEqual({ kind: 'ok', team });
    } finally {
      close();
    }
  });

  redisTest('npx banqian team code: a code for a team, never for a workshop', async ({ prefix }) => {
    const dir = workDir({ 'config/org.yaml': 'name: 江都区总工会\nchildren:\n  - name: 总装车间\n    children: [{name: 总装车间一班}]\n' });
    const env = { REDIS_URL: redisUrl() };
    const r = runCli(['team', 'code', '总装车间一班', '--prefix', prefix], { cwd: dir, env });
    expect(r.stderr).toBe('');
    const code = /报名码：(\d{6})（江都区总工会\/总装车间\/总装车间一班，\d{4}-\d\d-\d\d \d\d:\d\d 前有效，只能用一次）/.exec(r.stdout)?.[1];
    expect(code).toBeDefined();
    expect(r.stdout).toContain(`@班前小助手 报名 safety 07:50 ${code}`);
    const { roster, close } = rosterFor(prefix);
    try {
      expect(await roster.use(code!, 1, 1, Date.now())).toEqual({ kind: 'ok', team: '江都区总工会/总装车间/总装车间一班' });
    } finally {
      close();
    }
    const bad = runCli(['team', 'code', '总装车间', '--prefix', prefix], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('“总装车间”不是班组');
  });
});
