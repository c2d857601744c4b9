/**
 * What external systems use: admin-issued API tokens (work as Bearer, 401 once revoked, stored
 * hashed, never more than their role), Prometheus metrics at /metrics, and the OpenAPI
 * description at /docs.
 */
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/agents/passwords.js';
import type { ChannelFactory } from '../../../server/app.js';
import { defaultChannels } from '../../../server/channels.js';
import type { Channel, DeliveryResult } from '../../../server/channels/contract.js';
import { connectAgent, signIn } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { startOpsServer, type OpsServer } from '../routing/helpers.js';

/**
 * A channel that delivers the bot's and system messages but refuses every agent reply for good
 * (as Telegram does once a customer blocked the bot): the outbox gives up on it at once.
 */
const sentTo = { fakechat: [] as { author: string; result: DeliveryResult['status'] }[] };
const fakechat: ChannelFactory = (): Channel => ({
  name: 'fakechat',
  start: async () => undefined,
  stop: async () => undefined,
  send: async (_ref, outbound) => {
    const result: DeliveryResult = outbound.author.type === 'agent' ? { status: 'failed', reason: 'Forbidden: bot was blocked by the user' } : { status: 'ok' };
    sentTo.fakechat.push({ author: outbound.author.type, result: result.status });
    return result;
  },
});

