import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, signIn } from '../../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { api, apiWithCookie, handOff, newAgent, type Api } from './fixtures.js';

describe('console access: sessions, roles, agents and teams', () => {
  let server: TestServer;
  let admin: Api;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
  });
  afterAll(async () => server?.stop());

  it('answers 401 on every console API without a session, and with a forged one', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/console/agents'],
      ['POST', '/api/console/agents'],
      ['PATCH', '/api/console/agents/1'],
      ['POST', '/api/console/agents/1/password'],
      ['GET', '/api/console/teams'],
      ['POST', '/api/console/teams'],
      ['PATCH', '/api/console/teams/1'],
      ['DELETE', '/api/console/teams/1'],
      ['GET', '/api/console/canned'],
      ['POST', '/api/console/canned'],
      ['PATCH', '/api/console/canned/1'],
      ['DELETE', '/api/console/canned/1'],
      ['GET', '/api/console/contacts?q=a'],
      ['GET', '/api/console/contacts/1'],
      ['PATCH', '/api/console/contacts/1'],
      ['GET', '/api/console/contacts/1/history'],
      ['POST', '/api/console/contacts/1/notes'],
      ['DELETE', '/api/console/contacts/1/notes/1'],
      ['POST', '/api/console/contacts/1/merge'],
      ['GET', '/api/console/inbox?view=queue'],
      ['GET', '/api/console/counts'],
      ['GET', '/api/console/search?q=x'],
      ['GET', '/api/console/meta'],
    ];
    for (const cookie of [undefined, 'cb_session=forged-token-value']) {
      for (const [method, path] of routes) {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { ...(cookie ? { cookie } : {}), ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
        expect((await res.json()).error.code).toBe('unauthorized');
      }
    }
  });

  it('checks the session and the role before the body: 401, then 403, never a 400 that tells what a route accepts', async () => {
    // Each request is invalid for the route (bad body, path or query): an admin gets 400 for it.
    const adminOnly: [string, string, string | undefined][] = [
      ['POST', '/api/tokens', '{}'],
      ['POST', '/api/tokens', '{"name":'], // not even JSON
      ['DELETE', '/api/tokens/abc', undefined],
      ['POST', '/api/webhooks', '{"url":5,"events":"all"}'],
      ['PATCH', '/api/webhooks/abc', '{}'],
      ['PUT', '/api/settings/sla', '[]'],
      ['PUT', '/api/settings/sla', '"fast"'],
      ['PUT', '/api/settings/routing', '[]'],
    ];
    const anyAgent: [string, string, string | undefined][] = [
      ['GET', '/api/reports/zzz.csv', undefined],
      ['GET', '/api/reports?teamId=abc', undefined],
      ['PATCH', '/api/console/contacts/1', '{"name":'],
    ];
    const send = (method: string, path: string, body: string | undefined, cookie?: string) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
      });

    for (const cookie of [undefined, 'cb_session=forged-token-value']) {
      for (const [method, path, body] of [...adminOnly, ...anyAgent]) {
        const res = await send(method, path, body, cookie);
        expect({ method, path, body, status: res.status }).toEqual({ method, path, body, status: 401 });
        expect((await res.json()).error.code).toBe('unauthorized');
      }
    }
    const agent = await newAgent(admin, server, 'Olga');
    for (const [method, path, body] of adminOnly) {
      const res = await send(method, path, body, agent.api.cookie);
      expect({ method, path, body, status: res.status }).toEqual({ method, path, body, status: 403 });
      expect((await res.json()).error.code).toBe('forbidden');
    }
    // The requests really are invalid: whoever may call the route gets the 400.
    for (const [method, path, body] of adminOnly) {
      expect({ method, path, body, status: (await send(method, path, body, admin.cookie)).status }).toEqual({ method, path, body, status: 400 });
    }
    for (const [method, path, body] of anyAgent) {
      expect({ method, path, body, status: (await send(method, path, body, agent.api.cookie)).status }).toEqual({ method, path, body, status: 400 });
    }
  });

  it('keeps agents out of admin APIs and the admin page, and strangers out of both', async () => {
    const anna = await newAgent(admin, server, 'Anna');
    expect((await anna.api.call('POST', '/api/console/agents', { email: 'x@test.local', name: 'X' })).status).toBe(403);
    expect((await anna.api.call('PATCH', `/api/console/agents/${anna.id}`, { role: 'admin' })).status).toBe(403);
    expect((await anna.api.call('POST', '/api/console/agents/1/password', {})).status).toBe(403);
    expect((await anna.api.call('POST', '/api/console/teams', { name: 'Sneaky' })).status).toBe(403);
    expect((await server.chatbridge.store.getAgent(anna.id))?.role).toBe('agent');

    const page = await anna.api.call('GET', '/console/admin');
    expect(page.status).toBe(403);
    expect(page.body).toContain('Admins only');
    expect((await anna.api.call('GET', '/console/admin/teams')).status).toBe(403);
    const stranger = await fetch(`${server.url}/console/admin`, { redirect: 'manual' });
    expect(stranger.status).toBe(302);
    expect(stranger.headers.get('location')).toBe('/console');
    const adminPage = await admin.call('GET', '/console/admin');
    expect(adminPage.status).toBe(200);
    expect(adminPage.body).toContain('/assets/console.js');

    // Agents may still read what they need to work: who is there, which teams.
    const agents = await anna.api.get('/api/console/agents');
    expect(agents.agents.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['Admin', 'Anna']));
    expect(JSON.stringify(agents)).not.toContain('scrypt');
  });

  it('lets an admin create an agent with a generated password that works once handed over', async () => {
    const created = await admin.call('POST', '/api/console/agents', { email: 'boris@test.local', name: 'Boris', capacity: 3 });
    expect(created.status).toBe(201);
    expect(created.body.agent).toMatchObject({ email: 'boris@test.local', name: 'Boris', role: 'agent', capacity: 3, active: true, status: 'offline', load: 0 });
    expect(created.body.password).toMatch(/^[\w-]{12,}$/);
    expect(await signIn(server.url, 'boris@test.local', created.body.password)).toMatch(/^cb_session=/);

    expect((await admin.call('POST', '/api/console/agents', { email: 'BORIS@test.local', name: 'Boris 2' })).status).toBe(409);
    const bad = await admin.call('POST', '/api/console/agents', { email: 'not-an-email', name: 'Nobody' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('not an email');
    expect((await admin.call('POST', '/api/console/agents', { email: 'c@test.local', name: 'C', role: 'owner' })).status).toBe(400);
  });

  it('deactivating an agent ends their sessions and tabs and puts their chats back in the queue', async () => {
    const vera = await newAgent(admin, server, 'Vera');
    const socket = await connectAgent(server.url, vera.api.cookie);
    const { conversationId } = await handOff(server, 'Клиент Веры', 'Где мой заказ?');
    expect((await socket.call('conversation:claim', { conversationId })).ok).toBe(true);

    const disconnected = new Promise<void>((resolve) => socket.socket.once('disconnect', () => resolve()));
    const res = await admin.call('PATCH', `/api/console/agents/${vera.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ active: false, status: 'offline' });
    await disconnected;
    expect((await vera.api.call('GET', '/api/console/inbox?view=mine')).status).toBe(401);
    const conversation = await server.chatbridge.store.getConversation(conversationId);
    expect(conversation).toMatchObject({ status: 'queued', assignedAgentId: null });
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: vera.email, password: vera.password }),
    });
    expect(login.status).toBe(401);
  });

  it('resetting a password signs the agent out everywhere', async () => {
    const gleb = await newAgent(admin, server, 'Gleb');
    const socket = await connectAgent(server.url, gleb.api.cookie);
    const disconnected = new Promise<void>((resolve) => socket.socket.once('disconnect', () => resolve()));
    const reset = await admin.call('POST', `/api/console/agents/${gleb.id}/password`, {});
    expect(reset.status).toBe(200);
    expect(reset.body.password).toMatch(/^[\w-]{12,}$/);
    await disconnected;
    expect((await gleb.api.call('GET', '/api/console/counts')).status).toBe(401);
    const again = apiWithCookie(server, await signIn(server.url, gleb.email, reset.body.password));
    expect((await again.call('GET', '/api/console/counts')).status).toBe(200);
  });

  it('will not let the last admin lock everyone out', async () => {
    const me = (await admin.get('/api/auth/me')).agent;
    const self = await admin.call('PATCH', `/api/console/agents/${me.id}`, { active: false });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toMatch(/yourself/);
    expect((await server.chatbridge.store.getAgent(me.id))?.active).toBe(true);
  });

  it('manages teams and their members', async () => {
    const dana = await newAgent(admin, server, 'Dana');
    const created = await admin.call('POST', '/api/console/teams', { name: 'Returns', memberIds: [dana.id] });
    expect(created.status).toBe(201);
    expect(created.body.team).toMatchObject({ name: 'Returns', memberIds: [dana.id] });
    expect((await admin.call('POST', '/api/console/teams', { name: 'returns' })).status).toBe(409);
    expect((await admin.call('POST', '/api/console/teams', { name: 'Ghosts', memberIds: [99999] })).status).toBe(400);

    const me = (await admin.get('/api/auth/me')).agent;
    const renamed = await admin.call('PATCH', `/api/console/teams/${created.body.team.id}`, { name: 'Returns & exchanges', memberIds: [dana.id, me.id] });
    expect(renamed.body.team).toMatchObject({ name: 'Returns & exchanges', memberIds: [me.id, dana.id].sort((a, b) => a - b) });
    const agents = (await dana.api.get('/api/console/agents')).agents as { id: number; teamIds: number[] }[];
    expect(agents.find((a) => a.id === dana.id)?.teamIds).toEqual([created.body.team.id]);
    expect((await dana.api.get('/api/console/teams')).teams.map((t: { name: string }) => t.name)).toContain('Returns & exchanges');

    expect((await admin.call('DELETE', `/api/console/teams/${created.body.team.id}`)).status).toBe(200);
    expect((await admin.call('DELETE', `/api/console/teams/${created.body.team.id}`)).status).toBe(404);
  });

  it('closes the socket of a session that signed out, and refuses it when it comes back', async () => {
    const socket = await connectAgent(server.url);
    await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: socket.cookie } });
    await waitFor(() => !socket.socket.connected, 'the socket to be closed');
    expect(socket.events.map((e) => e.event)).toContain('session:ended');
    // A socket.io client buffers what it emits while disconnected: nothing reaches the server.
    await expect(socket.socket.timeout(500).emitWithAck('conversations:list', {})).rejects.toThrow();
    const again = io(`${server.url}/agents`, { extraHeaders: { cookie: socket.cookie }, transports: ['websocket'], reconnection: false, forceNew: true });
    const error = await new Promise<string>((resolve) => again.once('connect_error', (e) => resolve(e.message)));
    expect(error).toBe('unauthorized');
    again.close();
  });
});
