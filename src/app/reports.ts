import { reportOutput } from '../adapters/report/output.ts';
import type { Config } from '../config/config.ts';
import { loadOfficers } from '../config/officers.ts';
import type { BotDeps } from '../core/bot/deps.ts';
import { officerReports } from '../core/engage/reports.ts';
import type { Store } from '../core/ports.ts';
import { Stats } from '../core/stats.ts';

/** The officers' weekly reports and drop alerts, as the running bot sends them. */
export function officerReportsFor(deps: BotDeps, config: Config, store: Store, platform: string) {
  return officerReports(deps, {
    officers: () => loadOfficers(config.officersFile),
    platform,
    stats: new Stats(store, deps.org, config.points),
    output: reportOutput(config.engagement.reportsDir, config.engagement.smtp),
  });
}
