/**
 * One bot process of the many-accounts fault test (accounts.test.ts): a real app (createApp, the real WeCom
 * robot adapter against the test's local protocol server, the real Redis) on a virtual clock that all the
 * test's processes share: virtual time = start + (real time - epoch) × speed. Options come as JSON in argv[2].
 */
import { pino } from 'pino';
import { createApp } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/config/config.ts';
import { minuteMs } from '../../src/core/time.ts';

const o = JSON.parse(process.argv[2]) as {
  redisUrl: string; prefix: string; account: string; secret: string; wsUrl: string; botName: string;
  start: number; epoch: number; speed: number; failoverMinutes: number;
};
const config = loadConfig('/nonexistent', {});
config.lessonsDir = 'tests/fixtures/lessons';
config.botName = o.botName;
config.channel = { ...config.channel, type: 'wecom-bot', wecomBot: { botId: o.account, secret: o.secret, wsUrl: o.wsUrl, perMinute: 60 } };
config.send = { perMinute: 60, roomGapSeconds: [0, 0] };
config.quiz.ackEveryMinutes = 0;
config.accounts = { failoverMinutes: o.failoverMinutes, identity: 'district' };
const clock = { now: () => o.start + (Date.now() - o.epoch) * o.speed };
const log = pino({ level: process.env.LOG_LEVEL ?? 'error' }, pino.destination(2));
const app = await createApp({ config, clock, redisUrl: o.redisUrl, prefix: o.prefix, log });
process.stdout.write('ready\n');

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
