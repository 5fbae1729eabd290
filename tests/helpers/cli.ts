import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/banqian.js', import.meta.url));

/** Runs the real `banqian` command line, as a user would. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env }, cwd: opts.cwd, timeout: opts.timeout ?? 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
