import type { OrgNode, OrgTree } from '../org.ts';
import type { RosterEntry } from './roster.ts';

/** One spreadsheet row as text cells, with the row number people see in Excel or a text editor. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** The accepted headers of each column (compared without case and spaces). */
export const rosterColumns = {
  id: ['用户ID', '用户id', '账号', '成员账号', 'userid', 'user id', 'id'],
  name: ['姓名', '名字', 'name'],
  team: ['班组', '班组路径', '所属班组', 'team'],
} as const;

const norm = (s: string) => s.replace(/^\uFEFF/, '').replace(/\s+/g, '').toLowerCase();

/** Whether an org node is a team: a leaf under the root, never 未归属. Only a team can hold people or a group. */
export const isTeam = (org: OrgTree, node: OrgNode): boolean => !node.children.length && !!node.parent && node !== org.unbound;

/** A team by unique name or path (within `scope`), or one sentence saying what is wrong. */
export function resolveTeam(org: OrgTree, query: string, scope?: OrgNode): { node: OrgNode } | { error: string } {
  const found = org.resolve(query, scope);
  if ('error' in found) return found;
  return isTeam(org, found.node) ? found : { error: `“${found.node.name}”不是班组（班组是组织架构最末一级）` };
}

/**
 * Reads roster rows: a header row naming the three columns, then one person per row. Every problem is
 * reported as `file:row: 错误：…`; with any problem there are no entries, so a bad file writes nothing.
 */
export function rosterFromRows(file: string, rows: SheetRow[], org: OrgTree): { entries: RosterEntry[]; errors: string[] } {
  const filled = rows.filter((r) => r.cells.some((c) => c.trim()));
  const header = filled[0];
  if (!header) return { entries: [], errors: [`${file}: 错误：文件是空的，第一行应是表头：用户ID、姓名、班组`] };
  const at = (row: number, message: string) => `${file}:${row}: 错误：${message}`;
  const heads = header.cells.map(norm);
  const column = {} as Record<keyof typeof rosterColumns, number>;
  const errors: string[] = [];
  for (const [key, names] of Object.entries(rosterColumns) as [keyof typeof rosterColumns, readonly string[]][]) {
    column[key] = heads.findIndex((h) => names.some((n) => norm(n) === h));
    if (column[key] < 0) errors.push(at(header.row, `表头缺少“${names[0]}”列（可写：${names.join('、')}）`));
  }
  if (errors.length) return { entries: [], errors };
  const entries: RosterEntry[] = [];
  const seen = new Map<string, number>();
  for (const r of filled.slice(1)) {
    const cell = (key: keyof typeof rosterColumns) => (r.cells[column[key]] ?? '').trim();
    const [id, name, team] = [cell('id'), cell('name'), cell('team')];
    const missing = [!id && '用户ID', !name && '姓名', !team && '班组'].filter(Boolean);
    if (missing.length) {
      errors.push(at(r.row, `缺少${missing.join('、')}`));
      continue;
    }
    if (seen.has(id)) errors.push(at(r.row, `用户ID“${id}”与第 ${seen.get(id)} 行重复`));
    seen.set(id, r.row);
    const found = resolveTeam(org, team);
    if ('error' in found) errors.push(at(r.row, found.error));
    else entries.push({ id, name, team: found.node.path });
  }
  if (!errors.length && !entries.length) errors.push(at(header.row, '表头下面没有成员'));
  return errors.length ? { entries: [], errors } : { entries, errors };
}

/**
 * Decodes a CSV file: UTF-8 with or without a BOM, else GB18030 (what Excel and WPS save as "CSV" on a
 * Chinese Windows), then splits it into rows (RFC 4180 quotes; a row keeps the line number it starts on).
 */
export function csvRows(bytes: Uint8Array): SheetRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = () => {
    cells.push(cell);
    rows.push({ row: start, cells });
    cells = [];
    cell = '';
    start = line;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && !cell) quoted = true;
    else if (ch === ',') cells.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRow();
    } else cell += ch;
  }
  if (cell || cells.length) endRow();
  return rows;
}
