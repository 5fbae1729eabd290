import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance } from 'fastify';
import { sendFile } from './files.ts';

/** A message seen in a chat (the bot's own included). */
export interface SimEvent {
  at: string; // ISO-8601 with +08:00, the simulator clock's time
  room: string | null; // room topic, null for a private chat with the bot
  to: string | null; // for a private chat: the member's name
  from: string; // sender display name
  self: boolean; // true when the bot sent it
  text: string;
}

/** What the page needs from the running simulator. */
export interface SimControl {
  botName: string;
  rooms(): { topic: string; owner: string; members: string[] }[];
  /** A member speaks in a room, or privately to the bot when room is undefined. Throws Error with a Chinese message on unknown room/member. */
  say(from: string, text: string, room?: string): void;
  /** Subscribe to every chat event; returns an unsubscribe function. */
  watch(listener: (e: SimEvent) => void): () => void;
  /** Fast-forwards the simulator clock (the demo's "快进" buttons) and runs what became due. */
  advance(minutes: number): Promise<void>;
  /** The simulator clock now, ISO-8601 with +08:00. */
  now(): string;
}

const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

const historySize = 500;
const pingMs = 15_000;

interface SayBody {
  from: string;
  text: string;
  room?: string;
}
interface AdvanceBody {
  minutes: number;
}

const sayBody = {
  type: 'object',
  required: ['from', 'text'],
  properties: {
    from: { type: 'string', minLength: 1, maxLength: 64 },
    text: { type: 'string', minLength: 1, maxLength: 20000 },
    room: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;
const advanceBody = {
  type: 'object',
  required: ['minutes'],
  properties: { minutes: { type: 'integer', minimum: 1, maximum: 1440 } },
} as const;

const fieldNames: Record<string, string> = { from: '发送人', text: '消息', room: '群名', minutes: '分钟数' };
const typeNames: Record<string, string> = { string: '文字', integer: '整数', object: '一个 JSON 对象' };

/** Turns the first schema violation into one Chinese sentence for the page to show. */
function validationMessage(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return '请求格式不正确';
  const p = v.params as Record<string, unknown>;
  const key = v.keyword === 'required' ? String(p.missingProperty) : v.instancePath.replace(/^\//, '');
  const field = fieldNames[key] ?? (key || '请求内容');
  switch (v.keyword) {
    case 'required':
      return `缺少${field}`;
    case 'minLength':
      return `${field}不能为空`;
    case 'maxLength':
      return `${field}不能超过 ${p.limit} 个字`;
    case 'minimum':
      return `${field}不能小于 ${p.limit}`;
    case 'maximum':
      return `${field}不能大于 ${p.limit}`;
    case 'type':
      return `${field}应为${typeNames[String(p.type)] ?? p.type}`;
    default:
      return `${field}格式不正确`;
  }
}

const sseFrame = (e: SimEvent): string => `data: ${JSON.stringify(e)}\n\n`;

/** The simulator's chat page and its JSON/SSE API. Routes are absolute, so it needs no prefix. */
export async function chatPage(app: FastifyInstance, opts: { sim: SimControl }): Promise<void> {
  const { sim } = opts;
  const history: SimEvent[] = [];
  const streams = new Set<ServerResponse>();

  // Subscribe now, not on the first page load, so the page also shows what happened before it opened.
  const unwatch = sim.watch((e) => {
    history.push(e);
    if (history.length > historySize) history.shift();
    const frame = sseFrame(e);
    for (const res of streams) res.write(frame);
  });
  // Open event streams never finish on their own and would keep close() waiting.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear(); // an event arriving before onClose must not write after end
  });
  app.addHook('onClose', async () => unwatch());

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) return reply.code(400).send({ error: validationMessage(err) });
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'chat page request failed');
      return reply.code(status).send({ error: '模拟器出错了，请看终端日志' });
    }
    // Unparsable JSON, wrong content type and the like.
    return reply.code(status).send({ error: '请求格式不正确' });
  });

  app.get('/chat', (_req, reply) => sendFile(staticDir, 'index.html', reply));
  app.get<{ Params: { '*': string } }>('/static/*', (req, reply) => sendFile(staticDir, req.params['*'], reply));

  app.get('/api/sim/rooms', async () => ({ botName: sim.botName, rooms: sim.rooms(), now: sim.now() }));

  app.post<{ Body: SayBody }>('/api/sim/say', { schema: { body: sayBody } }, async (req, reply) => {
    const { from, text, room } = req.body;
    try {
      sim.say(from, text, room);
    } catch (err) {
      return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
    return reply.code(204).send();
  });

  app.post<{ Body: AdvanceBody }>('/api/sim/advance', { schema: { body: advanceBody } }, async (req) => {
    await sim.advance(req.body.minutes);
    return { now: sim.now() };
  });

  app.get('/api/sim/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders(); // the browser fires "open" only once it has the headers, even with an empty history
    for (const e of history) res.write(sseFrame(e));
    streams.add(res);
    // Keeps proxies and idle timeouts from dropping a quiet stream.
    const ping = setInterval(() => res.write(': ping\n\n'), pingMs);
    res.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
  });
}
