/**
 * What every console route file shares: its dependencies, auth guards and error replies.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { AgentPresence } from '../agents/namespace.js';
import type { Sessions } from '../agents/sessions.js';
import type { Bus } from '../bus.js';
import type { Channel } from '../channels/contract.js';
import type { KnowledgeBase } from '../kb/service.js';
import { RouterError, type ConversationRouter } from '../router/router.js';
import { DuplicateError, type Store } from '../store/types.js';
import { requireAdmin, requireAgent } from './auth.js';

/** Dependencies of the console routes (built once in server/app.ts). */
export interface ConsoleDeps {
  store: Store;
  sessions: Sessions;
  router: ConversationRouter;
  io: Server;
  bus: Bus;
  presence: AgentPresence;
  kb: KnowledgeBase;
  channels: Map<string, Channel>;
  log: Logger;
}

/**
 * Route options: a signed-in agent (401 otherwise), or an admin (403 for agents). They run in
 * `onRequest`, before the body is parsed or validated, so a stranger learns nothing about what a
 * route would accept.
 */
export function guards(deps: ConsoleDeps) {
  const agent = requireAgent(deps.sessions);
  return {
    agent: { onRequest: agent },
    admin: { onRequest: [agent, requireAdmin] },
  };
}

const STATUS_OF: Record<RouterError['code'], number> = { invalid: 400, too_long: 400, forbidden: 403, not_found: 404, conflict: 409 };

/** Sends `{ error: { code, message } }` with the status. */
export function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** Maps a refusal from the router or store to its HTTP answer; anything else goes to the error handler. */
export function failWith(reply: FastifyReply, err: unknown) {
  if (err instanceof RouterError) return fail(reply, STATUS_OF[err.code], err.code, err.message);
  if (err instanceof DuplicateError) return fail(reply, 409, 'conflict', err.message);
  throw err;
}

/** A positive whole-number route parameter, or null. */
export function idParam(request: FastifyRequest, name = 'id'): number | null {
  const raw = (request.params as Record<string, string>)[name];
  const id = Number(raw);
  return raw !== undefined && /^\d{1,15}$/.test(raw) && id > 0 ? id : null;
}


/** Disconnects every console tab of an agent (deactivated, password reset). */
export function disconnectAgent(io: Server, agentId: number): void {
  io.of('/agents').in(`agent:${agentId}`).disconnectSockets(true);
}
