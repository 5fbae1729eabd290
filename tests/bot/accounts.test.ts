import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { accountViews, actsFor, isDown } from '../../src/core/accounts/index.ts';
import type { ChannelCapabilities } from '../../src/core/channel.ts';
import { minuteMs } from '../../src/core/time.ts';
import { commandsDuring, newPrefix, redisUrl } from '../helpers/redis.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { RobotHub } from '../helpers/robots.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const t0 = Date.parse('2026-12-07T07:00:00+08:00'); // a Monday
const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
const isLesson = (t: string) => t.startsWith('【班前十分钟】');

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Two robots, 甲 and 乙, in the same two rooms on one Redis and one virtual clock, each its own app. */
async function district(hears: ChannelCapabilities['hears']) {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-accounts-'));
  const officersFile = join(dir, 'officers.yaml');
  writeFileSync(officersFile, `officers:\n  - {name: 王主任, scope: 江都区总工会/江都机械有限公司/总装车间, password: "scrypt$16384$8$1$c2FsdA==$aGFzaA==", contact: {wecom: wang}}\n`);
  const prefix = newPrefix();
  const clock = { t: t0, now: () => clock.t };
  const hub = new RobotHub(hears, clock.now);
  hub.room('r1', '总装车间一班', '张班长', ['a', 'b']);
  hub.room('r2', '总装车间二班', '刘班长', ['a', 'b']);
  const apps = new Map<string, App>();
  const boot = async (account: string, name: string) => {
    const config = testConfig((c) => {
      c.botName = name;
      c.orgFile = 'config/org.yaml';
      c.officersFile = officersFile;
      c.engagement.reportsDir = join(dir, 'reports');
      c.accounts.identity = 'district';
      c.accounts.failoverMinutes = 10;
      c.quiz.ackEveryMinutes = 0;
    });
    const app = await createApp({ config, clock, redisUrl: redisUrl(), prefix, log: process.env.DBG ? (await import('pino')).pino({level:'warn'}) : silentLog, channel: hub.robot(account, name), random: () => 0 });
    apps.set(account, app);
    cleanup.push(() => app.stop());
    return app;
  };
  await boot('a', '小助手甲');
  await boot('b', '小助手乙');
  const redis = new Redis(redisUrl());
  cleanup.push(() => redis.disconnect());
  /** Runs every live app minute by minute (ticks) and second by second (sends). */
  const run = async (ms: number, only = [...apps.keys()]) => {
    for (const end = clock.t + ms; clock.t < end; clock.t += 5000) {
      for (const a of only) {
        const app = apps.get(a)!;
        if (clock.t % minuteMs < 5000) await app.tick();
        await app.pump();
        await app.chat.idle();
      }
    }
  };
  const store = apps.get('a')!.store;
  const group = async (room: string) => (await store.getGroup(await store.resolveGroup(room, '', '')))!;
  return { hub, apps, clock, run, store, group, redis, prefix };
}

