import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixtureLessons } from './sim.ts';

/** A working directory with a settings file, an org tree and the fixture lessons; `files` overrides any of them. */
export function workDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-cmd-'));
  mkdirSync(join(dir, 'config'));
  cpSync(resolve(fixtureLessons), join(dir, 'lessons'), { recursive: true });
  const all = { 'config/banqian.yaml': 'web: {port: 0}\n', 'config/org.yaml': 'name: 江都区总工会\n', ...files };
  for (const [path, text] of Object.entries(all)) writeFileSync(join(dir, path), text);
  return dir;
}

