import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Officer } from '../../config/officers.ts';
import { verifyPassword } from '../../config/officers.ts';
import { figureCells, figureHeaders, toCsv, type Cell } from '../../core/export.ts';
import { OrgTree, type OrgNode } from '../../core/org.ts';
import type { Group } from '../../core/ports.ts';
import type { Stats } from '../../core/stats.ts';
import { addDays, isRealDate, rangeError, wallClock } from '../../core/time.ts';
import { toXlsx } from '../export/xlsx.ts';
import { sendFile } from './files.ts';

export interface DashboardOptions {
  stats: Stats;
  /** Read at every login, so `banqian officer add` applies without a restart. */
  officers: () => Officer[];
  /** Signs session cookies. */
  secret: string;
  now: () => number;
  timezone: string;
}

const pagesDir = fileURLToPath(new URL('./dashboard/', import.meta.url));
const echartsFile = join(dirname(createRequire(import.meta.url).resolve('echarts/package.json')), 'dist', 'echarts.min.js');
const sessionCookie = 'bq_session';
const sessionMs = 12 * 3_600_000;
const maxFailures = 5;
const lockMs = 15 * 60_000;
const defaultDays = 30;

interface Session {
  name: string;
  scope: OrgNode;
}

declare module 'fastify' {
  interface FastifyRequest {
    officer?: Session;
  }
}

