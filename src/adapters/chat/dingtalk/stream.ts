import { DWClient, GATEWAY_URL } from 'dingtalk-stream';
import { postJson } from './http.ts';

/** Why the link is down, for the status line. */
export class LinkDown extends Error {
  constructor(
    message: string,
    readonly kind: 'auth' | 'lease' | 'network',
  ) {
    super(message);
  }
}

export interface StreamOptions {
  clientId: string;
  clientSecret: string;
  /** The gateway's "open connection" URL; tests point it at a local gateway. */
  gatewayUrl?: string;
  timeoutMs: number;
  /** Reconnect backoff: first delay, doubled per failure up to max; unlimited attempts. */
  backoff: { firstMs: number; maxMs: number };
}

export interface StreamHooks {
  /** Takes or renews this robot's one-connection lease; false while another instance holds it. */
  lease(): Promise<boolean>;
  up(): void;
  down(why: LinkDown, retryInMs: number): void;
}

/** The SDK's private fields this subclass must touch (dingtalk-stream 2.1.x). */
interface SdkInternals {
  dw_url?: string;
  heartbeatIntervallId?: NodeJS.Timeout;
  socket?: { terminate(): void };
}

/**
 * The official Stream client with three changes: the gateway URL is configurable (the SDK's is a
 * constant), a rejected key/secret is told apart from a network failure, and reconnects back off
 * (the SDK retries every second, forever) and first take the robot's Redis lease, so a second
 * instance waits instead of splitting the robot's messages with the first.
 */
export class StreamClient extends DWClient {
  private failures = 0;
  private connecting = false;
  private wasUp = false;
  private retry?: NodeJS.Timeout;
  private userDisconnecting = false;

  constructor(
    private readonly opts: StreamOptions,
    private readonly hooks: StreamHooks,
  ) {
    // debug stays off: the SDK's debug output prints the config, secret included.
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: true, debug: false, ua: 'banqian' });
  }

  private get internals(): SdkInternals {
    return this as unknown as SdkInternals;
  }

  /** Asks the gateway for an endpoint and a one-time ticket (POST connections/open). */
  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    let res: Awaited<ReturnType<typeof postJson>>;
    try {
      res = await postJson(this.opts.gatewayUrl ?? GATEWAY_URL, { clientId, clientSecret, ua, subscriptions }, { timeoutMs: this.opts.timeoutMs });
    } catch (err) {
      throw new LinkDown(`连不上钉钉网关（${(err as Error).message}）`, 'network');
    }
    const { status, json } = res;
    if (status >= 400 && status < 500) {
      throw new LinkDown(`钉钉拒绝了 AppKey/AppSecret（${status} ${String(json.code ?? '')}），请检查或轮换密钥`, 'auth');
    }
    const { endpoint, ticket } = json as { endpoint?: string; ticket?: string };
    if (status !== 200 || !endpoint || !ticket) throw new LinkDown(`钉钉网关没有给出连接地址（${status}）`, 'network');
    this.config.endpoint = endpoint;
    this.internals.dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
    return this;
  }

  /** Each open starts a heartbeat timer; the SDK only clears the last one, so clear the old one here. */
  override _connect(): Promise<void> {
    clearInterval(this.internals.heartbeatIntervallId);
    return super._connect();
  }

  /** Called at start and by the SDK one second after every socket close; one attempt runs at a time. */
  override async connect(): Promise<void> {
    if (this.connecting || this.retry || this.userDisconnecting) return;
    this.connecting = true;
    if (this.wasUp) this.hooks.down(new LinkDown('与钉钉的连接断开了（网络），正在重连', 'network'), 0);
    this.wasUp = false;
    try {
      if (!(await this.hooks.lease())) throw new LinkDown('另一个 banqian 实例正在使用这个钉钉机器人的连接，等它释放', 'lease');
      await this.getEndpoint();
      await this._connect();
      // Stopped while connecting: the SDK's _connect re-armed its reconnect, so close again.
      if (this.userDisconnecting) return this.disconnect();
      this.failures = 0;
      this.wasUp = true;
      this.hooks.up();
    } catch (err) {
      if (this.userDisconnecting) return;
      const why = err instanceof LinkDown ? err : new LinkDown(`与钉钉的连接失败（网络：${(err as Error).message}）`, 'network');
      const delay = Math.min(this.opts.backoff.firstMs * 2 ** this.failures, this.opts.backoff.maxMs);
      this.failures++;
      this.hooks.down(why, delay);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.connect();
      }, delay);
    } finally {
      this.connecting = false;
    }
  }

  /** Stops for good: no reconnect, heartbeat cleared. */
  close(): void {
    this.userDisconnecting = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    clearInterval(this.internals.heartbeatIntervallId);
    this.disconnect();
  }

  /** Drops the socket (the lease was lost); the SDK's close handler brings connect() back. */
  drop(): void {
    this.internals.socket?.terminate();
  }
}
