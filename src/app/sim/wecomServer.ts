import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local WeCom smart-robot long-connection server (loopback only), for the adapter's tests and the
 * simulator (`simulate --channel wecom-sim`), speaking the documented protocol:
 * https://developer.work.weixin.qq.com/document/path/101463 (智能机器人长连接). Every frame is JSON
 * `{cmd, headers: {req_id}, body}`; the server's acknowledgements carry the request's req_id and
 * `errcode`/`errmsg` and no cmd. Frame shapes also follow the official SDK's code
 * (@wecom/aibot-node-sdk, WsConnectionManager.handleFrame / sendAuth / sendHeartbeat).
 */

export interface Received {
  cmd: string;
  headers: { req_id: string };
  body?: any;
}

export class WecomServer {
  /** Every frame the robot sent, in order. */
  readonly received: Received[] = [];
  /** Error codes for the next aibot_send_msg frames (0 or absent: accepted). */
  readonly sendCodes: number[] = [];
  /** Drop the connection, without an acknowledgement, on the next aibot_send_msg. */
  dropOnNextSend = false;
  /** Take the next aibot_send_msg without ever acknowledging it. */
  ignoreNextSend = false;
  /** Answer heartbeats (ping); off, the SDK declares the connection dead after two missed acks. */
  ackPings = true;
  /** Called with each pushed message the server accepted (the demo's chat page shows them). */
  onMessage?: (body: any) => void;
  /** The worst case for logs: a refusal whose errmsg repeats the credential it was given. */
  echoSecretOnRefusal = false;
  /** A network outage: every connection is cut as it opens (see down()). */
  private refusing = false;
  private readonly sockets = new Set<WebSocket>();
  private readonly authed = new Set<WebSocket>();
  private seq = 0;
  private lastPush = '';

  private constructor(
    private readonly wss: WebSocketServer,
    readonly botId: string,
    readonly secret: string,
  ) {
    wss.on('connection', (ws) => {
      if (this.refusing) return ws.terminate();
      this.sockets.add(ws);
      ws.on('close', () => {
        this.sockets.delete(ws);
        this.authed.delete(ws);
      });
      ws.on('message', (data) => this.onFrame(ws, JSON.parse(String(data)) as Received));
    });
  }

  static async start(botId = 'bot-test', secret = 'S3cr3t-never-logged'): Promise<WecomServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new WecomServer(wss, botId, secret);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Live, authenticated connections. */
  get connections(): number {
    return this.authed.size;
  }

  frames(cmd: string): Received[] {
    return this.received.filter((f) => f.cmd === cmd);
  }

