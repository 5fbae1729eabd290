import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const luaDir = fileURLToPath(new URL('./lua/', import.meta.url));

export const scriptNames = readdirSync(luaDir)
  .filter((f) => f.endsWith('.lua'))
  .map((f) => basename(f, '.lua'));

/**
 * Each script's header lists its KEYS; the count there is what defineCommand is told. A header with
 * "KEYS[n..]" takes a variable number of keys, and its callers pass the count first.
 */
export function defineScripts(redis: Redis): void {
  for (const name of scriptNames) {
    const lua = readFileSync(`${luaDir}${name}.lua`, 'utf8');
    const variable = /^-- KEYS\[\d+\.\.\]/m.test(lua);
    const numberOfKeys = new Set(lua.match(/^-- KEYS\[(\d+)\]/gm) ?? []).size;
    redis.defineCommand(name, variable ? { lua } : { numberOfKeys, lua });
  }
}

type Script = (...args: (string | number)[]) => Promise<unknown>;
export type ScriptedRedis = Redis & Record<string, Script>;
