import { readFileSync, statSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { Problem } from '../problems.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a YAML file, or undefined when it is not UTF-8 (GBK and UTF-16 files would load as mojibake). */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined; // UTF-16 of plain ASCII is valid UTF-8 but full of NULs
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A parsed YAML file that can turn a data path (['quiz', 0, 'answer']) into a file:line:col problem. */
export class CheckedYaml {
  private readonly found: Problem[] = [];
  /** Key -> pair for each map looked up, so placing N problems costs O(N), not O(N × keys). */
  private readonly pairIndex = new WeakMap<object, Map<unknown, Pair>>();
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Reads and parses a YAML file: the one place settings, org, officers, lessons and scenarios are read,
   * so every one of them refuses a file that is not UTF-8. `shown` is the name used in problems.
   */
  static read(file: string, shown = file, maxBytes = Infinity): { yaml: CheckedYaml; data: unknown } {
    let bytes: Buffer;
    try {
      // Checked before reading: parsing a huge file would stall the caller (the bot's tick) for seconds.
      const size = statSync(file).size;
      if (size > maxBytes) return CheckedYaml.refused(shown, `文件有 ${kb(size)}，超过上限 ${kb(maxBytes)}，未加载`);
      bytes = readFileSync(file);
    } catch (err) {
      return CheckedYaml.refused(shown, `无法读取文件（${(err as NodeJS.ErrnoException).code ?? String(err)}）`);
    }
    const text = decodeUtf8(bytes);
    return text === undefined ? CheckedYaml.refused(shown, '文件不是 UTF-8 编码，请另存为 UTF-8（如记事本“另存为”里选 UTF-8）') : CheckedYaml.parse(shown, text);
  }

  private static refused(file: string, message: string): { yaml: CheckedYaml; data: unknown } {
    const { yaml } = CheckedYaml.parse(file, '');
    yaml.found.push({ file, line: 1, col: 1, severity: 'error', message });
    return { yaml, data: undefined };
  }

  static parse(file: string, text: string): { yaml: CheckedYaml; data: unknown } {
    const lines = new LineCounter();
    // uniqueKeys is checked below in one pass: the parser's own check compares every key with every other.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
    const yaml = new CheckedYaml(file, doc, lines);
    for (const err of doc.errors) {
      const [line, col] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [1, 1];
      yaml.found.push({ file, line, col, severity: 'error', message: `YAML 格式错误：${explainYamlError(err.code, firstLine(err.message))}` });
    }
    if (doc.errors.length) return { yaml, data: undefined };
    yaml.checkKeys();
    if (yaml.found.length) return { yaml, data: undefined };
    try {
      return { yaml, data: doc.toJS({ maxAliasCount: 100 }) };
    } catch (err) {
      // An alias bomb ("billion laughs"), an alias to a missing anchor, or nesting too deep to build.
      const at = yaml.firstAlias();
      const { line, col } = lines.linePos(at?.range?.[0] ?? 0);
      const bomb = String(err).includes('resource exhaustion');
      const message = bomb
        ? '别名（& 和 *）展开后内容过多，文件不予加载；课程和设置文件里请直接写出内容，不要用别名'
        : `YAML 内容无法读取：${firstLine(err instanceof Error ? err.message : String(err))}`;
      yaml.found.push({ file, line, col, severity: 'error', message });
      return { yaml, data: undefined };
    }
  }

  /** Duplicate keys, one set per map. */
  private checkKeys(): void {
    visit(this.doc, {
      Map: (_, map) => {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          if (seen.has(pair.key.value)) {
            const { line, col } = this.lines.linePos(pair.key.range?.[0] ?? 0);
            this.found.push({ file: this.file, line, col, severity: 'error', message: `YAML 格式错误：${yamlErrorWords.DUPLICATE_KEY}（“${String(pair.key.value)}”）` });
          }
          seen.add(pair.key.value);
        }
      },
    });
  }

  private firstAlias(): Node | undefined {
    let found: Node | undefined;
    visit(this.doc, {
      Alias: (_, node) => {
        found = node;
        return visit.BREAK;
      },
    });
    return found;
  }

  /** Reports at the node for `path`, or at the deepest existing parent when the node is missing. */
  report(path: (string | number)[], severity: Problem['severity'], message: string, atKey = false): void {
    const { line, col } = this.position(path, atKey);
    this.found.push({ file: this.file, line, col, severity, message });
  }

  /** Problems in file order, so an author can fix them top to bottom. */
  get problems(): Problem[] {
    return [...this.found].sort((a, b) => a.line - b.line || a.col - b.col);
  }

  position(path: (string | number)[], atKey = false): { line: number; col: number } {
    const chain: (Node | Pair | undefined)[] = [this.doc.contents ?? undefined];
    for (const step of path) chain.push(this.child(chain.at(-1), step));
    for (let depth = path.length; depth >= 0; depth--) {
      const at = chain[depth];
      if (!at) continue;
      const node = isNode(at) ? at : (at.value as Node | null);
      const target = atKey && depth === path.length && !isNode(at) && isNode(at.key) ? at.key : node;
      if (!isNode(target)) continue;
      return this.lines.linePos(target.range?.[0] ?? 0);
    }
    return { line: 1, col: 1 };
  }

  /** The item at `step` under a node (a pair for a map, so the key can be found too). */
  private child(parent: Node | Pair | undefined, step: string | number): Node | Pair | undefined {
    const node = parent && !isNode(parent) ? parent.value : parent;
    if (isSeq(node)) return typeof step === 'number' && isNode(node.items[step]) ? (node.items[step] as Node) : undefined;
    if (!isMap(node)) return undefined;
    let index = this.pairIndex.get(node);
    if (!index) {
      index = new Map();
      for (const pair of node.items) if (isScalar(pair.key) && !index.has(pair.key.value)) index.set(pair.key.value, pair);
      this.pairIndex.set(node, index);
    }
    return index.get(step) ?? (typeof step === 'number' ? index.get(String(step)) : undefined);
  }

  /** Runs a compiled schema and reports each error in words a union officer can act on. */
  checkSchema(validate: ValidateFunction, data: unknown, describe: (e: ErrorObject) => string = describeSchemaError): boolean {
    if (validate(data)) return true;
    for (const e of validate.errors ?? []) {
      const path = e.instancePath.split('/').slice(1).map(decodePointer);
      if (e.keyword === 'additionalProperties') {
        path.push(String(e.params.additionalProperty));
        this.report(path, 'error', describe(e), true);
      } else {
        this.report(path, 'error', describe(e));
      }
    }
    return false;
  }
}