  private ack(ws: WebSocket, reqId: string, errcode = 0, body?: unknown, errmsg = errcode ? 'error' : 'ok'): void {
    ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg, ...(body !== undefined && { body }) }));
  }

  private onFrame(ws: WebSocket, frame: Received): void {
    this.received.push(frame);
    const reqId = frame.headers.req_id;
    switch (frame.cmd) {
      // 订阅请求: {cmd: "aibot_subscribe", headers: {req_id}, body: {bot_id, secret}} → {headers: {req_id}, errcode, errmsg}
      // (101463 · 建立长连接 · 订阅请求)
      case 'aibot_subscribe': {
        const ok = frame.body?.bot_id === this.botId && frame.body?.secret === this.secret;
        if (ok) this.authed.add(ws);
        // A wrong secret is refused with a non-zero errcode; the server then closes the socket.
        this.ack(ws, reqId, ok ? 0 : 40001, undefined, ok ? 'ok' : this.echoSecretOnRefusal ? `invalid secret ${frame.body?.secret}` : 'invalid secret');
        return;
      }
      // 心跳请求: {cmd: "ping", headers: {req_id}} → {headers: {req_id}, errcode: 0, errmsg: "ok"} (101463 · 保持心跳)
      case 'ping':
        if (this.ackPings) this.ack(ws, reqId);
        return;
      // 主动推送消息: {cmd: "aibot_send_msg", headers: {req_id}, body: {chatid, msgtype, markdown|template_card|image}}
      // → {headers: {req_id}, errcode, errmsg} (101463 · 主动推送消息 · 请求格式 / 响应格式)
      case 'aibot_send_msg':
        if (this.ignoreNextSend) {
          this.ignoreNextSend = false;
          return;
        }
        if (this.dropOnNextSend) {
          this.dropOnNextSend = false;
          ws.terminate();
          return;
        }
        {
          const code = this.sendCodes.shift() ?? 0;
          this.ack(ws, reqId, code);
          if (!code) this.onMessage?.(frame.body);
        }
        return;
      // 回复消息 / 更新模板卡片: {cmd: "aibot_respond_msg" | "aibot_respond_update_msg", headers: {req_id of the callback}, body}
      // (101463 · 回复消息 · 更新模板卡片)
      case 'aibot_respond_msg':
      case 'aibot_respond_update_msg':
        this.ack(ws, reqId);
        return;
      // 上传临时素材: init → body {upload_id}; chunk → ack; finish → body {type, media_id, created_at} (101463 · 上传临时素材)
      case 'aibot_upload_media_init':
        this.ack(ws, reqId, 0, { upload_id: `up-${++this.seq}` });
        return;
      case 'aibot_upload_media_chunk':
        this.ack(ws, reqId);
        return;
      case 'aibot_upload_media_finish':
        this.ack(ws, reqId, 0, { type: 'image', media_id: `media-${++this.seq}`, created_at: '1700000000' });
        return;
    }
  }

  private push(cmd: string, body: object): string {
    const reqId = `${cmd}_${randomUUID()}`;
    this.lastPush = JSON.stringify({ cmd, headers: { req_id: reqId }, body });
    for (const ws of this.authed) ws.send(this.lastPush);
    return reqId;
  }

  /** The last callback again, unchanged: the docs say a callback may arrive twice ("可能因为网络等原因重复回调"). */
  repeat(): void {
    for (const ws of this.authed) ws.send(this.lastPush);
  }

  /**
   * 消息推送格式 (101463 · 接收消息回调): {cmd: "aibot_msg_callback", headers: {req_id}, body: {msgid, aibotid,
   * chatid (group only), chattype, from: {userid}, msgtype: "text", text: {content}}}.
   */
  text(from: string, content: string, chatid?: string): string {
    return this.push('aibot_msg_callback', {
      msgid: `msg-${++this.seq}`,
      aibotid: this.botId,
      ...(chatid && { chatid }),
      chattype: chatid ? 'group' : 'single',
      from: { userid: from },
      msgtype: 'text',
      text: { content },
    });
  }

  /**
   * 模板卡片事件 (101027 · 接收事件 · 投票选择模版卡片的事件, carried by aibot_event_callback per 101463 ·
   * 接收事件回调): body.event = {eventtype: "template_card_event", template_card_event: {card_type,
   * event_key, task_id, selected_items: {selected_item: [{question_key, option_ids: {option_id: [...]}}]}}}.
   */
  tap(from: string, taskId: string, optionIds: string[], chatid?: string): string {
    return this.push('aibot_event_callback', {
      msgid: `ev-${++this.seq}`,
      create_time: 1_700_000_000,
      aibotid: this.botId,
      ...(chatid && { chatid }),
      chattype: chatid ? 'group' : 'single',
      from: { userid: from },
      msgtype: 'event',
      event: {
        eventtype: 'template_card_event',
        template_card_event: {
          card_type: 'vote_interaction',
          event_key: 'submit',
          task_id: taskId,
          selected_items: { selected_item: [{ question_key: 'answer', option_ids: { option_id: optionIds } }] },
        },
      },
    });
  }

  /** 连接断开事件 (101463 · 接收事件回调 · 连接断开事件格式示例): a newer connection took the robot; the old one is closed. */
  kick(): void {
    this.push('aibot_event_callback', {
      msgid: `ev-${++this.seq}`,
      create_time: 1_700_000_000,
      aibotid: this.botId,
      msgtype: 'event',
      event: { eventtype: 'disconnected_event' },
    });
    setTimeout(() => this.dropAll(), 20);
  }

  /** A server-side disconnect (network loss as the robot sees it). */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** An outage: connections are cut, and new ones too, until up(). */
  down(): void {
    this.refusing = true;
    this.dropAll();
  }

  up(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
