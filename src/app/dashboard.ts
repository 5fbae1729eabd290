import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardOptions } from '../adapters/web/dashboard.ts';
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

export function dashboardOptions(config: Config, stats: Stats, now: () => number): DashboardOptions {
  return { stats, officers: () => loadOfficers(config.officersFile), secret: sessionSecret(config), now, timezone: config.timezone };
}
