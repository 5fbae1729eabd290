import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { freePort } from '../../src/adapters/store/redis/server.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { fixtureLessons } from '../helpers/sim.ts';

/** Reads server-sent events until `done` says stop; returns the texts seen. */
async function readEvents(url: string, done: (texts: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const texts: string[] = [];
  try {
    const res = await fetch(url, { signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (block.startsWith('data: ')) texts.push((JSON.parse(block.slice(6)) as { text: string }).text);
      }
      if (done(texts)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return texts;
}

test('`banqian start` runs the whole loop on the simulator: enrol, push, answer, fast-forward, summary', async () => {
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'banqian-start-')), 'banqian.yaml');
  writeFileSync(config, `lessonsDir: ${fixtureLessons}\nredis:\n  prefix: ${newPrefix()}\nweb:\n  port: ${port}\n`);
  const child = spawn(process.execPath, ['bin/banqian.js', '--config', config, 'start'], { env: { ...process.env, REDIS_URL: redisUrl(), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rooms = (await (await fetch(`${base}/api/sim/rooms`)).json()) as { rooms: { topic: string }[] };
    const topic = rooms.rooms[0].topic;
    const say = (from: string, text: string) =>
      fetch(`${base}/api/sim/say`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text, room: topic }) });
    expect((await say('张班长', '@班前小助手 报名 demo 07:50')).status).toBe(204);
    expect((await say('张班长', '立即推送')).status).toBe(204);
    const pushed = await readEvents(`${base}/api/sim/events`, (t) => t.some((x) => x.startsWith('【班前十分钟】')), 20_000);
    expect(pushed.find((t) => t.startsWith('已报名'))).toBeDefined();
    await say('李明', 'B');
    await say('王芳', 'A');
    const advanced = await fetch(`${base}/api/sim/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 180 }) });
    expect(advanced.status).toBe(200);
    const all = await readEvents(`${base}/api/sim/events`, (t) => t.some((x) => x.startsWith('【小测揭晓】')), 20_000);
    const summary = all.find((t) => t.startsWith('【小测揭晓】'))!;
    expect(summary).toContain('参与：2/5 人（40%，按群成员），全部答对 1 人。');
    expect(summary).toContain('👏 最先全对：李明');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  expect(stderr).not.toMatch(/"level":50/); // no errors logged
}, 60_000);
