import { describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import { buildApp } from '../../src/adapters/web/app.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { openStats } from '../../src/app/stats.ts';
import { hashPassword, type Officer } from '../../src/config/officers.ts';
import { loadOrg } from '../../src/config/org.ts';
import { isoWeek, type PkRow, type Star } from '../../src/core/stats.ts';
import { rankNode, renderPk } from '../../src/core/engage/ranking.ts';
import type { Group } from '../../src/core/ports.ts';
import { commandsDuring, newPrefix, redisTest, redisUrl } from '../helpers/redis.ts';
import { createApp } from '../../src/app/compose.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));

/** Lessons of the fixture course in turn: 1 "B", 2 "1A 2C", 3 "AC" (2 points a right answer, 1 a wrong one). */
const right = ['B', '1A 2C', 'AC'];
const wrong = ['A', '1B 2B', 'B'];
const lessonOf: Record<string, number> = { '11-25': 0, '11-26': 1, '11-27': 2, '11-30': 0, '12-01': 1 };

const rooms: [string, string, string[]][] = [
  ['总装车间一班', '张班长', ['李明', '王芳', '赵强']],
  ['总装车间二班', '刘班长', ['孙伟', '周丽', '吴刚']],
  ['机加车间二班', '何班长', ['钱多']],
  ['织造车间甲班', '甲班长', ['小甲']],
  ['织造车间乙班', '乙班长', ['小乙']],
  // Never bound to the org tree: not ranked.
  ['涂装车间三班', '吴班长', ['郑华']],
];

const at = (day: string, hhmm: string) => `2026-${day}T${hhmm}:00+08:00`;
const say = (day: string, hhmm: string, room: string, from: string, text: string) => `  - {at: "${at(day, hhmm)}", room: ${room}, from: ${from}, text: "${text}"}`;
const answer = (day: string, room: string, who: string, ok = true) => say(day, '08:10', room, who, (ok ? right : wrong)[lessonOf[day]]);

const eventAt = (line: string) => /at: "([^"]+)"/.exec(line)![1];

function scenario(until: string, events: string[]): string {
  const setup = rooms.flatMap(([topic, owner], i) => [
    say('11-25', `07:0${i}`, topic, owner, '报名 demo 07:50'),
    ...(topic === '涂装车间三班' ? [] : [say('11-25', `07:1${i}`, topic, owner, `班组 ${topic}`)]),
  ]);
  return [
    `start: "${at('11-25', '06:59')}"`,
    `until: "${until}"`,
    'rooms:',
    ...rooms.map(([topic, owner, members]) => `  - {topic: ${topic}, owner: ${owner}, members: [${members.join(', ')}]}`),
    'events:',
    // In time order; answers of one minute keep their order (the first to speak gets the lower worker id).
    ...[...setup, ...events].sort((a, b) => eventAt(a).localeCompare(eventAt(b))),
  ].join('\n');
}

// Week of 11-23: 总装车间二班 answers 9 of 12 (75%), 一班 7 of 12 (58%). 织造 甲班 and 乙班 both 50%, 乙班 right.
const lastWeek = ['11-25', '11-26', '11-27'].flatMap((d) => [
  ...['孙伟', '周丽', '吴刚'].map((w) => answer(d, '总装车间二班', w)),
  answer(d, '织造车间甲班', '小甲', false),
  answer(d, '织造车间乙班', '小乙'),
  answer(d, '机加车间二班', '钱多'),
  answer(d, '涂装车间三班', '郑华'),
]);
// 李明 speaks first (the lower worker id); he and 王芳 end November on 8 points each, 王芳 on a streak of 3.
const yiban = [
  answer('11-25', '总装车间一班', '李明'),
  answer('11-26', '总装车间一班', '李明'),
  answer('11-26', '总装车间一班', '王芳'),
  answer('11-27', '总装车间一班', '王芳'),
  answer('11-30', '总装车间一班', '李明'),
  answer('11-30', '总装车间一班', '王芳'),
  // Every lesson, always wrong: full attendance, few points.
  ...['11-25', '11-26', '11-27', '11-30'].map((d) => answer(d, '总装车间一班', '赵强', false)),
];

