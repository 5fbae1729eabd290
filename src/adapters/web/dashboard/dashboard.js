// 班前十分钟 · 工会数据看板: the one script of the dashboard and its login page (ES module, no build step).
//
// Pages (all served as index.html except /login): /, /org?path=…, /team/<gid>, /lesson/<gid>/<YYYY-MM-DD>.
// The date range lives in the URL query (from/to) and goes along with every API call.
// Everything that comes from the API is put into the page with textContent / setAttribute only, never
// innerHTML: names are WeChat nicknames that anyone can set. ECharts (a classic script, window.echarts)
// escapes the names it puts into its HTML tooltips.
//
// The pure helpers are exported so tests can run them in Node; the page only boots when there is a document.

/** Figures keys, in the order of the summary cards. Each card carries a literal data-testid. */
export const CARDS = [
  { key: 'lessons', label: '课次', testid: 'card-lessons' },
  { key: 'expected', label: '应参与', testid: 'card-expected' },
  { key: 'answered', label: '参与人次', testid: 'card-answered' },
  { key: 'participationRate', label: '参与率', testid: 'card-participationRate', rate: true },
  { key: 'correct', label: '答对人次', testid: 'card-correct' },
  { key: 'correctRate', label: '正确率', testid: 'card-correctRate', rate: true },
  { key: 'late', label: '补学', testid: 'card-late' },
];

const ACCENT = '#c62828';
const SECOND = '#546e7a';
const GREEN = '#2e7d32';
const GREY = '#bdbdbd';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------------------------------------------------
// Pure helpers (exported for tests)

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** 0.725 → "72.5%"; null (no denominator) → "—". */
export function formatRate(v) {
  return isNum(v) ? `${(v * 100).toFixed(1)}%` : '—';
}

/** A count as is; anything else → "—". */
export function formatCount(v) {
  return isNum(v) ? String(v) : '—';
}

/** last2w − prev2w in percentage points, or null when either side is missing. */
export function trendPoints(trend) {
  if (!trend || !isNum(trend.last2w) || !isNum(trend.prev2w)) return null;
  return Math.round((trend.last2w - trend.prev2w) * 1000) / 10;
}

/** The 近两周变化 cell: "↑3.2" / "↓1.5" / "持平" / "—" plus its direction (1, -1, 0). */
export function formatTrend(trend) {
  const d = trendPoints(trend);
  if (d === null) return { text: '—', dir: 0 };
  if (d === 0) return { text: '持平', dir: 0 };
  return { text: `${d > 0 ? '↑' : '↓'}${Math.abs(d).toFixed(1)}`, dir: d > 0 ? 1 : -1 };
}

/** Sorts a copy; null/undefined always last, numbers numerically, text by Chinese collation. */
export function sortRows(rows, value, dir = 'desc') {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      const an = a.v === null || a.v === undefined || (typeof a.v === 'number' && !Number.isFinite(a.v));
      const bn = b.v === null || b.v === undefined || (typeof b.v === 'number' && !Number.isFinite(b.v));
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), 'zh-CN');
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.row);
}

/**
 * Where to go after logging in: only a path on this site; otherwise "/". Browsers drop tabs and newlines from
 * URLs and read "\" as "/", so "/\t/evil.example" would become "//evil.example": such characters are refused,
 * and what is left must resolve to `origin` (the page's own).
 */
export function safeNext(raw, origin) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || /[\u0000-\u0020\u007f\\]/.test(raw)) return '/';
  let url;
  try {
    url = new URL(raw, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin || url.pathname === '/login') return '/';
  return url.pathname + url.search + url.hash;
}

/** path + query from a params object, leaving out empty values. */
export function buildUrl(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The from/to of a query string, when they look like dates. */
export function rangeParams(search) {
  const q = new URLSearchParams(search);
  const out = {};
  for (const k of ['from', 'to']) {
    const v = q.get(k);
    if (v && DAY.test(v)) out[k] = v;
  }
  return out;
}

/** Which page a location shows. */
export function parseRoute(pathname, search) {
  const q = new URLSearchParams(search);
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const dec = (s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return null;
    }
  };
  if (path === '/') return { page: 'overview', org: null };
  if (path === '/org') return { page: 'overview', org: q.get('path') || null };
  if (path === '/login') return { page: 'login' };
  let m = /^\/team\/([^/]+)$/.exec(path);
  if (m && dec(m[1]) !== null) return { page: 'team', gid: dec(m[1]) };
  m = /^\/lesson\/([^/]+)\/(\d{4}-\d{2}-\d{2})$/.exec(path);
  if (m && dec(m[1]) !== null) return { page: 'lesson', gid: dec(m[1]), day: m[2] };
  return { page: 'notFound' };
}

