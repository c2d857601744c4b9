/**
 * `message.created` webhooks come from a durable feed over the messages table: a message stored just
 * before a crash, before any webhook row was queued for it, still goes out after the restart, and
 * what already went out is not sent again.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../server/store/sqlite.js';
import { signIn } from '../../helpers/clients.js';
import { ADMIN_EMAIL, startTestServer, waitFor, type TestServer } from '../../helpers/server.js';

describe('message.created webhooks across a restart', () => {
  const bodies: { type: string; data: { message: { text: string } } }[] = [];
  const crm = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.end('ok');
    });
  });
  let server: TestServer | null = null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-durable-'));
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((r) => crm.close(() => r()));
  });
  const texts = () => bodies.filter((b) => b.type === 'message.created').map((b) => b.data.message.text);

  it('sends a message stored right before the crash after the restart, and nothing twice', async () => {
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/crm`;
    server = await startTestServer({ dir });
    const { dbPath } = server;
    const cookie = await signIn(server.url);
    const res = await fetch(`${server.url}/api/webhooks`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ url: crmUrl, events: ['message.created'] }),
    });
    expect(res.status).toBe(201);

    const user = `u-${randomUUID()}`;
    const { conversationId } = await server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'Где мой заказ 5521?' });
    await waitFor(() => texts().includes('Где мой заказ 5521?'), 'the customer message at the CRM');
    await server.stop();
    server = null;

    // The server went down right after storing an agent's reply: no webhook row exists for it yet.
    const store = openSqliteStore(dbPath);
    const admin = (await store.findAgentByEmail(ADMIN_EMAIL))!;
    await store.addMessage({ conversationId, direction: 'out', authorType: 'agent', agentId: admin.id, text: 'Заказ 5521 у курьера', at: Date.now() }, false);
    await store.close();

    server = await startTestServer({ dir });
    await waitFor(() => texts().includes('Заказ 5521 у курьера'), 'the reply stored before the crash, at the CRM');
    // Give a replay a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(texts().filter((t) => t === 'Где мой заказ 5521?')).toHaveLength(1);
    expect(texts().filter((t) => t === 'Заказ 5521 у курьера')).toHaveLength(1);
  });
});
