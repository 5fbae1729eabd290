import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisStore } from '../adapters/store/redis/store.ts';
import { RedisRoster } from '../adapters/store/redis/roster.ts';
import type { DashboardOptions } from '../adapters/web/dashboard.ts';
import { RedisSessions } from '../adapters/web/sessions.ts';
import type { Config } from '../config/config.ts';
import { loadOfficers } from '../config/officers.ts';
import type { Stats } from '../core/stats.ts';

/** BANQIAN_SESSION_SECRET, else one generated once and kept under the data dir, so logins survive restarts. */
export function sessionSecret(config: Config): string {
  if (process.env.BANQIAN_SESSION_SECRET) return process.env.BANQIAN_SESSION_SECRET;
  const file = join(config.dataDir, 'session-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** `now` is the bot's clock (virtual under the simulator); sessions and lockouts always use real time. */
export function dashboardOptions(config: Config, stats: Stats, store: RedisStore, now: () => number, simulated = false): DashboardOptions {
  return {
    stats, officers: () => loadOfficers(config.officersFile), sessions: new RedisSessions(store.redis, store.keys), secret: sessionSecret(config),
    now, timezone: config.timezone, https: config.web.https, simulated, codes: new RedisRoster(store),
  };
}
