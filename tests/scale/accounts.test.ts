import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { defineScripts, type ScriptedRedis } from '../../src/adapters/store/redis/scripts.ts';
import { WecomServer } from '../../src/app/sim/wecomServer.ts';
import { minuteMs } from '../../src/core/time.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';

const groups = 300;
const accounts = ['bot-a', 'bot-b', 'bot-c'];
/** Virtual seconds per real second: the wave's virtual minutes pass in seconds. */
const speed = 20;
const start = Date.parse('2026-12-07T07:44:00+08:00'); // a Monday; every group is due at 07:50

const children: ChildProcess[] = [];
const servers: WecomServer[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of servers) await s.close();
});

test('kill -9 of one of three bot processes mid-wave: every group gets its lesson exactly once, and the dead account\'s groups are taken over', async () => {
  const prefix = newPrefix();
  const redis = new Redis(redisUrl()) as ScriptedRedis;
  defineScripts(redis);
  const store = new RedisStore(redis, { prefix, platform: 'wecom', account: 'district', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });

  // 300 enrolled groups, each owned by one of the three accounts, all three robots present in every one.
  const chatIds: string[] = [];
  for (let i = 0; i < groups; i++) {
    const chatId = `wrscale${i}`;
    const gid = await store.resolveGroup(chatId, '', '');
    await store.saveGroup({ gid, roomId: chatId, topic: `班组${i}`, track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, current: '', team: '', activeSince: 0, options: {}, account: '' });
    await store.claimGroup(gid, accounts[i % 3]);
    for (const a of accounts) await store.notePresent(gid, a);
    chatIds.push(chatId);
  }

  // Each robot's own WeCom server; what each accepted is what that account sent.
  const lessons = new Map<string, string[]>(); // chat id -> the accounts that sent its lesson
  for (const a of accounts) {
    const server = await WecomServer.start(a, `secret-${a}`);
    server.onMessage = (body) => {
      if (body.msgtype === 'markdown' && String(body.markdown.content).includes('【班前十分钟】')) lessons.set(body.chatid, [...(lessons.get(body.chatid) ?? []), a]);
    };
    servers.push(server);
  }
  const epoch = Date.now() + 3000; // the processes' clocks start together, once all are up
  for (const [i, a] of accounts.entries()) {
    const opts = { redisUrl: redisUrl(), prefix, account: a, secret: `secret-${a}`, wsUrl: servers[i].url, botName: `小助手${i + 1}`, start, epoch, speed, failoverMinutes: 2 };
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/scale/botProcess.ts', JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
  }
  const virtual = () => start + (Date.now() - epoch) * speed;
  const until = async (done: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
  };

  // Mid-wave (a third of the lessons out), bot-a's process is killed outright.
  await until(() => lessons.size >= groups / 3, 40_000);
  expect(lessons.size).toBeGreaterThan(0);
  expect(lessons.size).toBeLessThan(groups);
  children[0].kill('SIGKILL');
  const killedAt = virtual();

  await until(() => lessons.size === groups, 45_000);
  // A little longer, so a late duplicate would show.
  await new Promise((r) => setTimeout(r, 3000));

  const missing = chatIds.filter((c) => !lessons.has(c));
  const twice = [...lessons].filter(([, by]) => by.length > 1);
  expect({ missing: missing.length, twice }).toEqual({ missing: 0, twice: [] });
  // bot-a's groups went on from the accounts that took them over, each from one of them.
  const aGroups = await store.groups(await store.accountGroups('bot-a'));
  expect(aGroups).toHaveLength(groups / 3);
  expect(aGroups.every((g) => g.taker === 'bot-b' || g.taker === 'bot-c')).toBe(true);
  const afterKill = aGroups.filter((g) => lessons.get(g.roomId)![0] !== 'bot-a');
  expect(afterKill.length).toBeGreaterThan(0);
  expect(new Set(afterKill.map((g) => lessons.get(g.roomId)![0]))).toEqual(new Set(['bot-b', 'bot-c']));
  // The others' groups never moved.
  expect((await store.groups(await store.accountGroups('bot-b'))).every((g) => !g.taker && lessons.get(g.roomId)![0] === 'bot-b')).toBe(true);
  expect(virtual() - killedAt).toBeGreaterThan(2 * minuteMs);
  redis.disconnect();
});
