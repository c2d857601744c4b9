/**
 * REST routes for outgoing webhooks (admins only): endpoints, their secrets, a test ping, and the
 * delivery log with every attempt. The secret is shown when an endpoint is created and when it
 * is rotated; lists show only its start. docs/webhooks-and-api.md.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Sessions } from '../agents/sessions.js';
import type { Clock } from '../sla/settings.js';
import type { Store, Webhook, WebhookDelivery } from '../store/types.js';
import { WEBHOOK_EVENTS } from '../webhooks/events.js';
import { parseWebhookInput } from '../webhooks/input.js';
import type { WebhookService } from '../webhooks/service.js';
import { generateWebhookSecret } from '../webhooks/signature.js';
import { requireAdmin, requireAgent } from './auth.js';
import { idParams, sendOpsError } from './routing-routes.js';

function view(w: Webhook, withSecret = false) {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    description: w.description,
    active: w.active,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    secretHint: `${w.secret.slice(0, 10)}…`,
    ...(withSecret ? { secret: w.secret } : {}),
  };
}

function deliveryView(d: WebhookDelivery) {
  const { payload: _payload, ...rest } = d;
  return rest;
}

const webhookBody = {
  type: 'object',
  additionalProperties: true,
  properties: {
    url: { type: 'string', description: 'http(s) URL that receives POSTs' },
    // Checked by parseWebhookInput, which names every unknown type (a schema enum would only say "invalid").
    events: { type: 'array', items: { type: 'string' }, description: `Any of: ${WEBHOOK_EVENTS.join(', ')}` },
    description: { type: 'string' },
    active: { type: 'boolean' },
  },
};

export function registerWebhookRoutes(app: FastifyInstance, deps: { store: Store; sessions: Sessions; webhooks: WebhookService; now: Clock }): void {
  const { store, webhooks } = deps;
  const admin = { onRequest: [requireAgent(deps.sessions), requireAdmin] };
  const tags = ['Webhooks'];
  const notFound = { error: { code: 'not_found', message: 'No such webhook.' } };

  app.get('/api/webhooks/events', { ...admin, schema: { tags, summary: 'Event types an endpoint can subscribe to' } }, async () => ({ events: WEBHOOK_EVENTS }));

  app.get('/api/webhooks', { ...admin, schema: { tags, summary: 'List webhook endpoints (admin)' } }, async () => ({ webhooks: (await store.listWebhooks()).map((w) => view(w)) }));

  app.post('/api/webhooks', { ...admin, schema: { tags, summary: 'Add an endpoint (admin); the answer holds its signing secret', body: webhookBody } }, async (request, reply) => {
    try {
      const input = parseWebhookInput(request.body, false);
      const created = await store.createWebhook(
        { url: input.url!, events: input.events!, description: input.description ?? '', active: input.active ?? true, secret: generateWebhookSecret() },
        deps.now(),
      );
      webhooks.invalidate();
      return reply.code(201).send({ webhook: view(created, true) });
    } catch (err) {
      return sendOpsError(reply, err);
    }
  });

  app.patch('/api/webhooks/:id', { ...admin, schema: { tags, summary: 'Change an endpoint (admin)', params: idParams, body: webhookBody } }, async (request, reply) => {
    try {
      const input = parseWebhookInput(request.body, true);
      const updated = await store.updateWebhook((request.params as { id: number }).id, input, deps.now());
      if (!updated) return reply.code(404).send(notFound);
      webhooks.invalidate();
      return { webhook: view(updated) };
    } catch (err) {
      return sendOpsError(reply, err);
    }
  });

  app.delete('/api/webhooks/:id', { ...admin, schema: { tags, summary: 'Delete an endpoint and its log (admin)', params: idParams } }, async (request, reply) => {
    if (!(await store.deleteWebhook((request.params as { id: number }).id))) return reply.code(404).send(notFound);
    webhooks.invalidate();
    return { ok: true };
  });

  app.post('/api/webhooks/:id/rotate-secret', { ...admin, schema: { tags, summary: 'Replace the signing secret (admin); the answer holds the new one', params: idParams } }, async (request, reply) => {
    const updated = await store.updateWebhook((request.params as { id: number }).id, { secret: generateWebhookSecret() }, deps.now());
    if (!updated) return reply.code(404).send(notFound);
    webhooks.invalidate();
    return { webhook: view(updated, true) };
  });

  app.post('/api/webhooks/:id/test', { ...admin, schema: { tags, summary: 'Queue a signed `ping` delivery to the endpoint (admin)', params: idParams } }, async (request, reply) => {
    const hook = await store.getWebhook((request.params as { id: number }).id);
    if (!hook) return reply.code(404).send(notFound);
    const now = deps.now();
    const id = `ping_${randomBytes(8).toString('hex')}`;
    await webhooks.enqueue({ id, type: 'ping', createdAt: new Date(now).toISOString(), data: { webhookId: hook.id, message: 'chatbridge webhook test' } }, hook);
    return reply.code(202).send({ ok: true, eventId: id });
  });

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      ...admin,
      schema: { tags, summary: 'The delivery log of an endpoint, newest first (admin)', params: idParams, querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } } },
    },
    async (request, reply) => {
      const id = (request.params as { id: number }).id;
      if (!(await store.getWebhook(id))) return reply.code(404).send(notFound);
      return { deliveries: (await store.listWebhookDeliveries(id, (request.query as { limit?: number }).limit ?? 50)).map(deliveryView) };
    },
  );

  app.get('/api/webhook-deliveries/:id', { ...admin, schema: { tags, summary: 'One delivery with its body and every attempt (admin)', params: idParams } }, async (request, reply) => {
    const delivery = await store.getWebhookDelivery((request.params as { id: number }).id);
    if (!delivery) return reply.code(404).send({ error: { code: 'not_found', message: 'No such delivery.' } });
    return { delivery, attempts: await store.listWebhookAttempts(delivery.id) };
  });

  app.post('/api/webhook-deliveries/:id/retry', { ...admin, schema: { tags, summary: 'Send a pending or failed delivery again now (admin)', params: idParams } }, async (request, reply) => {
    if (!(await store.retryWebhookDelivery((request.params as { id: number }).id, deps.now()))) {
      return reply.code(409).send({ error: { code: 'conflict', message: 'No such delivery, or it was delivered already.' } });
    }
    webhooks.sender.wake();
    return { ok: true };
  });
}
