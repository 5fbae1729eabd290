import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { readRoster } from '../../src/adapters/cli/roster.ts';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisRoster } from '../../src/adapters/store/redis/roster.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { loadOrg } from '../../src/config/org.ts';
import { runCli } from '../helpers/cli.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { workDir } from '../helpers/workDir.ts';

const org = loadOrg('config/org.yaml');
const team1 = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
const team2 = '江都区总工会/江都纺织有限公司/织造车间/织造车间甲班';
const expected = [
  { id: 'wang01', name: '王芳', team: team1 },
  { id: '10023', name: '李明', team: team2 },
];
const csvText = '用户ID,姓名,班组\r\nwang01,王芳,总装车间一班\r\n10023,李明,江都区总工会/江都纺织有限公司/织造车间/织造车间甲班\r\n';

function file(name: string, bytes: string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'banqian-roster-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('roster files', () => {
  test('xlsx with Chinese headers: numeric ids read as Excel shows them, teams by unique name or path', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('花名册');
    sheet.addRow(['序号', '姓名', '用户ID', '班组']);
    sheet.addRow([1, '王芳', 'wang01', '总装车间一班']);
    sheet.addRow([2, '李明', 10023, team2]);
    const path = join(mkdtempSync(join(tmpdir(), 'banqian-roster-')), 'members.xlsx');
    await book.xlsx.writeFile(path);
    expect(await readRoster(path, org)).toEqual(expected);
  });

  test('CSV in UTF-8, UTF-8 with a BOM, and GB18030 (what Excel and WPS save on Chinese Windows) read alike', async () => {
    // The same text in GB18030, as Python's "…".encode('gb18030') gives it.
    const gb = Buffer.from(
      'd3c3bba749442cd0d5c3fb2cb0e0d7e90d0a77616e6730312ccdf5b7bc2cd7dcd7b0b3b5bce4d2bbb0e00d0a3130303233' +
        '2cc0eec3f72cbdadb6bcc7f8d7dcb9a4bbe12fbdadb6bcb7c4d6afd3d0cfdeb9abcbbe2fd6afd4ecb3b5bce42fd6afd4ecb3b5bce4bcd7b0e00d0a',
      'hex',
    );
    expect(new TextDecoder('gb18030').decode(gb)).toBe(csvText);
    for (const bytes of [csvText, `\uFEFF${csvText}`, gb]) expect(await readRoster(file('members.csv', bytes), org)).toEqual(expected);
  });

  test('English headers, quoted cells with commas, blank lines and extra columns', async () => {
    const csv = 'name,note,userid,team\n"王芳","组长, 安全员",wang01,总装车间一班\n\n李明,,10023,织造车间甲班\n';
    expect(await readRoster(file('m.csv', csv), org)).toEqual(expected);
  });

  test('every bad row is reported as file:row in Chinese, and nothing is returned', async () => {
    const path = file('bad.csv', '用户ID,姓名,班组\nwang01,王芳,总装车间一班\nli02,,总装车间一班\nzhao03,赵强,不存在的班\nsun04,孙伟,总装车间\nwang01,王芳芳,总装车间二班\n');
    await expect(readRoster(path, org)).rejects.toThrow(
      [
        `${path}:3: 错误：缺少姓名`,
        `${path}:4: 错误：组织架构里没有“不存在的班”。请写名称或完整路径，顶层是“江都区总工会”，路径用“/”连接。`,
        `${path}:5: 错误：“总装车间”不是班组（班组是组织架构最末一级）`,
        `${path}:6: 错误：用户ID“wang01”与第 2 行重复`,
        '花名册有 4 处错误，没有导入任何内容。',
      ].join('\n'),
    );
    const noHeader = file('h.csv', '编号,姓名\n1,王芳\n');
    await expect(readRoster(noHeader, org)).rejects.toThrow(`${noHeader}:1: 错误：表头缺少“用户ID”列（可写：用户ID、用户id、账号、成员账号、userid、user id、id）`);
    await expect(readRoster(file('m.txt', csvText), org)).rejects.toThrow('花名册只支持 .xlsx 和 .csv 文件');
    await expect(readRoster(file('m.xlsx', csvText), org)).rejects.toThrow('不是有效的 .xlsx 文件');
  });
});

