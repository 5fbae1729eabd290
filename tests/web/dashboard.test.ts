import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { dashboardOptions } from '../../src/app/dashboard.ts';
import { openStats } from '../../src/app/stats.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import type { DashboardOptions } from '../../src/adapters/web/dashboard.ts';
import { RedisSessions } from '../../src/adapters/web/sessions.ts';
import { hashPassword, loadOfficers, type Officer } from '../../src/config/officers.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { seedTwoDays, statsConfig } from '../stats/seed.ts';

const company = '江都区总工会/江都机械有限公司';
const password = 'correct horse 1';
const lockMs = 15 * 60_000;
const officers: Officer[] = [
  { name: '区干部', scope: '江都区总工会', password: hashPassword(password) },
  { name: '厂干部', scope: company, password: hashPassword(password) },
];

/**
 * The dashboard over a seeded prefix. `clock` is the bot's (virtual) clock, `wall` the real one for sessions and
 * lockouts; the test moves both.
 */
function dashboardFor(prefix: string, list: Officer[] = officers, extra: Partial<DashboardOptions> = {}) {
  const clock = { t: Date.parse('2026-12-08T18:00:00+08:00') };
  const wall = { t: Date.parse('2026-11-20T09:00:00Z') };
  const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
  const options: DashboardOptions = {
    stats, officers: () => list, sessions: new RedisSessions(store.redis, store.keys), secret: 'test-secret-0123456789',
    now: () => clock.t, wallNow: () => wall.t, timezone: 'Asia/Shanghai', ...extra,
  };
  const app = buildApp({ dashboard: options });
  const login = async (name: string, pw = password) => app.inject({ method: 'POST', url: '/api/login', payload: { name, password: pw } });
  const cookieOf = async (name: string) => {
    const res = await login(name);
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'bq_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    return { bq_session: c.value };
  };
  /** A group's id, as the root officer's /api/stats lists it. */
  const gidOf = async (room: string, cookies: Record<string, string>) => {
    const teams = (await app.inject({ url: '/api/stats?from=2026-12-01&to=2026-12-31', cookies })).json().teams as { room: string; gid: number }[];
    return teams.find((t) => t.room === room)!.gid;
  };
  return { app, clock, wall, options, login, cookieOf, gidOf, close: async () => (await app.close(), close()) };
}

async function workbook(payload: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(payload as unknown as ArrayBuffer);
  return book;
}

