import { createHmac } from 'node:crypto';
import { SendError } from '../../../core/channel.ts';

/**
 * DingTalk's HTTPS side: the app access token, the robot message OpenAPI (which the Stream SDK does
 * not wrap) and the signed custom webhook. Every failure becomes a SendError the send queue can act on.
 */

/** msgParam "must not exceed 15,000 bytes": https://open.dingtalk.com/document/orgapp/the-robot-sends-a-group-message */
export const maxParamBytes = 15_000;

/**
 * Throttling answers: HTTP 429 and the "…QpsLimit…" / 9001x codes of
 * https://open.dingtalk.com/document/orgapp/invocation-frequency-limit, and the custom robot's
 * "sending too fast" (410100, older 130101), which then refuses it for 10 minutes:
 * https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
 */
const throttleCodes = new Set(['90002', '90018', '90019', '410100', '130101']);
const webhookPenaltyCodes = new Set(['410100', '130101']);
/** Server-side trouble the docs ask to retry: 5xx, "系统繁忙" (-1), ServiceUnavailable / SystemError. */
const retryCodes = new Set(['-1', 'ServiceUnavailable', 'SystemError', 'systemError']);

export interface HttpOptions {
  timeoutMs: number;
}

type Json = Record<string, unknown>;

/** Maps one failed answer to what the queue should do with the message. */
export function classify(status: number, code: string, message: string): SendError {
  const what = `钉钉拒绝了消息（${status} ${code}：${message}）`;
  if (status === 429 || throttleCodes.has(code) || /QpsLimit|Throttl|FlowControl/i.test(code)) {
    return new SendError(`钉钉限流（${code || status}）`, 'rate-limited', webhookPenaltyCodes.has(code) ? 600_000 : 60_000);
  }
  if (status >= 500 || retryCodes.has(code)) return new SendError(what, 'retryable', 30_000);
  return new SendError(what, 'fatal');
}

/** POSTs JSON (or a form, for uploads); the URL may carry a key, so it never goes into an error message. */
export async function postJson(url: string, body: unknown, opts: HttpOptions, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const form = body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { ...(form ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...headers },
      body: form ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    throw networkError(err);
  }
  const text = await res.text().catch(() => '');
  let json: Json = {};
  try {
    json = text ? (JSON.parse(text) as Json) : {};
  } catch {
    json = { message: text.slice(0, 200) };
  }
  return { status: res.status, json };
}

/** A failure before the message itself was posted (token, upload): even a timeout is safe to retry. */
export function beforePosting(err: SendError): never {
  throw new SendError(err.message, 'retryable', 30_000);
}

/** A timeout may have been delivered (unknown); a refused connection surely was not (retryable). */
function networkError(err: unknown): SendError {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new SendError('钉钉接口超时，消息是否送达未知', 'unknown');
  const code = e.cause?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH'].includes(code)) return new SendError(`连不上钉钉接口（${code}）`, 'retryable', 30_000);
  return new SendError(`钉钉接口网络错误（${code || e.name || 'error'}），消息是否送达未知`, 'unknown');
}

/**
 * The enterprise internal app's access token, cached until shortly before it expires.
 * https://open.dingtalk.com/document/orgapp/obtain-the-access_token-of-an-internal-app
 */
export class AccessToken {
  private cached?: { token: string; until: number };

  constructor(
    private readonly apiBase: string,
    private readonly appKey: string,
    private readonly appSecret: string,
    private readonly opts: HttpOptions,
    private readonly now: () => number,
    /** Told when the platform rejects the key/secret pair. */
    private readonly onRejected: (reason: string) => void,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.until > this.now()) return this.cached.token;
    const { status, json } = await postJson(`${this.apiBase}/v1.0/oauth2/accessToken`, { appKey: this.appKey, appSecret: this.appSecret }, this.opts).catch(beforePosting);
    const token = json.accessToken;
    if (status !== 200 || typeof token !== 'string') {
      const err = classify(status, String(json.code ?? ''), String(json.message ?? ''));
      if (err.kind !== 'fatal') throw err;
      this.onRejected(`钉钉拒绝了 AppKey/AppSecret（${status} ${String(json.code ?? '')}），请检查或轮换密钥`);
      // Kept for a later retry: a rotated secret in the config is picked up at the next start.
      throw new SendError('钉钉应用密钥错误', 'retryable', 60_000);
    }
    const expireIn = Number(json.expireIn) || 7200;
    this.cached = { token, until: this.now() + Math.max(60, expireIn - 300) * 1000 };
    return token;
  }

  /** A 401 on a send means the token went stale early. */
  forget(): void {
    this.cached = undefined;
  }
}

/**
 * Custom robot webhook signing: sign = base64(HmacSHA256(secret, timestamp + "\n" + secret)), URL-encoded,
 * appended with the timestamp (ms): https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
export function signWebhook(url: string, secret: string | undefined, now: number): string {
  if (!secret) return url;
  const sign = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${encodeURIComponent(sign)}`;
}
