/**
 * The morning wave: 2,000 groups across 10 bot accounts, all due between 07:30 and 08:00, through the real
 * scheduler and send queues. Ten apps (createApp, as `banqian start` builds it), each with its own account and
 * an in-memory channel that records what it sends, share one private redis-server and one virtual clock; the
 * groups are assigned to the accounts beforehand. The clock moves from 06:40 to 09:00 as the simulator moves
 * it: a scheduling tick of every app at every minute, each queued message at its own time.
 *
 *   npx tsx bench/parts/wave.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { wechatyCaps } from '../../src/adapters/chat/wechaty/caps.ts';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { createApp, type App } from '../../src/app/compose.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Channel } from '../../src/core/channel.ts';
import type { Group } from '../../src/core/ports.ts';
import { instantOf, minuteMs } from '../../src/core/time.ts';

const groups = Number(process.env.BENCH_WAVE_GROUPS ?? 2000);
const accounts = 10;
const day = '2026-12-07'; // a Monday
const tz = 'Asia/Shanghai';

export interface WaveRun {
  groups: number;
  accounts: number;
  duplicates: number;
  missed: number;
  maxPerMinute: number;
  onTimeShare: number;
  /** Wall seconds the simulated morning took (seeding excluded). */
  wallSec: number;
  latestMinutesLate: number;
}

/** A chat that only records what the bot sends: one per account. */
function recordingChannel(onSend: (label: string) => void): Channel {
  return {
    caps: wechatyCaps,
    start: async () => {},
    stop: async () => {},
    onMessage: () => {},
    onCardAnswer: () => {},
    onStatus: () => {},
    send: async (target: { label: string }) => onSend(target.label),
    members: async () => [],
    idle: async () => {},
  } as unknown as Channel;
}

let once: Promise<WaveRun> | undefined;

/** The wave, run once per process (the simulate part reports its wall time too). */
export function runWave(): Promise<WaveRun> {
  once ??= run();
  return once;
}

async function run(): Promise<WaveRun> {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-wave-'));
  const server = await startRedisServer({ dir, aof: false });
  const config = loadConfig('/nonexistent', {});
  // Every part of the loop stays in: reminders are indexed by time, acknowledgements read only the quizzes a
  // process recorded answers for.
  let t = Date.parse(`${day}T06:40:00+08:00`);
  const clock = { now: () => t };
  const sends: { account: number; room: string; at: number }[] = [];
  const apps: App[] = [];
  try {
    for (let a = 0; a < accounts; a++) {
      apps.push(
        await createApp({
          config, clock, redisUrl: server.url, prefix: 'wave', log: pino({ level: 'silent' }), random: seededRandom(a + 1), redisTimeBeats: false,
          channel: async () => ({ channel: recordingChannel((room) => sends.push({ account: a, room, at: t })), platform: 'wechaty', account: `robot-${a}` }),
        }),
      );
    }
    const store = apps[0].store;
    const due = new Map<number, number>();
    for (let i = 0; i < groups; i++) {
      const room = `r${i}@chatroom`;
      const gid = await store.resolveGroup(room, `班组${i}`, '');
      const minute = 30 + Math.floor((i * 31) / groups); // 07:30 … 08:00
      const time = minute === 60 ? '08:00' : `07:${String(minute).padStart(2, '0')}`;
      const g: Group = {
        gid, roomId: room, topic: `班组${i}`, track: config.defaultCourse, time, days: [1, 2, 3, 4, 5], windowMinutes: 120, status: 'active',
        cycleSince: '', cycle: 1, lessons: 0, current: '', team: '', activeSince: 0, account: `robot-${i % accounts}`, options: {},
      };
      await store.saveGroup(g);
      due.set(gid, instantOf(day, time, tz));
    }

    const started = performance.now();
    const until = Date.parse(`${day}T09:00:00+08:00`);
    let nextTick = Math.ceil(t / minuteMs) * minuteMs;
    for (;;) {
      const next = Math.min(nextTick, ...apps.map((a) => a.queue.nextAt() ?? Infinity));
      if (next >= until) break;
      t = Math.max(t, next);
      if (t >= nextTick) {
        await Promise.all(apps.map((a) => a.bot.tick()));
        nextTick = Math.floor(t / minuteMs) * minuteMs + minuteMs;
      }
      await Promise.all(apps.map((a) => a.pump()));
    }
    const wallSec = (performance.now() - started) / 1000;

    const pushes = await Promise.all([...due.keys()].map((gid) => store.getPush(gid, day)));
    const sent = pushes.filter((p) => p?.sentAt !== undefined);
    const perRoom = new Map<string, number>();
    const perMinute = new Map<string, number>();
    for (const s of sends) {
      perMinute.set(`${s.account}:${Math.floor(s.at / minuteMs)}`, (perMinute.get(`${s.account}:${Math.floor(s.at / minuteMs)}`) ?? 0) + 1);
      perRoom.set(s.room, (perRoom.get(s.room) ?? 0) + 1);
    }
    // A push's messages are recorded in its hash: a room that got more lesson messages than its push has was sent one twice.
    let duplicates = 0;
    for (const p of pushes) {
      if (!p || p.sentAt === undefined) continue;
      const messages = (await store.pushMessages(p))!.messages.length;
      duplicates += Math.max(0, (perRoom.get(`班组${p.gid - 1}`) ?? 0) - messages);
    }
    const onTime = sent.filter((p) => p!.sentAt! <= due.get(p!.gid)!).length;
    const latest = Math.max(0, ...sent.map((p) => p!.sentAt! - due.get(p!.gid)!));
    return {
      groups, accounts, duplicates, missed: groups - sent.length, maxPerMinute: Math.max(...perMinute.values()),
      onTimeShare: Math.round((onTime / groups) * 1000) / 1000, wallSec: Math.round(wallSec * 10) / 10, latestMinutesLate: Math.ceil(latest / minuteMs),
    };
  } finally {
    for (const a of apps) await a.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measure(): Promise<{ results: Record<string, unknown>; lines: string[] }> {
  const r = await runWave();
  const { wallSec: _wall, latestMinutesLate, ...wave } = r;
  const rate = wechatyCaps.perMinute;
  return {
    results: { wave },
    lines: [
      '### The morning wave',
      '',
      `Method: ${r.groups} groups across ${r.accounts} accounts (assigned beforehand), due 07:30–08:00, through ${r.accounts} apps built by createApp (the real scheduler and send queues) on one redis-server and one virtual clock, 06:40–09:00; each account's channel records what it sends.`,
      '',
      `| figure | measured | target | met |`,
      `|---|---|---|---|`,
      `| duplicates | ${r.duplicates} | 0 | ${r.duplicates === 0 ? 'yes' : 'no'} |`,
      `| missed (no lesson) | ${r.missed} | 0 | ${r.missed === 0 ? 'yes' : 'no'} |`,
      `| most messages one account sent in a minute | ${r.maxPerMinute} | ≤ ${rate} (the account's rate) | ${r.maxPerMinute <= rate ? 'yes' : 'no'} |`,
      `| share delivered by its time | ${(r.onTimeShare * 100).toFixed(1)} % | 100 % where capacity allows | ${r.onTimeShare === 1 ? 'yes' : `no: the latest was ${latestMinutesLate} min late`} |`,
      '',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await runWave()));