describe('dashboard access', () => {
  redisTest('without a session: pages redirect to login, the API answers 401', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      for (const url of ['/', '/org?path=x', '/team/1', '/lesson/1/2026-12-07']) {
        const res = await d.app.inject(url);
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      }
      for (const url of ['/api/session', '/api/overview', '/api/team/1', '/api/lesson/1/2026-12-07', '/api/stats', '/export/overview.csv', '/export/team/1.xlsx']) {
        expect((await d.app.inject(url)).statusCode).toBe(401);
      }
      expect((await d.app.inject({ url: '/api/overview', cookies: { bq_session: 'forged.value' } })).statusCode).toBe(401);
      expect((await d.app.inject('/login')).statusCode).toBe(200);
      expect((await d.app.inject('/assets/echarts.min.js')).statusCode).toBe(200);
    } finally {
      await d.close();
    }
  });

  redisTest('an officer sees only their subtree: other nodes and teams answer 403', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('厂干部');
      const get = (url: string) => d.app.inject({ url, cookies });
      expect((await get('/api/session')).json()).toEqual({ name: '厂干部', scope: company, today: '2026-12-08', simulated: false });
      const own = await get('/api/overview?from=2026-12-07&to=2026-12-08');
      expect(own.statusCode).toBe(200);
      expect(own.json().figures).toMatchObject({ lessons: 4, expected: 14, answered: 4, correct: 3, late: 1 });
      expect(own.json().breadcrumb).toEqual([{ path: company, name: '江都机械有限公司' }]);
      expect((await get(`/api/overview?org=${encodeURIComponent('江都区总工会')}`)).statusCode).toBe(403);
      expect((await get(`/api/overview?org=${encodeURIComponent('江都区总工会/江都纺织有限公司')}`)).statusCode).toBe(403);
      expect((await get(`/api/stats?org=${encodeURIComponent('江都区总工会/未归属')}`)).statusCode).toBe(403);
      const teams = (await d.app.inject({ url: '/api/stats?from=2026-12-01&to=2026-12-31', cookies })).json().teams as { room: string; gid: number }[];
      expect(teams.map((t) => t.room).sort()).toEqual(['总装车间一班', '机加车间二班']);
      const root = await d.cookieOf('区干部');
      const all = (await d.app.inject({ url: '/api/stats?from=2026-12-01&to=2026-12-31', cookies: root })).json().teams as { room: string; gid: number }[];
      const unbound = all.find((t) => t.room === '涂装车间三班')!;
      expect((await get(`/api/team/${unbound.gid}`)).statusCode).toBe(403);
      expect((await get(`/api/lesson/${unbound.gid}/2026-12-07`)).statusCode).toBe(403);
      expect((await get(`/export/team/${unbound.gid}.csv`)).statusCode).toBe(403);
      const mine = teams.find((t) => t.room === '总装车间一班')!;
      const team = (await get(`/api/team/${mine.gid}?from=2026-12-07&to=2026-12-08`)).json();
      expect(team.workers.find((w: { name: string }) => w.name === '李明')).toEqual({ name: '李明', room: '总装车间一班', answered: 2, correct: 2, points: 6, streak: 2, badges: [] });
      expect(team.notAnsweredToday).toEqual(['=HYPERLINK(1)', '王芳']);
      // The course as the leader enrolled it, with its round: shown on the team page.
      expect(team.course).toEqual({ id: 'demo', title: '测试课程', cycle: 1, lessons: expect.any(Number) });
      expect(team.course.lessons).toBeGreaterThanOrEqual(2);
      const lesson = (await get(`/api/lesson/${mine.gid}/2026-12-07`)).json();
      expect(lesson.questions[0].options.map((o: { count: number }) => o.count)).toEqual([1, 1, 0]);
      expect((await get('/api/overview?from=2026-12-09&to=2026-12-01')).statusCode).toBe(400);
    } finally {
      await d.close();
    }
  });

  redisTest('five wrong passwords lock the account for 15 minutes', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      for (let i = 0; i < 5; i++) expect((await d.login('厂干部', 'wrong')).statusCode).toBe(401);
      const locked = await d.login('厂干部');
      expect(locked.statusCode).toBe(423);
      expect(locked.json().error).toMatch(/锁定/);
      expect((await d.login('区干部')).statusCode).toBe(200); // only that account is locked
      d.wall.t += 14 * 60_000;
      d.clock.t += 2 * 86_400_000; // a simulator fast-forward does not lift the lock
      expect((await d.login('厂干部')).statusCode).toBe(423);
      d.wall.t += 60_000;
      expect((await d.login('厂干部')).statusCode).toBe(200);
    } finally {
      await d.close();
    }
  });

  redisTest('sessions expire after 12 real hours, and logout ends them', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('区干部');
      expect((await d.app.inject({ url: '/api/session', cookies })).statusCode).toBe(200);
      d.clock.t += 3 * 86_400_000; // the simulator's fast-forward keeps the officer logged in
      expect((await d.app.inject({ url: '/api/session', cookies })).statusCode).toBe(200);
      d.wall.t += 13 * 3_600_000;
      expect((await d.app.inject({ url: '/api/session', cookies })).statusCode).toBe(401);
      const again = await d.cookieOf('区干部');
      const logout = await d.app.inject({ method: 'POST', url: '/api/logout', cookies: again });
      expect(logout.statusCode).toBe(204);
      expect(logout.cookies.find((c) => c.name === 'bq_session')!.value).toBe('');
      // A copy of the cookie kept from before the logout is worthless.
      expect((await d.app.inject({ url: '/api/session', cookies: again })).statusCode).toBe(401);
    } finally {
      await d.close();
    }
  });

  redisTest('a password or scope change ends the sessions; sessions survive a restart', async ({ prefix }) => {
    const list = [...officers];
    const d = dashboardFor(prefix, list);
    try {
      const first = await d.cookieOf('区干部');
      const second = await d.cookieOf('厂干部');
      const restarted = buildApp({ dashboard: d.options });
      expect((await restarted.inject({ url: '/api/session', cookies: first })).json().name).toBe('区干部');
      await restarted.close();
      list[0] = { ...list[0], password: hashPassword('a new password') };
      expect((await d.app.inject({ url: '/api/session', cookies: first })).statusCode).toBe(401);
      list[1] = { ...list[1], scope: `${company}/总装车间` };
      expect((await d.app.inject({ url: '/api/session', cookies: second })).statusCode).toBe(401);
    } finally {
      await d.close();
    }
  });

  redisTest('with no officer configured the login page says how to add one', async ({ prefix }) => {
    const d = dashboardFor(prefix, []);
    try {
      expect((await d.app.inject('/api/setup-hint')).json()).toEqual({ officers: 0, hint: expect.stringContaining('npx banqian officer add') });
    } finally {
      await d.close();
    }
  });

  redisTest('exports: CSV and XLSX of the current view, nicknames neutralised', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('区干部');
      const gid = await d.gidOf('总装车间一班', cookies);
      const csv = await d.app.inject({ url: `/export/team/${gid}.csv?from=2026-12-07&to=2026-12-08`, cookies });
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''/);
      expect(csv.body).toContain("\r\n'=HYPERLINK(1),1,0,1,1,\r\n");
      const xlsx = await d.app.inject({ url: `/export/team/${gid}.xlsx?from=2026-12-07&to=2026-12-08`, cookies });
      const book = await workbook(xlsx.rawPayload);
      const names = book.getWorksheet('职工')!.getColumn(1).values.filter(Boolean);
      expect(names).toContain("'=HYPERLINK(1)");
      const lessons = book.getWorksheet('课程')!;
      // Dates are dates, rates are numbers shown as percentages.
      expect(lessons.getRow(2).values).toEqual([undefined, new Date('2026-12-07T00:00:00Z'), '第一课', 1, 4, 2, 1, 1, 0.5, 0.5]);
      expect(lessons.getCell('A2').numFmt).toBe('yyyy-mm-dd');
      expect(lessons.getCell('I2').numFmt).toBe('0.0%');
      // Columns as wide as their text: the date column fits "2026-12-07", the header 参与率 fits too.
      expect(lessons.getColumn(1).width).toBe(12);
      expect(lessons.getColumn(9).width).toBe(8);
      const overview = await d.app.inject({ url: '/export/overview.csv?from=2026-12-07&to=2026-12-08', cookies });
      expect(overview.body).toContain('江都机械有限公司,组织,4,14,4,3,1,28.6%,75.0%');
    } finally {
      await d.close();
    }
  });
});

