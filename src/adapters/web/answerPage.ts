import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AnswerPage } from '../../core/quiz/answerPage.ts';
import { sendFile } from './files.ts';

const answerDir = fileURLToPath(new URL('./answer/', import.meta.url));

interface AnswerBody {
  member: string;
  answers: string[];
}

const answerBody = {
  type: 'object',
  required: ['member', 'answers'],
  additionalProperties: false,
  properties: {
    member: { type: 'string', minLength: 1, maxLength: 64 },
    answers: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', pattern: '^[A-F]{1,6}$' } },
  },
} as const;

const gone = { error: '这个答题链接无效或已过期，请看群里最新的消息' };

/** The mobile answer page `/q/<token>` for channels that hear nothing (a webhook robot only posts). */
export async function answerPage(app: FastifyInstance, opts: { page: AnswerPage }): Promise<void> {
  const { page } = opts;
  app.get('/q/:token', (_req, reply) => sendFile(answerDir, 'index.html', reply));
  app.get<{ Params: { '*': string } }>('/q/assets/*', (req, reply) => sendFile(answerDir, req.params['*'], reply));

  app.get<{ Params: { token: string } }>('/api/q/:token', async (req, reply) => {
    const view = await page.view(req.params.token);
    return view ?? reply.code(404).send(gone);
  });

  app.post<{ Params: { token: string }; Body: AnswerBody }>('/api/q/:token/answer', { schema: { body: answerBody } }, async (req, reply) => {
    const r = await page.answer(req.params.token, req.body.member, req.body.answers);
    switch (r.kind) {
      case 'gone':
        return reply.code(404).send(gone);
      case 'bad':
        return reply.code(400).send({ error: r.error });
      case 'duplicate':
        return { status: 'duplicate', message: '你已经提交过了，以第一次提交为准。' };
      case 'recorded':
        return r.late
          ? { status: 'late', message: '已提交，记为补学（答题时间已过）。' }
          : { status: 'recorded', message: '已提交！答案和解析在答题结束后公布在群里。' };
    }
  });
}