export const teamPath = (gid) => `/team/${encodeURIComponent(String(gid))}`;
export const lessonPath = (gid, day) => `/lesson/${encodeURIComponent(String(gid))}/${encodeURIComponent(String(day))}`;

// ---------------------------------------------------------------------------------------------------------
// DOM helpers

/** createElement with attributes; string children become text nodes. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const $ = (id) => document.getElementById(id);

class HttpError extends Error {
  constructor(status, body) {
    super((body && typeof body.error === 'string' && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}
class Redirecting extends Error {}

function currentPathAndQuery() {
  return location.pathname + location.search;
}

function redirectToLogin() {
  location.assign(buildUrl('/login', { next: currentPathAndQuery() }));
}

/** GET a JSON API with the page's date range; 401 sends the officer to the login page. */
async function api(path, params = {}) {
  const res = await fetch(buildUrl(path, { ...params, ...rangeParams(location.search) }), {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (res.status === 401) {
    redirectToLogin();
    throw new Redirecting('401');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new HttpError(res.status, body);
  return body;
}

/** A link inside the app: the click handler turns it into history.pushState. */
function navLink(href, text, props = {}) {
  return h('a', { href, 'data-nav': true, ...props }, text);
}

/** An in-app href that keeps the page's date range. */
function withRange(path, params = {}) {
  return buildUrl(path, { ...params, ...rangeParams(location.search) });
}

function navigate(href) {
  history.pushState(null, '', href);
  render();
  window.scrollTo(0, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Charts

let charts = [];
let chartMode = 'day'; // 按日 / 按周, kept across pages

function disposeCharts() {
  for (const c of charts) c.dispose();
  charts = [];
}

function initChart(box) {
  const ec = globalThis.echarts;
  if (!ec) {
    box.classList.add('chart-missing');
    box.textContent = '图表组件未能加载（/assets/echarts.min.js）';
    return null;
  }
  const chart = ec.init(box, null, { renderer: 'canvas' });
  charts.push(chart);
  return chart;
}

const pct1 = (v) => (isNum(v) ? Math.round(v * 1000) / 10 : null);

function trendOption(rows, mode) {
  const labels = rows.map((r) => (mode === 'day' ? String(r.day) : `${r.week}（${String(r.from ?? '').slice(5)} 起）`));
  const empty = rows.length === 0;
  return {
    animationDuration: 300,
    color: [ACCENT, SECOND],
    title: empty ? { text: '所选区间内没有数据', left: 'center', top: 'middle', textStyle: { color: '#999', fontSize: 14, fontWeight: 'normal' } } : undefined,
    grid: { left: 56, right: 24, top: 44, bottom: 36 },
    legend: { top: 6, right: 16, data: ['参与率', '正确率'], itemWidth: 18, itemHeight: 10 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (isNum(v) ? `${v.toFixed(1)}%` : '—') },
    xAxis: {
      type: 'category',
      boundaryGap: mode !== 'day',
      data: labels,
      axisLine: { lineStyle: { color: '#bbb' } },
      axisLabel: { color: '#666', formatter: (v) => (mode === 'day' ? String(v).slice(5) : String(v).replace(/^\d{4}-(W\d+).*$/, '$1')) },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 20,
      axisLabel: { color: '#666', formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#eee' } },
    },
    series: [
      { name: '参与率', type: 'line', connectNulls: true, symbol: 'circle', symbolSize: 5, lineStyle: { width: 2 }, data: rows.map((r) => pct1(r.participationRate)) },
      { name: '正确率', type: 'line', connectNulls: true, symbol: 'circle', symbolSize: 5, lineStyle: { width: 2 }, data: rows.map((r) => pct1(r.correctRate)) },
    ],
  };
}

/** The 参与率/正确率 line chart with its 按日/按周 toggle. */
function trendSection(data, after) {
  const daily = Array.isArray(data.daily) ? data.daily : [];
  const weekly = Array.isArray(data.weekly) ? data.weekly : [];
  const box = h('div', { class: 'chart chart-trend', 'data-testid': 'chart-trend', role: 'img', 'aria-label': '参与率与正确率走势' });
  let chart = null;
  const buttons = {};
  const draw = () => {
    for (const [m, b] of Object.entries(buttons)) {
      b.classList.toggle('active', m === chartMode);
      b.setAttribute('aria-pressed', String(m === chartMode));
    }
    chart?.setOption(trendOption(chartMode === 'day' ? daily : weekly, chartMode), { notMerge: true });
  };
  const toggle = (mode, label) =>
    (buttons[mode] = h('button', { type: 'button', class: 'seg', 'data-testid': `chart-${mode}`, onclick: () => ((chartMode = mode), draw()) }, label));
  after.push(() => {
    chart = initChart(box);
    draw();
  });
  return h(
    'section',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, '参与率 / 正确率走势'), h('div', { class: 'segmented', role: 'group', 'aria-label': '粒度' }, toggle('day', '按日'), toggle('week', '按周'))),
    box,
  );
}

/** One horizontal bar chart of option counts: correct options green, the others grey. */
function questionChart(q, index, answered, after) {
  const options = Array.isArray(q.options) ? q.options : [];
  const picks = options.reduce((s, o) => s + (isNum(o.count) ? o.count : 0), 0);
  const most = options.reduce((m, o) => Math.max(m, isNum(o.count) ? o.count : 0), 0);
  // Shares are of the people who answered (so a multiple-choice question can add up to more than 100%);
  // when that figure is missing or smaller than a single option's count, of all the picks.
  const total = isNum(answered) && answered > 0 && answered >= most ? answered : picks;
  const share = (n) => (total > 0 ? `${((n / total) * 100).toFixed(1)}%` : '—');
  const summary = options.map((o) => `${o.letter} ${formatCount(o.count)} 人${o.correct ? '（正确）' : ''}`).join('，');
  const box = h('div', {
    class: 'chart chart-question',
    'data-testid': `question-chart-${index + 1}`,
    role: 'img',
    'aria-label': summary,
  });
  box.style.height = `${Math.max(120, options.length * 46 + 40)}px`; // CSSOM, so a strict style-src CSP still allows it
  after.push(() => {
    const chart = initChart(box);
    // Option labels take up to 336 px, but at most 40% of a narrow (phone) chart.
    const labels = Math.min(336, Math.round(box.clientWidth * 0.4));
    chart?.setOption({
      animationDuration: 300,
      grid: { left: labels, right: 120, top: 8, bottom: 28 },
      tooltip: { trigger: 'item', valueFormatter: (v) => `${formatCount(v)} 人` },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#888' }, splitLine: { lineStyle: { color: '#eee' } } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: options.map((o) => `${o.letter}. ${o.text ?? ''}`),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#bbb' } },
        axisLabel: { color: '#333', fontSize: 13, width: labels - 16, overflow: 'truncate', margin: 12 },
      },
      series: [
        {
          name: '选择人数',
          type: 'bar',
          barMaxWidth: 26,
          data: options.map((o) => ({ value: isNum(o.count) ? o.count : 0, itemStyle: { color: o.correct ? GREEN : GREY } })),
          label: { show: true, position: 'right', color: '#333', formatter: (p) => `${p.value} 人（${share(p.value)}）` },
        },
      ],
    });
  });
  return { box, total };
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks

function figureCards(f) {
  const figures = f && typeof f === 'object' ? f : {};
  return h(
    'section',
    { class: 'cards', 'aria-label': '汇总' },
    CARDS.map((c) => {
      const v = figures[c.key];
      return h(
        'div',
        { class: c.rate ? 'card stat stat-rate' : 'card stat', 'data-testid': c.testid, 'data-value': isNum(v) ? v : '' },
        h('div', { class: 'stat-label' }, c.label),
        h('div', { class: 'stat-value' }, c.rate ? formatRate(v) : formatCount(v)),
      );
    }),
  );
}

function exportLinks(base, params, testids = { csv: 'export-csv', xlsx: 'export-xlsx' }) {
  return h(
    'div',
    { class: 'exports' },
    h('a', { class: 'btn', href: buildUrl(`${base}.csv`, params), download: true, 'data-testid': testids.csv }, '导出 CSV'),
    h('a', { class: 'btn', href: buildUrl(`${base}.xlsx`, params), download: true, 'data-testid': testids.xlsx }, '导出 Excel'),
  );
}

function pageHead(title, meta, actions) {
  return h('div', { class: 'page-head' }, h('div', {}, h('h1', { 'data-testid': 'page-title' }, title), meta && h('p', { class: 'page-meta' }, meta)), actions);
}

function rangeText(data) {
  return data.from && data.to ? `统计区间：${data.from} 至 ${data.to}` : '';
}

/** Fills the breadcrumb bar: crumbs [{ text, href? }], the last one being the current page. */
function setBreadcrumb(crumbs) {
  const nav = $('breadcrumb');
  if (!nav) return;
  const items = [];
  crumbs.forEach((c, i) => {
    if (i > 0) items.push(h('span', { class: 'sep', 'aria-hidden': 'true' }, '›'));
    const last = i === crumbs.length - 1;
    items.push(last || !c.href ? h('span', { class: last ? 'current' : '', 'aria-current': last ? 'page' : null }, c.text) : navLink(c.href, c.text));
  });
  nav.replaceChildren(...items);
}

function orgCrumbs(breadcrumb) {
  return (Array.isArray(breadcrumb) ? breadcrumb : []).map((b, i) => ({
    text: String(b.name ?? b.path ?? ''),
    href: i === 0 ? withRange('/') : withRange('/org', { path: b.path }),
  }));
}

/**
 * A table sortable by clicking its headers.
 * columns: [{ key, label, value(row), cell(row)?, text?: true, num?: true, sortable?: false, title? }]
 */
function sortableTable({ columns, rows, sort, rowProps, testid, empty, caption }) {
  const state = { ...sort };
  const headButtons = new Map();
  const tbody = h('tbody');
  const thead = h(
    'thead',
    {},
    h(
      'tr',
      {},
      columns.map((col) => {
        if (col.sortable === false) return h('th', { class: col.num ? 'num' : null, scope: 'col' }, col.label);
        const btn = h('button', { type: 'button', class: 'sort', title: col.title ?? `按${col.label}排序`, onclick: () => {
          if (state.key === col.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
          else Object.assign(state, { key: col.key, dir: col.text ? 'asc' : 'desc' });
          draw();
        } }, col.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }));
        const th = h('th', { class: col.num ? 'num' : null, scope: 'col' }, btn);
        headButtons.set(col.key, { th, btn });
        return th;
      }),
    ),
  );
  function draw() {
    for (const [key, { th, btn }] of headButtons) {
      const on = key === state.key;
      th.setAttribute('aria-sort', on ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      btn.querySelector('.arrow').textContent = on ? (state.dir === 'asc' ? '▲' : '▼') : '';
      btn.classList.toggle('sorted', on);
    }
    const col = columns.find((c) => c.key === state.key) ?? columns[0];
    const sorted = sortRows(rows, col.value, state.dir);
    if (sorted.length === 0) {
      tbody.replaceChildren(h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty ?? '没有数据')));
      return;
    }
    tbody.replaceChildren(
      ...sorted.map((row) =>
        h(
          'tr',
          rowProps ? rowProps(row) : {},
          columns.map((c) => h('td', { class: c.num ? 'num' : null, 'data-testid': `cell-${c.key}` }, c.cell ? c.cell(row) : formatCount(c.value(row)))),
        ),
      ),
    );
  }
  draw();
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': testid }, caption && h('caption', {}, caption), thead, tbody));
}

/** Row props for a clickable row whose first link is where it goes. */
function clickableRow(href, extra = {}) {
  return {
    ...extra,
    class: ['clickable', extra.class].filter(Boolean).join(' '),
    onclick: (e) => {
      if (e.target.closest('a, button')) return;
      if (window.getSelection && String(window.getSelection()).length > 0) return;
      navigate(href);
    },
  };
}

const figureColumns = (pick, answeredLabel = '参与') => [
  { key: 'lessons', label: '课次', num: true, value: (r) => pick(r)?.lessons },
  { key: 'expected', label: '应参与', num: true, value: (r) => pick(r)?.expected },
  { key: 'answered', label: answeredLabel, num: true, value: (r) => pick(r)?.answered },
  { key: 'participationRate', label: '参与率', num: true, value: (r) => pick(r)?.participationRate, cell: (r) => formatRate(pick(r)?.participationRate) },
  { key: 'correctRate', label: '正确率', num: true, value: (r) => pick(r)?.correctRate, cell: (r) => formatRate(pick(r)?.correctRate) },
  { key: 'late', label: '补学', num: true, value: (r) => pick(r)?.late },
];

const streakColumn = { key: 'streak', label: '连续学习', num: true, value: (w) => w.streak, cell: (w) => (isNum(w.streak) ? `${w.streak} 次` : '—') };

// ---------------------------------------------------------------------------------------------------------
// Pages

function overviewPage(data, after, pk) {
  const node = data.node ?? {};
  const trail = Array.isArray(data.breadcrumb) ? data.breadcrumb : [];
  const crumbs = orgCrumbs(trail);
  if (trail.length === 0 || trail.at(-1).path !== node.path) crumbs.push({ text: String(node.name ?? '') });
  setBreadcrumb(crumbs);
  document.title = `${node.name ?? '总览'} · 班前十分钟`;

  const children = Array.isArray(data.children) ? data.children : [];
  const hrefOf = (c) => (c.kind === 'team' && c.gid !== undefined && c.gid !== null ? withRange(teamPath(c.gid)) : withRange('/org', { path: c.path }));
  const dropped = children.filter((c) => c.dropped).length;
  const table = sortableTable({
    testid: 'children-table',
    rows: children,
    sort: { key: 'participationRate', dir: 'desc' },
    empty: '没有下级单位或班组',
    columns: [
      {
        key: 'name',
        label: '名称',
        text: true,
        value: (c) => c.name,
        cell: (c) => [
          navLink(hrefOf(c), String(c.name ?? '')),
          c.kind === 'team' ? h('span', { class: 'tag tag-kind' }, '班组') : null,
          c.dropped ? h('span', { class: 'tag tag-drop', 'data-testid': 'tag-dropped' }, '下降') : null,
        ],
      },
      ...figureColumns((c) => c.figures),
      {
        key: 'trend',
        label: '近两周变化',
        num: true,
        title: '近两周参与率减去前两周参与率（百分点）',
        value: (c) => trendPoints(c.trend),
        cell: (c) => {
          const t = formatTrend(c.trend);
          const tip = c.trend ? `近两周 ${formatRate(c.trend.last2w)}，前两周 ${formatRate(c.trend.prev2w)}` : null;
          return h('span', { class: t.dir > 0 ? 'up' : t.dir < 0 ? 'down' : 'flat', title: tip }, t.text);
        },
      },
    ],
    rowProps: (c) => clickableRow(hrefOf(c), { 'data-testid': `row-${c.name}`, class: c.dropped ? 'dropped' : null }),
  });

  const exportParams = { org: node.path, from: data.from, to: data.to };
  return h(
    'div',
    { class: 'page page-overview' },
    pageHead(String(node.name ?? ''), rangeText(data), exportLinks('/export/overview', exportParams)),
    figureCards(data.figures),
    data.enrolable ? codePanel(String(node.path ?? '')) : null,
    trendSection(data, after),
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, '下级单位与班组'),
        h('p', { class: 'panel-note' }, `共 ${children.length} 个`, dropped ? h('span', { class: 'note-drop' }, `，其中 ${dropped} 个参与率明显下降（红色标出）`) : null, '。点击表头排序，点击名称查看详情；变化为近两周参与率减前两周，单位：百分点。'),
      ),
      table,
    ),
    pk ? pkSection(pk, { org: node.path, from: data.from, to: data.to }) : null,
  );
}