describe('officer accounts', () => {
  test('`banqian officer add` stores a scrypt hash, never the password, and checks the scope', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const dir = mkdtempSync(join(tmpdir(), 'banqian-officers-'));
    const config = join(dir, 'banqian.yaml');
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(config, `officersFile: ${join(dir, 'officers.yaml')}\norgFile: config/org.yaml\n`);
    const ok = runCli(['-c', config, 'officer', 'add', '王主席', '--scope', '江都机械有限公司'], { input: 'a-long-password\n' });
    expect(ok.code).toBe(0);
    const file = readFileSync(join(dir, 'officers.yaml'), 'utf8');
    expect(file).toContain('scope: 江都区总工会/江都机械有限公司');
    expect(file).toMatch(/password: scrypt\$/);
    expect(file).not.toContain('a-long-password');
    const { loadOfficers, verifyPassword } = await import('../../src/config/officers.ts');
    expect(verifyPassword('a-long-password', loadOfficers(join(dir, 'officers.yaml'))[0].password)).toBe(true);
    expect(runCli(['-c', config, 'officer', 'add', '李', '--scope', '火星厂'], { input: 'a-long-password\n' }).stderr).toMatch(/组织架构里没有“火星厂”/);
    expect(runCli(['-c', config, 'officer', 'add', '李', '--scope', '江都区总工会'], { input: 'short\n' }).stderr).toMatch(/密码至少 8 位/);
  });
});

