/**
 * Agents for the console: everyone may list them (names, presence, load: for transfers);
 * admins create, edit, deactivate them and reset passwords. docs/protocol.md "REST API".
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { generatePassword, hashPassword } from '../agents/passwords.js';
import type { Agent, AgentRole, AgentStatus } from '../store/types.js';
import { disconnectAgent, fail, failWith, guards, idParam, type ConsoleDeps } from './console-common.js';

/** An agent as the console shows them (never the password hash). */
export interface AgentSummary {
  id: number;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  capacity: number;
  status: AgentStatus;
  /** Open (assigned) conversations right now. */
  load: number;
  teamIds: number[];
}

const EMAIL = /^[^\s@]{1,100}@[^\s@]{1,100}$/;
const agentBody = {
  email: { type: 'string', minLength: 3, maxLength: 200 },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  role: { type: 'string', enum: ['admin', 'agent'] },
  capacity: { type: 'integer', minimum: 1, maximum: 100 },
} as const;

export function registerConsoleAgentRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { store, presence, io } = deps;
  const guard = guards(deps);

  const summaries = async (agents: Agent[]): Promise<AgentSummary[]> => {
    const [load, statuses, teams] = await Promise.all([store.openLoadByAgent(), store.listAgentStatuses(), store.listTeams()]);
    const persisted = new Map(statuses.map((s) => [s.agentId, s.status]));
    return agents.map((a) => ({
      id: a.id,
      email: a.email,
      name: a.name,
      role: a.role,
      active: a.active,
      capacity: a.capacity,
      status: a.active ? presence.statusOf(a.id, persisted.get(a.id)) : 'offline',
      load: load.get(a.id) ?? 0,
      teamIds: teams.filter((t) => t.memberIds.includes(a.id)).map((t) => t.id),
    }));
  };
  const summary = async (agent: Agent) => (await summaries([agent]))[0]!;

  app.get('/api/console/agents', guard.agent, async () => ({ agents: await summaries(await store.listAgents()) }));

  app.post(
    '/api/console/agents',
    {
      ...guard.admin,
      schema: {
        body: {
          type: 'object',
          required: ['email', 'name'],
          additionalProperties: false,
          properties: { ...agentBody, password: { type: 'string', minLength: 8, maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; name: string; role?: AgentRole; capacity?: number; password?: string };
      const email = body.email.trim();
      const name = body.name.trim();
      if (!EMAIL.test(email)) return fail(reply, 400, 'invalid', `"${email}" is not an email address.`);
      if (!name) return fail(reply, 400, 'invalid', 'The name must not be empty.');
      if (await store.findAgentByEmail(email)) return fail(reply, 409, 'conflict', `An agent with the email ${email} exists already.`);
      const password = body.password ?? generatePassword();
      const agent = await store.createAgent(
        { email, name, role: body.role ?? 'agent', capacity: body.capacity ?? 5, active: true, passwordHash: await hashPassword(password) },
        Date.now(),
      );
      reply.code(201);
      // A generated password is shown once, to the admin who hands it over.
      return { agent: await summary(agent), ...(body.password ? {} : { password }) };
    },
  );

  app.patch(
    '/api/console/agents/:id',
    { ...guard.admin, schema: { body: { type: 'object', additionalProperties: false, properties: { ...agentBody, active: { type: 'boolean' } } } } },
    async (request, reply) => {
      const id = idParam(request);
      const target = id === null ? null : await store.getAgent(id);
      if (!target) return fail(reply, 404, 'not_found', 'No such agent.');
      const body = request.body as { email?: string; name?: string; role?: AgentRole; capacity?: number; active?: boolean };
      const me = request.agent!;
      if (target.id === me.id && (body.active === false || body.role === 'agent')) {
        return fail(reply, 409, 'conflict', 'You cannot deactivate yourself or take away your own admin role.');
      }
      const losesAdmin = target.role === 'admin' && target.active && (body.role === 'agent' || body.active === false);
      if (losesAdmin && (await store.listAgents()).filter((a) => a.role === 'admin' && a.active).length <= 1) {
        return fail(reply, 409, 'conflict', 'This is the last active admin; make someone else an admin first.');
      }
      const email = body.email?.trim();
      if (email !== undefined && !EMAIL.test(email)) return fail(reply, 400, 'invalid', `"${email}" is not an email address.`);
      const name = body.name?.trim();
      if (name !== undefined && !name) return fail(reply, 400, 'invalid', 'The name must not be empty.');
      let updated: Agent | null;
      try {
        updated = await store.updateAgent(target.id, { email, name, role: body.role, capacity: body.capacity, active: body.active });
      } catch (err) {
        return failWith(reply, err);
      }
      if (body.active === false && target.active) await signOutEverywhere(deps, target.id, 'agent_deactivated');
      return { agent: await summary(updated!) };
    },
  );

  app.post(
    '/api/console/agents/:id/password',
    {
      ...guard.admin,
      schema: { body: { type: 'object', additionalProperties: false, properties: { password: { type: 'string', minLength: 8, maxLength: 200 } } } },
    },
    async (request, reply) => {
      const id = idParam(request);
      const target = id === null ? null : await store.getAgent(id);
      if (!target) return fail(reply, 404, 'not_found', 'No such agent.');
      const given = (request.body as { password?: string } | undefined)?.password;
      const password = given ?? generatePassword();
      await store.updateAgent(target.id, { passwordHash: await hashPassword(password) });
      // The old password may be known to someone else: end every session made with it.
      await store.deleteSessionsOfAgent(target.id);
      disconnectAgent(io, target.id);
      return { ok: true, ...(given ? {} : { password }) };
    },
  );
}

/**
 * Ends every session and console tab of an agent and puts their open conversations back in the
 * queue, so no customer waits on someone who can no longer answer.
 */
async function signOutEverywhere(deps: ConsoleDeps, agentId: number, reason: string): Promise<void> {
  const { store, bus, io } = deps;
  await store.deleteSessionsOfAgent(agentId);
  disconnectAgent(io, agentId);
  const now = Date.now();
  await store.setAgentStatus(agentId, 'offline', false, now);
  deps.presence.setStatus(agentId, 'offline');
  for (const c of await store.listConversations({ statuses: ['assigned'], assignedAgentId: agentId, limit: 1000 })) {
    const updated = await store.updateConversation(
      c.id,
      { status: 'queued', assignedAgentId: null, queuedAt: c.queuedAt ?? now }, // waiting since the hand-off, not since now
      { conversationId: c.id, type: 'unassigned', actor: 'system', data: { agentId, reason } },
      ['assigned'],
    );
    if (updated) bus.emit('conversation', updated);
  }
}