/** The team PK of the last full week up to the range's end, and each group's 学习之星 of that month so far. */
function pkSection(pk, exportParams) {
  const rows = Array.isArray(pk.pk) ? pk.pk : [];
  const stars = Array.isArray(pk.stars) ? pk.stars : [];
  const week = pk.week ?? {};
  const ranking = sortableTable({
    testid: 'pk-table',
    rows,
    sort: { key: 'place', dir: 'asc' },
    empty: '这一周没有可排名的班组',
    columns: [
      { key: 'place', label: '名次', num: true, value: (r) => r.place },
      { key: 'room', label: '班组', text: true, value: (r) => r.room, cell: (r) => navLink(withRange(teamPath(r.gid)), String(r.room ?? '')) },
      ...figureColumns((r) => r),
      { key: 'previousRate', label: '前一周参与率', num: true, value: (r) => r.previousRate, cell: (r) => formatRate(r.previousRate) },
    ],
    rowProps: (r) => ({ 'data-testid': `pk-${r.room}` }),
  });
  const starTable = sortableTable({
    testid: 'stars-table',
    rows: stars,
    sort: { key: 'points', dir: 'desc' },
    empty: '这个月还没有人得分',
    columns: [
      { key: 'room', label: '班组', text: true, value: (s) => s.room, cell: (s) => String(s.room ?? '') },
      { key: 'name', label: '学习之星', text: true, value: (s) => s.name, cell: (s) => String(s.name ?? '') },
      { key: 'points', label: '积分', num: true, value: (s) => s.points },
      streakColumn,
    ],
    rowProps: (s) => ({ 'data-testid': `star-${s.room}` }),
  });
  return h(
    'section',
    { class: 'panel', 'data-testid': 'pk-panel' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', {}, `本周班组 PK（${String(week.from ?? '').slice(5)} 至 ${String(week.to ?? '').slice(5)}）`),
      h('p', { class: 'panel-note' }, '所选日期范围末尾的上一个完整周：先比参与率，再比正确率；没有推送的班组和未归属的群不排名。'),
      exportLinks('/export/pk', exportParams, { csv: 'pk-export-csv', xlsx: 'pk-export-xlsx' }),
    ),
    ranking,
    h('div', { class: 'panel-head' }, h('h2', {}, `本月学习之星（${String(pk.month ?? '')}）`), h('p', { class: 'panel-note' }, '各班组本月积分最多的人，同分看连续学习次数；每月第一个上课日在群里公布上月的。')),
    starTable,
  );
}

