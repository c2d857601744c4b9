/**
 * Agent authentication for REST routes: the session cookie, checked on every request.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyPassword } from '../agents/passwords.js';
import { SESSION_COOKIE, type Sessions } from '../agents/sessions.js';
import type { Agent, Store } from '../store/types.js';
import { agentForApiToken } from './api-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    agent: Agent | null;
  }
}

export function publicAgent(agent: Agent) {
  return { id: agent.id, email: agent.email, name: agent.name, role: agent.role, active: agent.active, capacity: agent.capacity };
}

/**
 * Route hook: 401 unless a valid session cookie (or API token) is present. Use it as `onRequest`
 * (after @fastify/cookie's own onRequest hook, which is global and so runs first): it then answers
 * before the body is read or any schema is validated, so a stranger gets 401, never a 400 that
 * tells what the route would accept.
 */
export function requireAgent(sessions: Sessions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // A session cookie, or an admin-issued API token (Authorization: Bearer ...; server/http/api-tokens.ts).
    const agent = (await sessions.agentFor(request.cookies[SESSION_COOKIE])) ?? (await agentForApiToken(sessions, request));
    if (!agent) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Sign in first.' } });
    request.agent = agent;
  };
}

/** Route hook: 403 unless the signed-in agent is an admin. Use after requireAgent, in the same `onRequest` list. */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
  if (request.agent?.role !== 'admin') return reply.code(403).send({ error: { code: 'forbidden', message: 'Admins only.' } });
}

export function registerAuthRoutes(app: FastifyInstance, deps: { store: Store; sessions: Sessions; secureCookies: boolean; ttlMs: number }) {
  const { store, sessions } = deps;
  app.decorateRequest('agent', null);

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: { email: { type: 'string', maxLength: 200 }, password: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body as { email: string; password: string };
      const agent = await store.findAgentByEmail(email.trim());
      // Verify even for unknown emails, so timing does not tell which emails exist.
      const ok = await verifyPassword(password, agent?.passwordHash ?? 'scrypt$16384$8$1$AAAA$AAAA');
      if (!agent || !ok || !agent.active) {
        return reply.code(401).send({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
      }
      const session = await sessions.create(agent.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: Math.floor(deps.ttlMs / 1000),
      });
      return { agent: publicAgent(agent), expiresAt: session.expiresAt };
    },
  );

  app.post('/api/auth/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await sessions.revoke(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', { preHandler: requireAgent(sessions) }, async (request) => ({ agent: publicAgent(request.agent!) }));
}
