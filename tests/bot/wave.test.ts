import { describe, expect, test } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import type { Group, Logger } from '../../src/core/ports.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const store = (prefix: string) => new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });

/** `n` groups spread over 07:30–07:59, on Sundays only (the scenario runs on a Monday: they are never pushed). */
async function seedWave(prefix: string, n: number, accountOf: (i: number) => string): Promise<void> {
  const s = store(prefix);
  for (let i = 0; i < n; i++) {
    const gid = await s.resolveGroup(`seed-${i}@chatroom`, `班组${i}`, '');
    const g: Group = {
      gid, roomId: `seed-${i}@chatroom`, topic: `班组${i}`, track: 'demo', time: `07:${30 + (i % 30)}`, days: [7], windowMinutes: 60, status: 'active',
      cycleSince: '', cycle: 1, lessons: 0, current: '', team: '', activeSince: 0, account: accountOf(i), options: {},
    };
    await s.saveGroup(g);
  }
  await s.redis.quit();
}

const enrolAt0745 = `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T07:10:00+08:00"
rooms:
  - {topic: 新班组, owner: 王班长, members: [赵六]}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 新班组, from: 王班长, text: "报名 demo 07:45"}
`;

describe('the enrolment warning tells the truth about the wave', () => {
  test('groups spread over 07:30–07:59 count, the lead is never more than the scheduler takes, and it says how late and how many accounts', async () => {
    const prefix = newPrefix();
    await seedWave(prefix, 1000, () => '');
    const reply = (await runScenario(enrolAt0745, { prefix })).find((l) => l.text.startsWith('已报名'))!.text;
    expect(reply).toMatch(/07:30–07:59 这一波本号共有 1001 个群/);
    expect(reply).toMatch(/最多提前 45 分钟开始发送/);
    // 1,001 pushes planned at 8 s each (the longest pause) from 06:45 end at about 08:58: the last (07:59) is some 59 minutes late.
    const late = Number(/晚约 (\d+) 分钟/.exec(reply)![1]);
    expect(late).toBeGreaterThanOrEqual(58);
    expect(late).toBeLessThanOrEqual(60);
    expect(reply).toMatch(/需要 2 个机器人账号/);
  });

  test("another account's groups do not load this one; a wave that fits says so", async () => {
    const prefix = newPrefix();
    await seedWave(prefix, 1000, (i) => (i % 2 ? 'other-robot' : ''));
    const reply = (await runScenario(enrolAt0745, { prefix })).find((l) => l.text.startsWith('已报名'))!.text;
    expect(reply).toMatch(/这一波本号共有 501 个群/);
    expect(reply).toMatch(/都能按时送到/);
    expect(reply).not.toMatch(/晚约/);
  });
});

describe('a wave that runs late', () => {
  test('each late lesson is logged once with its lateness; past schedule.lateCeilingMinutes it is held back and the group told', async () => {
    const warnings: { msg: string; obj: Record<string, unknown> }[] = [];
    const log = { ...silentLog, info: () => {}, error: () => {}, warn: (obj: Record<string, unknown>, msg?: string) => void warnings.push({ obj, msg: String(msg) }) } as unknown as Logger;
    // One message a minute: 55 one-message lessons at 07:50 need 55 minutes, more than the 45-minute lead.
    const config = testConfig((c) => {
      c.send.perMinute = 1;
      c.schedule.lateCeilingMinutes = 6;
    });
    const n = 55;
    const rooms = Array.from({ length: n }, (_, i) => `  - {topic: 班组${i + 1}, owner: 班长${i + 1}, members: [组员${i + 1}]}`).join('\n');
    const events = Array.from({ length: n }, (_, i) => `  - {at: "2026-12-07T0${5 + Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}:00+08:00", room: 班组${i + 1}, from: 班长${i + 1}, text: "报名 demo 07:50"}`).join('\n');
    const lines = await runScenario(`start: "2026-12-07T04:59:00+08:00"\nuntil: "2026-12-07T09:00:00+08:00"\nrooms:\n${rooms}\nevents:\n${events}\n`, { config, log });
    const lessons = lines.filter((l) => l.text.startsWith('【班前十分钟】') && !l.text.includes('今天先不推送'));
    const heldNotices = lines.filter((l) => l.text.includes('今天先不推送'));
    const due = Date.parse('2026-12-07T07:50:00+08:00');
    // Nothing arrives later than the ceiling; the others are held back, each group told once.
    for (const l of lessons) expect(Date.parse(l.at)).toBeLessThanOrEqual(due + 6 * 60_000 + 60_000);
    expect(lessons.length + heldNotices.length).toBe(n);
    expect(heldNotices.length).toBeGreaterThan(0);
    expect(new Set(heldNotices.map((l) => l.room)).size).toBe(heldNotices.length);
    expect(new Set([...lessons, ...heldNotices].map((l) => l.room)).size).toBe(n);
    const late = warnings.filter((w) => w.msg.startsWith('wave running late'));
    const lateRooms = lessons.filter((l) => Date.parse(l.at) > due + 60_000).length;
    // One line per late push (not per tick), with its minutes late.
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(late.map((w) => w.obj.gid)).size).toBe(late.length);
    expect(late.length).toBeGreaterThanOrEqual(lateRooms);
    for (const w of late) expect(w.obj.minutesLate).toBeGreaterThan(0);
    expect(warnings.filter((w) => w.msg.startsWith('wave too late')).length).toBe(heldNotices.length);
  });
});