/** A team's one-time enrolment code: the leader sends it with 报名 in the team's group. */
function codePanel(team) {
  const out = h('p', { class: 'panel-note', 'data-testid': 'enrol-code', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn', 'data-testid': 'issue-code' }, '生成报名码');
  button.onclick = async () => {
    button.disabled = true;
    try {
      const res = await fetch('/api/team-code', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ team }),
      });
      if (res.status === 401) return redirectToLogin();
      const body = await res.json().catch(() => null);
      out.textContent = res.ok ? body.text : (body && body.error) || `HTTP ${res.status}`;
    } finally {
      button.disabled = false;
    }
  };
  return h(
    'section',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, '报名码'), h('p', { class: 'panel-note' }, '6 位数字，7 天内有效，只能用一次。班长在班组群里发送“@班前小助手 报名 课程 时间 报名码”，群就归到本班组，发送的人成为班长。')),
    button,
    out,
  );
}

function teamPage(data, after) {
  const team = data.team ?? {};
  const room = String(team.room ?? `班组 ${team.gid ?? ''}`);
  const crumbs = orgCrumbs(data.breadcrumb);
  if (team.path === null || team.path === undefined) crumbs.push({ text: '未归属' });
  crumbs.push({ text: room });
  setBreadcrumb(crumbs);
  document.title = `${room} · 班前十分钟`;

  const lessons = Array.isArray(data.lessons) ? data.lessons : [];
  const workers = Array.isArray(data.workers) ? data.workers : [];
  const gid = team.gid;

  const lessonsTable = sortableTable({
    testid: 'lessons-table',
    rows: lessons,
    sort: { key: 'day', dir: 'desc' },
    empty: '所选区间内没有课',
    columns: [
      { key: 'day', label: '日期', text: true, value: (l) => l.day, cell: (l) => navLink(withRange(lessonPath(gid, l.day)), String(l.day ?? '')) },
      { key: 'title', label: '课程', text: true, value: (l) => l.title, cell: (l) => String(l.title ?? '') },
      { key: 'answered', label: '参与', num: true, value: (l) => l.figures?.answered, cell: (l) => `${formatCount(l.figures?.answered)} / ${formatCount(l.figures?.expected)}` },
      { key: 'participationRate', label: '参与率', num: true, value: (l) => l.figures?.participationRate, cell: (l) => formatRate(l.figures?.participationRate) },
      { key: 'correctRate', label: '正确率', num: true, value: (l) => l.figures?.correctRate, cell: (l) => formatRate(l.figures?.correctRate) },
      { key: 'late', label: '补学', num: true, value: (l) => l.figures?.late },
    ],
    rowProps: (l) => clickableRow(withRange(lessonPath(gid, l.day)), { 'data-testid': `row-${l.day}` }),
  });

  const workersTable = sortableTable({
    testid: 'workers-table',
    rows: workers,
    sort: { key: 'points', dir: 'desc' },
    empty: '还没有人作答',
    columns: [
      { key: 'name', label: '姓名', text: true, value: (w) => w.name, cell: (w) => String(w.name ?? '') },
      { key: 'answered', label: '参与次数', num: true, value: (w) => w.answered },
      { key: 'correct', label: '全对次数', num: true, value: (w) => w.correct },
      { key: 'points', label: '积分', num: true, value: (w) => w.points },
      streakColumn,
      { key: 'badges', label: '徽章', text: true, value: (w) => (Array.isArray(w.badges) ? w.badges.join('、') : ''), cell: (w) => (Array.isArray(w.badges) ? w.badges.map((b) => h('span', { class: 'tag tag-badge' }, String(b))) : null) },
    ],
    rowProps: (w) => ({ 'data-testid': `row-${w.name}` }),
  });

  const pending = data.notAnsweredToday;
  let todayBox;
  if (pending === null || pending === undefined) {
    todayBox = h('section', { class: 'today today-none', 'data-testid': 'not-answered-today' }, '今天没有课');
  } else if (pending.length === 0) {
    todayBox = h('section', { class: 'today today-done', 'data-testid': 'not-answered-today' }, '今天的课全员已作答');
  } else {
    todayBox = h(
      'section',
      { class: 'today today-pending', 'data-testid': 'not-answered-today' },
      h('strong', {}, `今天还没作答（${pending.length} 人）：`),
      h('span', { class: 'names' }, pending.map((n, i) => [i > 0 ? '、' : null, h('span', { class: 'name' }, String(n))])),
    );
  }

  const away = Array.isArray(data.onLeaveToday) ? data.onLeaveToday : [];
  const leaveBox = away.length
    ? h(
        'section',
        { class: 'today today-leave', 'data-testid': 'on-leave-today' },
        h('strong', {}, `今天请假（${away.length} 人）：`),
        h('span', { class: 'names' }, away.map((w, i) => [i > 0 ? '、' : null, h('span', { class: 'name' }, `${String(w.name ?? '')}${w.reason ? `（${String(w.reason)}）` : ''}`)])),
      )
    : null;

  const course = data.course ? `课程：${data.course.title}，第 ${data.course.cycle} 轮，已学 ${data.course.lessons} 课` : '';
  const meta = [team.path ? `所属：${team.path}` : '所属：未归属', course, rangeText(data)].filter(Boolean).join('　·　');
  return h(
    'div',
    { class: 'page page-team' },
    pageHead(room, meta, exportLinks(`/export${teamPath(gid)}`, { from: data.from, to: data.to })),
    todayBox,
    leaveBox,
    figureCards(data.figures),
    trendSection(data, after),
    h(
      'div',
      { class: 'two-col' },
      h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, '每日课程'), h('p', { class: 'panel-note' }, '点击一行查看各题作答分布。')), lessonsTable),
      h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, '组员'), h('p', { class: 'panel-note' }, `共 ${workers.length} 人，点击表头排序。`)), workersTable),
    ),
  );
}

