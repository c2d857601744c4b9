/**
 * REST routes for routing and SLA settings: business hours, SLA policies, routing rules, the
 * queue in serving order, setting a conversation's priority, and contact tags. Reading is open to
 * agents; changing settings is for admins. docs/routing-and-sla.md.
 * @module
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Sessions } from '../agents/sessions.js';
import { conversationView } from '../agents/views.js';
import type { Assigner } from '../routing/assigner.js';
import { RoutingError } from '../routing/assigner.js';
import { isOpen, nextOpening } from '../routing/business-hours.js';
import type { JsonSetting } from '../routing/json-setting.js';
import type { RoutingSettings } from '../routing/rules.js';
import { SettingsError } from '../routing/settings-error.js';
import { PRIORITIES, PRIORITY_RANK } from '../sla/policies.js';
import type { SlaSettings } from '../sla/settings.js';
import type { Priority, Store } from '../store/types.js';
import { requireAdmin, requireAgent } from './auth.js';

export interface RoutingRoutesDeps {
  store: Store;
  sessions: Sessions;
  assigner: Assigner;
  routing: JsonSetting<RoutingSettings>;
  sla: SlaSettings;
}

/** Sends a refused setting or action as a 4xx with the stable error shape; rethrows anything else. */
export function sendOpsError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof SettingsError) return reply.code(400).send({ error: { code: 'invalid', message: err.message, problems: err.problems } });
  if (err instanceof RoutingError) return reply.code(err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400).send({ error: { code: err.code, message: err.message } });
  throw err;
}

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
/** A settings document: free-form here, validated by its parser (errors list every problem). */
const settingsBody = (description: string) => ({ type: 'object', description, additionalProperties: true });

export function registerRoutingRoutes(app: FastifyInstance, deps: RoutingRoutesDeps): void {
  const { store, sla } = deps;
  const agent = { onRequest: requireAgent(deps.sessions) };
  const admin = { onRequest: [requireAgent(deps.sessions), requireAdmin] };

  app.get('/api/settings/business-hours', { ...agent, schema: { tags: ['Settings'], summary: 'Business hours, whether the team is open now and when it opens next' } }, async () => {
    const hours = await sla.hours.get();
    const now = sla.now();
    return { businessHours: hours, open: isOpen(hours, now), nextOpening: nextOpening(hours, now) };
  });

  app.put(
    '/api/settings/business-hours',
    { ...admin, schema: { tags: ['Settings'], summary: 'Replace business hours (admin)', body: settingsBody('{ timeZone, week: { mon: [{ from: "09:00", to: "18:00" }], ... }, holidays: ["2025-01-01"] }') } },
    async (request, reply) => {
      try {
        return { businessHours: await sla.hours.set(request.body) };
      } catch (err) {
        return sendOpsError(reply, err);
      }
    },
  );

  app.get('/api/settings/sla', { ...agent, schema: { tags: ['Settings'], summary: 'SLA policies per priority' } }, async () => ({ policies: await sla.policies.get() }));

  app.put(
    '/api/settings/sla',
    {
      ...admin,
      schema: {
        tags: ['Settings'],
        summary: 'Replace SLA policies (admin); priorities left out keep their defaults',
        body: settingsBody('{ urgent: { firstResponseMinutes, nextResponseMinutes, resolutionMinutes, hours: "business" | "always", warnBeforeMinutes }, high, normal, low }'),
      },
    },
    async (request, reply) => {
      try {
        return { policies: await sla.policies.set(request.body) };
      } catch (err) {
        return sendOpsError(reply, err);
      }
    },
  );

  app.get('/api/settings/routing', { ...agent, schema: { tags: ['Settings'], summary: 'Routing rules and options, with the teams they can name' } }, async () => ({
    settings: await deps.routing.get(),
    teams: (await store.listTeams()).map((t) => ({ id: t.id, name: t.name, assignmentMode: t.assignmentMode, memberIds: t.memberIds })),
  }));

  app.put(
    '/api/settings/routing',
    {
      ...admin,
      schema: {
        tags: ['Settings'],
        summary: 'Replace routing rules and options (admin)',
        body: settingsBody('{ teamRules: [{ channel?, language?, topic?, tag?, keywords?, teamId }], priorityRules: [{ ..., priority }], preferLastAgent, reassignAfterMinutes, offlineGraceMinutes }'),
      },
    },
    async (request, reply) => {
      try {
        const body = request.body as { teamRules?: { teamId?: unknown }[] } | null;
        const teams = new Set((await store.listTeams()).map((t) => t.id));
        const unknown = (Array.isArray(body?.teamRules) ? body.teamRules : []).map((r, i) => [i, r?.teamId] as const).filter(([, id]) => typeof id === 'number' && !teams.has(id));
        if (unknown.length) throw new SettingsError(unknown.map(([i, id]) => `teamRules[${i}].teamId: there is no team ${String(id)}`));
        const settings = await deps.routing.set(request.body);
        deps.assigner.kick();
        return { settings };
      } catch (err) {
        return sendOpsError(reply, err);
      }
    },
  );

  app.get('/api/routing/queue', { ...agent, schema: { tags: ['Routing'], summary: 'Queued conversations in the order they are served (urgent first, then longest waiting)' } }, async () => {
    const queued = (await store.listConversations({ statuses: ['queued'], limit: 1000 })).sort(
      (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt) || a.id - b.id,
    );
    return { conversations: await Promise.all(queued.map((c) => conversationView(store, c))) };
  });

  app.post(
    '/api/routing/conversations/:id/priority',
    {
      ...agent,
      schema: {
        tags: ['Routing'],
        summary: "Set a conversation's priority by hand (rules no longer change it)",
        params: idParams,
        body: { type: 'object', required: ['priority'], additionalProperties: false, properties: { priority: { type: 'string', enum: PRIORITIES } } },
      },
    },
    async (request, reply) => {
      try {
        const { id } = request.params as { id: number };
        const updated = await deps.assigner.setPriority(request.agent!, id, (request.body as { priority: Priority }).priority);
        return { conversation: await conversationView(store, updated) };
      } catch (err) {
        return sendOpsError(reply, err);
      }
    },
  );

  app.post('/api/routing/run', { ...admin, schema: { tags: ['Routing'], summary: 'Run routing now: re-assign where due, then serve the queue (admin)' } }, async () => {
    await deps.assigner.sweep();
    return { ok: true, queued: (await store.countByStatus()).queued };
  });

  app.get('/api/routing/contacts/:id/tags', { ...agent, schema: { tags: ['Routing'], summary: "A contact's tags (rules can match them)", params: idParams } }, async (request, reply) => {
    const { id } = request.params as { id: number };
    if (!(await store.getContact(id))) return reply.code(404).send({ error: { code: 'not_found', message: 'No such contact.' } });
    return { tags: await store.contactTags(id) };
  });

  app.put(
    '/api/routing/contacts/:id/tags',
    {
      ...agent,
      schema: {
        tags: ['Routing'],
        summary: "Replace a contact's tags",
        params: idParams,
        body: { type: 'object', required: ['tags'], additionalProperties: false, properties: { tags: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 50 } } } },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: number };
      if (!(await store.getContact(id))) return reply.code(404).send({ error: { code: 'not_found', message: 'No such contact.' } });
      const seen = new Map<string, string>();
      for (const t of (request.body as { tags: string[] }).tags.map((t) => t.trim()).filter(Boolean)) if (!seen.has(t.toLowerCase())) seen.set(t.toLowerCase(), t);
      return { tags: await store.setContactTags(id, [...seen.values()], sla.now()) };
    },
  );
}
