/**
 * The pages and browser bundles: `/` (the demo shop with the widget), `/console`, `/widget.js`
 * and `/assets/*` (built by `npm run build:web` into public/build).
 * @module
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_DIR = path.join(root, 'public', 'build');

export function registerPages(app: FastifyInstance): void {
  void app.register(fastifyStatic, { root: BUILD_DIR, prefix: '/assets/', decorateReply: true, index: false });
  const page = (file: string) => async (_request: unknown, reply: { type(t: string): unknown; sendFile(f: string, root: string): unknown }) => {
    reply.type('text/html; charset=utf-8');
    return reply.sendFile(path.basename(file), path.dirname(file));
  };
  app.get('/', page(path.join(root, 'widget', 'demo', 'index.html')));
  app.get('/console', page(path.join(root, 'console', 'index.html')));
  app.get('/console/kb', page(path.join(root, 'console', 'kb', 'index.html')));
  app.get('/console/reports', page(path.join(root, 'console', 'reports', 'index.html')));
  app.get('/widget.js', async (_request, reply) => {
    if (!existsSync(path.join(BUILD_DIR, 'widget.js'))) {
      return reply.code(503).type('text/plain').send('widget.js is not built yet: run npm run build:web');
    }
    reply.header('cache-control', 'public, max-age=300');
    return reply.sendFile('widget.js', BUILD_DIR);
  });
}
