import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { buildApp } from '../../src/adapters/web/app.ts';
import type { SimEvent } from '../../src/adapters/web/chatPage.ts';
import { fakeSim } from '../helpers/fakeSim.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start() {
  const fake = fakeSim();
  app = buildApp({ sim: fake.sim });
  return { app, ...fake };
}

describe('chat page', () => {
  test('GET /chat serves the page as UTF-8 HTML', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/chat' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>班前十分钟 · 模拟微信群</title>');
    expect(res.body).toContain('/static/chat.js');
  });

  test('serves the script and stylesheet with their types and refuses anything outside static/', async () => {
    const { app } = start();
    const js = await app.inject({ method: 'GET', url: '/static/chat.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('/api/sim/events');
    const css = await app.inject({ method: 'GET', url: '/static/chat.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('pre-wrap');

    // bin/banqian.js is a real .js file four levels up, so only the name check keeps it out.
    for (const url of ['/static/..%2Fapp.ts', '/static/..%2F..%2F..%2F..%2Fbin%2Fbanqian.js', '/static/nope.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.body, url).toContain('没有这个页面');
    }
  });

  test('GET /api/sim/rooms gives the bot name, the rooms and the clock', async () => {
    const { app, sim } = start();
    const res = await app.inject({ method: 'GET', url: '/api/sim/rooms' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ botName: '班前小助手', rooms: sim.rooms(), now: '2025-03-03T07:40:00+08:00', channel: { up: true }, cards: false });
  });

  test('POST /api/sim/tap passes a card tap to a simulator with cards; without cards it is refused', async () => {
    const { app, sim } = start();
    const tap = { from: '小张', room: '检修一班', taskId: 'q_1_2025-03-03_lesson_0', options: ['B'] };
    const refused = await app.inject({ method: 'POST', url: '/api/sim/tap', payload: tap });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('这个聊天通道没有卡片');
    await app.close();
    const taps: unknown[][] = [];
    const withCards = buildApp({ sim: { ...sim, tap: (...args) => void taps.push(args) } });
    try {
      expect((await withCards.inject({ method: 'GET', url: '/api/sim/rooms' })).json().cards).toBe(true);
      expect((await withCards.inject({ method: 'POST', url: '/api/sim/tap', payload: tap })).statusCode).toBe(204);
      expect(taps).toEqual([['小张', '检修一班', 'q_1_2025-03-03_lesson_0', ['B']]]);
      expect((await withCards.inject({ method: 'POST', url: '/api/sim/tap', payload: { ...tap, options: [] } })).statusCode).toBe(400);
    } finally {
      await withCards.close();
    }
  });

  test('/api/sim/* answers only loopback clients that name a local host (DNS rebinding)', async () => {
    const { app, said } = start();
    const say = { from: '王班长', text: '立即推送', room: '检修一班' };
    const remote = await app.inject({ method: 'POST', url: '/api/sim/say', payload: say, remoteAddress: '192.168.1.20' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error).toMatch(/模拟器只接受本机访问/);
    const rebound = await app.inject({ method: 'GET', url: '/api/sim/rooms', headers: { host: 'evil.example:3000' } });
    expect(rebound.statusCode).toBe(403);
    expect(said).toEqual([]);
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000']) {
      expect((await app.inject({ method: 'GET', url: '/api/sim/rooms', headers: { host } })).statusCode, host).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: '/api/sim/rooms', remoteAddress: '::ffff:127.0.0.1' })).statusCode).toBe(200);
  });

  test('without the simulator there is no /api/sim/*', async () => {
    app = buildApp({});
    const res = await app.inject({ method: 'GET', url: '/api/sim/rooms' });
    expect([res.statusCode, res.json()]).toEqual([404, { error: '没有这个接口' }]);
  });

  test('GET /healthz answers ok', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ ok: true });
  });

  test('POST /api/sim/say passes the message to the simulator', async () => {
    const { app, said } = start();
    const inRoom = await app.inject({ method: 'POST', url: '/api/sim/say', payload: { from: '王班长', text: '@班前小助手 报名 safety 07:50', room: '检修一班' } });
    expect(inRoom.statusCode).toBe(204);
    expect(inRoom.body).toBe('');
    const direct = await app.inject({ method: 'POST', url: '/api/sim/say', payload: { from: '小张', text: '我的' } });
    expect(direct.statusCode).toBe(204);
    expect(said).toEqual([
      { from: '王班长', text: '@班前小助手 报名 safety 07:50', room: '检修一班' },
      { from: '小张', text: '我的', room: undefined },
    ]);
  });

  test('an unknown member gets a 400 with the simulator’s message', async () => {
    const { app, said } = start();
    const res = await app.inject({ method: 'POST', url: '/api/sim/say', payload: { from: '路人', text: 'B', room: '检修一班' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: '没有成员“路人”' });
    expect(said).toEqual([]);
  });

  test.each([
    ['empty text', { from: '小张', text: '' }, '消息不能为空'],
    ['missing from', { text: 'B' }, '缺少发送人'],
    ['text over 20000 characters', { from: '小张', text: '长'.repeat(20001) }, '消息不能超过 20000 个字'],
    ['a name over 64 characters', { from: '张'.repeat(65), text: 'B' }, '发送人不能超过 64 个字'],
  ])('POST /api/sim/say rejects %s with a Chinese error', async (_name, payload, error) => {
    const { app, said } = start();
    const res = await app.inject({ method: 'POST', url: '/api/sim/say', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error });
    expect(said).toEqual([]);
  });

  test('a body that is not JSON gets a 400 with an error field', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'POST', url: '/api/sim/say', headers: { 'content-type': 'application/json' }, payload: '{"from":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: '请求格式不正确' });
  });

  test('POST /api/sim/advance moves the clock and returns the new time', async () => {
    const { app, advanced } = start();
    const res = await app.inject({ method: 'POST', url: '/api/sim/advance', payload: { minutes: 120 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ now: '2025-03-03T09:40:00+08:00' });
    expect(advanced).toEqual([120]);
  });

  test.each([
    [0, '分钟数不能小于 1'],
    [1441, '分钟数不能大于 1440'],
    [1.5, '分钟数应为整数'],
  ])('POST /api/sim/advance refuses %s minutes', async (minutes, error) => {
    const { app, advanced } = start();
    const res = await app.inject({ method: 'POST', url: '/api/sim/advance', payload: { minutes } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error });
    expect(advanced).toEqual([]);
  });

  test('GET /api/sim/events replays the history, then streams new events', async () => {
    const { app, emit, listeners } = start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const before = emit('【班前十分钟】第 1 课\n《先通风、再检测、后作业》');

    const stream = await openEvents(app);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get('cache-control')).toBe('no-cache');
    expect(await stream.next()).toEqual(before);
    expect(await stream.next()).toEqual({ live: true }); // the page counts unread messages only from here
    const live = emit('1C 2B', false);
    expect(await stream.next()).toEqual(live);

    await stream.abort();
    expect(listeners.size).toBe(1);
    await app.close();
    expect(listeners.size).toBe(0); // the page's subscription ends with the app
  });

  test("the channel's status is in the rooms answer and streamed when it goes down and comes back", async () => {
    const { app, setChannel } = start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    setChannel({ up: false, reason: '机器人密钥不对' });
    expect((await app.inject({ url: '/api/sim/rooms' })).json().channel).toEqual({ up: false, reason: '机器人密钥不对' });
    const stream = await openEvents(app, { channel: true });
    expect(await stream.next()).toEqual({ channel: { up: false, reason: '机器人密钥不对' } }); // where it stands now
    expect(await stream.next()).toEqual({ live: true });
    setChannel({ up: true });
    expect(await stream.next()).toEqual({ channel: { up: true } });
    await stream.abort();
  });

  test('closing the app ends the streams still open', async () => {
    const { app } = start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openEvents(app);
    expect(await stream.next()).toEqual({ live: true });
    await app.close();
    await expect(stream.next()).rejects.toThrow('stream ended');
  });
});

/** Connects to the event stream of a listening app and reads it one `data:` frame at a time. */
async function openEvents(app: FastifyInstance, opts: { channel?: boolean } = {}) {
  const controller = new AbortController();
  const { port } = app.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/api/sim/events`, { signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const next = async (): Promise<SimEvent> => {
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (frame.startsWith('data: ')) return JSON.parse(frame.slice('data: '.length));
        if (frame.startsWith('event: live\n')) return { live: true } as unknown as SimEvent;
        if (opts.channel && frame.startsWith('event: channel\n')) return { channel: JSON.parse(frame.split('data: ')[1]) } as unknown as SimEvent;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffered += value;
    }
  };
  const abort = async () => {
    controller.abort();
    await reader.cancel().catch(() => {});
  };
  return { res, next, abort };
}
