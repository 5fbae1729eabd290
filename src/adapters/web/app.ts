import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AnswerPage } from '../../core/quiz/answerPage.ts';
import { answerPage } from './answerPage.ts';
import { chatPage, type SimControl } from './chatPage.ts';
import { dashboard, type DashboardOptions } from './dashboard.ts';
import { handleErrors } from './errors.ts';
import { sendFile } from './files.ts';

const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

/** Composes the web app without listening, so tests can inject() and the caller picks the address. */
export function buildApp(opts: { sim?: SimControl; dashboard?: DashboardOptions; answers?: AnswerPage; logger?: FastifyServerOptions['logger'] }): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false });
  handleErrors(app);
  app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // ECharts writes style attributes into its tooltips
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Served over plain http on a LAN, upgrading or pinning https would break the pages.
    strictTransportSecurity: opts.dashboard?.https ? undefined : false,
  });
  // Figures are private: no browser or proxy may keep a copy.
  app.addHook('onSend', async (req, reply) => {
    if (/^\/(api|export)\//.test(req.url)) reply.header('cache-control', 'no-store');
  });
  app.get('/healthz', async () => ({ ok: true }));
  for (const url of ['/favicon.svg', '/favicon.ico']) app.get(url, (_req, reply) => sendFile(staticDir, 'favicon.svg', reply));
  if (opts.sim) app.register(chatPage, { sim: opts.sim });
  if (opts.answers) app.register(answerPage, { page: opts.answers });
  if (opts.dashboard) app.register(dashboard, opts.dashboard);
  else if (opts.sim) app.get('/', (_req, reply) => reply.redirect('/chat'));
  return app;
}
