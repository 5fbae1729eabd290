import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

// The dashboard's static files, checked from disk: no server and no browser needed.
const dir = fileURLToPath(new URL('../../src/adapters/web/dashboard/', import.meta.url));
const read = (name: string) => readFileSync(dir + name, 'utf8');
const indexHtml = read('index.html');
const loginHtml = read('login.html');
const js = read('dashboard.js');
const css = read('dashboard.css');

/** The pure helpers dashboard.js exports (it only boots the page when there is a document). */
interface Dashboard {
  CARDS: { key: string; label: string; testid: string; rate?: boolean }[];
  formatRate(v: unknown): string;
  formatCount(v: unknown): string;
  trendPoints(t: unknown): number | null;
  formatTrend(t: unknown): { text: string; dir: number };
  sortRows<T>(rows: T[], value: (r: T) => unknown, dir?: 'asc' | 'desc'): T[];
  safeNext(raw: unknown, origin: string): string;
  buildUrl(path: string, params?: Record<string, unknown>): string;
  rangeParams(search: string): { from?: string; to?: string };
  parseRoute(pathname: string, search: string): Record<string, unknown>;
  teamPath(gid: unknown): string;
  lessonPath(gid: unknown, day: string): string;
}
const load = async (): Promise<Dashboard> => import(pathToFileURL(dir + 'dashboard.js').href);

/** Every src / href / action attribute value in an HTML file. */
function urls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action)\s*=\s*(["'])(.*?)\1/gi)].map((m) => m[2]);
}

describe('dashboard HTML', () => {
  test.each([
    ['index.html', indexHtml],
    ['login.html', loginHtml],
  ])('%s references only local assets', (_name, html) => {
    const refs = urls(html);
    expect(refs.length).toBeGreaterThan(0);
    for (const u of refs) {
      expect(u, u).toMatch(/^\/(?!\/)/);
    }
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/i); // no inline script bodies
  });

  test('index.html loads echarts, the stylesheet and the module, and has the shell the script fills', () => {
    const refs = urls(indexHtml);
    expect(refs).toEqual(expect.arrayContaining(['/assets/echarts.min.js', '/assets/dashboard.js', '/assets/dashboard.css']));
    expect(indexHtml).toMatch(/<script type="module" src="\/assets\/dashboard\.js">/);
    // echarts is a classic script in <head>, so it has run before the (deferred) module
    expect(indexHtml.indexOf('/assets/echarts.min.js')).toBeLessThan(indexHtml.indexOf('/assets/dashboard.js'));
    expect(indexHtml).toContain('班前十分钟 · 工会数据看板');
    for (const id of ['main', 'breadcrumb', 'officer-name', 'officer-scope', 'logout', 'range', 'range-from', 'range-to', 'range-reset', 'range-error']) {
      expect(indexHtml, id).toContain(`id="${id}"`);
    }
    expect(indexHtml.match(/<input type="date"/g)).toHaveLength(2);
    expect(indexHtml).toMatch(/<html lang="zh-CN">/);
  });

  test('login.html has the form the script posts to /api/login', () => {
    expect(loginHtml).toMatch(/<form[^>]*id="login-form"[^>]*action="\/api\/login"[^>]*method="post"/);
    expect(loginHtml).toMatch(/<input[^>]*type="text"[^>]*name="name"/);
    expect(loginHtml).toMatch(/<input[^>]*type="password"[^>]*name="password"/);
    expect(loginHtml).toMatch(/<button type="submit"[^>]*>登录<\/button>/);
    expect(loginHtml).toMatch(/姓名/);
    expect(loginHtml).toMatch(/密码/);
    expect(loginHtml).toMatch(/<section[^>]*id="setup-hint"[^>]*hidden/); // shown only when /api/setup-hint says so
    expect(loginHtml).toContain('id="login-error"');
    expect(urls(loginHtml)).toEqual(expect.arrayContaining(['/assets/dashboard.js', '/assets/dashboard.css']));
    expect(loginHtml).not.toContain('echarts');
  });
});

