import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The one-page web client at `/`: plain HTML and JavaScript calling the HTTP API and the SSE streams. */
export function registerWebRoutes(app: FastifyInstance): void {
  const page = readFileSync(join(__dirname, 'web', 'index.html'), 'utf8');
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