/** The officers' dashboard: login, scoped figures as pages and JSON, CSV/XLSX exports. */
export async function dashboard(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const { stats } = opts;
  const org = stats.org;
  const failures = new Map<string, { count: number; lockedUntil: number }>();
  await app.register(cookie, { secret: opts.secret });

  /** The officer behind a valid, unexpired cookie whose account and scope still exist. */
  const sessionOf = (req: FastifyRequest): Session | undefined => {
    const raw = req.cookies[sessionCookie];
    const unsigned = raw ? req.unsignCookie(raw) : undefined;
    if (!unsigned?.valid || !unsigned.value) return undefined;
    const [name, expires] = JSON.parse(unsigned.value) as [string, number];
    const officer = expires > opts.now() ? opts.officers().find((o) => o.name === name) : undefined;
    const scope = officer && org.get(officer.scope);
    return scope ? { name, scope } : undefined;
  };

  const pageGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    req.officer = sessionOf(req);
    if (!req.officer) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
  };
  const apiGuard = async (req: FastifyRequest, reply: FastifyReply) => {
    req.officer = sessionOf(req);
    if (!req.officer) return reply.code(401).send({ error: '请先登录' });
  };

  app.get('/login', (_req, reply) => sendFile(pagesDir, 'login.html', reply));
  app.get<{ Params: { file: string } }>('/assets/:file', (req, reply) =>
    req.params.file === 'echarts.min.js' ? reply.type('text/javascript; charset=utf-8').send(createReadStream(echartsFile)) : sendFile(pagesDir, req.params.file, reply),
  );
  app.get('/api/setup-hint', async () => {
    const count = opts.officers().length;
    return { officers: count, hint: count ? '' : `还没有看板账号。请在服务器上运行：npx banqian officer add <姓名> --scope "${org.root.path}"（按提示输入密码），然后刷新本页。` };
  });

  app.post<{ Body: { name?: unknown; password?: unknown } }>('/api/login', async (req, reply) => {
    const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const now = opts.now();
    const f = failures.get(name) ?? { count: 0, lockedUntil: 0 };
    if (f.lockedUntil > now) {
      const minutes = Math.ceil((f.lockedUntil - now) / 60_000);
      return reply.code(423).send({ error: `密码错误次数过多，账号已锁定，请 ${minutes} 分钟后再试`, until: new Date(f.lockedUntil).toISOString() });
    }
    const officer = opts.officers().find((o) => o.name === name);
    if (!officer || !verifyPassword(password, officer.password)) {
      f.count += 1;
      if (f.count >= maxFailures) Object.assign(f, { count: 0, lockedUntil: now + lockMs });
      failures.set(name, f);
      return reply.code(401).send({ error: '姓名或密码不对' });
    }
    failures.delete(name);
    const value = JSON.stringify([officer.name, now + sessionMs]);
    reply.setCookie(sessionCookie, value, { signed: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: sessionMs / 1000 });
    return { name: officer.name, scope: officer.scope };
  });

  app.post('/api/logout', async (_req, reply) => reply.clearCookie(sessionCookie, { path: '/' }).code(204).send());

  for (const page of ['/', '/org', '/team/:gid', '/lesson/:gid/:day']) {
    app.get(page, { preHandler: pageGuard }, (_req, reply) => sendFile(pagesDir, 'index.html', reply));
  }

  app.register(async (api) => {
    api.addHook('preHandler', apiGuard);

    api.get('/api/session', async (req) => ({ name: req.officer!.name, scope: req.officer!.scope.path }));

    api.get<{ Querystring: Query }>('/api/overview', async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      return { ...(await stats.overview(node, range.from, range.to)), breadcrumb: breadcrumb(req.officer!.scope, node) };
    });

    api.get<{ Params: { gid: string }; Querystring: Query }>('/api/team/:gid', async (req, reply) => {
      const g = await scopedTeam(req, reply, req.params.gid);
      const range = g && dateRange(req.query, reply);
      if (!g || !range) return reply;
      const node = org.get(org.teamPaths(g.team).at(-1)!)!;
      return { ...(await stats.team(g, range.from, range.to, today())), breadcrumb: breadcrumb(req.officer!.scope, node) };
    });

    api.get<{ Params: { gid: string; day: string } }>('/api/lesson/:gid/:day', async (req, reply) => {
      const g = await scopedTeam(req, reply, req.params.gid);
      if (!g) return reply;
      const page = isRealDate(req.params.day) ? await stats.lessonPage(g, req.params.day) : undefined;
      return page ?? reply.code(404).send({ error: '这一天没有课' });
    });

    api.get<{ Querystring: Query }>('/api/stats', async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      return stats.report(node, range.from, range.to);
    });

    api.get<{ Params: { format: string }; Querystring: Query }>('/export/overview.:format', async (req, reply) => {
      const node = scopedNode(req, reply, req.query.org);
      const range = node && dateRange(req.query, reply);
      if (!node || !range) return reply;
      const view = await stats.overview(node, range.from, range.to);
      const children: Cell[][] = [['名称', '类型', ...figureHeaders], ...view.children.map((c) => [c.name, c.kind === 'team' ? '班组' : '组织', ...figureCells(c.figures)])];
      const daily: Cell[][] = [['日期', ...figureHeaders], ...view.daily.map((d) => [d.day, ...figureCells(d)])];
      return exportSheets(reply, `${node.name}-${range.from}-${range.to}`, req.params.format, [{ name: '下级', rows: children }, { name: '按日', rows: daily }]);
    });

    api.get<{ Params: { gid: string; format: string }; Querystring: Query }>('/export/team/:gid.:format', async (req, reply) => {
      const g = await scopedTeam(req, reply, req.params.gid);
      const range = g && dateRange(req.query, reply);
      if (!g || !range) return reply;
      const view = await stats.team(g, range.from, range.to, today());
      const lessons: Cell[][] = [['日期', '课程', ...figureHeaders], ...view.lessons.map((l) => [l.day, l.title, ...figureCells(l.figures)])];
      const workers: Cell[][] = [['姓名', '参与', '全对', '积分', '连续学习'], ...view.workers.map((w) => [w.name, w.answered, w.correct, w.points, w.streak])];
      return exportSheets(reply, `${g.topic}-${range.from}-${range.to}`, req.params.format, [{ name: '课程', rows: lessons }, { name: '职工', rows: workers }]);
    });
  });

  const today = () => wallClock(opts.now(), opts.timezone).day;

  function dateRange(q: Query, reply: FastifyReply): { from: string; to: string } | undefined {
    const to = q.to || today();
    const from = q.from || addDays(to, 1 - defaultDays);
    const error = rangeError(from, to);
    if (error) {
      reply.code(400).send({ error });
      return undefined;
    }
    return { from, to };
  }

  /** The requested org node if it lies within the officer's scope; 404 / 403 otherwise. */
  function scopedNode(req: FastifyRequest, reply: FastifyReply, path: string | undefined): OrgNode | undefined {
    const scope = req.officer!.scope;
    const node = path ? org.get(path) : scope;
    if (!node) reply.code(404).send({ error: '没有这个组织' });
    else if (!OrgTree.within(node.path, scope.path)) reply.code(403).send({ error: '无权查看该范围' });
    else return node;
    return undefined;
  }

  async function scopedTeam(req: FastifyRequest, reply: FastifyReply, gidParam: string): Promise<Group | undefined> {
    const g = /^\d+$/.test(gidParam) ? await stats.group(Number(gidParam)) : undefined;
    if (!g) reply.code(404).send({ error: '没有这个班组' });
    else if (!OrgTree.within(org.teamPaths(g.team).at(-1)!, req.officer!.scope.path)) reply.code(403).send({ error: '无权查看该范围' });
    else return g;
    return undefined;
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
