import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor } from '../helpers/clients.js';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, waitFor } from '../helpers/server.js';

describe('a crash (SIGKILL) loses nothing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-restart-'));
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an acknowledged message and delivers a reply queued while the visitor was away', async () => {
    const env = {
      PORT: String(await freePort()),
      DATABASE_PATH: path.join(dir, 'db.sqlite'),
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
    };
    server = await spawnServer(env);
    const visitor = await connectVisitor(server.url);
    const ack = await visitor.send('Мне нужен живой человек, заказ пришёл сломанный');
    expect(ack.ok).toBe(true);
    await server.kill('SIGKILL');

    server = await spawnServer(env);
    expect(server.output()).not.toContain('first admin'); // the same database: no second admin
    const agent = await connectAgent(server.url);
    const opened = await agent.call('conversation:open', { conversationId: ack.conversationId });
    expect(opened.ok).toBe(true);
    expect(opened.messages.map((m: { text: string }) => m.text)).toContain('Мне нужен живой человек, заказ пришёл сломанный');
    expect(opened.conversation.status).toBe('queued');

    // The visitor is gone; the agent replies; the server dies before anyone could receive it.
    visitor.close();
    const sent = await agent.call('message:send', { conversationId: ack.conversationId, text: 'Пришлите фото, заменим.', clientId: 'r1' });
    expect(sent.ok).toBe(true);
    agent.close();
    await server.kill('SIGKILL');

    server = await spawnServer(env);
    const back = await connectVisitor(server.url, visitor.token);
    expect(back.visitorId).toBe(visitor.visitorId);
    const texts = () => [...back.received.values()].map((m) => m.text);
    await waitFor(() => texts().includes('Пришлите фото, заменим.'), 'the queued reply after reconnect');
    expect(texts().filter((t) => t === 'Пришлите фото, заменим.')).toHaveLength(1);
    // And the outbox marks it delivered once the visitor's tab acknowledged it.
    const agent2 = await connectAgent(server.url);
    await waitFor(async () => {
      const res = await fetch(`${server!.url}/api/conversations/${ack.conversationId}`, { headers: { cookie: agent2.cookie } });
      const body = (await res.json()) as { messages: { text: string; delivery?: string }[] };
      return body.messages.find((m) => m.text === 'Пришлите фото, заменим.')?.delivery === 'sent';
    }, 'the outbox row to be sent');
    back.close();
    agent2.close();
    // Three cold starts of the real server (each builds the KB matcher) on a busy 2-core CI machine.
  }, 120_000);
});