describe('dashboard walls', () => {
  redisTest('an unknown name costs the same scrypt work as a known one', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      const median = async (name: string) => {
        const ms: number[] = [];
        for (let i = 0; i < 4; i++) {
          const t = performance.now();
          expect((await d.login(name, `wrong-${i}`)).statusCode).toBe(401);
          ms.push(performance.now() - t);
          d.wall.t += lockMs; // stay clear of the lockout
        }
        return ms.sort((a, b) => a - b)[2];
      };
      const known = await median('厂干部');
      const unknown = await median('没有这个人');
      // scrypt dominates a known name's login; without the dummy hash an unknown one is ~30 times faster.
      expect(unknown).toBeGreaterThan(known / 3);
    } finally {
      await d.close();
    }
  });

  redisTest('names are limited in length, and one client address is limited across names', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      const long = await d.login('名'.repeat(65));
      expect(long.statusCode).toBe(400);
      expect(long.json()).toEqual({ error: '姓名不能超过 64 个字' });
      for (let i = 0; i < 30; i++) expect((await d.login(`猜的名字${i}`)).statusCode).toBe(401);
      const blocked = await d.login('区干部');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error).toMatch(/这台设备登录失败次数过多/);
      const other = await d.app.inject({ method: 'POST', url: '/api/login', payload: { name: '区干部', password }, remoteAddress: '10.0.0.2' });
      expect(other.statusCode).toBe(200);
    } finally {
      await d.close();
    }
  });

  redisTest('security headers on every response, no-store on the API, a Secure cookie under https', async ({ prefix }) => {
    const d = dashboardFor(prefix, officers, { https: true });
    try {
      const cookies = await d.cookieOf('区干部');
      for (const url of ['/login', '/', '/api/session', '/assets/dashboard.js', '/nope']) {
        const res = await d.app.inject({ url, cookies });
        expect(res.headers['content-security-policy'], url).toMatch(/default-src 'self'/);
        expect(res.headers['content-security-policy'], url).toMatch(/frame-ancestors 'none'/);
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      }
      expect((await d.app.inject({ url: '/api/session', cookies })).headers['cache-control']).toBe('no-store');
      expect((await d.app.inject({ url: '/export/overview.csv', cookies })).headers['cache-control']).toBe('no-store');
      expect((await d.login('区干部')).cookies[0]).toMatchObject({ name: 'bq_session', secure: true });
    } finally {
      await d.close();
    }
    const plain = dashboardFor(prefix);
    try {
      expect((await plain.login('区干部')).cookies[0].secure).toBeFalsy();
    } finally {
      await plain.close();
    }
  });

  redisTest('bad requests get a 400 with a Chinese message, unknown URLs a Chinese 404', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('区干部');
      const get = (url: string) => d.app.inject({ url, cookies });
      const cases: [string, string][] = [
        ['/api/overview?org=a&org=b', '组织只能写一个'],
        ['/api/stats?to=2026-12-01&to=2026-12-02', '结束日期只能写一个'],
        ['/api/team/0', '班组编号“0”不对，应为正整数'],
        ['/api/team/abc', '班组编号“abc”不对，应为正整数'],
        ['/api/lesson/1/2026-13-01', '“2026-13-01”不是有效日期，应写成 2026-12-07'],
      ];
      for (const [url, error] of cases) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(400);
        expect(res.json(), url).toMatchObject({ error });
      }
      const exported = await get('/export/overview.csv?from=2026-12-01&from=2026-12-02'); // a download link: a page, not JSON
      expect([exported.statusCode, exported.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
      expect(exported.body).toContain('开始日期只能写一个');
      const reversed = await get('/api/overview?from=2026-12-09&to=2026-12-01');
      expect(reversed.json()).toEqual({ error: '开始日期 2026-12-09 晚于结束日期 2026-12-01', field: 'range' });
      const api = await get('/api/nope');
      expect([api.statusCode, api.json()]).toEqual([404, { error: '没有这个接口' }]);
      const page = await d.app.inject('/no/such/page');
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('没有这个页面');
      const icon = await d.app.inject('/favicon.ico');
      expect([icon.statusCode, icon.headers['content-type']]).toEqual([200, 'image/svg+xml']);
    } finally {
      await d.close();
    }
  });

  redisTest('a broken officers.yaml is logged once and shown as an error page without the path', async ({ prefix }) => {
    const dir = mkdtempSync(join(tmpdir(), 'banqian-officers-'));
    const file = join(dir, 'officers.yaml');
    writeFileSync(file, 'officers:\n  - name: 王主席\n    scope: [broken\n');
    const logged: string[] = [];
    const { stats, store, close } = openStats(statsConfig(), redisUrl(), prefix);
    const app = buildApp({
      logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
      dashboard: { stats, officers: () => loadOfficers(file), sessions: new RedisSessions(store.redis, store.keys), secret: 'test-secret-0123456789', now: Date.now, timezone: 'Asia/Shanghai' },
    });
    try {
      const page = await app.inject('/login');
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('看板账号文件（officers.yaml）有错误');
      expect(page.body).not.toContain(dir);
      const login = await app.inject({ method: 'POST', url: '/api/login', payload: { name: '王主席', password } });
      expect(login.statusCode).toBe(503);
      expect(JSON.stringify(login.json())).not.toContain(dir);
      expect((await app.inject('/api/setup-hint')).statusCode).toBe(503);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(`${file}:4:1`);
    } finally {
      await app.close();
      close();
    }
  });

  redisTest('?org= takes a unique short name, as the CLI does', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('区干部');
      const res = await d.app.inject({ url: `/api/overview?org=${encodeURIComponent('江都纺织有限公司')}`, cookies });
      expect(res.statusCode).toBe(200);
      expect(res.json().node.path).toBe('江都区总工会/江都纺织有限公司');
      const mine = await d.cookieOf('厂干部');
      expect((await d.app.inject({ url: `/api/overview?org=${encodeURIComponent('江都纺织有限公司')}`, cookies: mine })).statusCode).toBe(403);
      expect((await d.app.inject({ url: `/api/overview?org=${encodeURIComponent('火星厂')}`, cookies })).json().error).toMatch(/组织架构里没有“火星厂”/);
    } finally {
      await d.close();
    }
  });

  redisTest('under the simulator /api/session gives the simulator\'s date, and the default range ends on it', async ({ prefix }) => {
    const d = dashboardFor(prefix, officers, { simulated: true });
    try {
      d.wall.t = Date.parse('2027-03-01T09:00:00Z');
      const cookies = await d.cookieOf('区干部');
      expect((await d.app.inject({ url: '/api/session', cookies })).json()).toMatchObject({ today: '2026-12-08', simulated: true });
      expect((await d.app.inject({ url: '/api/overview', cookies })).json()).toMatchObject({ from: '2026-11-09', to: '2026-12-08' });
    } finally {
      await d.close();
    }
  });

  redisTest('the lesson page exports CSV and XLSX', async ({ prefix }) => {
    await seedTwoDays(prefix);
    const d = dashboardFor(prefix);
    try {
      const cookies = await d.cookieOf('区干部');
      const gid = await d.gidOf('总装车间一班', cookies);
      const csv = await d.app.inject({ url: `/export/lesson/${gid}/2026-12-07.csv`, cookies });
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toContain('总装车间一班,2026-12-07,第一课,1,4,2,1,1,50.0%,50.0%');
      const xlsx = await d.app.inject({ url: `/export/lesson/${gid}/2026-12-07.xlsx`, cookies });
      const book = await workbook(xlsx.rawPayload);
      const options = book.getWorksheet('作答分布')!;
      expect(options.getRow(2).getCell(5).value).toBe(1); // option A: one person, on time
      expect(options.getColumn(5).values.slice(2)).toEqual([1, 1, 0]);
      const unbound = await d.gidOf('涂装车间三班', cookies);
      expect((await d.app.inject({ url: `/export/lesson/${unbound}/2026-12-07.csv`, cookies: await d.cookieOf('厂干部') })).statusCode).toBe(403);
    } finally {
      await d.close();
    }
  });
});

redisTest('web.https in the settings makes the dashboard cookie Secure', async ({ prefix }) => {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-https-'));
  writeFileSync(join(dir, 'banqian.yaml'), `dataDir: ${join(dir, 'data')}\norgFile: config/org.yaml\nweb:\n  https: true\n`);
  const config = loadConfig(join(dir, 'banqian.yaml'), {});
  const { stats, store, close } = openStats(config, redisUrl(), prefix);
  const app = buildApp({ dashboard: { ...dashboardOptions(config, stats, store, Date.now), officers: () => officers } });
  try {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { name: '区干部', password } });
    expect(res.cookies[0]).toMatchObject({ name: 'bq_session', secure: true, httpOnly: true });
  } finally {
    await app.close();
    close();
  }
});
