import { existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import orgSchema from '../../schemas/org.schema.json' with { type: 'json' };
import { OrgTree } from '../core/org.ts';
import { ConfigError } from './config.ts';
import { CheckedYaml } from '../core/yaml/checkedYaml.ts';

const validate = new Ajv({ allErrors: true, strict: true }).compile(orgSchema);

interface RawNode {
  name: string;
  children?: RawNode[];
}

/** Reads the org tree; without the file there is one root and every group shows under 未归属. */
export function loadOrg(file: string): OrgTree {
  if (!existsSync(file)) return new OrgTree({ name: '全部' });
  const { yaml, data } = CheckedYaml.read(file);
  if (data !== undefined && yaml.checkSchema(validate, data)) checkSiblings(yaml, data as RawNode, []);
  if (yaml.problems.length) throw new ConfigError(yaml.problems);
  return new OrgTree(data as RawNode);
}

/** Two siblings with one name would make one path mean two nodes. */
function checkSiblings(yaml: CheckedYaml, node: RawNode, at: (string | number)[]): void {
  const seen = new Set<string>();
  node.children?.forEach((c, i) => {
    const path = [...at, 'children', i];
    if (seen.has(c.name.trim())) yaml.report([...path, 'name'], 'error', `同一级里有两个“${c.name}”，路径会分不清`);
    seen.add(c.name.trim());
    checkSiblings(yaml, c, path);
  });
}
