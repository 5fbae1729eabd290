/**
 * Renders the first rows of lessons/template.xlsx as a spreadsheet grid and captures docs/lesson-template.png
 * with headless chromium (for the README). Run after make-template.ts: node --import tsx scripts/template-screenshot.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readGrids } from '../src/adapters/sheets/lessonSheets.ts';
import { columnLetter, lessonColumns } from '../src/core/lessons/sheet.ts';

const [grid, ...others] = await readGrids('lessons/template.xlsx');
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const px = (key: string) => ({ id: 110, track: 70, title: 210, kind: 120, dates: 90, body: 420, source: 220 })[key] ?? 150;
const shown = lessonColumns.slice(0, 12);

const head = `<tr><th class="corner"></th>${shown.map((c, i) => `<th style="width:${px(c.key)}px">${columnLetter(i)}</th>`).join('')}</tr>`;
const body = grid.rows
  .map((r, i) => {
    const cells = shown.map((_, c) => `<td class="${i ? '' : 'header'}"><div>${escape(String(r.cells[c] ?? ''))}</div></td>`).join('');
    return `<tr class="${i ? 'data' : ''}"><th>${r.row}</th>${cells}</tr>`;
  })
  .join('\n');
const tabs = [grid, ...others].map((g, i) => `<span class="${i ? '' : 'active'}">${escape(g.sheet)}</span>`).join('');

const html = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; font: 13px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #fff; }
.bar { padding: 6px 10px; background: #217346; color: #fff; font-weight: bold; }
table { border-collapse: collapse; table-layout: fixed; }
th { background: #f3f3f3; color: #555; font-weight: normal; border: 1px solid #d4d4d4; height: 20px; }
th.corner, tr th:first-child { width: 36px; }
td { border: 1px solid #e1e1e1; vertical-align: top; padding: 2px 4px; }
td.header { background: #e8eef7; font-weight: bold; white-space: nowrap; }
tr.data td div { height: 76px; overflow: hidden; white-space: pre-wrap; }
.tabs { border-top: 1px solid #ccc; padding: 4px 40px; background: #f3f3f3; }
.tabs span { display: inline-block; padding: 3px 16px; color: #444; }
.tabs span.active { background: #fff; color: #217346; font-weight: bold; border-bottom: 2px solid #217346; }
</style>
<div class="bar">lessons/template.xlsx</div>
<table>${head}\n${body}</table>
<div class="tabs">${tabs}</div>`;

const page = join(mkdtempSync(join(tmpdir(), 'banqian-shot-')), 'template.html');
writeFileSync(page, html);
const out = resolve('docs/lesson-template.png');
execFileSync('chromium', ['--headless', '--no-sandbox', '--hide-scrollbars', `--screenshot=${out}`, '--window-size=1400,270', `file://${page}`], { stdio: 'inherit' });
console.log(out);
