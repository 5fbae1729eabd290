import { Command } from 'commander';
import { lessonsCommand } from './lessons.ts';

const program = new Command('banqian')
  .description('班前十分钟：把每日班前课和小测推送到班组微信群')
  .option('-c, --config <file>', '设置文件', 'config/banqian.yaml')
  .showHelpAfterError();

program.addCommand(lessonsCommand());

await program.parseAsync(process.argv);
