import { describe, expect, test } from 'vitest';
import { capacityOf } from '../../src/core/engage/budget.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { runCli } from '../helpers/cli.ts';
import { runScenario } from '../helpers/sim.ts';
import { workDir } from '../helpers/workDir.ts';

const wechat = { perMinute: 20, roomGapSeconds: [3, 8] as [number, number] };

describe('message budget', () => {
  test('one account at 20/min with 3–8 s between rooms: 200 groups take 18.3 minutes of lessons, the cap adds 600 messages after them', () => {
    // 5.5 s per group (the mean pause between rooms is longer than the 3 s rate interval).
    const c = capacityOf(200, 1, 3, wechat);
    expect(c.messages).toEqual({ lessons: 200, summaries: 200, engagement: 600 });
    expect(c.minutes).toEqual({ lessons: 18.3, summaries: 18.3, engagement: 55 });
    expect(c.groupsPer10Minutes).toBe(109);
    expect(c.late).toBe(false);
    // Two messages a lesson: 5.5 + 3 s a group; 400 groups need 56.7 minutes, more than the 45-minute lead.
    const big = capacityOf(400, 2, 3, wechat);
    expect(big.minutes.lessons).toBe(56.7);
    expect(big.late).toBe(true);
    expect(capacityOf(200, 1, 0, wechat).messages.engagement).toBe(0);
  });

  test('`banqian capacity` reports the cap from the settings, for a given number of groups', () => {
    const cwd = workDir({ 'config/banqian.yaml': 'engagement: {dailyCap: 2}\nsend: {perMinute: 10}\n' });
    const r = runCli(['capacity', '--groups', '200'], { cwd, env: { REDIS_URL: '' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/每分钟 10 条/);
    // 6 s a room at 10/min: 200 groups take 20 minutes; at 2 a group the loop adds 400 messages.
    expect(r.stdout).toMatch(/早上的课：200 条，约 20 分钟/);
    expect(r.stdout).toMatch(/每群每天最多 2 条：最多 400 条，约 40 分钟/);
    expect(r.stdout).toMatch(/不开互动 400 条，开互动且用满上限 800 条/);
    expect(runCli(['capacity', '--groups', '两百'], { cwd, env: { REDIS_URL: '' } }).stderr).toMatch(/--groups 要写一个正整数/);
  });

  test('a planned wave spread over 07:30–08:00: per minute whether it arrives on time, and how many accounts it needs', () => {
    const r = runCli(['capacity', '--groups', '2000', '--from', '07:30', '--to', '08:00'], { cwd: workDir({}), env: { REDIS_URL: '' } });
    expect(r.stderr).toBe('');
    // 65 groups a minute, planned at 8 s each (the longest pause): one account keeps up at first (it starts 45 minutes early), then falls behind.
    expect(r.stdout).toMatch(/07:30 +65 +65 +按时/);
    expect(r.stdout).toMatch(/08:00 +64 +64 +最晚的晚约 19\d 分钟/);
    expect(r.stdout).toMatch(/合计 2000 个群，1 个账号；按时送到需要 4 个账号，还差 3 个/);
    expect(runCli(['capacity', '--from', '8点'], { cwd: workDir({}), env: { REDIS_URL: '' } }).stderr).toMatch(/--from 要写一个时间/);
  });

  test('without --groups it counts the enrolled groups at their busiest push time', async () => {
    const prefix = newPrefix();
    await runScenario(
      `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T07:20:00+08:00"
rooms:
  - {topic: 一班, owner: 班长1, members: [组员1]}
  - {topic: 二班, owner: 班长2, members: [组员2]}
  - {topic: 三班, owner: 班长3, members: [组员3]}
events:
  - {at: "2026-12-07T07:01:00+08:00", room: 一班, from: 班长1, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:02:00+08:00", room: 二班, from: 班长2, text: "报名 demo 07:50"}
  - {at: "2026-12-07T07:03:00+08:00", room: 三班, from: 班长3, text: "报名 demo 08:30"}
`,
      { prefix },
    );
    const r = runCli(['capacity', '--prefix', prefix], { env: { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' } });
    expect(r.stdout).toMatch(/已报名 3 个群，最拥挤的推送时间 07:50 有 2 个/);
    expect(r.stdout).toMatch(/按 2 个群同一时间推送/);
    expect(r.stdout).toMatch(/最多 6 条/);
    expect(r.stdout).toMatch(/账号 mock：3 个群/);
    expect(r.stdout).toMatch(/07:50 +2 +2 +按时/);
    // Only the minutes asked about.
    const early = runCli(['capacity', '--prefix', prefix, '--from', '07:00', '--to', '08:00'], { env: { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' } });
    expect(early.stdout).toMatch(/07:00–08:00 已报名 2 个群/);
    expect(early.stdout).not.toMatch(/08:30/);
    expect(runCli(['capacity', '--prefix', newPrefix()], { env: { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' } }).stderr).toMatch(/还没有报名的群/);
  });
});
