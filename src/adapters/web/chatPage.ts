import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ChannelStatus } from '../../core/channel.ts';
import { sendFile } from './files.ts';

/** A message seen in a chat (the bot's own included). */
export interface SimEvent {
  at: string; // ISO-8601 with +08:00, the simulator clock's time
  room: string | null; // room topic, null for a private chat with the bot
  to: string | null; // for a private chat: the member's name
  from: string; // sender display name
  self: boolean; // true when the bot sent it
  text: string;
  /** A quiz card the page lets people tap (the WeCom demo); option ids are what a tap sends back. */
  card?: { taskId: string; multi: boolean; options: { id: string; text: string }[] };
}

/** The simulated people and chats: who is in which room, what they say, what everyone sees. */
export interface SimPeople {
  rooms(): { topic: string; owner: string; members: string[] }[];
  /** A member speaks in a room, or privately to the bot when room is undefined. Throws Error with a Chinese message on unknown room/member. */
  say(from: string, text: string, room?: string): void;
  /** A member taps options on a quiz card (only where the channel has cards). */
  tap?(from: string, room: string | undefined, taskId: string, options: string[]): void;
  /** Subscribe to every chat event; returns an unsubscribe function. */
  watch(listener: (e: SimEvent) => void): () => void;
}

/** What the page needs from the running simulator. */
export interface SimControl extends SimPeople {
  botName: string;
  /** Fast-forwards the simulator clock (the demo's "快进" buttons) and runs what became due. */
  advance(minutes: number): Promise<void>;
  /** The simulator clock now, ISO-8601 with +08:00. */
  now(): string;
  /** The chat channel's status: down, and why, until it is back. */
  channel(): ChannelStatus;
  /** Called on each change of the channel's status. */
  watchChannel(listener: (status: ChannelStatus) => void): void;
}

const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

const historySize = 500;
const pingMs = 15_000;

interface SayBody {
  from: string;
  text: string;
  room?: string;
}
interface TapBody {
  from: string;
  room?: string;
  taskId: string;
  options: string[];
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
const tapBody = {
  type: 'object',
  required: ['from', 'taskId', 'options'],
  properties: {
    from: { type: 'string', minLength: 1, maxLength: 64 },
    room: { type: 'string', minLength: 1, maxLength: 64 },
    taskId: { type: 'string', minLength: 1, maxLength: 128 },
    options: { type: 'array', minItems: 1, maxItems: 6, items: { type: 'string', minLength: 1, maxLength: 8 } },
  },
} as const;
const advanceBody = {
  type: 'object',
  required: ['minutes'],
  properties: { minutes: { type: 'integer', minimum: 1, maximum: 1440 } },
} as const;

const sseFrame = (e: SimEvent): string => `data: ${JSON.stringify(e)}\n\n`;
/** The channel went down or came back: the page shows one plain line while it is down. */
const channelFrame = (s: ChannelStatus): string => `event: channel\ndata: ${JSON.stringify(s)}\n\n`;
/** Sent after the replayed history: what follows is new, which the page's unread badges count. */
const liveFrame = 'event: live\ndata: {}\n\n';

const isLoopback = (address: string | undefined): boolean => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);
const isLocalHost = (host: string | undefined): boolean => !!host && /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i.test(host);

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
  sim.watchChannel((status) => {
    const frame = channelFrame(status);
    for (const res of streams) res.write(frame);
  });

  // Only this machine may drive the simulator, and only under a local host name, so a web page on another
  // site cannot reach it through DNS rebinding.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/sim/') && !(isLoopback(req.socket.remoteAddress) && isLocalHost(req.headers.host))) {
      return reply.code(403).send({ error: '模拟器只接受本机访问（http://127.0.0.1 或 http://localhost）' });
    }
  });

  app.get('/chat', (_req, reply) => sendFile(staticDir, 'index.html', reply));
  app.get<{ Params: { '*': string } }>('/static/*', (req, reply) => sendFile(staticDir, req.params['*'], reply));

  app.get('/api/sim/rooms', async () => ({ botName: sim.botName, rooms: sim.rooms(), now: sim.now(), channel: sim.channel(), cards: !!sim.tap }));

  app.post<{ Body: SayBody }>('/api/sim/say', { schema: { body: sayBody } }, async (req, reply) => {
    const { from, text, room } = req.body;
    try {
      sim.say(from, text, room);
    } catch (err) {
      return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
    return reply.code(204).send();
  });

  app.post<{ Body: TapBody }>('/api/sim/tap', { schema: { body: tapBody } }, async (req, reply) => {
    const { from, room, taskId, options } = req.body;
    if (!sim.tap) return reply.code(400).send({ error: '这个聊天通道没有卡片' });
    try {
      sim.tap(from, room, taskId, options);
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
    res.write(channelFrame(sim.channel()));
    res.write(liveFrame);
    streams.add(res);
    // Keeps proxies and idle timeouts from dropping a quiet stream.
    const ping = setInterval(() => res.write(': ping\n\n'), pingMs);
    res.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
  });
}
