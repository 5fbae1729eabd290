import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isNode, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from '../problems.ts';

/** A parsed YAML file that can turn a data path (['quiz', 0, 'answer']) into a file:line:col problem. */
export class CheckedYaml {
  private readonly found: Problem[] = [];
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): { yaml: CheckedYaml; data: unknown } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const yaml = new CheckedYaml(file, doc, lines);
    for (const err of doc.errors) {
      const [line, col] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [1, 1];
      yaml.found.push({ file, line, col, severity: 'error', message: `YAML 格式错误：${explainYamlError(err.code, firstLine(err.message))}` });
    }
    return { yaml, data: doc.errors.length ? undefined : doc.toJS() };
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
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (!isNode(node)) continue;
      const target = atKey && depth === path.length ? (this.keyNode(path) ?? node) : node;
      return this.lines.linePos((target as Node).range?.[0] ?? 0);
    }
    return { line: 1, col: 1 };
  }

  private keyNode(path: (string | number)[]): Node | undefined {
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === path.at(-1));
    return pair && isNode(pair.key) ? pair.key : undefined;
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

function decodePointer(s: string): string | number {
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
