/**
 * How fast the simulator runs: wall seconds for a week of 10 groups (`simulate()`, as `banqian simulate` runs a
 * scenario: every virtual minute ticks, every message goes out at its time, workers answer) and for the
 * 2,000-group morning of the wave part (its run is shared when both parts run in one process).
 *
 *   npx tsx bench/parts/simulate.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { simulate } from '../../src/app/simulate.ts';
import type { Scenario } from '../../src/app/scenario.ts';
import { loadConfig } from '../../src/config/config.ts';
import { runWave } from './wave.ts';

const goalWeekSec = 5;
let cpuSec = 0;

/** Monday 07:00 to the next Monday 07:00: 10 groups enrol at 07:0x and answer each day's quiz. */
function week(): Scenario {
  const start = Date.parse('2026-12-07T07:00:00+08:00');
  const rooms = Array.from({ length: 10 }, (_, i) => ({ topic: `班组${i + 1}`, owner: `班长${i + 1}`, members: [`组员${i + 1}甲`, `组员${i + 1}乙`] }));
  const events: Scenario['events'] = rooms.map((r, i) => ({ kind: 'say', at: start + (i + 1) * 60_000, room: r.topic, from: r.owner, text: `报名 07:${String(30 + i * 2).padStart(2, '0')}` }));
  for (let d = 0; d < 5; d++) {
    for (const r of rooms) events.push({ kind: 'say', at: start + d * 86_400_000 + 90 * 60_000, room: r.topic, from: r.members[0], text: 'A' });
  }
  return { start, until: start + 7 * 86_400_000, rooms, events: events.sort((a, b) => a.at - b.at) };
}

export async function measure(): Promise<{ results: Record<string, unknown>; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-bench-sim-'));
  const server = await startRedisServer({ dir, aof: false });
  let lessons = 0;
  let weekSec: number;
  let commandsPerMinute: number;
  let ticks: number;
  try {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    ({ ticks } = await simulate(week(), { config: loadConfig('/nonexistent', {}), redisUrl: server.url, log: pino({ level: 'silent' }), onLine: (l) => void (l.text.startsWith('【班前十分钟】') && lessons++) }));
    weekSec = Math.round((performance.now() - started) / 100) / 10;
    const cpu = process.cpuUsage(cpuStart);
    cpuSec = Math.round((cpu.user + cpu.system) / 1e5) / 10;
    // The private server saw only this run: its commands per virtual minute are what each tick costs.
    const redis = new Redis(server.url);
    const stats = await redis.info('commandstats');
    redis.disconnect();
    const calls = [...stats.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    commandsPerMinute = Math.round(calls / (7 * 24 * 60));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const wave = await runWave();
  return {
    results: { simulate: { week10GroupsSec: weekSec, wave2000Sec: wave.wallSec } },
    lines: [
      '### Simulator speed',
      '',
      `Method: wall seconds of \`simulate()\` for a week (Monday 07:00 to Monday 07:00) of 10 groups that enrol, get their lessons and answer (${lessons} lessons sent); and of the wave part's 06:40–09:00 morning of ${wave.groups} groups across ${wave.accounts} apps, seeding excluded.`,
      '',
      '| figure | measured | goal | met |',
      '|---|---|---|---|',
      `| a week of 10 groups | ${weekSec} s | < ${goalWeekSec} s | ${weekSec < goalWeekSec ? 'yes' : 'no'} |`,
      `| the ${wave.groups}-group morning | ${wave.wallSec} s | (145 s before this issue, one account) | — |`,
      '',
      weekSec < goalWeekSec
        ? `The simulator skips the virtual minutes in which nothing can happen (App.nextWork): ${ticks} ticks of the week's 10,080 minutes, about ${commandsPerMinute} Redis commands per virtual minute on average; ${cpuSec} s of CPU in ${weekSec} s.`
        : `Why the week is slower than its goal: ${ticks} ticks of the week's 10,080 minutes, about ${commandsPerMinute} Redis commands per virtual minute on average; the process used ${cpuSec} s of CPU in ${weekSec} s, the rest waiting for Redis.`,
      '',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify((await measure()).results));