function lessonPage(data, after) {
  const team = data.team ?? {};
  const room = String(team.room ?? `班组 ${team.gid ?? ''}`);
  const title = String(data.lesson?.title ?? '课程');
  const back = withRange(teamPath(team.gid));
  setBreadcrumb([{ text: room, href: back }, { text: `${data.day ?? ''} ${title}` }]);
  document.title = `${title} · ${room} · 班前十分钟`;

  const questions = Array.isArray(data.questions) ? data.questions : [];
  return h(
    'div',
    { class: 'page page-lesson' },
    h('p', { class: 'back' }, navLink(back, `← 返回 ${room}`, { 'data-testid': 'back-to-team' })),
    pageHead(title, `${room}　·　${data.day ?? ''}`, exportLinks(`/export${lessonPath(team.gid, data.day)}`, {})),
    figureCards(data.figures),
    questions.length === 0 ? h('section', { class: 'panel' }, h('p', { class: 'muted' }, '这节课没有题目。')) : null,
    questions.map((q, i) => {
      const { box, total } = questionChart(q, i, data.figures?.answered, after);
      return h(
        'section',
        { class: 'panel question', 'data-testid': `question-${i + 1}` },
        h('div', { class: 'panel-head' }, h('h2', {}, `第 ${i + 1} 题`), h('p', { class: 'panel-note' }, `正确答案：${q.answer ?? '—'}　·　作答 ${total} 人　·　`, h('span', { class: 'key-correct' }, '■'), ' 正确选项 ', h('span', { class: 'key-other' }, '■'), ' 其他选项')),
        h('p', { class: 'question-text' }, String(q.question ?? '')),
        box,
      );
    }),
  );
}

