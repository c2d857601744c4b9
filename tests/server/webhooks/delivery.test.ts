/**
 * Outgoing webhooks against real receivers on 127.0.0.1: every delivery is signed (HMAC-SHA256)
 * and verifies with the endpoint's secret; a receiver answering 500 gets its retries with growing
 * back-off until the delivery is marked failed, all visible in the delivery log; a receiver that
 * recovers gets the delivery; SLA breaches and ratings go out as events; a transfer to an agent and a
 * reopen go out as `conversation.assigned`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/agents/passwords.js';
import { signWebhook, verifyWebhook } from '../../../server/webhooks/signature.js';
import { signIn } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { startOpsServer, type OpsServer } from '../routing/helpers.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver: records every request and answers with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = statuses[Math.min(n++, statuses.length - 1)]!;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver is down' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/chatbridge`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const verify = (secret: string, r: Received) =>
  verifyWebhook(secret, { signature: r.headers['x-chatbridge-signature'] as string, timestamp: r.headers['x-chatbridge-timestamp'] as string }, r.body);

describe('outgoing webhooks', () => {
  let server: OpsServer;
  let cookie: string;
  const receivers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    server = await startOpsServer({ operations: { webhooks: { baseDelayMs: 60, maxDelayMs: 2000, maxAttempts: 4, pollMs: 50 } } });
    cookie = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    for (const r of receivers) await r.close();
  });

  const api = async (path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: init.cookie ?? cookie, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const customerWrites = async (text: string, user = `u-${randomUUID()}`) => {
    const r = await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text, profile: { name: 'Marta' } });
    return { user, conversationId: r.conversationId };
  };

  it('signs every delivery so the receiver can verify it, with the documented body', async () => {
    const crm = await receiver([200]);
    receivers.push(crm);
    const created = await api('/api/webhooks', { method: 'POST', body: { url: crm.url, events: ['conversation.created', 'conversation.escalated', 'message.created'], description: 'CRM' } });
    expect(created.status).toBe(201);
    const secret = created.body.webhook.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const { conversationId } = await customerWrites('позовите оператора');
    await waitFor(() => crm.got.some((r) => JSON.parse(r.body).type === 'conversation.escalated'), 'the escalation webhook');
    await waitFor(() => crm.got.filter((r) => JSON.parse(r.body).type === 'message.created').length >= 2, 'the customer and bot messages');
    const bodies = crm.got.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual(expect.arrayContaining(['conversation.created', 'conversation.escalated', 'message.created']));
    for (const r of crm.got) {
      expect(verify(secret, r)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-chatbridge-event']).toBe(JSON.parse(r.body).type);
    }
    const escalated = bodies.find((b) => b.type === 'conversation.escalated');
    expect(escalated).toMatchObject({
      id: expect.stringMatching(/^evt_\d+$/),
      data: { conversation: { id: conversationId, status: 'queued', channel: 'webchat', contact: { name: 'Marta' } }, event: { type: 'escalated', data: { reason: 'customer_request' } } },
    });
    const incoming = bodies.find((b) => b.type === 'message.created' && b.data.message.direction === 'in');
    expect(incoming.data.message).toMatchObject({ conversationId, text: 'позовите оператора', authorType: 'contact' });

    // A forged or altered body does not verify.
    const one = crm.got[0]!;
    expect(verify(secret, { ...one, body: one.body.replace('webchat', 'telegram') })).toBe(false);
    expect(verify('whsec_wrong', one)).toBe(false);
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(verifyWebhook(secret, { signature: signWebhook(secret, old, one.body), timestamp: String(old) }, one.body)).toBe(false);

    await api(`/api/webhooks/${created.body.webhook.id}`, { method: 'DELETE' });
  });

  it('retries a failing receiver with growing back-off, then marks the delivery failed; all in the delivery log', async () => {
    const down = await receiver([500]);
    receivers.push(down);
    const hook = (await api('/api/webhooks', { method: 'POST', body: { url: down.url, events: ['conversation.created'] } })).body.webhook;
    await customerWrites('здравствуйте');
    await waitFor(() => down.got.length >= 4, 'four attempts', 15_000);
    const deliveries = await waitFor(async () => {
      const list = (await api(`/api/webhooks/${hook.id}/deliveries`)).body.deliveries as { id: number; status: string; attempts: number; lastStatus: number; lastError: string }[];
      return list[0]?.status === 'failed' ? list : null;
    }, 'the delivery to be given up on');
    expect(deliveries[0]).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 500, lastError: 'HTTP 500: receiver is down' });
    await new Promise((r) => setTimeout(r, 300));
    expect(down.got).toHaveLength(4); // no fifth attempt
    expect(new Set(down.got.map((r) => r.headers['x-chatbridge-delivery'])).size).toBe(1);

    const detail = (await api(`/api/webhook-deliveries/${deliveries[0]!.id}`)).body;
    expect(detail.attempts.map((a: { attempt: number; httpStatus: number }) => [a.attempt, a.httpStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 500],
    ]);
    // Back-off 60 ms, 120 ms, 240 ms between attempts (allowing for timer slack, never shorter).
    const gaps = down.got.slice(1).map((r, i) => r.at - down.got[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(55);
    expect(gaps[1]).toBeGreaterThanOrEqual(115);
    expect(gaps[2]).toBeGreaterThanOrEqual(235);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);

    // A manual retry sends it once more.
    expect((await api(`/api/webhook-deliveries/${deliveries[0]!.id}/retry`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => down.got.length === 5, 'the manual retry');
    await api(`/api/webhooks/${hook.id}`, { method: 'DELETE' });
  });

  it('delivers to a receiver that recovers, and sends SLA breaches and ratings as events', async () => {
    const flaky = await receiver([503, 502, 200]);
    receivers.push(flaky);
    const hook = (await api('/api/webhooks', { method: 'POST', body: { url: flaky.url, events: ['sla.breached', 'csat.received'] } })).body.webhook;
    const store = server.chatbridge.store;
    const { conversationId } = await customerWrites('позовите оператора');
    // Handed off five hours ago as urgent: the first-response target (60 min, 24/7) is long past.
    await store.updateConversation(conversationId, { priority: 'urgent', queuedAt: Date.now() - 5 * 3600_000 }, null);
    await server.chatbridge.operations.monitor.check();
    await waitFor(() => flaky.got.length >= 3, 'the third attempt');
    const delivered = await waitFor(async () => {
      const list = (await api(`/api/webhooks/${hook.id}/deliveries`)).body.deliveries as { status: string; attempts: number; eventType: string }[];
      return list.find((d) => d.eventType === 'sla.breached' && d.status === 'delivered');
    }, 'the breach delivered');
    expect(delivered.attempts).toBe(3);
    const breach = JSON.parse(flaky.got[2]!.body);
    expect(breach).toMatchObject({ type: 'sla.breached', data: { conversation: { id: conversationId, priority: 'urgent' }, event: { type: 'sla_breached', data: { metric: 'first_response', priority: 'urgent' } } } });
    expect(verify(hook.secret, flaky.got[2]!)).toBe(true);

    // An agent resolves, the customer rates: csat.received.
    const admin = (await store.findAgentByEmail('admin@test.local'))!;
    await server.chatbridge.router.claim(admin, conversationId);
    await server.chatbridge.router.resolve(admin, conversationId);
    const user = (await store.getConversation(conversationId))!.externalUserId;
    await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: '5', buttonId: 'csat:5' });
    const rating = await waitFor(() => flaky.got.map((r) => JSON.parse(r.body)).find((b) => b.type === 'csat.received'), 'the rating webhook');
    expect(rating.data).toMatchObject({ conversation: { id: conversationId }, event: { data: { rating: 5 } } });
  });

  it('sends conversation.assigned, signed and naming the new agent, for a transfer to an agent and a reopen', async () => {
    const crm = await receiver([200]);
    receivers.push(crm);
    const hook = (await api('/api/webhooks', { method: 'POST', body: { url: crm.url, events: ['conversation.assigned'] } })).body.webhook;
    const store = server.chatbridge.store;
    const router = server.chatbridge.router;
    const admin = (await store.findAgentByEmail('admin@test.local'))!;
    const nadia = await store.createAgent({ email: 'nadia@test.local', name: 'Nadia', passwordHash: await hashPassword('nadia-password-1'), role: 'agent', active: true, capacity: 5 }, Date.now());
    const team = await store.createTeam({ name: `Returns ${randomUUID().slice(0, 6)}`, assignmentMode: 'manual' }, Date.now());
    const bodies = () => crm.got.map((r) => JSON.parse(r.body));
    const assigned = (by: string) => bodies().find((b) => b.type === 'conversation.assigned' && b.data.event.data.by === by);

    const { conversationId } = await customerWrites('позовите оператора');
    await router.claim(admin, conversationId);
    await waitFor(() => assigned('claim'), 'the claim webhook');

    await router.transfer(admin, conversationId, { agentId: nadia.id, note: 'VIP, be gentle' });
    const transfer = await waitFor(() => assigned('transfer'), 'the transfer webhook');
    expect(transfer).toMatchObject({
      id: expect.stringMatching(/^evt_\d+$/),
      type: 'conversation.assigned',
      data: {
        conversation: { id: conversationId, status: 'assigned', assignedAgentId: nadia.id },
        event: { type: 'transferred', actor: `agent:${admin.id}`, data: { agentId: nadia.id, by: 'transfer', previousAgentId: admin.id, toTeamId: null } },
      },
    });
    // The transfer note is a private note: it never leaves chatbridge.
    const raw = crm.got.find((r) => JSON.parse(r.body).id === transfer.id)!;
    expect(raw.body).not.toContain('VIP, be gentle');
    expect(raw.headers['x-chatbridge-event']).toBe('conversation.assigned');
    expect(verify(hook.secret, raw)).toBe(true);

    // Resolved, then reopened by the admin: assigned to the admin again.
    await router.resolve(nadia, conversationId);
    await router.reopen(admin, conversationId);
    const reopen = await waitFor(() => assigned('reopen'), 'the reopen webhook');
    expect(reopen.data).toMatchObject({ conversation: { id: conversationId, assignedAgentId: admin.id }, event: { type: 'reopened', data: { agentId: admin.id, by: 'reopen' } } });
    expect(verify(hook.secret, crm.got.find((r) => JSON.parse(r.body).id === reopen.id)!)).toBe(true);

    // A transfer to a team only puts it back in the queue: nobody is assigned, nothing is sent.
    await router.transfer(admin, conversationId, { teamId: team.id });
    const deliveries = await waitFor(async () => {
      const list = (await api(`/api/webhooks/${hook.id}/deliveries`)).body.deliveries as { eventType: string; status: string }[];
      return list.length >= 3 && list.every((d) => d.status === 'delivered') ? list : null;
    }, 'the deliveries logged');
    await new Promise((r) => setTimeout(r, 300));
    expect(bodies().map((b) => b.data.event.data.by).sort()).toEqual(['claim', 'reopen', 'transfer']);
    expect(deliveries.every((d) => d.eventType === 'conversation.assigned')).toBe(true);
    await api(`/api/webhooks/${hook.id}`, { method: 'DELETE' });
  });

  it('lets only admins manage webhooks, refuses bad input, and sends a signed test ping', async () => {
    await server.chatbridge.store.createAgent({ email: 'agent@test.local', name: 'Agent', passwordHash: await hashPassword('agent-password-1'), role: 'agent', active: true, capacity: 5 }, Date.now());
    const agentCookie = await signIn(server.url, 'agent@test.local', 'agent-password-1');
    expect((await api('/api/webhooks', { cookie: agentCookie })).status).toBe(403);
    const bad = await api('/api/webhooks', { method: 'POST', body: { url: 'ftp://example.com', events: ['conversation.deleted'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems).toEqual([
      'url must be an http(s) URL of at most 2000 characters, got "ftp://example.com"',
      'unknown event types "conversation.deleted" (use conversation.created, conversation.escalated, conversation.assigned, conversation.resolved, message.created, sla.warning, sla.breached, csat.received)',
    ]);

    const ping = await receiver([200]);
    receivers.push(ping);
    const hook = (await api('/api/webhooks', { method: 'POST', body: { url: ping.url, events: ['conversation.resolved'] } })).body.webhook;
    expect((await api('/api/webhooks')).body.webhooks.find((w: { id: number }) => w.id === hook.id)).not.toHaveProperty('secret');
    expect((await api(`/api/webhooks/${hook.id}/test`, { method: 'POST' })).status).toBe(202);
    await waitFor(() => ping.got.length === 1, 'the ping');
    expect(JSON.parse(ping.got[0]!.body)).toMatchObject({ type: 'ping', data: { webhookId: hook.id } });
    expect(verify(hook.secret, ping.got[0]!)).toBe(true);

    // After rotating, deliveries are signed with the new secret only.
    const rotated = (await api(`/api/webhooks/${hook.id}/rotate-secret`, { method: 'POST' })).body.webhook.secret as string;
    expect(rotated).not.toBe(hook.secret);
    await api(`/api/webhooks/${hook.id}/test`, { method: 'POST' });
    await waitFor(() => ping.got.length === 2, 'the second ping');
    expect(verify(rotated, ping.got[1]!)).toBe(true);
    expect(verify(hook.secret, ping.got[1]!)).toBe(false);
  });
});
