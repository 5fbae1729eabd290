import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Officer } from '../../config/officers.ts';
import { hashPassword, verifyPassword } from '../../config/officers.ts';
import { figureCells, figureHeaders, toCsv, type Cell } from '../../core/export.ts';
import { OrgTree, type OrgNode } from '../../core/org.ts';
import type { Group } from '../../core/ports.ts';
import { isTeam } from '../../core/roster/import.ts';
import type { EnrolCodes } from '../../core/roster/roster.ts';
import { describeCode } from '../../core/bot/texts.ts';
import { isoWeek, type Stats } from '../../core/stats.ts';
import { addDays, isRealDate, rangeError, wallClock } from '../../core/time.ts';
import { toXlsx } from '../export/xlsx.ts';
import { WebError } from './errors.ts';
import { sendFile } from './files.ts';
import { FailureTable } from './limits.ts';
import { passDigest, type SessionStore } from './sessions.ts';

export interface DashboardOptions {
  stats: Stats;
  /** Read at every login, so `banqian officer add` applies without a restart. */
  officers: () => Officer[];
  /** Server-side sessions (Redis), so logout ends them and they survive a restart. */
  sessions: SessionStore;
  /** Signs session cookies. */
  secret: string;
  /** The bot's clock (the virtual clock under the simulator): "today" and the default date range. */
  now: () => number;
  /** Real time for sessions and lockouts, so a simulator fast-forward neither logs out nor unlocks. Default Date.now. */
  wallNow?: () => number;
  timezone: string;
  /** The dashboard is served over HTTPS: the session cookie gets Secure. */
  https?: boolean;
  /** Running under the simulator: the page shows the simulator's date. */
  simulated?: boolean;
  /** One-time enrolment codes an officer issues for a team in their scope (absent: no code button). */
  codes?: EnrolCodes;
}

const pagesDir = fileURLToPath(new URL('./dashboard/', import.meta.url));
const echartsFile = join(dirname(createRequire(import.meta.url).resolve('echarts/package.json')), 'dist', 'echarts.min.js');
const sessionCookie = 'bq_session';
const sessionMs = 12 * 3_600_000;
const maxFailures = 5;
const maxAddressFailures = 30;
const lockMs = 15 * 60_000;
const tableCapacity = 10_000;
const defaultDays = 30;

const loginBody = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
} as const;
const codeBody = { type: 'object', required: ['team'], properties: { team: { type: 'string', minLength: 1, maxLength: 1000 } } } as const;
const rangeQuery = {
  type: 'object',
  properties: { org: { type: 'string', maxLength: 1000 }, from: { type: 'string', maxLength: 10 }, to: { type: 'string', maxLength: 10 } },
} as const;
/** /api/stats pages its workers: a district has tens of thousands. */
const statsQuery = {
  type: 'object',
  properties: { ...rangeQuery.properties, limit: { type: 'string', pattern: '^[0-9]{1,9}$' }, offset: { type: 'string', pattern: '^[0-9]{1,9}$' } },
} as const;
const defaultLimit = 500;
const maxLimit = 5000;

interface LoggedIn {
  name: string;
  scope: OrgNode;
}

declare module 'fastify' {
  interface FastifyRequest {
    officer?: LoggedIn;
  }
}