function notFoundPage() {
  setBreadcrumb([{ text: '页面不存在' }]);
  return h('div', { class: 'page' }, h('section', { class: 'notice' }, '没有这个页面。', navLink(withRange('/'), '回到首页')));
}

function errorView(err) {
  if (err instanceof HttpError && err.status === 403) {
    setBreadcrumb([{ text: '首页', href: withRange('/') }, { text: '无权查看' }]);
    return h('section', { class: 'notice notice-error', 'data-testid': 'forbidden' }, '无权查看该范围');
  }
  const retry = h('button', { type: 'button', class: 'btn', onclick: () => render() }, '重试');
  if (err instanceof HttpError && err.status === 404) {
    return h('section', { class: 'notice', 'data-testid': 'not-found' }, `没有找到：${err.message === 'HTTP 404' ? '该页面的数据' : err.message}。`, navLink(withRange('/'), '回到首页'));
  }
  if (err instanceof HttpError && err.body?.field === 'range') {
    $('range-error').textContent = err.message; // next to the date fields it is about
    return h('section', { class: 'notice', 'data-testid': 'range-notice' }, '请改正上方的统计区间。');
  }
  if (err instanceof HttpError) return h('section', { class: 'notice notice-error', 'data-testid': 'load-error' }, `加载失败：${err.message}`, retry);
  return h('section', { class: 'notice notice-error', 'data-testid': 'load-error' }, '无法连接服务器，请检查网络后重试。', retry);
}