describe('weekly team PK and monthly 学习之星', () => {
  redisTest('each bound group gets its place in its workshop after its first lesson of the week; the star and 全勤 on the first lesson day of a month; the dashboard shows and exports both', async ({ prefix }) => {
    const lines = await runScenario(scenario(at('12-01', '12:00'), [...lastWeek, ...yiban]), { config, prefix });
    const posts = lines.filter((l) => /PK|学习之星|全勤/.test(l.text)).map((l) => ({ at: l.at.slice(5, 16), room: l.room, text: l.text }));
    const lesson = lines.find((l) => l.room === '总装车间一班' && l.at.startsWith('2026-11-30') && l.text.startsWith('【班前十分钟】'))!;
    const pk = posts.filter((p) => p.at.startsWith('11-30'));
    // Never before the week's first lesson.
    expect(pk.every((p) => p.at >= lesson.at.slice(5, 16))).toBe(true);
    expect(pk.map((p) => [p.room, p.text])).toEqual(
      expect.arrayContaining([
        ['总装车间一班', '【本周总装车间 PK：第 2 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 58%，正确率 57%。\n第 1 名 总装车间二班：参与率 75%，正确率 100%。'],
        ['总装车间二班', '【本周总装车间 PK：第 1 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 75%，正确率 100%。\n本群领先，继续保持！'],
        ['机加车间二班', '【本周机加车间 PK：第 1 名 / 共 1 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 100%。\n本群领先，继续保持！'],
        // Equal participation: the correct rate decides.
        ['织造车间乙班', '【本周织造车间 PK：第 1 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 100%。\n本群领先，继续保持！'],
        ['织造车间甲班', '【本周织造车间 PK：第 2 名 / 共 2 个班组】\n上周（11-23 至 11-29）本群参与率 50%，正确率 0%。\n第 1 名 织造车间乙班：参与率 50%，正确率 100%。'],
      ]),
    );
    // One each, and none for the unbound group.
    expect(pk).toHaveLength(5);
    const month = posts.filter((p) => p.at.startsWith('12-01'));
    expect(month.find((p) => p.room === '总装车间一班')?.text).toBe('【11月学习之星】王芳：上月积分 8 分，连续学习 3 次。向 TA 学习！\n11月全勤：赵强，获得“全勤”徽章。');
    // Tuesday is not a new week: no second PK post.
    expect(month.some((p) => p.text.includes('PK'))).toBe(false);
    await checkDashboard(prefix);
  }, 240_000);
});

/** The company officer's org page: the PK of the last full week up to the range's end and the month's stars; their export. */
async function checkDashboard(prefix: string) {
  const { stats, store, close } = openStats(config, redisUrl(), prefix);
  const officers: Officer[] = [{ name: '厂干部', scope: '江都区总工会/江都机械有限公司', password: hashPassword('pw-123456') }];
  const app = buildApp({
    dashboard: {
      stats, officers: () => officers, sessions: new RedisSessions(store.redis, store.keys), secret: 'test-secret-0123456789',
      now: () => Date.parse('2026-12-01T12:00:00+08:00'), timezone: 'Asia/Shanghai',
    },
  });
  try {
    const login = await app.inject({ method: 'POST', url: '/api/login', payload: { name: '厂干部', password: 'pw-123456' } });
    const cookies = { bq_session: login.cookies.find((c) => c.name === 'bq_session')!.value };
    const pk = (await app.inject({ url: '/api/pk?to=2026-11-30', cookies })).json();
    expect(pk.week).toEqual({ week: '2026-W48', from: '2026-11-23', to: '2026-11-29' });
    // The company's groups only (织造 is another company's), ranked together: 75%, 58%, 50%.
    expect(pk.pk.map((r: PkRow) => [r.place, r.room, r.answered, r.expected])).toEqual([
      [1, '总装车间二班', 9, 12],
      [2, '总装车间一班', 7, 12],
      [3, '机加车间二班', 3, 6],
    ]);
    expect(pk.stars.map((s: Star) => [s.room, s.name, s.points, s.streak])).toEqual([
      // Equal points and streaks: by room; within 二班 all tie, and the first to answer (孙伟) is named.
      ['机加车间二班', '钱多', 8, 3],
      ['总装车间二班', '孙伟', 8, 3],
      ['总装车间一班', '王芳', 8, 3],
    ]);
    const yiban = pk.pk.find((r: PkRow) => r.room === '总装车间一班').gid;
    const team = (await app.inject({ url: `/api/team/${yiban}?from=2026-11-25&to=2026-11-30`, cookies })).json();
    expect(team.workers.find((w: { name: string }) => w.name === '赵强').badges).toEqual(['2026年11月全勤']);
    const csv = (await app.inject({ url: '/export/pk.csv?to=2026-11-30', cookies })).body;
    expect(csv).toContain('1,总装车间二班,3,12,9,9,0,75.0%,100.0%,');
    expect(csv).toContain('总装车间一班,王芳,8,3');
    const xlsx = await app.inject({ url: '/export/pk.xlsx?to=2026-11-30', cookies });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['班组PK 2026-W48', '学习之星 2026-11']);
    expect(book.worksheets[0].getRow(2).values).toEqual([undefined, 1, '总装车间二班', 3, 12, 9, 9, 0, 0.75, 1]);
    // Outside the officer's scope.
    expect((await app.inject({ url: '/api/pk?org=江都区总工会', cookies })).statusCode).toBe(403);
  } finally {
    await app.close();
    await close();
  }
}

