import { existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import orgSchema from '../../schemas/org.schema.json' with { type: 'json' };
import type { ErrorObject } from 'ajv';
import { OrgTree, unboundName } from '../core/org.ts';
import { ConfigError } from './config.ts';
import { CheckedYaml, describeSchemaError, fieldName } from '../core/yaml/checkedYaml.ts';

const validate = new Ajv({ allErrors: true, strict: true }).compile(orgSchema);

interface RawNode {
  name: string;
  children?: RawNode[];
}

/** Reads the org tree; without the file there is one root and every group shows under 未归属. */
export function loadOrg(file: string): OrgTree {
  if (!existsSync(file)) return new OrgTree({ name: '全部' });
  const { yaml, data } = CheckedYaml.read(file);
  if (data !== undefined && yaml.checkSchema(validate, data, describeName)) checkNames(yaml, data as RawNode, []);
  if (yaml.problems.length) throw new ConfigError(yaml.problems);
  return new OrgTree(data as RawNode);
}

/** "/" joins a path, so a name containing it would put a node under another node's subtree. */
function describeName(e: ErrorObject): string {
  return e.keyword === 'pattern' ? `${fieldName(e)}不能为空，也不能含“/”（“/”只用来连接路径，下级请写在 children 里）` : describeSchemaError(e);
}

/** 未归属 is reserved for unbound groups; two siblings with one name would make one path mean two nodes. */
function checkNames(yaml: CheckedYaml, node: RawNode, at: (string | number)[]): void {
  if (node.name.trim() === unboundName) yaml.report([...at, 'name'], 'error', `“${unboundName}”是保留名称（没有绑定组织的班组显示在这里），请换一个名称`);
  const seen = new Set<string>();
  node.children?.forEach((c, i) => {
    const path = [...at, 'children', i];
    if (seen.has(c.name.trim())) yaml.report([...path, 'name'], 'error', `同一级里有两个“${c.name}”，路径会分不清`);
    seen.add(c.name.trim());
    checkNames(yaml, c, path);
  });
}