// ---------------------------------------------------------------------------------------------------------
// Dashboard shell

let renderSeq = 0;

function fillRangeInputs(from, to) {
  const f = $('range-from');
  const t = $('range-to');
  if (f && from) f.value = from;
  if (t && to) t.value = to;
}

async function render() {
  const seq = ++renderSeq;
  const main = $('main');
  disposeCharts();
  const range = rangeParams(location.search);
  fillRangeInputs(range.from, range.to);
  $('range-error').textContent = '';
  main.replaceChildren(h('p', { class: 'loading' }, '加载中…'));
  const route = parseRoute(location.pathname, location.search);
  const after = [];
  try {
    let view;
    if (route.page === 'overview') {
      const [data, pk] = await Promise.all([api('/api/overview', { org: route.org }), api('/api/pk', { org: route.org })]);
      if (seq !== renderSeq) return;
      fillRangeInputs(data.from, data.to);
      view = overviewPage(data, after, pk);
    } else if (route.page === 'team') {
      const data = await api(`/api/team/${encodeURIComponent(route.gid)}`);
      if (seq !== renderSeq) return;
      fillRangeInputs(data.from, data.to);
      view = teamPage(data, after);
    } else if (route.page === 'lesson') {
      const data = await api(`/api${lessonPath(route.gid, route.day)}`);
      if (seq !== renderSeq) return;
      view = lessonPage(data, after);
    } else {
      view = notFoundPage();
    }
    main.replaceChildren(view);
    for (const fn of after) fn();
  } catch (err) {
    if (seq !== renderSeq || err instanceof Redirecting) return;
    main.replaceChildren(errorView(err));
  }
}