describe('where a group is ranked, and what its post says', () => {
  const org = loadOrg('config/org.yaml');
  const settings = testConfig().engagement;
  const group = (team: string) => ({ team }) as Group;
  const yiban = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';

  test('by default with the groups of its workshop (level 3); an org node listed in rankAt takes over; unbound groups nowhere', () => {
    expect(rankNode(org, settings, group(yiban))?.path).toBe('江都区总工会/江都机械有限公司/总装车间');
    expect(rankNode(org, { ...settings, rankingLevel: 2 }, group(yiban))?.path).toBe('江都区总工会/江都机械有限公司');
    expect(rankNode(org, { ...settings, rankAt: ['江都区总工会'] }, group(yiban))?.path).toBe('江都区总工会');
    expect(rankNode(org, { ...settings, rankAt: ['江都区总工会/江都纺织有限公司'] }, group(yiban))?.path).toBe('江都区总工会/江都机械有限公司/总装车间');
    // A group bound above the ranking level is ranked with its parent's groups.
    expect(rankNode(org, settings, group('江都区总工会/江都机械有限公司'))?.path).toBe('江都区总工会');
    expect(rankNode(org, settings, group(''))).toBeUndefined();
  });

  test('the change is the participation against the week before', () => {
    const node = org.get('江都区总工会/江都机械有限公司/总装车间')!;
    const row = (gid: number, room: string, place: number, rate: number, previousRate: number | null) =>
      ({ gid, room, place, of: 2, participationRate: rate, correctRate: 0.5, previousRate, lessons: 5, expected: 20, answered: 0, correct: 0, late: 0 });
    const text = renderPk(node, { from: '2026-12-07', to: '2026-12-13' }, [row(1, '二班', 1, 0.9, 0.8), row(2, '一班', 2, 0.6, 0.65)], 2);
    expect(text).toBe('【本周总装车间 PK：第 2 名 / 共 2 个班组】\n上周（12-07 至 12-13）本群参与率 60%（比前一周降 5 个百分点），正确率 50%。\n第 1 名 二班：参与率 90%（比前一周升 10 个百分点），正确率 50%。');
    expect(renderPk(node, { from: '2026-12-07', to: '2026-12-13' }, [row(1, '二班', 1, 0.9, 0.9)], 3)).toBeUndefined();
  });
});

describe('the ranking look', () => {
  test('reads only the groups whose lesson went out lately, never every group; a quiz window shorter than the look still gets its post', async () => {
    let t = Date.parse('2026-12-07T07:00:00+08:00'); // a Monday
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const prefix = newPrefix();
    const app = await createApp({ config: testConfig((c) => ((c.orgFile = 'config/org.yaml'), (c.quiz.windowMinutes = 2))), clock, redisUrl: redisUrl(), prefix, log: silentLog });
    try {
      const world = app.world!;
      world.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明'] });
      // Due 07:53 with a 2-minute window: it opens and closes between the looks at 07:50 and 07:55.
      world.say('张班长', '报名 demo 07:53', '总装车间一班');
      world.say('张班长', '班组 总装车间一班', '总装车间一班');
      await app.chat.idle();
      const [g] = await app.store.activeGroups();
      // Twenty more enrolled groups with nothing going out this morning.
      const others = [];
      for (let i = 0; i < 20; i++) {
        const gid = await app.store.resolveGroup(`other${i}@chatroom`, `其他${i}`, '');
        await app.store.saveGroup({ ...g, gid, roomId: `other${i}@chatroom`, topic: `其他${i}`, time: '16:00', current: '', team: '' });
        others.push(gid);
      }
      // (The first pass after a start looks back a day over every group: that is not the ranking's doing.)
      await runVirtual(app, clock, Date.parse('2026-12-07T07:02:00+08:00'));
      const reads = await commandsDuring(prefix, () => runVirtual(app, clock, Date.parse('2026-12-07T08:30:00+08:00')));
      const groupReads = new Set(reads.filter(([cmd]) => cmd === 'hgetall').map(([, key]) => key));
      expect(others.filter((gid) => groupReads.has(app.store.keys.group(gid)))).toEqual([]);
      // The lesson went out after one look and its quiz was closed by the next (it closes before the hooks run);
      // the week's ranking was still taken for it.
      const push = await app.store.getPush(g.gid, '2026-12-07');
      expect(push?.status).toBe('closed');
      expect(push!.sentAt!).toBeGreaterThan(Date.parse('2026-12-07T07:50:00+08:00'));
      expect(push!.closedAt!).toBeLessThanOrEqual(Date.parse('2026-12-07T07:55:00+08:00'));
      expect(await app.store.onceFor(g.gid, `pk:${isoWeek('2026-12-07').week}`, '2026-12-07')).toBe(false);
    } finally {
      await app.stop();
    }
  });
});
