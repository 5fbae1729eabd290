/**
 * One bot process of the fault tests (accounts.test.ts, clockStep.test.ts): a real app (createApp, the real
 * WeCom robot adapter against the test's local protocol server, the real Redis) on a virtual clock that all
 * the test's processes share: virtual time = start + (real time - epoch) × speed. Options come as JSON in
 * argv[2]. A line `{"stepMs": n}` on stdin steps this process's clock by n ms; it answers `stepped`.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createApp } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/config/config.ts';
import { minuteMs } from '../../src/core/time.ts';

const o = JSON.parse(process.argv[2]) as {
  redisUrl: string; prefix: string; account: string; secret: string; wsUrl: string; botName: string;
  start: number; epoch: number; speed: number; failoverMinutes: number;
  /** Liveness by Redis's clock, as production has it (compose turns it on only for the system clock). */
  redisTimeBeats?: boolean;
};
const config = loadConfig('/nonexistent', {});
config.lessonsDir = 'tests/fixtures/lessons';
config.botName = o.botName;
config.channel = { ...config.channel, type: 'wecom-bot', wecomBot: { botId: o.account, secret: o.secret, wsUrl: o.wsUrl, perMinute: 60 } };
config.send = { perMinute: 60, roomGapSeconds: [0, 0] };
config.quiz.ackEveryMinutes = 0;
config.accounts = { failoverMinutes: o.failoverMinutes, identity: 'district' };
let stepped = 0;
const clock = { now: () => o.start + stepped + (Date.now() - o.epoch) * o.speed };
const log = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const app = await createApp({ config, clock, redisUrl: o.redisUrl, prefix: o.prefix, log, redisTimeBeats: o.redisTimeBeats });
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  stepped += (JSON.parse(line) as { stepMs: number }).stepMs;
  process.stdout.write('stepped\n');
});

// The daily loop at every virtual minute, the send queue as often as it has something due.
let minute = -1;
let busy = false;
setInterval(async () => {
  if (busy) return;
  busy = true;
  try {
    const m = Math.floor(clock.now() / minuteMs);
    if (m !== minute) {
      minute = m;
      await app.tick();
    }
    await app.pump();
  } finally {
    busy = false;
  }
}, 10);