const kb = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

export function decodePointer(s: string): string | number {
  const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(key) ? Number(key) : key;
}

/** The parser's codes for the mistakes authors make most, in words they can act on; the original text is kept. */
const yamlErrorWords: Partial<Record<string, string>> = {
  DUPLICATE_KEY: '同一层里有重复的字段名',
  BAD_INDENT: '缩进不对（请用空格对齐，不要用 Tab）',
  TAB_AS_INDENT: '缩进里有 Tab，请改用空格',
  MISSING_CHAR: '缺少括号或引号的另一半',
  UNEXPECTED_TOKEN: '这里有多余或放错位置的符号',
  MULTILINE_IMPLICIT_KEY: '字段名后面缺少冒号，或值跨了多行却没有用 | ',
  BLOCK_AS_IMPLICIT_KEY: '字段名后面缺少冒号',
};

function explainYamlError(code: string, original: string): string {
  const words = yamlErrorWords[code];
  return words ? `${words}（${original}）` : original;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

export function fieldName(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map(decodePointer);
  if (parts.length === 0) return '文件';
  return parts.map((p, i) => (typeof p === 'number' ? `第 ${p + 1} 项` : i === 0 ? `“${p}”` : `的“${p}”`)).join('');
}

const patternWords: Record<string, string> = {
  '\\S': '不能为空',
  '^[a-z0-9][a-z0-9_-]*$': '只能用小写英文字母、数字、“-”和“_”，如 safety-001',
  '^[A-F]{1,6}$': '应为选项字母（大写），单选如 "B"，多选如 "AC"',
  '^https?://\\S+$': '应为以 https:// 开头的网址',
  '^[^\\s:,/@]+:[0-9]{1,5}$': '应写成“主机:端口”，如 10.0.0.5:26379',
};

export function describeSchemaError(e: ErrorObject): string {
  const field = fieldName(e);
  switch (e.keyword) {
    case 'required':
      return `${field}缺少必填字段“${e.params.missingProperty}”`;
    case 'additionalProperties':
      return `不认识的字段“${e.params.additionalProperty}”（拼写错误？）`;
    case 'type':
      return `${field}应为${typeWords(e.params.type)}`;
    case 'enum':
      return `${field}只能是：${(e.params.allowedValues as unknown[]).join('、')}`;
    case 'pattern':
      return `${field}${patternWords[e.params.pattern] ?? `格式不对（应符合 ${e.params.pattern}）`}`;
    case 'minItems':
      return `${field}至少要有 ${e.params.limit} 项`;
    case 'maxItems':
      return `${field}最多只能有 ${e.params.limit} 项`;
    case 'minimum':
    case 'maximum':
      return `${field}应${e.keyword === 'minimum' ? '不小于' : '不大于'} ${e.params.limit}`;
    case 'maxLength':
      return `${field}太长，最多 ${e.params.limit} 个字`;
    default:
      return `${field}${e.message ?? '不符合格式'}`;
  }
}

function typeWords(type: string | string[]): string {
  const words: Record<string, string> = { string: '文字', number: '数字', integer: '整数', object: '“字段: 值”的形式', array: '列表（- 开头的多行，或 [a, b]）', boolean: 'true 或 false' };
  return [type].flat().map((t) => words[t] ?? t).join('或');
}

export const newAjv = (): Ajv => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