function scopeText(scope) {
  if (Array.isArray(scope)) return scope.map(String).join(' / ');
  if (scope && typeof scope === 'object') return String(scope.name ?? scope.path ?? '');
  return scope === null || scope === undefined ? '' : String(scope);
}

async function loadSession() {
  try {
    const s = await api('/api/session');
    $('officer-name').textContent = String(s?.name ?? '');
    const scope = scopeText(s?.scope);
    $('officer-scope').textContent = scope ? `管辖范围：${scope}` : '';
    // Under the simulator the figures follow its clock, so say which day that is.
    $('sim-date').textContent = s?.simulated ? `模拟器日期：${s.today}` : '';
    $('sim-date').hidden = !s?.simulated;
  } catch {
    // 401 already redirected; anything else leaves the header blank
  }
}

function bootDashboard() {
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[data-nav]') : null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', () => render());
  window.addEventListener('resize', () => {
    for (const c of charts) c.resize();
  });

  $('range').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = $('range-from').value;
    const to = $('range-to').value;
    if (from && to && from > to) {
      $('range-error').textContent = '开始日期不能晚于结束日期';
      return;
    }
    const q = new URLSearchParams(location.search);
    for (const [k, v] of [['from', from], ['to', to]]) v && DAY.test(v) ? q.set(k, v) : q.delete(k);
    const s = q.toString();
    navigate(s ? `${location.pathname}?${s}` : location.pathname);
  });
  $('range-reset').addEventListener('click', () => {
    const q = new URLSearchParams(location.search);
    q.delete('from');
    q.delete('to');
    $('range-from').value = '';
    $('range-to').value = '';
    const s = q.toString();
    navigate(s ? `${location.pathname}?${s}` : location.pathname);
  });
  $('logout').addEventListener('click', async (e) => {
    e.currentTarget.disabled = true;
    try {
      await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
    } catch {
      // the session is gone for us either way
    }
    location.assign('/login');
  });

  loadSession();
  render();
}

// ---------------------------------------------------------------------------------------------------------
// Login page

function bootLogin() {
  const form = $('login-form');
  const error = $('login-error');
  const submit = form.querySelector('button[type=submit]');
  const next = safeNext(new URLSearchParams(location.search).get('next'), location.origin);

  fetch('/api/setup-hint', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
    .then((res) => (res.ok ? res.json() : null))
    .then((body) => {
      if (!body || !(body.officers === 0) || typeof body.hint !== 'string' || !body.hint) return;
      const box = $('setup-hint');
      box.querySelector('.setup-hint-text').textContent = body.hint;
      box.hidden = false;
    })
    .catch(() => {});

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const name = form.elements.namedItem('name').value.trim();
    const password = form.elements.namedItem('password').value;
    if (!name || !password) {
      error.textContent = '请输入姓名和密码';
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在登录…';
    try {
      const res = await fetch('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ name, password }),
      });
      if (res.ok) {
        location.assign(next);
        return;
      }
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      const msg = body && typeof body.error === 'string' && body.error ? body.error : res.status === 401 ? '姓名或密码不对' : `登录失败（HTTP ${res.status}）`;
      error.textContent = msg;
      if (res.status === 423 && body?.until) {
        const until = new Date(body.until);
        if (!Number.isNaN(until.getTime())) {
          const pad = (n) => String(n).padStart(2, '0');
          error.append(h('br'), `请于 ${until.getFullYear()}-${pad(until.getMonth() + 1)}-${pad(until.getDate())} ${pad(until.getHours())}:${pad(until.getMinutes())} 之后再试。`);
        }
      }
      if (res.status === 401) form.elements.namedItem('password').select();
    } catch {
      error.textContent = '无法连接服务器，请稍后再试';
    } finally {
      submit.disabled = false;
      submit.textContent = '登录';
    }
  });
}

if (typeof document !== 'undefined') {
  const page = document.body?.dataset.page;
  if (page === 'login' || (!page && location.pathname === '/login')) bootLogin();
  else bootDashboard();
}