describe('roster import command', () => {
  const orgYaml = 'name: 江都区总工会\nchildren:\n  - name: 总装车间\n    children: [{name: 总装车间一班}, {name: 总装车间二班}]\n';

  redisTest('on a WeCom robot deployment the roster is stored under the robot\'s identity, where the bot looks up its user ids', async ({ prefix }) => {
    const dir = workDir({ 'config/org.yaml': orgYaml, 'config/banqian.yaml': 'channel: {type: wecom-bot, wecomBot: {botId: bot-x}}\n' });
    const r = runCli(['roster', 'import', file('wecom.csv', '用户ID,姓名,班组\nzhangsan,张三,总装车间一班\n'), '--prefix', prefix], { cwd: dir, env: { REDIS_URL: redisUrl() } });
    expect(r.stderr).toBe('');
    const points = { correct: 2, answered: 1, late: 1 };
    const asBot = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wecom', account: 'bot-x', unstableIds: false, points });
    const asWechat = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points });
    try {
      expect(await new RedisRoster(asBot).names(['zhangsan'])).toEqual(['张三']);
      expect(await new RedisRoster(asWechat).names(['zhangsan'])).toEqual([undefined]);
    } finally {
      asBot.redis.disconnect();
      asWechat.redis.disconnect();
    }
  });

  redisTest('a bad file writes nothing; a good one replaces the roster and renames known workers', async ({ redis, prefix }) => {
    const dir = workDir({ 'config/org.yaml': orgYaml });
    const env = { REDIS_URL: redisUrl() };
    const bad = file('bad.csv', '用户ID,姓名,班组\nu1,王芳,总装车间一班\nu2,李明,总装车间\n');
    const r1 = runCli(['roster', 'import', bad, '--prefix', prefix], { cwd: dir, env });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`${bad}:3: 错误：“总装车间”不是班组`);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);

    // A WeCom-style worker known only by id before the import.
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wechaty', account: 'mock', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
    const roster = new RedisRoster(store);
    try {
      const wid = await store.resolveWorker(1, 'u1', 'u1');
      const good = file('good.csv', '用户ID,姓名,班组\nu1,王芳,总装车间一班\nu2,李明,总装车间一班\nu3,赵强,总装车间二班\n');
      const r2 = runCli(['roster', 'import', good, '--prefix', prefix], { cwd: dir, env });
      expect(r2.stderr).toBe('');
      expect(r2.stdout).toBe('已导入花名册：3 人，2 个班组。\n');
      expect(await roster.names(['u1', 'u2', 'u3', 'u4'])).toEqual(['王芳', '李明', '赵强', undefined]);
      expect((await roster.team('江都区总工会/总装车间/总装车间一班')).map((e) => e.name)).toEqual(['王芳', '李明']);
      expect(await store.workerNames([wid])).toEqual(['王芳']);

      // Importing again replaces the roster: u2 left, u3 moved.
      runCli(['roster', 'import', file('again.csv', '用户ID,姓名,班组\nu1,王芳,总装车间一班\nu3,赵强,总装车间一班\n'), '--prefix', prefix], { cwd: dir, env });
      expect(await roster.names(['u2'])).toEqual([undefined]);
      expect((await roster.team('江都区总工会/总装车间/总装车间一班')).map((e) => e.id)).toEqual(['u1', 'u3']);
      expect(await roster.team('江都区总工会/总装车间/总装车间二班')).toEqual([]);
    } finally {
      store.redis.disconnect();
    }
  });

  redisTest('names heard on the platform fill the roster; an imported name wins', async ({ prefix }) => {
    const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'dingtalk', account: 'robot1', unstableIds: false, points: { correct: 2, answered: 1, late: 1 } });
    const roster = new RedisRoster(store);
    try {
      await roster.heard('s1', '小王');
      await roster.heard('s2', '小李');
      await roster.heard('s2', '李明');
      expect(await roster.names(['s1', 's2'])).toEqual(['小王', '李明']);
      await roster.replace([{ id: 's1', name: '王芳', team: 'x' }]);
      await roster.heard('s1', '小王王');
      expect(await roster.names(['s1'])).toEqual(['王芳']);
      expect(await roster.importedNames(['s1', 's2'])).toEqual(['王芳', undefined]);
      // Another platform's or account's roster is someone else's.
      const other = new RedisRoster(new RedisStore(store.redis, { ...store.opts, account: 'robot2' }));
      expect(await other.names(['s1', 's2'])).toEqual([undefined, undefined]);
    } finally {
      store.redis.disconnect();
    }
  });
});
