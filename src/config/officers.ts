import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv } from 'ajv';
import { stringify } from 'yaml';
import officersSchema from '../../schemas/officers.schema.json' with { type: 'json' };
import { CheckedYaml } from '../core/yaml/checkedYaml.ts';
import { ConfigError } from './config.ts';

export interface Officer {
  name: string;
  /** The org path whose subtree this officer may see. */
  scope: string;
  /** scrypt$N$r$p$salt$hash (base64); never the password itself. */
  password: string;
  /** The officer's user id per chat platform (wecom, dingtalk, wechaty): where reports and alerts reach them privately. */
  contact?: Partial<Record<OfficerPlatform, string>>;
  email?: string;
  /** false: no Monday report for this officer (default on). */
  weeklyReport?: boolean;
}

export const officerPlatforms = ['wecom', 'dingtalk', 'wechaty'] as const;
export type OfficerPlatform = (typeof officerPlatforms)[number];

const validate = new Ajv({ allErrors: true, strict: true }).compile(officersSchema);
const N = 16384;
const r = 8;
const p = 1;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, n, rr, pp, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(rr), p: Number(pp) });
  return timingSafeEqual(actual, expected);
}

export function loadOfficers(file: string): Officer[] {
  if (!existsSync(file)) return [];
  const { yaml, data } = CheckedYaml.read(file);
  const value = data ?? {};
  if (data !== undefined) yaml.checkSchema(validate, value);
  if (yaml.problems.length) throw new ConfigError(yaml.problems);
  return (value as { officers?: Officer[] }).officers ?? [];
}

/** Adds or replaces an officer; the file keeps only hashes. */
export function saveOfficer(file: string, officer: Officer): void {
  const others = loadOfficers(file).filter((o) => o.name !== officer.name);
  const header = '# Dashboard officers. Add one with: npx banqian officer add <name> --scope <org path>\n# Passwords are scrypt hashes; the passwords themselves are never stored.\n';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, header + stringify({ officers: [...others, officer] }));
}
