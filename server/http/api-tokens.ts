/**
 * REST API tokens for external systems (CRMs, ERPs, scripts): issued and revoked by an admin,
 * sent as `Authorization: Bearer cbt_...`. Only a SHA-256 hash is stored (a token has 256 random
 * bits, so a fast hash is enough); the token itself is shown once, when issued. A token acts as
 * the admin who issued it, with the role chosen at issue (`agent` by default). `requireAgent`
 * accepts tokens through `agentForApiToken`. Tokens cannot manage tokens: that needs a session.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import type { Sessions } from '../agents/sessions.js';
import type { Agent, AgentRole, ApiToken, Store } from '../store/types.js';
import { requireAdmin, requireAgent } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by an API token rather than a session. */
    apiTokenId: number | null;
  }
}

const PREFIX = 'cbt_';
/** lastUsedAt is written at most this often per token, so busy integrations do not write on every call. */
const TOUCH_EVERY_MS = 60_000;

export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

interface Resolver {
  store: Store;
  now: () => number;
}
const resolvers = new WeakMap<Sessions, Resolver>();

/** Lets `requireAgent(sessions)` accept API tokens from this store. */
export function enableApiTokens(sessions: Sessions, store: Store, now: () => number = Date.now): void {
  resolvers.set(sessions, { store, now });
}

/**
 * The agent behind a `Bearer` token (with the token's role), or null. A request with a bad,
 * revoked or expired-account token gets null and so a 401.
 */
export async function agentForApiToken(sessions: Sessions, request: FastifyRequest): Promise<Agent | null> {
  const header = request.headers.authorization;
  const resolver = resolvers.get(sessions);
  if (!resolver || typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
  const token = header.slice(7).trim();
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  // Looked up by hash: the stored value never meets the token, so there is no comparison to time.
  const record = await resolver.store.findApiToken(hashApiToken(token));
  if (!record || record.revokedAt !== null) return null;
  const agent = await resolver.store.getAgent(record.agentId);
  if (!agent?.active) return null;
  const now = resolver.now();
  if (record.lastUsedAt === null || now - record.lastUsedAt > TOUCH_EVERY_MS) await resolver.store.touchApiToken(record.id, now);
  request.apiTokenId = record.id;
  // Never more than the issuer: an admin's token may be an agent token, not the other way round.
  return { ...agent, role: agent.role === 'admin' ? record.role : 'agent' };
}

function view(t: ApiToken) {
  return { id: t.id, name: t.name, prefix: t.prefix, agentId: t.agentId, role: t.role, createdBy: t.createdBy, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt };
}

const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the token, to tell tokens apart.' },
    agentId: { type: 'integer' },
    role: { type: 'string', enum: ['admin', 'agent'] },
    createdBy: { type: ['integer', 'null'] },
    createdAt: { type: 'integer' },
    lastUsedAt: { type: ['integer', 'null'] },
    revokedAt: { type: ['integer', 'null'] },
  },
};

/** 403 for requests made with an API token. */
async function sessionOnly(request: FastifyRequest, reply: FastifyReply) {
  if (request.apiTokenId !== null) return reply.code(403).send({ error: { code: 'forbidden', message: 'API tokens cannot manage API tokens; sign in.' } });
}

export function registerApiTokenRoutes(app: FastifyInstance, deps: { store: Store; sessions: Sessions; now?: () => number }): void {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  enableApiTokens(deps.sessions, store, now);
  app.decorateRequest('apiTokenId', null);
  const admin = { onRequest: [requireAgent(deps.sessions), requireAdmin, sessionOnly] };
  const tags = ['API tokens'];

  app.get('/api/tokens', { ...admin, schema: { tags, summary: 'List API tokens (admin)', response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } } } } }, async () => ({
    tokens: (await store.listApiTokens()).map(view),
  }));

  app.post(
    '/api/tokens',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Issue an API token (admin); the token is in the answer only',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { type: 'string', enum: ['admin', 'agent'], default: 'agent' } },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; role?: AgentRole };
      const name = body.name.trim();
      if (!name) return reply.code(400).send({ error: { code: 'invalid', message: 'name must not be blank.' } });
      const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
      const record = await store.createApiToken(
        { name, tokenHash: hashApiToken(token), prefix: token.slice(0, PREFIX.length + 6), agentId: request.agent!.id, role: body.role ?? 'agent', createdBy: request.agent!.id },
        now(),
      );
      return reply.code(201).send({ token, apiToken: view(record) });
    },
  );

  app.delete(
    '/api/tokens/:id',
    { ...admin, schema: { tags, summary: 'Revoke an API token (admin)', params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } } },
    async (request, reply) => {
      const { id } = request.params as { id: number };
      if (!(await store.revokeApiToken(id, now()))) return reply.code(404).send({ error: { code: 'not_found', message: 'No such token, or it was revoked already.' } });
      return { ok: true };
    },
  );
}
