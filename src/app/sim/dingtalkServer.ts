import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local DingTalk that speaks the documented protocol, for the adapter's tests and the simulator
 * (`simulate --channel dingtalk-sim`; loopback only): the Stream gateway
 * (connections/open, then the WebSocket with SYSTEM and CALLBACK frames and their acks), the app
 * token, the robot message OpenAPI with its error bodies, and the signed custom robot webhook.
 * Error bodies of the new API are { code, message, requestid }; of the old (oapi) one { errcode, errmsg }:
 * https://open.dingtalk.com/document/orgapp/server-api-error-codes-1
 */

export interface SentMessage {
  path: string;
  openConversationId?: string;
  userIds?: string[];
  robotCode?: string;
  msgKey: string;
  msgParam: Record<string, string>;
}

export interface WebhookPost {
  msgtype: string;
  markdown?: { title: string; text: string };
  link?: { title: string; text: string; messageUrl: string };
}

interface Ack {
  code: number;
  headers: { messageId: string; contentType?: string };
  message: string;
  data: string;
}

interface Failure {
  status: number;
  body: Record<string, unknown>;
}

export class DingtalkServer {
  readonly clientId = 'dingappkey0001';
  readonly clientSecret = 'app-secret-DO-NOT-LOG-7f3a';
  readonly webhookToken = 'hook-token-DO-NOT-LOG-91c2';
  readonly webhookSecret = 'SEChook-secret-DO-NOT-LOG-55e1';
  /** The current app token; a test may change it to make the client's cached one stale. */
  accessToken = 'acs-token-1';
  readonly sent: SentMessage[] = [];
  readonly webhookPosts: WebhookPost[] = [];
  readonly uploads: { filename: string; bytes: number }[] = [];
  /** Gateway handshakes answered with an endpoint, and WebSockets opened. */
  opens = 0;
  /** When each gateway handshake was asked for (ms), accepted or not. */
  readonly gatewayCalls: number[] = [];
  connections = 0;
  tokenRequests = 0;
  private readonly sockets = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly acks = new Map<string, (ack: Ack) => void>();
  /** Failures for the next OpenAPI / webhook sends, first one first. */
  readonly failSends: Failure[] = [];
  /** Called when a send request arrives, before it is answered (to cut the Stream link mid-wave). */
  onSend?: (n: number) => void;
  /** Delays answers to sends and token requests (ms), to make the client time out. */
  sendDelayMs = 0;
  tokenDelayMs = 0;
  private readonly http = createServer((req, res) => void this.route(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });

  async start(): Promise<this> {
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ticket = url.searchParams.get('ticket') ?? '';
      // A ticket is good for one connection.
      if (url.pathname !== '/connect' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  get gatewayUrl(): string {
    return `${this.base}/v1.0/gateway/connections/open`;
  }

  get webhookUrl(): string {
    return `${this.base}/robot/send?access_token=${this.webhookToken}`;
  }

  get online(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (raw) => {
      const ack = JSON.parse(String(raw)) as Ack;
      this.acks.get(ack.headers?.messageId)?.(ack);
    });
  }

  /** Sends one downstream frame to every open connection and resolves with the first ack. */
  private push(type: 'SYSTEM' | 'CALLBACK', topic: string, data: unknown): Promise<Ack> {
    const messageId = randomUUID();
    const acked = new Promise<Ack>((resolve) => this.acks.set(messageId, resolve));
    const frame = {
      specVersion: '1.0',
      type,
      headers: { appId: 'app-1', connectionId: 'conn-1', contentType: 'application/json', messageId, time: String(Date.now()), topic },
      data: typeof data === 'string' ? data : JSON.stringify(data),
    };
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('no client connected');
    ws.send(JSON.stringify(frame));
    return acked;
  }

  /**
   * A SYSTEM ping; the client must echo it with code 200.
   * https://open.dingtalk.com/document/direction/stream-mode-protocol-access-description
   */
  ping(): Promise<Ack> {
    return this.push('SYSTEM', 'ping', { opaque: randomUUID() });
  }

  /**
   * A robot callback (topic /v1.0/im/bot/messages/get) for an @-message in a group or a private chat.
   * Fields: https://open.dingtalk.com/document/orgapp/receive-message
   * (conversationType "1" single chat, "2" group; senderStaffId only for members of the organisation).
   */
  robotMessage(m: { text: string; staffId?: string; nick?: string; group?: { id: string; title: string }; msgId?: string; at?: { dingtalkId: string; staffId?: string }[] }): Promise<Ack> {
    const now = Date.now();
    return this.push('CALLBACK', '/v1.0/im/bot/messages/get', {
      conversationId: m.group?.id ?? 'cidPrivate0001',
      // atUsers: [{dingtalkId, staffId}] for everyone @-mentioned, the robot included (its dingtalkId is chatbotUserId).
      atUsers: m.group ? [{ dingtalkId: '$:LWCP_v1:$bot' }, ...(m.at ?? [])] : [],
      chatbotCorpId: 'dingcorp0001',
      chatbotUserId: '$:LWCP_v1:$bot',
      msgId: m.msgId ?? `msg${randomUUID()}`,
      senderNick: m.nick,
      isAdmin: false,
      senderStaffId: m.staffId,
      sessionWebhookExpiredTime: now + 5_400_000,
      createAt: now,
      senderCorpId: 'dingcorp0001',
      conversationType: m.group ? '2' : '1',
      senderId: `$:LWCP_v1:$${m.nick ?? m.staffId}`,
      conversationTitle: m.group?.title,
      isInAtList: m.group ? true : undefined,
      sessionWebhook: `${this.base}/robot/sendBySession?session=x`,
      text: { content: m.text },
      robotCode: this.clientId,
      msgtype: 'text',
    });
  }

  /** A callback whose data is not the documented JSON (a damaged or unknown frame). */
  rawCallback(data: string): Promise<Ack> {
    return this.push('CALLBACK', '/v1.0/im/bot/messages/get', data);
  }

  /** A server-side disconnect: the sockets are cut without a close handshake. */
  cut(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const body = isJson && raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', this.base);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    switch (url.pathname) {
      // Stream gateway: POST {clientId, clientSecret, subscriptions, ua} -> {endpoint, ticket}.
      // https://open.dingtalk.com/document/direction/stream-mode-protocol-access-description
      case '/v1.0/gateway/connections/open': {
        this.gatewayCalls.push(Date.now());
        if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) {
          return reply(401, { code: 'InvalidAuthentication', message: '鉴权失败', requestid: randomUUID() });
        }
        const subs = body.subscriptions as { type: string; topic: string }[];
        if (!subs?.some((s) => s.type === 'CALLBACK' && s.topic === '/v1.0/im/bot/messages/get')) {
          return reply(400, { code: 'InvalidParameter', message: 'subscriptions', requestid: randomUUID() });
        }
        const ticket = randomUUID();
        this.tickets.add(ticket);
        this.opens++;
        return reply(200, { endpoint: `${this.base.replace('http', 'ws')}/connect`, ticket });
      }
      // App token: POST {appKey, appSecret} -> {accessToken, expireIn}.
      // https://open.dingtalk.com/document/orgapp/obtain-the-access_token-of-an-internal-app
      case '/v1.0/oauth2/accessToken': {
        this.tokenRequests++;
        if (this.tokenDelayMs) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
        if (body.appKey !== this.clientId || body.appSecret !== this.clientSecret) {
          return reply(400, { code: 'invalidClientSecret', message: '无效的clientSecret', requestid: randomUUID() });
        }
        return reply(200, { accessToken: this.accessToken, expireIn: 7200 });
      }
      // Robot group message: https://open.dingtalk.com/document/orgapp/the-robot-sends-a-group-message
      // Robot private messages: https://open.dingtalk.com/document/orgapp/chatbots-send-one-on-one-chat-messages-in-batches
      case '/v1.0/robot/groupMessages/send':
      case '/v1.0/robot/oToMessages/batchSend': {
        if (req.headers['x-acs-dingtalk-access-token'] !== this.accessToken) {
          return reply(401, { code: 'InvalidAuthentication', message: '不合法的access_token', requestid: randomUUID() });
        }
        return this.answerSend(reply, () => {
          this.sent.push({
            path: url.pathname,
            openConversationId: body.openConversationId as string | undefined,
            userIds: body.userIds as string[] | undefined,
            robotCode: body.robotCode as string,
            msgKey: body.msgKey as string,
            msgParam: JSON.parse(body.msgParam as string) as Record<string, string>,
          });
          return [200, url.pathname.endsWith('batchSend') ? { processQueryKey: 'pqk', invalidStaffIdList: [] } : { processQueryKey: 'pqk' }];
        });
      }
      // Custom robot: ?access_token=…&timestamp=…&sign=…, where sign = urlencode(base64(HmacSHA256(secret,
      // timestamp + "\n" + secret))) and the timestamp is within an hour; 310000 when the signature is wrong.
      // https://open.dingtalk.com/document/robots/customize-robot-security-settings
      case '/robot/send': {
        if (url.searchParams.get('access_token') !== this.webhookToken) return reply(200, { errcode: 300001, errmsg: 'token is not exist' });
        const timestamp = url.searchParams.get('timestamp') ?? '';
        const expected = createHmac('sha256', this.webhookSecret).update(`${timestamp}\n${this.webhookSecret}`).digest('base64');
        if (url.searchParams.get('sign') !== expected || Math.abs(Date.now() - Number(timestamp)) > 3_600_000) {
          return reply(200, { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
        }
        return this.answerSend(reply, () => {
          this.webhookPosts.push(body as unknown as WebhookPost);
          return [200, { errcode: 0, errmsg: 'ok' }];
        });
      }
      // Media upload (multipart, field "media"), old API with the token in the query:
      // https://open.dingtalk.com/document/orgapp/upload-media-files
      case '/media/upload': {
        if (url.searchParams.get('access_token') !== this.accessToken) return reply(200, { errcode: 40014, errmsg: '不合法的access_token' });
        const filename = /name="media"; filename="([^"]+)"/.exec(raw.toString('latin1'))?.[1];
        if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data') || !filename) return reply(200, { errcode: 40004, errmsg: '无效的媒体文件类型' });
        this.uploads.push({ filename, bytes: raw.length });
        return reply(200, { errcode: 0, errmsg: 'ok', type: 'image', media_id: `@media${this.uploads.length}`, created_at: Date.now() });
      }
      default:
        return reply(404, { code: 'NotFound', message: url.pathname });
    }
  }

  private sends = 0;

  private async answerSend(reply: (status: number, json: unknown) => void, accept: () => [number, unknown]): Promise<void> {
    this.onSend?.(++this.sends);
    if (this.sendDelayMs) await new Promise((r) => setTimeout(r, this.sendDelayMs));
    const failure = this.failSends.shift();
    if (failure) return reply(failure.status, failure.body);
    reply(...accept());
  }
}
