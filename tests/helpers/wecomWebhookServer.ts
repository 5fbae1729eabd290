import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for https://qyapi.weixin.qq.com/cgi-bin/webhook/send, speaking the documented protocol:
 * POST JSON `{msgtype, text|markdown|news|image}` with `?key=`, answered with `{errcode, errmsg}` (HTTP 200
 * even on errors). Message types and limits: https://developer.work.weixin.qq.com/document/path/91770
 * Error codes: https://developer.work.weixin.qq.com/document/path/90313
 */
export interface WebhookServer {
  baseUrl: string;
  /** Every accepted message, with the key it came with. */
  received: { key: string; body: Record<string, any> }[];
  /** Answers the next N requests with this error instead (e.g. 45009), then behaves again. */
  failNext(errcode: number, errmsg: string, times?: number): void;
  /** Holds the next request without an answer (for timeouts). */
  hangNext(): void;
  close(): Promise<void>;
}

/** Size limits in UTF-8 bytes, per 91770. */
const limits: Record<string, number> = { text: 2048, markdown: 4096 };
/** Documented robot limit: 20 messages per minute per robot (91770). */
const perMinute = 20;

export async function startWebhookServer(keys: string[], now: () => number = Date.now): Promise<WebhookServer> {
  const received: WebhookServer['received'] = [];
  const sentAt = new Map<string, number[]>();
  const failures: { errcode: number; errmsg: string }[] = [];
  let hang = 0;
  const hung: (() => void)[] = [];

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8').on('data', (c) => (data += c)).on('end', () => resolve(data));
    });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await read(req);
    const reply = (errcode: number, errmsg: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
    if (hang > 0) {
      hang--;
      hung.push(() => res.destroy());
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send') return res.writeHead(404).end();
    const key = url.searchParams.get('key') ?? '';
    // 93000: "invalid webhook url" for an unknown or deleted robot key (observed reply; see 90313).
    if (!keys.includes(key)) return reply(93000, 'invalid webhook url, hint: [local]');
    const failure = failures.shift();
    if (failure) return reply(failure.errcode, failure.errmsg);
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw);
    } catch {
      // 40008-style reply for a body that is not JSON; WeCom says "Warning: wrong json format." (90313).
      return reply(40008, 'invalid message type, Warning: wrong json format.');
    }
    const type = body.msgtype;
    if (!['text', 'markdown', 'news', 'image'].includes(type)) return reply(40008, 'invalid message type');
    const content = body[type]?.content;
    if (type in limits && Buffer.byteLength(String(content ?? '')) > limits[type]) {
      // 40058 as WeCom answers it: "markdown.content exceed max length 4096. invalid Request Parameter"
      // (seen in https://github.com/dromara/domain-admin/issues/82).
      return reply(40058, `${type}.content exceed max length ${limits[type]}. invalid Request Parameter`);
    }
    // 45009 "api freq out of limit" past 20 messages in a minute for this robot (91770, 90313).
    const recent = (sentAt.get(key) ?? []).filter((t) => t > now() - 60_000);
    if (recent.length >= perMinute) return reply(45009, 'api freq out of limit');
    sentAt.set(key, [...recent, now()]);
    received.push({ key, body });
    reply(0, 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    failNext: (errcode, errmsg, times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ errcode, errmsg });
    },
    hangNext: () => void hang++,
    close: async () => {
      for (const h of hung) h();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
