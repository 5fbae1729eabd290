import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QuizRef } from '../../../core/ports.ts';
import type { AnswerTokens } from '../../../core/quiz/answerPage.ts';
import { isToken, parsePushMember, pushMember, type Keys } from './keys.ts';

/** A link outlives its quiz's window, so late answers (补学) can still come in, but not forever. */
export const answerLinkTtlSeconds = 7 * 24 * 3600;

/** Answer-page links in Redis: a random token → the quiz, with a time to live. */
export class RedisAnswerTokens implements AnswerTokens {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlSeconds = answerLinkTtlSeconds,
  ) {}

  async create(ref: QuizRef): Promise<string> {
    // 24 random bytes: 32 base64url characters, not guessable.
    const token = randomBytes(24).toString('base64url');
    await this.redis.set(this.keys.answerToken(token), pushMember(ref.gid, ref.day, ref.kind), 'EX', this.ttlSeconds);
    return token;
  }

  async find(token: string): Promise<QuizRef | undefined> {
    if (!isToken(token)) return undefined;
    const member = await this.redis.get(this.keys.answerToken(token));
    return member ? parsePushMember(member) : undefined;
  }
}