describe('several accounts in the same groups', () => {
  test('the first account to take 报名 owns the group; the other stays silent there, for commands, answers and pushes', async () => {
    const d = await district('all');
    await d.hub.say('r1', '张班长', '报名 demo 07:50');
    await d.hub.say('r2', '刘班长', '报名 demo 07:55');
    await d.run(30_000);
    // Both robots heard both enrolments; 甲 heard them first and owns both groups; only 甲 replied.
    const replies = d.hub.sent.filter((s) => s.text.startsWith('已报名'));
    expect(replies.map((s) => s.account)).toEqual(['a', 'a']);
    const g1 = await d.group('r1');
    expect(g1.account).toBe('a');
    expect(await d.store.presentAccounts(g1.gid)).toEqual(['a', 'b']);
    expect(await d.store.accountGroups('a')).toHaveLength(2);
    expect(actsFor(g1, 'a')).toBe(true);
    expect(actsFor(g1, 'b')).toBe(false);

    await d.hub.say('r1', '张班长', '统计');
    await d.hub.say('r1', '李明', '@小助手乙 你好');
    await d.run(50 * minuteMs); // past 07:50: the lesson goes out once, from 甲
    expect(d.hub.to('r1').filter((s) => s.text.startsWith('【本周参与】')).map((s) => s.account)).toEqual(['a']);
    // An @-mention of the robot that does not own the group gets nothing from it either.
    expect(d.hub.to('r1').filter((s) => s.account === 'b')).toEqual([]);
    expect(d.hub.to('r1').filter((s) => isLesson(s.text)).map((s) => s.account)).toEqual(['a']);

    await d.hub.say('r1', '李明', 'B');
    const push = await d.store.getPush(g1.gid, '2026-12-07');
    // Both robots heard the answer; it was recorded once, by the owner.
    expect(push?.answered).toBe(1);
    expect(d.hub.sent.filter((s) => s.account === 'b')).toEqual([]);
  });

  test('in a group nobody owns yet, each message is answered by one robot, and the same words a minute later again', async () => {
    const d = await district('all');
    await d.hub.say('r1', '张班长', '报名 25:99');
    await d.hub.say('r1', '张班长', '/help');
    await d.run(30_000);
    const replies = d.hub.to('r1');
    // Both robots heard both messages (neither owns the group): one reply to each.
    expect(replies.length).toBe(2);
    expect(await d.store.presentAccounts((await d.store.resolveGroup('r1', '', ''))!)).toEqual(['a', 'b']);
    await d.run(60_000);
    await d.hub.say('r1', '张班长', '/help');
    await d.run(30_000);
    expect(d.hub.to('r1').length).toBe(3);
    await d.hub.say('r1', '张班长', '报名 demo 07:50');
    await d.run(30_000);
    expect(d.hub.to('r1').filter((s) => s.text.startsWith('已报名')).length).toBe(1);
  });

  test('an account down longer than the threshold: its groups are taken over once, the officer is told, the group hears whom to @; on return they go back', async () => {
    const d = await district('mentions');
    await d.hub.say('r1', '张班长', '@小助手甲 报名 demo 07:50');
    await d.hub.say('r1', '张班长', '@小助手甲 班组 总装车间一班');
    // 乙 has seen the room (room sync at its login), so it may take it over.
    await d.run(60_000);
    const gid = (await d.group('r1')).gid;
    expect(await d.store.presentAccounts(gid)).toEqual(['a', 'b']);

    // 甲 is logged out at 07:02; nine minutes later nothing has moved yet.
    d.hub.status('a', { up: false, reason: '已退出登录' });
    await d.run(9 * minuteMs);
    expect((await d.group('r1')).taker).toBeUndefined();
    await d.run(3 * minuteMs);
    const g = await d.group('r1');
    expect(g.taker).toBe('b');
    expect(actsFor(g, 'b')).toBe(true);
    expect(actsFor(g, 'a')).toBe(false);
    // Told once: the officer responsible for the team privately, the group which robot to @ now.
    const officer = d.hub.to('wang');
    expect(officer.map((s) => s.account)).toEqual(['b']);
    expect(officer[0].text).toContain('【机器人离线】总装车间一班：机器人“小助手甲”（账号 a）离线已超过 10 分钟（已退出登录），本群改由机器人“小助手乙”（账号 b）推送和答题。');
    expect(d.hub.to('r1').filter((s) => s.text.includes('从现在起请 @小助手乙'))).toEqual([{ account: 'b', text: '本群的机器人“小助手甲”暂时离线，从现在起请 @小助手乙 发指令和答题。' }]);

    // At 07:50 the lesson comes from 乙 once; a command @乙 is answered by 乙.
    await d.run(40 * minuteMs);
    expect(d.hub.to('r1').filter((s) => isLesson(s.text)).map((s) => s.account)).toEqual(['b']);
    await d.hub.say('r1', '张班长', '@小助手乙 统计');
    await d.run(10_000);
    expect(d.hub.to('r1').filter((s) => s.text.startsWith('【本周参与】')).map((s) => s.account)).toEqual(['b']);

    // 甲 is back: its group returns to it, the officer and the group are told.
    d.hub.status('a', { up: true });
    await d.run(2 * minuteMs);
    expect((await d.group('r1')).taker).toBeUndefined();
    expect(d.hub.to('wang').at(-1)?.text).toContain('【机器人恢复】总装车间一班：机器人“小助手甲”（账号 a）已恢复');
    expect(d.hub.to('r1').filter((s) => s.text.includes('请重新 @小助手甲')).map((s) => s.account)).toEqual(['a']);
    expect(await d.store.takenFrom('a')).toEqual([]);
    // The next day's lesson is 甲's again, once.
    await d.run(24 * 60 * minuteMs);
    expect(d.hub.to('r1').filter((s) => isLesson(s.text)).map((s) => s.account)).toEqual(['b', 'a']);
  });

  test('logged out with its lesson claimed but unsent: the account that takes the group over sends it, once, and nothing more when the first is back', async () => {
    const d = await district('all');
    await d.hub.say('r1', '张班长', '报名 demo 07:50');
    await d.run(49 * minuteMs + 30_000); // 07:49:30: 甲 has claimed the lesson, its queue holds it until 07:50
    const gid = (await d.group('r1')).gid;
    expect((await d.store.getPush(gid, '2026-12-07'))?.status).toBe('claimed');
    d.hub.status('a', { up: false, reason: '已退出登录' });
    await d.run(15 * minuteMs);
    expect(d.hub.to('r1').filter((s) => isLesson(s.text)).map((s) => s.account)).toEqual(['b']);
    d.hub.status('a', { up: true });
    await d.run(10 * minuteMs);
    expect(d.hub.to('r1').filter((s) => isLesson(s.text)).map((s) => s.account)).toEqual(['b']);
    expect((await d.group('r1')).taker).toBeUndefined();
  });

  test('a process that stops reporting (killed) counts as down; only accounts present in a group take it over', async () => {
    const d = await district('all');
    d.hub.room('r3', '织造车间甲班', '赵班长', ['a']); // 乙 is not in this room
    await d.hub.say('r1', '张班长', '报名 demo 07:50');
    await d.hub.say('r3', '赵班长', '报名 demo 07:50');
    await d.run(60_000);
    // 甲's process is gone without a word: only 乙 keeps running.
    await d.run(11 * minuteMs, ['b']);
    expect((await d.group('r1')).taker).toBe('b');
    expect((await d.group('r3')).taker).toBeUndefined();
    // On a channel where everyone hears everything, the group is not told whom to @.
    expect(d.hub.to('r1').filter((s) => s.text.includes('从现在起请'))).toEqual([]);
  });
});

