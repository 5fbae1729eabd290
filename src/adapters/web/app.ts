import Fastify, { type FastifyInstance } from 'fastify';
import { chatPage, type SimControl } from './chatPage.ts';
import { dashboard, type DashboardOptions } from './dashboard.ts';

/** Composes the web app without listening, so tests can inject() and the caller picks the address. */
export function buildApp(opts: { sim?: SimControl; dashboard?: DashboardOptions; logger?: boolean }): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false });
  app.get('/healthz', async () => ({ ok: true }));
  if (opts.sim) app.register(chatPage, { sim: opts.sim });
  if (opts.dashboard) app.register(dashboard, opts.dashboard);
  else if (opts.sim) app.get('/', (_req, reply) => reply.redirect('/chat'));
  return app;
}
