import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyReply } from 'fastify';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
// A bare file name with a known extension: no separators and no leading dot, so nothing outside the folder.
const plainName = /^[\w-][\w.-]*$/;

/** Sends one of a folder's page files; anything but a plain known file name is the app's 404. */
export async function sendFile(dir: string, name: string, reply: FastifyReply): Promise<FastifyReply> {
  const type = contentTypes[extname(name)];
  if (!type || !plainName.test(name)) return notFound(reply);
  try {
    const body = await readFile(join(dir, name));
    return reply.type(type).header('cache-control', 'no-cache').send(body);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return notFound(reply);
    throw err;
  }
}

function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}