describe('an account as its processes report it', () => {
  const report = (process: string, up: boolean, since: number, beat: number, reason?: string) => ({ account: 'a', process, name: '小助手甲', up, since, beat, ...(reason && { reason }) });
  const t = t0;
  test('a standby process that reports down does not make its account down while the active one reports up', () => {
    const views = accountViews([report('active', true, t - 60 * minuteMs, t), report('standby', false, t - 60 * minuteMs, t, '另一个 banqian 实例正在使用这个企业微信机器人的长连接，本实例待命')], t, 10 * minuteMs);
    expect(views.get('a')?.up).toBe(true);
    expect(isDown(views.get('a')!, t, 10 * minuteMs)).toBe(false);
  });
  test('the active process killed: down from its last report on, though the standby has long been reporting down', () => {
    const reports = [report('active', true, t - 60 * minuteMs, t), report('standby', false, t - 60 * minuteMs, t + 11 * minuteMs, '待命')];
    expect(isDown(accountViews(reports, t + 9 * minuteMs, 10 * minuteMs).get('a')!, t + 9 * minuteMs, 10 * minuteMs)).toBe(false);
    const later = accountViews(reports, t + 11 * minuteMs, 10 * minuteMs).get('a')!;
    expect(later).toMatchObject({ up: false, upUntil: t, reason: '待命' });
    expect(isDown(later, t + 11 * minuteMs, 10 * minuteMs)).toBe(true);
  });
});