describe('API tokens, metrics and OpenAPI', () => {
  let server: OpsServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startOpsServer({ channels: [...defaultChannels, fakechat] });
    cookie = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = async (p: string, auth: { cookie?: string; bearer?: string }, init: { method?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${p}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // text/plain (metrics) or HTML (docs)
    }
    return { status: res.status, body, type: res.headers.get('content-type') ?? '' };
  };

  it('issues a token that works as Bearer and gets 401 once revoked', async () => {
    const issued = await call('/api/tokens', { cookie }, { method: 'POST', body: { name: 'CRM sync' } });
    expect(issued.status).toBe(201);
    const token = issued.body.token as string;
    expect(token).toMatch(/^cbt_[\w-]{43}$/);
    expect(issued.body.apiToken).toMatchObject({ name: 'CRM sync', role: 'agent', prefix: token.slice(0, 10), revokedAt: null });

    expect((await call('/api/conversations', { bearer: token })).status).toBe(200);
    expect((await call('/api/reports', { bearer: token })).status).toBe(200);
    expect((await call('/api/settings/sla', { bearer: token })).status).toBe(200);
    // An agent token cannot do admin things, and no token manages tokens.
    expect((await call('/api/settings/sla', { bearer: token }, { method: 'PUT', body: {} })).status).toBe(403);
    expect((await call('/api/tokens', { bearer: token })).status).toBe(403);

    const listed = (await call('/api/tokens', { cookie })).body.tokens.find((t: { id: number }) => t.id === issued.body.apiToken.id);
    expect(listed.lastUsedAt).toEqual(expect.any(Number));
    expect(listed).not.toHaveProperty('token');

    // Only a hash is stored.
    const db = new Database(server.chatbridge.config.databasePath, { readonly: true });
    const row = db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(issued.body.apiToken.id) as Record<string, unknown>;
    db.close();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(Object.values(row)).not.toContain(token);

    expect((await call(`/api/tokens/${issued.body.apiToken.id}`, { cookie }, { method: 'DELETE' })).status).toBe(200);
    const after = await call('/api/conversations', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await call('/api/conversations', { bearer: 'cbt_madeup' })).status).toBe(401);
    expect((await call('/api/conversations', { bearer: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') })).status).toBe(401);
  });

  it('gives an admin token admin rights; agents cannot issue tokens; a blank name is refused', async () => {
    const admin = (await call('/api/tokens', { cookie }, { method: 'POST', body: { name: 'ERP', role: 'admin' } })).body.token as string;
    expect((await call('/api/settings/standards', { bearer: admin }, { method: 'PUT', body: { csatShare: 0.85 } })).body.standards.csatShare).toBe(0.85);
    await server.chatbridge.store.createAgent({ email: 'mira@test.local', name: 'Mira', passwordHash: await hashPassword('mira-password-1'), role: 'agent', active: true, capacity: 5 }, Date.now());
    const agentCookie = await signIn(server.url, 'mira@test.local', 'mira-password-1');
    expect((await call('/api/tokens', { cookie: agentCookie }, { method: 'POST', body: { name: 'mine' } })).status).toBe(403);
    expect((await call('/api/tokens', { cookie }, { method: 'POST', body: { name: '   ' } })).status).toBe(400);
  });

  it('serves Prometheus metrics to a token holder: queue, states, messages by channel, matcher latency', async () => {
    const token = (await call('/api/tokens', { cookie }, { method: 'POST', body: { name: 'prometheus' } })).body.token as string;
    expect((await call('/metrics', {})).status).toBe(401);
    const user = `u-${randomUUID()}`;
    await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'Сколько идет доставка?' });
    await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'позовите оператора' });
    const metrics = await waitFor(async () => {
      const m = await call('/metrics', { bearer: token });
      return /chatbridge_messages_total\{channel="webchat",direction="out"\} [1-9]/.test(m.body) ? m : null;
    }, 'the outgoing messages counted');
    expect(metrics.type).toMatch(/^text\/plain/);
    const text = metrics.body as string;
    const value = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(value(/^chatbridge_queue_length (\d+)$/m)).toBe((await server.chatbridge.store.countByStatus()).queued);
    expect(value(/^chatbridge_conversations\{state="queued"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^chatbridge_messages_total\{channel="webchat",direction="in"\} (\d+)$/m)).toBeGreaterThanOrEqual(2);
    expect(value(/^chatbridge_matcher_latency_seconds_count\{decision="answer"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE chatbridge_sla_breaches_total counter');
    expect(text).toContain('# TYPE chatbridge_delivery_failures_total counter');
  });

  it('counts a message that permanently failed delivery, by channel', async () => {
    const failures = (text: string, channel: string) => new RegExp(`^chatbridge_delivery_failures_total\\{channel="${channel}"\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect(failures((await call('/metrics', { cookie })).body, 'fakechat')).toBeUndefined();

    const user = `u-${randomUUID()}`;
    const { conversationId } = await server.chatbridge.router.receive({ channel: 'fakechat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'позовите оператора' });
    const admin = (await server.chatbridge.store.findAgentByEmail('admin@test.local'))!;
    await server.chatbridge.router.reply(admin, conversationId, 'Здравствуйте! Сейчас посмотрю.');
    await waitFor(async () => (await server.chatbridge.store.listEvents(conversationId)).some((e) => e.type === 'delivery_failed'), 'the delivery to be given up on');

    const text = await waitFor(async () => {
      const m = (await call('/metrics', { cookie })).body as string;
      return failures(m, 'fakechat') ? m : null;
    }, 'the failure counted');
    expect(failures(text, 'fakechat')).toBe('1');
    expect(failures(text, 'webchat')).toBeUndefined(); // other channels' counts are untouched
    // The bot's messages went out; the agent's reply was tried once and given up on.
    expect(sentTo.fakechat.filter((s) => s.author === 'agent')).toEqual([{ author: 'agent', result: 'failed' }]);
    expect(sentTo.fakechat.some((s) => s.author === 'bot' && s.result === 'ok')).toBe(true);
  });

  it('counts SLA breaches in the metrics', async () => {
    const agent = await connectAgent(server.url, cookie);
    try {
      const user = `u-${randomUUID()}`;
      const { conversationId } = await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'оператор, срочно!' });
      await server.chatbridge.store.updateConversation(conversationId, { queuedAt: Date.now() - 2 * 3600_000 }, null);
      await server.chatbridge.operations.monitor.check();
      const m = await call('/metrics', { cookie });
      expect(/chatbridge_sla_breaches_total\{metric="first_response",priority="urgent"\} (\d+)/.exec(m.body)?.[1]).toBe('1');
      await waitFor(() => agent.events.find((e) => e.event === 'sla:breached' && e.payload.conversationId === conversationId), 'the breach push');
    } finally {
      agent.close();
    }
  });

  it('describes the REST API with OpenAPI at /docs', async () => {
    const html = await call('/docs', {});
    expect(html.status).toBe(200);
    expect(html.type).toMatch(/text\/html/);
    const spec = (await call('/docs/json', {})).body;
    expect(spec.openapi).toBe('3.0.3');
    for (const p of ['/api/reports', '/api/reports/{section}.csv', '/api/webhooks', '/api/tokens', '/api/settings/sla', '/api/settings/business-hours', '/api/routing/queue', '/api/conversations']) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(spec.paths['/api/tokens'].post.requestBody.content['application/json'].schema.required).toEqual(['name']);
    // Every route outside the pages is described: tagged and summarised, with its path parameters.
    expect(spec.paths['/metrics'].get).toMatchObject({ tags: ['Metrics'], summary: expect.stringContaining('Prometheus') });
    const attachment = spec.paths['/api/messages/{id}/attachments/{index}']?.get;
    expect(attachment).toMatchObject({ tags: ['Conversations'], summary: expect.stringContaining('attachment') });
    expect(attachment.parameters.map((p: { in: string; name: string; required: boolean }) => [p.in, p.name, p.required])).toEqual([
      ['path', 'id', true],
      ['path', 'index', true],
    ]);
  });
});