describe('dashboard.js', () => {
  test('never writes HTML from data: innerHTML only ever gets a constant string', () => {
    const code = js;
    const assignments = [...code.matchAll(/\.(?:inner|outer)HTML\s*\+?=\s*/g)];
    for (const m of assignments) {
      const rest = code.slice(m.index + m[0].length);
      expect(rest, rest.slice(0, 60)).toMatch(/^(?:'[^'\\\n]*'|"[^"\\\n]*"|`[^`$\\]*`)\s*[;\n]/);
    }
    expect(code).not.toMatch(/insertAdjacentHTML|document\.write|\beval\s*\(|new Function\s*\(|createContextualFragment|DOMParser/);
  });

  test('talks to the local server only', () => {
    expect(js).not.toMatch(/https?:\/\//i);
    expect(js).not.toMatch(/^\s*import\s/m); // no imports at all: echarts comes from a classic script
    expect(css).not.toMatch(/https?:\/\/|@import|@font-face/i);
  });

  test('every data-testid the end-to-end tests rely on is there', () => {
    const all = js + indexHtml + loginHtml;
    for (const id of ['card-lessons', 'card-expected', 'card-answered', 'card-correct', 'card-late', 'card-participationRate', 'card-correctRate', 'export-csv', 'export-xlsx']) {
      expect(all, id).toContain(`'${id}'`);
    }
    // rows are named after what they show: children and workers by name, lessons by day
    expect(js).toContain("'data-testid': `row-${c.name}`");
    expect(js).toContain("'data-testid': `row-${w.name}`");
    expect(js).toContain("'data-testid': `row-${l.day}`");
    expect(js).toContain("'data-testid': `cell-${c.key}`");
    for (const id of ['chart-trend', 'children-table', 'lessons-table', 'workers-table', 'not-answered-today', 'forbidden', 'back-to-team']) {
      expect(all, id).toContain(id);
    }
    expect(all).toContain('data-testid="login-error"');
    expect(all).toContain('data-testid="setup-hint"');
  });

  test('uses the agreed API and export paths', () => {
    expect(js).toMatch(/fetch\('\/api\/login', \{\s*method: 'POST',[\s\S]{0,200}JSON\.stringify\(\{ name, password \}\)/);
    expect(js).toMatch(/fetch\('\/api\/logout', \{ method: 'POST'/);
    expect(js).toContain("'/api/setup-hint'");
    expect(js).toContain("api('/api/session')");
    expect(js).toContain("api('/api/overview', { org: route.org })");
    expect(js).toContain('api(`/api/team/${encodeURIComponent(route.gid)}`)');
    expect(js).toContain('api(`/api${lessonPath(route.gid, route.day)}`)');
    expect(js).toContain("exportLinks('/export/overview', exportParams)");
    expect(js).toContain('exportLinks(`/export${teamPath(gid)}`');
    expect(js).toContain("'无权查看该范围'");
    expect(js).toContain("'今天没有课'");
    expect(js).toContain('今天还没作答');
  });

  test('loads in Node without a document and exports its helpers', async () => {
    const d = await load();
    expect(d.CARDS.map((c) => c.key).sort()).toEqual(['answered', 'correct', 'correctRate', 'expected', 'late', 'lessons', 'participationRate']);
    for (const c of d.CARDS) expect(c.testid).toBe(`card-${c.key}`);
  });

  test('formats figures: one-decimal percentages, "—" for null', async () => {
    const d = await load();
    expect(d.formatRate(0.725)).toBe('72.5%');
    expect(d.formatRate(1)).toBe('100.0%');
    expect(d.formatRate(0)).toBe('0.0%');
    expect(d.formatRate(2 / 3)).toBe('66.7%');
    expect(d.formatRate(null)).toBe('—');
    expect(d.formatRate(undefined)).toBe('—');
    expect(d.formatCount(1234)).toBe('1234');
    expect(d.formatCount(0)).toBe('0');
    expect(d.formatCount(null)).toBe('—');
  });

  test('two-week trend in percentage points with arrows', async () => {
    const d = await load();
    expect(d.trendPoints({ last2w: 0.61, prev2w: 0.78 })).toBe(-17);
    expect(d.formatTrend({ last2w: 0.61, prev2w: 0.78 })).toEqual({ text: '↓17.0', dir: -1 });
    expect(d.formatTrend({ last2w: 0.8, prev2w: 0.768 })).toEqual({ text: '↑3.2', dir: 1 });
    expect(d.formatTrend({ last2w: 0.5, prev2w: 0.5 })).toEqual({ text: '持平', dir: 0 });
    expect(d.formatTrend({ last2w: null, prev2w: 0.5 })).toEqual({ text: '—', dir: 0 });
    expect(d.formatTrend(undefined)).toEqual({ text: '—', dir: 0 });
  });

  test('sorts with nulls last in either direction, numbers numerically, names in Chinese order', async () => {
    const d = await load();
    const rows = [{ n: '乙', r: 0.5 }, { n: '甲', r: null }, { n: '丙', r: 0.9 }, { n: '丁', r: 0.05 }];
    expect(d.sortRows(rows, (x) => x.r, 'desc').map((x) => x.n)).toEqual(['丙', '乙', '丁', '甲']);
    expect(d.sortRows(rows, (x) => x.r, 'asc').map((x) => x.n)).toEqual(['丁', '乙', '丙', '甲']);
    expect(rows[0].n).toBe('乙'); // a copy, not in place
    const names = d.sortRows([{ n: '王' }, { n: '李' }, { n: '张' }], (x) => x.n, 'asc').map((x) => x.n);
    expect(names).toEqual(['李', '王', '张']);
  });

  test('only follows same-site ?next= paths after login', async () => {
    const d = await load();
    const next = (raw: unknown) => d.safeNext(raw, 'http://127.0.0.1:3000');
    expect(next('/team/7?from=2026-12-01&to=2026-12-07')).toBe('/team/7?from=2026-12-01&to=2026-12-07');
    expect(next('/')).toBe('/');
    expect(next('//evil.example/x')).toBe('/');
    expect(next('/\\evil.example')).toBe('/');
    expect(next('https://evil.example/')).toBe('/');
    expect(next('javascript:alert(1)')).toBe('/');
    expect(next('/login?next=/')).toBe('/');
    expect(next(null)).toBe('/');
    // What ?next= decodes to: browsers drop tab/CR/LF and read "\\" as "/", which would make "//evil.example".
    for (const raw of ['/\t/evil.example/', '/\n/evil.example/', '/\r/evil.example/', '/\\/evil.example/', '\\\\evil.example', '/ /evil.example']) {
      expect(next(raw), JSON.stringify(raw)).toBe('/');
    }
    expect(next('/org?path=%E6%B1%9F#x')).toBe('/org?path=%E6%B1%9F#x');
  });

  test('routes on pathname and query; keeps from/to in URLs', async () => {
    const d = await load();
    expect(d.parseRoute('/', '')).toEqual({ page: 'overview', org: null });
    expect(d.parseRoute('/org', '?path=%E6%B1%9F%E5%8C%97%2F%E6%9C%BA%E6%A2%B0&from=2026-12-01')).toEqual({ page: 'overview', org: '江北/机械' });
    expect(d.parseRoute('/team/42', '')).toEqual({ page: 'team', gid: '42' });
    expect(d.parseRoute('/lesson/42/2026-12-07', '?to=2026-12-07')).toEqual({ page: 'lesson', gid: '42', day: '2026-12-07' });
    expect(d.parseRoute('/lesson/42/yesterday', '').page).toBe('notFound');
    expect(d.parseRoute('/team/%E0%A4%A', '').page).toBe('notFound');
    expect(d.rangeParams('?from=2026-11-08&to=2026-12-07&path=x')).toEqual({ from: '2026-11-08', to: '2026-12-07' });
    expect(d.rangeParams('?from=bad')).toEqual({});
    expect(d.buildUrl('/export/overview.csv', { org: '江北/机械', from: '2026-11-08', to: undefined })).toBe(
      '/export/overview.csv?org=%E6%B1%9F%E5%8C%97%2F%E6%9C%BA%E6%A2%B0&from=2026-11-08',
    );
    expect(d.buildUrl('/', {})).toBe('/');
    expect(d.teamPath(7)).toBe('/team/7');
    expect(d.lessonPath(7, '2026-12-07')).toBe('/lesson/7/2026-12-07');
  });
});