describe('who acts for a group, per message', () => {
  test.each([
    ['no accounts.identity (no group is shared): settled once per process, later answers read no group hash', '', 0],
    ['accounts.identity set (a takeover can move a group): every message reads the owner again', 'district', 2],
  ])('%s', async (_name, identity, groupReads) => {
    let t = t0;
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const prefix = newPrefix();
    const app = await createApp({ config: testConfig((c) => (c.accounts.identity = identity)), clock, redisUrl: redisUrl(), prefix, log: silentLog });
    cleanup.push(() => app.stop());
    const world = app.world!;
    world.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明', '王芳', '赵强'] });
    world.say('张班长', '报名 demo 07:50', '总装车间一班');
    await app.chat.idle();
    world.say('张班长', '立即推送', '总装车间一班');
    await app.chat.idle();
    await runVirtual(app, clock, t0 + 5 * minuteMs);
    const [g] = await app.store.activeGroups();
    world.say('李明', 'B', '总装车间一班');
    await app.chat.idle();
    const later = await commandsDuring(prefix, async () => {
      world.say('王芳', 'A', '总装车间一班');
      world.say('赵强', 'B', '总装车间一班');
      await app.chat.idle();
    });
    expect(later.filter(([cmd, key]) => cmd === 'hgetall' && key === app.store.keys.group(g.gid)).length).toBe(groupReads);
    // WeChat gives the sender's name with the message, which is also the name last heard (written, first time, not
    // read back): only the imported roster is read.
    const { platform, account } = app.store.opts;
    expect(later.filter(([cmd, key]) => cmd !== 'hset' && key === app.store.keys.rosterHeard(platform, account))).toEqual([]);
    expect(later.filter(([cmd, key]) => cmd === 'hmget' && key === app.store.keys.rosterPeople(platform, account)).length).toBe(2);
    expect((await app.store.getPush(g.gid, '2026-12-07'))?.answered).toBe(3);
  });
});

describe('the group → account map in Redis', () => {
  test('saveGroup keeps the owner it is given and indexes it; an empty owner never clears one; claimGroup lets the first win', async () => {
    const d = await district('all');
    const gid = await d.store.resolveGroup('r9', '九班', '');
    const g = { gid, roomId: 'r9', topic: '九班', track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 60, status: 'active' as const, cycleSince: '', cycle: 1, lessons: 0, current: '', team: '', activeSince: 0, options: {}, account: '' };
    await d.store.saveGroup(g);
    expect((await d.store.getGroup(gid))?.account).toBe('');
    expect(await d.store.claimGroup(gid, 'b')).toBe('b');
    expect(await d.store.claimGroup(gid, 'a')).toBe('b');
    await d.store.saveGroup(g); // a stale copy without the owner
    expect((await d.store.getGroup(gid))?.account).toBe('b');
    const other = await d.store.resolveGroup('r10', '十班', '');
    await d.store.saveGroup({ ...g, gid: other, roomId: 'r10', account: 'a' });
    expect([(await d.store.getGroup(other))?.account, await d.store.accountGroups('a'), await d.store.accountGroups('b')]).toEqual(['a', [other], [gid]]);
    // The taker is a compare-and-set: only the caller that saw the current state moves it.
    expect(await d.store.setTaker(gid, 'b', '', 'a')).toBe(true);
    expect(await d.store.setTaker(gid, 'b', '', 'c')).toBe(false);
    expect([(await d.store.getGroup(gid))?.taker, await d.store.takenFrom('b')]).toEqual(['a', [gid]]);
    expect(await d.store.setTaker(gid, 'b', 'a', '')).toBe(true);
    expect([(await d.store.getGroup(gid))?.taker, await d.store.takenFrom('b')]).toEqual([undefined, []]);
  });
});
