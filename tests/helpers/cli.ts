import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/banqian.js', import.meta.url));

/** Runs the real `banqian` command line, as a user would. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env }, cwd: opts.cwd, timeout: opts.timeout ?? 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves once the output matches (rejects if the process exits first or `ms` pass). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Sends a signal to its whole process group, as Ctrl-C in a terminal does, and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running `banqian` command (start, dashboard) in the background, in its own process group. */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d;
    listeners.forEach((l) => l());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return {
    child,
    output: () => text,
    waitFor: (pattern, ms = 20_000) =>
      new Promise((ok, fail) => {
        const check = () => {
          if (!pattern.test(text)) return;
          cleanup();
          ok();
        };
        const timer = setTimeout(() => (cleanup(), fail(new Error(`timed out waiting for ${pattern}; output:\n${text}`))), ms);
        const onExit = () => (cleanup(), fail(new Error(`exited before ${pattern}; output:\n${text}`)));
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null) process.kill(-child.pid!, signal);
      return exited;
    },
  };
}
