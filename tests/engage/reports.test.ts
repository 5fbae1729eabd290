import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/app/scenario.ts';
import { simulate, type SentLine } from '../../src/app/simulate.ts';
import { openStats } from '../../src/app/stats.ts';
import { loadOfficers } from '../../src/config/officers.ts';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { parseWeek, responsibleOfficers, teamAlerts, weeklyReport } from '../../src/core/engage/reports.ts';
import type { Group } from '../../src/core/ports.ts';
import { figures } from '../../src/core/stats.ts';
import { addDays, isoWeekday } from '../../src/core/time.ts';
import { runCli } from '../helpers/cli.ts';
import { claimAndOpen } from '../helpers/push.ts';
import { newPrefix, redisTest, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const company = '江都区总工会/江都机械有限公司';
const zongzhuang = `${company}/总装车间/总装车间一班`;
const jijia = `${company}/机加车间/机加车间二班`;

describe('the responsible officer and the week', () => {
  const officers = [
    { name: '张主席', scope: '江都区总工会' },
    { name: '王经理', scope: company },
    { name: '李主任', scope: `${company}/机加车间` },
  ];
  test('is the officer with the narrowest scope above the team', () => {
    expect(responsibleOfficers(officers, jijia).map((o) => o.name)).toEqual(['李主任']);
    expect(responsibleOfficers(officers, zongzhuang).map((o) => o.name)).toEqual(['王经理']);
    expect(responsibleOfficers(officers, '江都区总工会/江都纺织有限公司/织造车间/织造车间甲班').map((o) => o.name)).toEqual(['张主席']);
    // A sibling whose name only starts the same is not within the scope.
    expect(responsibleOfficers([{ name: '钱', scope: `${company}/机加` }, ...officers], jijia).map((o) => o.name)).toEqual(['李主任']);
    expect(responsibleOfficers(officers.slice(1), '江都区总工会/未归属')).toEqual([]);
  });

  test('an ISO week reads as its Monday to Sunday; anything else is refused in words', () => {
    expect(parseWeek('2026-W50')).toEqual({ week: '2026-W50', from: '2026-12-07', to: '2026-12-13' });
    expect(parseWeek('2026-W01')).toEqual({ week: '2026-W01', from: '2025-12-29', to: '2026-01-04' });
    expect(parseWeek('2025-W53')).toHaveProperty('error'); // 2025 has 52 weeks
    expect(parseWeek('2020-W53')).toEqual({ week: '2020-W53', from: '2020-12-28', to: '2021-01-03' });
    for (const bad of ['2026-50', '2026-W00', 'W50', '2026-W5']) expect(parseWeek(bad)).toMatchObject({ error: expect.stringContaining('不是有效的周') });
  });
});

/** A few lines of SMTP, enough for nodemailer to hand over one message; keeps what it received. */
function smtpServer(): Promise<{ server: Server; port: number; mails: { from: string; to: string[]; data: string }[] }> {
  const mails: { from: string; to: string[]; data: string }[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let mail = { from: '', to: [] as string[], data: '' };
    let inData = false;
    socket.write('220 localhost test SMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { from: '', to: [], data: '' };
            socket.write('250 OK queued\r\n');
          } else mail.data += `${line}\r\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 localhost\r\n');
        else if (/^MAIL FROM:/i.test(line)) (mail.from = line.slice(10)), socket.write('250 OK\r\n');
        else if (/^RCPT TO:/i.test(line)) mail.to.push(line.slice(8)), socket.write('250 OK\r\n');
        else if (/^DATA/i.test(line)) (inData = true), socket.write('354 go on\r\n');
        else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, port: (server.address() as { port: number }).port, mails })));
}

/**
 * Three weeks on the WeCom robot (its local protocol server): 总装车间一班 answers every day for a week and then
 * nobody does (a drop); 机加车间二班 answers every day until its leader pauses it on Monday 12-07 (missed pushes).
 */
function scenario(): string {
  const events: string[] = [
    `{at: "2026-11-23T06:40:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}`,
    `{at: "2026-11-23T06:41:00+08:00", room: 机加车间二班, from: 刘组长, text: "报名 demo 07:50"}`,
    `{at: "2026-11-23T06:42:00+08:00", room: 总装车间一班, from: 张班长, text: "班组 总装车间一班"}`,
    `{at: "2026-11-23T06:43:00+08:00", room: 机加车间二班, from: 刘组长, text: "班组 机加车间二班"}`,
    `{at: "2026-11-23T06:44:00+08:00", room: 总装车间一班, from: 张班长, text: "人数 3"}`,
    `{at: "2026-11-23T06:45:00+08:00", room: 机加车间二班, from: 刘组长, text: "人数 2"}`,
    `{at: "2026-12-07T06:00:00+08:00", room: 机加车间二班, from: 刘组长, text: "暂停"}`,
    // 总装车间二班 (no one answers) is paused too, but drop alerts are switched off for it in the settings.
    `{at: "2026-11-23T06:46:00+08:00", room: 总装车间二班, from: 赵班长, text: "报名 demo 07:50"}`,
    `{at: "2026-11-23T06:47:00+08:00", room: 总装车间二班, from: 赵班长, text: "班组 总装车间二班"}`,
    `{at: "2026-11-23T06:48:00+08:00", room: 总装车间二班, from: 赵班长, text: "人数 2"}`,
    `{at: "2026-12-07T06:01:00+08:00", room: 总装车间二班, from: 赵班长, text: "暂停"}`,
    // A restart on a Monday after the reports went: nothing is sent twice.
    `{at: "2026-12-14T09:00:00+08:00", offline_until: "2026-12-14T09:20:00+08:00"}`,
  ];
  for (let day = '2026-11-23'; day <= '2026-12-04'; day = addDays(day, 1)) {
    if (isoWeekday(day) > 5) continue;
    const who = [...(day <= '2026-11-27' ? ['总装车间一班:张班长', '总装车间一班:李明', '总装车间一班:王芳'] : []), '机加车间二班:刘组长', '机加车间二班:孙伟'];
    // Each lesson of the demo track takes one of these answers (one question, two questions, several letters).
    for (const w of who) {
      const [room, from] = w.split(':');
      for (const text of ['1A 2C', 'A']) events.push(`{at: "${day}T08:00:00+08:00", room: ${room}, from: ${from}, text: "${text}"}`);
    }
  }
  return `
start: "2026-11-23T06:30:00+08:00"
until: "2026-12-15T09:00:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [张班长, 李明, 王芳]}
  - {topic: 机加车间二班, owner: 刘组长, members: [刘组长, 孙伟]}
  - {topic: 总装车间二班, owner: 赵班长, members: [赵班长, 钱工]}
events:
${events.sort((a, b) => a.slice(5, 30).localeCompare(b.slice(5, 30))).map((e) => `  - ${e}`).join('\n')}
`;
}

describe('weekly reports and drop alerts from a three-week run', () => {
  const prefix = newPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'banqian-reports-'));
  const reportsDir = join(dir, 'reports');
  const lines: SentLine[] = [];
  let smtp: Awaited<ReturnType<typeof smtpServer>>;

  beforeAll(async () => {
    smtp = await smtpServer();
    const officersFile = join(dir, 'officers.yaml');
    const hash = 'scrypt$16384$8$1$c2FsdA==$aGFzaA==';
    writeFileSync(
      officersFile,
      `officers:
  - {name: 张主席, scope: 江都区总工会, password: "${hash}", contact: {wecom: 张主席}, email: zhang@example.com}
  - {name: 王经理, scope: ${company}, password: "${hash}"}
  - {name: 李主任, scope: ${company}/机加车间, password: "${hash}", contact: {wecom: 李主任, dingtalk: "0123"}, weeklyReport: false}
`,
    );
    const config = testConfig((c) => {
      c.orgFile = 'config/org.yaml';
      c.officersFile = officersFile;
      c.engagement.reportsDir = reportsDir;
      c.engagement.smtp = { url: `smtp://127.0.0.1:${smtp.port}`, from: 'banqian@example.com' };
      c.engagement.off = { [`${company}/总装车间/总装车间二班`]: ['dropAlerts'] };
    });
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, scenario());
    await simulate(loadScenario(file), { config, redisUrl: redisUrl(), prefix, log: silentLog, channel: 'wecom-sim', onLine: (l) => lines.push(l) });
  }, 240_000);

  afterAll(async () => {
    smtp?.server.close();
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const to = (name: string) => lines.filter((l) => l.to === name);

  test('the officer with a contact gets the summary privately each Monday, once a week (a restart included), and by email', () => {
    const reports = to('张主席').filter((l) => l.text.startsWith('【周报】'));
    expect(reports.map((l) => [l.at.slice(0, 16), l.text.split('\n')[0]])).toEqual([
      ['2026-11-23T08:30', '【周报】江都区总工会 2026-W47（11-16 至 11-22）'],
      ['2026-11-30T08:30', '【周报】江都区总工会 2026-W48（11-23 至 11-29）'],
      ['2026-12-07T08:30', '【周报】江都区总工会 2026-W49（11-30 至 12-06）'],
      ['2026-12-14T08:30', '【周报】江都区总工会 2026-W50（12-07 至 12-13）'],
    ]);
    // Week 48: 5 lessons each; in two teams everyone answered (3 + 2 people a day), in the third (2 people) nobody.
    // demo-002, had twice (Tue, Fri), is the lesson "1A 2C" gets all right: 2 of 5 lessons.
    expect(reports[1].text).toContain('参与率 71.4%（参与 25 / 应参与 35 人次），正确率 40.0%，共 15 课次，补学 0 人次，3 个班组');
    expect(reports[1].text).toContain('参与率最低：总装车间二班 0.0%');
    const w50 = reports[3].text;
    // Week 50: 总装车间一班 had 5 lessons with nobody answering; 机加车间二班 was paused.
    expect(w50).toContain('参与率 0.0%（参与 0 / 应参与 15 人次）');
    expect(w50).toContain('总装车间一班：参与率下降');
    expect(w50).toMatch(/机加车间二班：连续 3 次没有推送（12-09、12-10、12-11），可能原因：班组暂停了推送/);
    expect(w50).not.toContain('总装车间二班：'); // its alerts are switched off
    expect(w50).toContain(`完整报表（Excel）：${join(reportsDir, '2026-W50', '张主席.xlsx')}`);
    // 李主任 turned the weekly report off; 王经理 has no contact: neither gets one privately.
    expect(to('李主任').some((l) => l.text.startsWith('【周报】'))).toBe(false);
    expect(to('王经理')).toEqual([]);

    const mails = smtp.mails.filter((m) => m.to.includes('<zhang@example.com>'));
    expect(mails).toHaveLength(4);
    const last = mails.at(-1)!.data;
    expect(last).toMatch(/^Subject: =\?UTF-8\?B\?/m); // Chinese, encoded
    expect(last).toMatch(/Content-Type:\s+application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
    expect(last).toContain(`filename*0*=utf-8''${encodeURIComponent('张主席')}.xlsx`);
    expect(last).toContain('UEsDB'); // the XLSX (a zip), base64
    expect(smtp.mails.every((m) => m.from === '<banqian@example.com>')).toBe(true);
  });

  test('an officer without a contact gets the report as files; the XLSX reads back with plain cells and Chinese headers', async () => {
    const base = join(reportsDir, '2026-W50', '王经理');
    expect(readFileSync(`${base}.txt`, 'utf8')).toMatch(/^【周报】江都机械有限公司 2026-W50/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(`${base}.xlsx`);
    expect(book.worksheets.map((w) => w.name)).toEqual(['概况', '班组', '预警']);
    for (const ws of book.worksheets) {
      expect(ws.name.length).toBeLessThanOrEqual(31);
      ws.eachRow((row) => row.eachCell((c) => expect(c.formula).toBeUndefined()));
    }
    const teams = book.getWorksheet('班组')!;
    expect(teams.getRow(1).values).toEqual([undefined, '班组', '归属', '课次', '应参与', '参与', '全对', '补学', '参与率', '正确率', '近两周参与率', '前两周参与率', '参与率下降']);
    const rows = new Map<string, ExcelJS.CellValue[]>();
    teams.eachRow((row, n) => n > 1 && rows.set(String(row.getCell(1).value), (row.values as ExcelJS.CellValue[]).slice(1)));
    expect(rows.get('总装车间一班')!.slice(0, 7)).toEqual(['总装车间一班', zongzhuang, 5, 15, 0, 0, 0]);
    expect(rows.get('总装车间一班')!.slice(9)).toEqual([0, 1, '是']); // last two weeks 0%, the two before 100%
    expect(rows.get('机加车间二班')!.slice(0, 3)).toEqual(['机加车间二班', jijia, 0]);
    expect(teams.getCell('H2').numFmt).toBe('0.0%');
    const alerts = book.getWorksheet('预警')!;
    expect(alerts.getRow(1).values).toEqual([undefined, '班组', '归属', '类型', '说明']);
    expect([alerts.getCell('A2').value, alerts.getCell('C2').value, alerts.getCell('A3').value, alerts.getCell('C3').value]).toEqual(['机加车间二班', '连续未推送', '总装车间一班', '参与率下降']);
  });

  test('drop alerts go once per episode to the responsible officer: privately where reachable, else to the reports dir', () => {
    const alertsTo = (name: string) => to(name).filter((l) => l.text.startsWith('【预警】'));
    // 机加车间二班's officer is 李主任 (the narrowest scope), told once although the pause goes on for days.
    expect(alertsTo('李主任').map((l) => [l.at.slice(0, 16), l.text])).toEqual([
      ['2026-12-10T08:30', `【预警】机加车间二班：连续 3 次没有推送（12-07、12-08、12-09），可能原因：班组暂停了推送\n（${jijia}）`],
    ]);
    expect(alertsTo('张主席')).toEqual([]);
    // 总装车间一班's is 王经理, who has no contact: the alert is in a file, once.
    const files = ['2026-W49', '2026-W50', '2026-W51'].map((w) => join(reportsDir, w, '王经理.alerts.txt')).filter(existsSync);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('');
    expect(text.match(/总装车间一班：参与率下降/g)).toHaveLength(1);
    expect(text).not.toContain('机加车间二班');
    expect(text).not.toContain('总装车间二班'); // switched off
  });

  test('`banqian report` makes the same report by hand, and says what is wrong with a bad week or org', async () => {
    const out = join(dir, 'by-hand.xlsx');
    const env = { REDIS_URL: redisUrl() };
    // The bot's settings: the same switch for 总装车间二班's alerts.
    const config = join(dir, 'banqian.yaml');
    writeFileSync(config, `orgFile: config/org.yaml\nengagement:\n  off: {"${company}/总装车间/总装车间二班": [dropAlerts]}\n`);
    const args = ['report', '-c', config, '--prefix', prefix, '--week', '2026-W50', '--org', '江都机械有限公司', '--out', out];
    const r = runCli(args, { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stored = readFileSync(join(reportsDir, '2026-W50', '王经理.txt'), 'utf8').split('\n').slice(0, -2).join('\n');
    expect(r.stdout).toContain(stored);
    expect(r.stdout).toContain(`完整报表（Excel）：${out}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.getWorksheet('班组')!.rowCount).toBe(4); // the header and the company's three teams

    const badWeek = runCli(['report', '-c', '/nonexistent', '--prefix', prefix, '--week', '2026-W60'], { env });
    expect(badWeek.code).toBe(1);
    expect(badWeek.stderr).toMatch(/“2026-W60”不是有效的周/);
    const badOrg = runCli(['report', '-c', '/nonexistent', '--prefix', prefix, '--week', '2026-W50', '--org', '不存在的厂'], { env });
    expect(badOrg.code).toBe(1);
    expect(badOrg.stderr).toMatch(/组织架构里没有“不存在的厂”/);
  });

  test('the figures match the report the hook made', async () => {
    const { stats, store, close } = openStats(testConfig((c) => (c.orgFile = 'config/org.yaml')), redisUrl(), prefix);
    try {
      const week = parseWeek('2026-W48');
      if ('error' in week) throw new Error(week.error);
      const r = await weeklyReport(stats, store, stats.org.get(company)!, week, { calendar: { restDays: [], extraWorkDays: [] }, timezone: 'Asia/Shanghai', engagement: testConfig().engagement });
      // Week 48: 总装车间一班 answered Mon–Fri (15 of 15), 机加车间二班 too (10 of 10), 总装车间二班 never (0 of 10).
      expect(r.figures).toMatchObject({ lessons: 15, expected: 35, answered: 25 });
      expect(r.top.map((t) => [t.name, t.figures.participationRate]).sort()).toEqual([['总装车间一班', 1], ['机加车间二班', 1]].sort());
      expect(r.bottom.map((t) => [t.name, t.figures.participationRate])).toEqual([['总装车间二班', 0]]);
      expect(r.alerts).toEqual([]);
      expect(loadOfficers(join(dir, 'officers.yaml')).find((o) => o.name === '李主任')?.contact).toEqual({ wecom: '李主任', dingtalk: '0123' });
    } finally {
      close();
    }
  });
});

describe('the likely cause of missed pushes', () => {
  redisTest('paused, left, skipped as missed, never claimed; a push among the last 3 lesson days is no alert', async ({ prefix }) => {
    const conn = connectRedis(redisUrl());
    const store = new RedisStore(conn, { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
    const schedule = { calendar: { restDays: [], extraWorkDays: [] }, timezone: 'Asia/Shanghai', engagement: testConfig().engagement };
    const causeOf = async (status: Group['status'], setup: (g: Group) => Promise<void> = async () => {}, activeSince = 0) => {
      const gid = await store.resolveGroup(`${status}-${Math.random()}@chatroom`, '一班', '张');
      const group: Group = { gid, roomId: 'r', topic: '一班', track: 'demo', time: '07:50', days: [1, 2, 3, 4, 5], windowMinutes: 120, status, cycleSince: '', cycle: 1, lessons: 0, current: '', team: zongzhuang, activeSince, options: {}, account: '' };
      await store.saveGroup(group);
      await setup(group);
      const team = { kind: 'team' as const, path: zongzhuang, name: '一班', gid, figures: figures({ lessons: 0, expected: 0, answered: 0, correct: 0, late: 0 }), trend: { last2w: null, prev2w: null }, dropped: false, group };
      // As of Monday 12-14: the lesson days 12-10, 12-11 and 12-14.
      return (await teamAlerts(store, team, '2026-12-14', schedule)).map((a) => a.text);
    };
    expect(await causeOf('paused')).toEqual(['一班：连续 3 次没有推送（12-10、12-11、12-14），可能原因：班组暂停了推送']);
    expect(await causeOf('left')).toEqual([expect.stringMatching(/可能原因：机器人已不在群里/)]);
    expect(await causeOf('active')).toEqual([expect.stringMatching(/可能原因：没有推送记录/)]);
    const skipped = (g: Group) => store.skipPush(g.gid, '2026-12-11', 0, 'missed').then(() => {});
    expect(await causeOf('active', skipped)).toEqual([expect.stringMatching(/可能原因：到点时聊天通道断开或机器人没有运行/)]);
    expect(await causeOf('active', (g) => claimAndOpen(store, g, { gid: g.gid, day: '2026-12-10', kind: 'lesson' }))).toEqual([]);
    // Enrolled on Thursday 12-10 after its push time: only 12-11 and 12-14 were due, not yet 3.
    expect(await causeOf('active', async () => {}, Date.parse('2026-12-10T09:00:00+08:00'))).toEqual([]);
    conn.disconnect();
  });
});
