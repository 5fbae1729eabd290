import { Command } from 'commander';
import { defaultConfigFile } from '../../config/config.ts';
import { lessonsCommand } from './lessons.ts';
import { simulateCommand } from './simulate.ts';
import { startCommand } from './start.ts';
import { statsCommand } from './stats.ts';
import { teamCommand } from './team.ts';
import { rosterCommand } from './roster.ts';
import { officerCommand } from './officers.ts';
import { reportCommand } from './report.ts';
import { dashboardCommand } from './dashboard.ts';
import { capacityCommand } from './capacity.ts';
import { archiveCommand } from './archive.ts';

const program = new Command('banqian')
  .description('班前十分钟：把每日班前课和小测推送到班组微信群')
  .option('-c, --config <file>', '设置文件', defaultConfigFile)
  .showHelpAfterError();

program.addCommand(lessonsCommand());
program.addCommand(simulateCommand());
program.addCommand(startCommand());
program.addCommand(statsCommand());
program.addCommand(teamCommand());
program.addCommand(rosterCommand());
program.addCommand(officerCommand());
program.addCommand(dashboardCommand());
program.addCommand(reportCommand());
program.addCommand(capacityCommand());
program.addCommand(archiveCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Bad input (config, scenario, dates) is reported as a plain message, not a stack trace.
  console.error(err instanceof Error ? err.message : String(err));
  // Exit now: a half-started puppet or client must not keep a failed command hanging.
  process.exit(1);
}