/** The officers' dashboard: login, scoped figures as pages and JSON, CSV/XLSX exports. */
export async function dashboard(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const { stats } = opts;
  const org = stats.org;
  const wallNow = opts.wallNow ?? Date.now;
  const byName = new FailureTable(maxFailures, lockMs, tableCapacity);
  const byAddress = new FailureTable(maxAddressFailures, lockMs, tableCapacity);
  // Unknown names run the same scrypt work as known ones, so response time does not tell which names exist.
  const dummyHash = hashPassword(randomBytes(16).toString('base64'));
  await app.register(cookie, { secret: opts.secret });

  // A broken officers.yaml is logged once (until it changes) and shown without its path.
  let reported = '';
  const officers = (): Officer[] => {
    try {
      const list = opts.officers();
      reported = '';
      return list;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== reported) app.log.error(`看板账号文件有错误：\n${message}`);
      reported = message;
      throw new WebError(503, '看板账号文件（officers.yaml）有错误，暂时无法登录。请管理员查看服务器日志并改正。');
    }
  };

  const tokenOf = (req: FastifyRequest): string | undefined => {
    const raw = req.cookies[sessionCookie];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : undefined;
  };

  /** The officer behind a live session whose account, password and scope are unchanged since login. */
  const sessionOf = async (req: FastifyRequest): Promise<LoggedIn | undefined> => {
    const token = tokenOf(req);
    const session = token ? await opts.sessions.get(token) : undefined;
    if (!token || !session) return undefined;
    const officer = officers().find((o) => o.name === session.name);
    const current = officer && session.expires > wallNow() && officer.scope === session.scope && passDigest(officer.password) === session.pass;
    const scope = current ? org.get(officer.scope) : undefined;
    if (scope) return { name: officer!.name, scope };
    await opts.sessions.end(token);
    return undefined;
  };

  const pageGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    req.officer = await sessionOf(req);
    if (!req.officer) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
  };
  const apiGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    req.officer = await sessionOf(req);
    if (!req.officer) return reply.code(401).send({ error: '请先登录' });
  };

  app.get('/login', (_req, reply) => {
    officers(); // a broken accounts file shows its error page here rather than after typing a password
    return sendFile(pagesDir, 'login.html', reply);
  });
  app.get<{ Params: { file: string } }>('/assets/:file', (req, reply) =>
    req.params.file === 'echarts.min.js' ? reply.type('text/javascript; charset=utf-8').send(createReadStream(echartsFile)) : sendFile(pagesDir, req.params.file, reply),
  );
  app.get('/api/setup-hint', async () => {
    const count = officers().length;
    return { officers: count, hint: count ? '' : `还没有看板账号。请在服务器上运行：npx banqian officer add <姓名> --scope "${org.root.path}"（按提示输入密码），然后刷新本页。` };
  });

  app.post<{ Body: { name?: string; password?: string } }>('/api/login', { schema: { body: loginBody } }, async (req, reply) => {
    const name = req.body?.name?.trim() ?? '';
    const password = req.body?.password ?? '';
    const now = wallNow();
    const minutes = (until: number) => Math.ceil((until - now) / 60_000);
    const nameLock = byName.lockedUntil(name, now);
    if (nameLock) return reply.code(423).send({ error: `密码错误次数过多，账号已锁定，请 ${minutes(nameLock)} 分钟后再试`, until: new Date(nameLock).toISOString() });
    const addressLock = byAddress.lockedUntil(req.ip, now);
    if (addressLock) return reply.code(429).send({ error: `这台设备登录失败次数过多，请 ${minutes(addressLock)} 分钟后再试`, until: new Date(addressLock).toISOString() });
    const officer = officers().find((o) => o.name === name);
    const valid = verifyPassword(password, officer?.password ?? dummyHash);
    if (!officer || !valid) {
      byName.fail(name, now);
      byAddress.fail(req.ip, now);
      return reply.code(401).send({ error: '姓名或密码不对' });
    }
    byName.clear(name);
    const token = await opts.sessions.create({ name: officer.name, scope: officer.scope, pass: passDigest(officer.password), expires: now + sessionMs }, sessionMs);
    reply.setCookie(sessionCookie, token, { signed: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: sessionMs / 1000, secure: opts.https === true });
    return { name: officer.name, scope: officer.scope };
  });

  app.post('/api/logout', async (req, reply) => {
    const token = tokenOf(req);
    if (token) await opts.sessions.end(token);
    return reply.clearCookie(sessionCookie, { path: '/' }).code(204).send();
  });

  for (const page of ['/', '/org', '/team/:gid', '/lesson/:gid/:day']) {
    app.get(page, { preHandler: pageGuard }, (_req, reply) => sendFile(pagesDir, 'index.html', reply));
  }

  app.register(async (api) => {
    api.addHook('preHandler', apiGuard);
    const withRange = { schema: { querystring: rangeQuery } };

    api.get('/api/session', async (req) => ({ name: req.officer!.name, scope: req.officer!.scope.path, today: today(), simulated: opts.simulated === true }));

    api.get<{ Querystring: Query }>('/api/overview', withRange, async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      const enrolable = !!opts.codes && isTeam(org, node);
      return { ...(await stats.overview(node, range.from, range.to)), breadcrumb: breadcrumb(req.officer!.scope, node), enrolable };
    });

    // An officer issues a code for a team within their scope; the leader who sends it in 报名 binds the group.
    api.post<{ Body: { team: string } }>('/api/team-code', { schema: { body: codeBody } }, async (req, reply) => {
      const node = opts.codes && scopedNode(req, reply, req.body.team);
      if (!opts.codes) return reply.code(404).send({ error: '报名码未启用' });
      if (!node) return reply;
      if (!isTeam(org, node)) return reply.code(400).send({ error: `“${node.name}”不是班组，报名码只能发给班组（组织架构最末一级）` });
      const { code, expiresAt } = await opts.codes.issue(node.path, opts.now());
      return { code, team: node.path, expiresAt: new Date(expiresAt).toISOString(), text: describeCode(code, node.path, expiresAt, opts.timezone) };
    });

    api.get<{ Params: { gid: string }; Querystring: Query }>('/api/team/:gid', withRange, async (req, reply) => {
      const g = await scopedTeam(req, reply, req.params.gid);
      const range = g && dateRange(req.query, reply);
      if (!g || !range) return reply;
      const node = org.get(org.teamPaths(g.team).at(-1)!)!;
      return { ...(await stats.team(g, range.from, range.to, today())), breadcrumb: breadcrumb(req.officer!.scope, node) };
    });

    api.get<{ Params: { gid: string; day: string } }>('/api/lesson/:gid/:day', async (req, reply) => {
      const page = await scopedLesson(req, reply, req.params.gid, req.params.day);
      return page ?? reply;
    });

    api.get<{ Querystring: Query & { limit?: string; offset?: string } }>('/api/stats', { schema: { querystring: statsQuery } }, async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      const limit = Number(req.query.limit ?? defaultLimit);
      const offset = Number(req.query.offset ?? 0);
      if (limit < 1 || limit > maxLimit) return reply.code(400).send({ error: `每页条数应在 1 到 ${maxLimit} 之间` });
      const parts = await stats.reportParts(node, range.from, range.to);
      const workers = [];
      for await (const batch of parts.workers(offset, limit)) workers.push(...batch);
      return { from: parts.from, to: parts.to, teams: parts.teams, workers, lessons: parts.lessons, page: { offset, limit, total: parts.total } };
    });

    api.get<{ Querystring: Query }>('/api/pk', withRange, async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      return pkView(node, range.to);
    });

    api.get<{ Params: { format: string }; Querystring: Query }>('/export/pk.:format', withRange, async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      const view = await pkView(node, range.to);
      const pk: Cell[][] = [['名次', '班组', ...figureHeaders, '前一周参与率'], ...view.pk.map((r) => [r.place, r.room, ...figureCells(r), { rate: r.previousRate }])];
      const stars: Cell[][] = [['班组', '学习之星', '积分', '连续学习'], ...view.stars.map((s) => [s.room, s.name, s.points, s.streak])];
      return exportSheets(reply, `${node.name}-PK-${view.week.week}-${view.month}`, req.params.format, [{ name: `班组PK ${view.week.week}`, rows: pk }, { name: `学习之星 ${view.month}`, rows: stars }]);
    });

    api.get<{ Params: { format: string }; Querystring: Query }>('/export/overview.:format', withRange, async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      const view = await stats.overview(node, range.from, range.to);
      const children: Cell[][] = [['名称', '类型', ...figureHeaders], ...view.children.map((c) => [c.name, c.kind === 'team' ? '班组' : '组织', ...figureCells(c.figures)])];
      const daily: Cell[][] = [['日期', ...figureHeaders], ...view.daily.map((d) => [{ day: d.day }, ...figureCells(d)])];
      return exportSheets(reply, `${node.name}-${range.from}-${range.to}`, req.params.format, [{ name: '下级', rows: children }, { name: '按日', rows: daily }]);
    });

    api.get<{ Params: { gid: string; format: string }; Querystring: Query }>('/export/team/:gid.:format', withRange, async (req, reply) => {
      const g = await scopedTeam(req, reply, req.params.gid);
      const range = g && dateRange(req.query, reply);
      if (!g || !range) return reply;
      const view = await stats.team(g, range.from, range.to, today());
      const lessons: Cell[][] = [['日期', '课程', ...figureHeaders], ...view.lessons.map((l) => [{ day: l.day }, l.title, ...figureCells(l.figures)])];
      const workers: Cell[][] = [['姓名', '参与', '全对', '积分', '连续学习', '徽章'], ...view.workers.map((w) => [w.name, w.answered, w.correct, w.points, w.streak, w.badges.join('、') || null])];
      return exportSheets(reply, `${g.topic}-${range.from}-${range.to}`, req.params.format, [{ name: '课程', rows: lessons }, { name: '职工', rows: workers }]);
    });

    api.get<{ Params: { gid: string; day: string; format: string } }>('/export/lesson/:gid/:day.:format', async (req, reply) => {
      const page = await scopedLesson(req, reply, req.params.gid, req.params.day);
      if (!page) return reply;
      const summary: Cell[][] = [['班组', '日期', '课程', ...figureHeaders], [page.team.room, { day: page.day }, page.lesson.title, ...figureCells(page.figures)]];
      const options: Cell[][] = [
        ['题号', '题目', '选项', '内容', '选择人数', '正确选项'],
        ...page.questions.flatMap((q, i) => q.options.map((o) => [i + 1, q.question, o.letter, o.text, o.count, o.correct ? '是' : ''])),
      ];
      return exportSheets(reply, `${page.team.room}-${page.day}-${page.lesson.title}`, req.params.format, [{ name: '课程', rows: summary }, { name: '作答分布', rows: options }]);
    });
  });

  const today = () => wallClock(opts.now(), opts.timezone).day;

  /** The node's team PK for the last full ISO week up to `to`, and each group's 学习之星 for the month of `to` (so far). */
  async function pkView(node: OrgNode, to: string) {
    const monday = addDays(isoWeek(addDays(to, 1)).monday, -7);
    const month = to.slice(0, 7);
    const [pk, stars] = await Promise.all([stats.pk(node, monday), stats.stars(node, month)]);
    return { node: { path: node.path, name: node.name }, week: { week: isoWeek(monday).week, from: monday, to: addDays(monday, 6) }, pk, month, stars };
  }

  /** The query's range, by default the last 30 days; a bad one answers 400 with `field: 'range'` for the date fields. */
  function dateRange(q: Query, reply: FastifyReply): { from: string; to: string } | undefined {
    const to = q.to || today();
    const from = q.from || addDays(to, 1 - defaultDays);
    const error = rangeError(from, to);
    if (error) {
      reply.code(400).send({ error, field: 'range' });
      return undefined;
    }
    return { from, to };
  }

  /** The requested org node (a path, or a name unique within the officer's scope); 403 outside the scope, else 404. */
  function scopedNode(req: FastifyRequest, reply: FastifyReply, pathOrName: string | undefined): OrgNode | undefined {
    const scope = req.officer!.scope;
    const found = pathOrName ? org.resolve(pathOrName, scope) : { node: scope };
    if ('node' in found) return found.node;
    if (org.find(pathOrName!).candidates.length) reply.code(403).send({ error: '无权查看该范围' });
    else reply.code(404).send({ error: found.error });
    return undefined;
  }

  async function scopedTeam(req: FastifyRequest, reply: FastifyReply, gidParam: string): Promise<Group | undefined> {
    if (!/^[1-9]\d{0,14}$/.test(gidParam)) {
      reply.code(400).send({ error: `班组编号“${gidParam}”不对，应为正整数` });
      return undefined;
    }
    const g = await stats.group(Number(gidParam));
    if (!g) reply.code(404).send({ error: '没有这个班组' });
    else if (!OrgTree.within(org.teamPaths(g.team).at(-1)!, req.officer!.scope.path)) reply.code(403).send({ error: '无权查看该范围' });
    else return g;
    return undefined;
  }

  async function scopedLesson(req: FastifyRequest, reply: FastifyReply, gidParam: string, day: string) {
    if (!isRealDate(day)) {
      reply.code(400).send({ error: `“${day}”不是有效日期，应写成 2026-12-07` });
      return undefined;
    }
    const g = await scopedTeam(req, reply, gidParam);
    const page = g && (await stats.lessonPage(g, day));
    if (g && !page) reply.code(404).send({ error: '这一天没有课' });
    return page;
  }
}

interface Query {
  org?: string;
  from?: string;
  to?: string;
}

function breadcrumb(scope: OrgNode, node: OrgNode): { path: string; name: string }[] {
  const chain: OrgNode[] = [];
  for (let n: OrgNode | undefined = node; n; n = n.parent) {
    chain.unshift(n);
    if (n === scope) break;
  }
  return chain.map((n) => ({ path: n.path, name: n.name }));
}

async function exportSheets(reply: FastifyReply, title: string, format: string, sheets: { name: string; rows: Cell[][] }[]) {
  const file = encodeURIComponent(title);
  if (format === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename*=UTF-8''${file}.csv`).send(toCsv(sheets));
  }
  if (format === 'xlsx') {
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename*=UTF-8''${file}.xlsx`)
      .send(await toXlsx(sheets));
  }
  return reply.code(404).send({ error: '只能导出 csv 或 xlsx' });
}
