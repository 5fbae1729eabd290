import { reportOutput } from '../adapters/report/output.ts';
import type { Config } from '../config/config.ts';
import { loadOfficers } from '../config/officers.ts';
import type { BotDeps } from '../core/bot/deps.ts';
import { officerReports, responsibleOfficers, tellOfficers } from '../core/engage/reports.ts';
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

/** Tells the officers responsible for a team (by org path) something, as alerts are told (see tellOfficers). */
export function officerNoticeFor(deps: BotDeps, config: Config, platform: string) {
  const output = reportOutput(config.engagement.reportsDir, config.engagement.smtp);
  return async (id: string, team: string, message: string, day: string): Promise<void> => {
    const officers = team ? responsibleOfficers(loadOfficers(config.officersFile), team) : [];
    if (!officers.length) deps.log.warn({ team, message }, 'officer notice with no officer responsible for the team');
    await tellOfficers(deps, { platform, output }, id, officers, message, day);
  };
}
