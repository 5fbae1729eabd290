import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/redis/keys.ts';

/** What a session remembers of the login; the dashboard compares it with officers.yaml at every request. */
export interface Session {
  name: string;
  scope: string;
  /** A digest of the password hash at login: a password change ends the session. */
  pass: string;
  /** Wall-clock ms. */
  expires: number;
}

/** Server-side sessions, so logout really ends one and they survive a restart. */
export interface SessionStore {
  /** Stores the session for ttlMs and returns its new random token. */
  create(session: Session, ttlMs: number): Promise<string>;
  get(token: string): Promise<Session | undefined>;
  end(token: string): Promise<void>;
}

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const passDigest = (passwordHash: string): string => createHash('sha256').update(passwordHash).digest('base64url');

/** Sessions as Redis strings with a TTL, so an abandoned session cleans itself up. */
export class RedisSessions implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(session: Session, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.keys.session(token), JSON.stringify(session), 'PX', ttlMs);
    return token;
  }

  async get(token: string): Promise<Session | undefined> {
    if (!tokenPattern.test(token)) return undefined; // signed by us, so only a leaked secret gets here
    const raw = await this.redis.get(this.keys.session(token));
    return raw ? (JSON.parse(raw) as Session) : undefined;
  }

  async end(token: string): Promise<void> {
    await this.redis.del(this.keys.session(token));
  }
}
