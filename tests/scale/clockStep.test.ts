import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterEach, expect, test } from 'vitest';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { defineScripts, type ScriptedRedis } from '../../src/adapters/store/redis/scripts.ts';
import { WecomServer } from '../../src/app/sim/wecomServer.ts';
import { renderMissed } from '../../src/core/bot/texts.ts';
import { shownMarkdown } from '../../src/core/send/text.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';

/**
 * The clock-step faults against real bot processes (botProcess.ts: createApp with the real WeCom robot
 * adapter against a local protocol server per robot, the real Redis) on a shared virtual clock, which one
 * process then steps (a control line on its stdin).
 */
const day = '2026-12-07'; // a Monday
const at = (hhmm: string) => Date.parse(`${day}T${hhmm}:00+08:00`);
/** The first message of a lesson (lessons/render.ts); notices start with 【班前十分钟】 too. */
const isLesson = (text: string) => /^【班前十分钟】.+ 第 \d+ 课 · /.test(text);
const hour = 60 * minuteMs;

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** One Redis prefix, one WeCom server per robot (what each accepted is what that account sent), bot processes on a clock running `speed` times real time from `start`. */
async function world(accounts: string[], start: number, speed: number) {
  const prefix = newPrefix();
  const redis = new Redis(redisUrl()) as ScriptedRedis;
  defineScripts(redis);
  cleanup.push(() => redis.disconnect());
  const store = new RedisStore(redis, { prefix, platform: 'wecom', account: 'district', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
  const sent: { account: string; chat: string; text: string }[] = [];
  const servers = new Map<string, WecomServer>();
  for (const a of accounts) {
    const server = await WecomServer.start(a, `secret-${a}`);
    server.onMessage = (body) => {
      if (body.msgtype === 'markdown') sent.push({ account: a, chat: body.chatid, text: shownMarkdown(String(body.markdown.content)) });
    };
    servers.set(a, server);
    cleanup.push(() => server.close());
  }
  // The processes' clocks start together once they are up (a slow start only joins later).
  const epoch = Date.now() + 3000;
  const virtual = () => start + (Date.now() - epoch) * speed;

  /**
   * A group due at `time` on work days, owned by `account` ('': enrolled before there were several accounts,
   * so every process acts for it), with every robot present in it.
   */
  const enrol = async (chatId: string, time: string, account: string) => {
    const gid = await store.resolveGroup(chatId, '', '');
    await store.saveGroup({ gid, roomId: chatId, topic: chatId, track: 'demo', time, days: [1, 2, 3, 4, 5], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, current: '', team: '', activeSince: 0, options: {}, account: '' });
    if (account) await store.claimGroup(gid, account);
    for (const a of accounts) await store.notePresent(gid, a);
    return gid;
  };

  /**
   * The account's bot process, once it is up, judging liveness by Redis's clock as production does; `step`
   * shifts its clock and resolves when it has.
   */
  const bot = async (account: string) => {
    const i = accounts.indexOf(account);
    const args = { redisUrl: redisUrl(), prefix, account, secret: `secret-${account}`, wsUrl: servers.get(account)!.url, botName: `小助手${i + 1}`, start, epoch, speed, failoverMinutes: 2, redisTimeBeats: true };
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'tests/scale/botProcess.ts', JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanup.push(() => child.kill('SIGKILL'));
    const lines = createInterface({ input: child.stdout! });
    const line = async (expected: string) => {
      const [got] = (await once(lines, 'line')) as [string];
      if (got !== expected) throw new Error(`bot process said ${got}, expected ${expected}`);
    };
    await line('ready');
    return {
      /** Its claims' owner id begins with it. */
      pid: child.pid!,
      step: async (ms: number) => {
        child.stdin!.write(`${JSON.stringify({ stepMs: ms })}\n`);
        await line('stepped');
      },
    };
  };

  const until = async (done: () => boolean | Promise<boolean>, ms: number) => {
    for (const end = Date.now() + ms; !(await done()) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  };
  const lessonsTo = (chat: string) => sent.filter((s) => s.chat === chat && isLesson(s.text)).map((s) => s.account);
  const pushes = (gids: number[]) => Promise.all(gids.map((gid) => store.getPush(gid, day)));
  return { store, redis, sent, servers, virtual, enrol, bot, until, lessonsTo, pushes };
}

test('a clock stepped one hour back on one of two processes repeats nothing', async () => {
  const speed = 360; // a virtual minute in 1/6 s
  const w = await world(['bot-a', 'bot-b'], at('07:15'), speed);
  const chats = { 'bot-a': ['a1', 'a2', 'a3', 'a4'], 'bot-b': ['b1', 'b2'] };
  const gids: number[] = [];
  for (const [account, list] of Object.entries(chats)) for (const [i, c] of list.entries()) gids.push(await w.enrol(c, i % 2 ? '07:30' : '07:20', account));
  const [a] = await Promise.all([w.bot('bot-a'), w.bot('bot-b')]);
  const all = Object.values(chats).flat();

  await w.until(() => all.every((c) => w.lessonsTo(c).length > 0) && w.virtual() >= at('07:35'), 30_000);
  const before = await w.pushes(gids);
  expect(before.map((p) => p?.status)).toEqual(gids.map(() => 'sent'));
  // bot-a goes back to 06:35: its groups come into view again, and it runs past their times once more.
  await a.step(-hour);
  await w.until(() => w.virtual() - hour >= at('07:40'), 30_000);
  // bot-a's last heartbeat carries its stepped clock: it did pass its groups' times again.
  const aBeat = Number(await w.redis.get(w.store.keys.instance(before[0]!.owner)));
  expect(aBeat).toBeGreaterThanOrEqual(at('07:40'));
  expect(aBeat).toBeLessThan(at('07:45'));

  expect(Object.fromEntries(all.map((c) => [c, w.lessonsTo(c)]))).toEqual(Object.fromEntries(Object.entries(chats).flatMap(([account, list]) => list.map((c) => [c, [account]]))));
  expect(w.sent.filter((s) => s.text.includes('没能按时推送'))).toEqual([]);
  // The accounts' reports are judged by Redis's clock: the live bot-b never saw bot-a (an hour behind) as down,
  // so no group changed hands and no group heard of a robot going offline or coming back.
  expect(w.sent.filter((s) => /暂时离线|已恢复/.test(s.text))).toEqual([]);
  expect((await w.store.groups(gids)).map((g) => g.taker ?? '')).toEqual(gids.map(() => ''));
  // The day's records are the ones of the first pass: nothing claimed, skipped or sent again.
  const after = await w.pushes(gids);
  expect(after.map((p) => [p?.owner, p?.claimedAt, p?.sentAt, p?.seq])).toEqual(before.map((p) => [p?.owner, p?.claimedAt, p?.sentAt, p?.seq]));
});

test('a clock stepped forward is downtime: a push within the grace window is sent, one beyond it skipped with the notice', async () => {
  const speed = 60; // a virtual minute in 1 s
  const w = await world(['bot-a'], at('07:15'), speed);
  const soon = ['s1', 's2', 's3'];
  const gone = ['g1', 'g2', 'g3'];
  const gidsSoon = await Promise.all(soon.map((c) => w.enrol(c, '07:50', 'bot-a')));
  const gidsGone = await Promise.all(gone.map((c) => w.enrol(c, '07:30', 'bot-a')));
  const a = await w.bot('bot-a');

  // Up and ticking before anything is due (07:30's lesson is claimed at 07:28).
  await w.until(() => w.virtual() >= at('07:20'), 30_000);
  expect(w.sent).toEqual([]);
  // To 08:15: the 07:50 lessons are 25 minutes late (grace 30), the 07:30 ones 45.
  await a.step(at('08:15') - w.virtual());
  const notices = () => w.sent.filter((s) => !isLesson(s.text) && s.text.startsWith('【班前十分钟】'));
  await w.until(() => soon.every((c) => w.lessonsTo(c).length > 0) && notices().length >= gone.length, 20_000);
  // A little longer, so a late extra message would show.
  await new Promise((r) => setTimeout(r, 2000));

  expect(Object.fromEntries([...soon, ...gone].map((c) => [c, w.lessonsTo(c)]))).toEqual({ s1: ['bot-a'], s2: ['bot-a'], s3: ['bot-a'], g1: [], g2: [], g3: [] });
  expect(notices().map((s) => s.chat).sort()).toEqual(gone);
  expect(new Set(notices().map((s) => s.text))).toEqual(new Set([renderMissed(day, '07:30')]));
  expect((await w.pushes(gidsSoon)).map((p) => [p?.status, p?.reason])).toEqual(soon.map(() => ['sent', 'catch-up']));
  expect((await w.pushes(gidsGone)).map((p) => [p?.status, p?.reason])).toEqual(gone.map(() => ['skipped', 'missed']));
});

test('a process an hour ahead takes over none of a live process\'s claims (liveness by Redis time)', async () => {
  const speed = 60;
  const w = await world(['bot-a', 'bot-b'], at('07:46'), speed);
  const chats = Array.from({ length: 8 }, (_, i) => `c${i}`);
  // Groups of no account in particular: both processes act for them, so only liveness keeps bot-b off bot-a's claims.
  const gids = await Promise.all(chats.map((c) => w.enrol(c, '07:50', '')));
  // WeCom throttles bot-a: its lessons stay claimed, unsent, while its process keeps ticking (and beating).
  w.servers.get('bot-a')!.sendCodes.push(...Array<number>(100_000).fill(45009));
  const live = await w.bot('bot-a');
  const ownedByLive = async () => (await w.pushes(gids)).filter((p) => p?.owner.startsWith(`${live.pid}-`) && (p.status === 'claimed' || p.status === 'sending')).length;
  await w.until(async () => (await ownedByLive()) === chats.length, 30_000);
  expect(await ownedByLive()).toBe(chats.length);

  // bot-b comes up and its clock jumps to an hour ahead: by its clock bot-a's last beat is an hour old.
  const stepped = await w.bot('bot-b');
  await stepped.step(hour);
  await new Promise((r) => setTimeout(r, 6000));
  expect(await ownedByLive()).toBe(chats.length);
  expect(w.sent.filter((s) => s.account === 'bot-b')).toEqual([]);

  // The throttle lifts: every lesson goes out once, from the process that claimed it.
  w.servers.get('bot-a')!.sendCodes.length = 0;
  await w.until(() => chats.every((c) => w.lessonsTo(c).length > 0), 20_000);
  await new Promise((r) => setTimeout(r, 2000));
  expect(Object.fromEntries(chats.map((c) => [c, w.lessonsTo(c)]))).toEqual(Object.fromEntries(chats.map((c) => [c, ['bot-a']])));
});
