/**
 * The console's own pages beyond `/console`: `/console/canned` for every agent and
 * `/console/admin` for admins only (agents get a 403 page, strangers the sign-in page).
 * The app itself is the same bundle; it reads the path to pick the view.
 * @module
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESSION_COOKIE } from '../agents/sessions.js';
import type { ConsoleDeps } from './console-common.js';

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'console');

const FORBIDDEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admins only · chatbridge</title>
<style>body{font:16px system-ui,sans-serif;color:#1f2430;background:#f5f6f8;display:grid;place-items:center;height:100vh;margin:0}
main{background:#fff;padding:32px 40px;border-radius:12px;box-shadow:0 2px 12px #0001;max-width:420px}a{color:#3457d5}</style></head>
<body><main data-testid="forbidden"><h1>Admins only</h1><p>This page is for administrators. Ask an admin if you need access.</p>
<p><a href="/console">Back to the inbox</a></p></main></body></html>`;

export function registerConsolePages(app: FastifyInstance, deps: ConsoleDeps): void {
  const sendConsole = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').sendFile('index.html', consoleDir);

  const admin = async (request: { cookies: Record<string, string | undefined> }, reply: FastifyReply) => {
    const agent = await deps.sessions.agentFor(request.cookies[SESSION_COOKIE]);
    if (!agent) return reply.redirect('/console');
    if (agent.role !== 'admin') return reply.code(403).type('text/html; charset=utf-8').send(FORBIDDEN_PAGE);
    return sendConsole(reply);
  };
  app.get('/console/admin', admin);
  app.get('/console/admin/*', admin);
  app.get('/console/canned', async (_request, reply) => sendConsole(reply));
}
