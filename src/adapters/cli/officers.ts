import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { hashPassword, loadOfficers, officerPlatforms, saveOfficer, type OfficerPlatform } from '../../config/officers.ts';
import { loadOrg } from '../../config/org.ts';
import { resolveOrg } from './options.ts';

/** Reads a password: hidden at a terminal (asked twice), else the first line of stdin. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  const ask = (q: string) =>
    new Promise<string>((ok) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => {
        if (s.startsWith(q)) process.stdout.write(q); // echo the prompt only, never the password
      };
      rl.question(q, (a) => {
        rl.close();
        process.stdout.write('\n');
        ok(a);
      });
    });
  const first = await ask('密码：');
  if ((await ask('再输一次：')) !== first) throw new Error('两次输入的密码不一样');
  return first;
}

export function officerCommand(): Command {
  const officer = new Command('officer').description('管理看板账号');
  officer
    .command('add')
    .description('添加或更新一名工会干部的看板账号（密码从提示或标准输入读取）')
    .argument('<name>', '姓名（登录名）')
    .requiredOption('--scope <org path>', '可查看的组织范围，如 江都区总工会/江都机械有限公司')
    .option('--wecom <userid>', '企业微信用户 ID（周报和预警私信发到这里）')
    .option('--dingtalk <userid>', '钉钉用户 ID')
    .option('--wechaty <id>', '微信联系人 ID（须是机器人的好友）')
    .option('--email <address>', '邮箱（配置了 SMTP 时周报也发到这里）')
    .option('--no-weekly-report', '不给此人发每周一的周报')
    .action(async (name: string, opts: { scope: string; email?: string; weeklyReport: boolean } & Partial<Record<OfficerPlatform, string>>, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const node = resolveOrg(loadOrg(config.orgFile), opts.scope);
      if (opts.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(opts.email)) throw new Error(`“${opts.email}”不是有效的邮箱`);
      const password = await readPassword();
      if (password.length < 8) throw new Error('密码至少 8 位');
      // Updating an officer keeps the contacts and email not given again.
      const before = loadOfficers(config.officersFile).find((o) => o.name === name.trim());
      const contact = { ...before?.contact, ...Object.fromEntries(officerPlatforms.filter((p) => opts[p]?.trim()).map((p) => [p, opts[p]!.trim()])) };
      const email = opts.email ?? before?.email;
      saveOfficer(config.officersFile, {
        name: name.trim(), scope: node.path, password: hashPassword(password),
        ...(Object.keys(contact).length ? { contact } : {}), ...(email ? { email } : {}), ...(opts.weeklyReport ? {} : { weeklyReport: false }),
      });
      console.log(`已保存：${name.trim()}，范围 ${node.path}（${config.officersFile}）`);
    });
  return officer;
}
