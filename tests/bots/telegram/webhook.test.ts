import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { freePort } from '../../helpers/process.js';
import { startTestServer, waitFor } from '../../helpers/server.js';
import { FakeBotApi } from './fake-bot-api.js';
import { startTelegramHarness, type TelegramHarness } from './harness.js';

describe('Telegram by webhook on the server\'s own fastify (real grammy, fake Bot API posting updates)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-tg-webhook-'));
  let fake: FakeBotApi;
  let h: TelegramHarness;
  let agent: AgentClient;
  let webhookUrl: string;

  beforeAll(async () => {
    fake = await new FakeBotApi().listen();
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/hooks/telegram`;
    h = await startTelegramHarness({ fake, env: { PORT: String(port), TELEGRAM_WEBHOOK_URL: webhookUrl } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls setWebhook with the URL, a generated secret and the update types; never polls', async () => {
    const set = await waitFor(() => fake.callsOf('setWebhook')[0], 'setWebhook');
    expect(set.body.url).toBe(webhookUrl);
    expect(set.body.allowed_updates).toEqual(['message', 'edited_message', 'callback_query']);
    expect(set.body.secret_token).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    // The generated secret is kept, so the next start sets the same one.
    expect(await h.server.chatbridge.store.getSetting('telegram.webhook_secret')).toBe(set.body.secret_token);
    expect(fake.callsOf('getUpdates')).toEqual([]);
    expect(fake.callsOf('deleteWebhook')).toEqual([]);
  });

  it('answers a message Telegram posts from the knowledge base; /human queues it and the agent\'s reply goes out', async () => {
    const nina = fake.user('Nina', 'ru');
    fake.say(nina, 'Сколько идет доставка?');
    await h.kbAnswer(nina, 'delivery-time', 'ru');
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);

    fake.say(nina, '/human');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(nina);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    await waitFor(
      () => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversation.id && e.payload.status === 'queued'),
      'the queue',
    );
    expect((await agent.call('message:send', { conversationId: conversation.id, text: 'Добрый день, это Анна', clientId: 'wh-1' })).ok).toBe(true);
    await h.botMessage(nina, (m) => m.text === 'Admin: Добрый день, это Анна', "the agent's reply");
  });

  it('refuses a call without the right secret with 401 and changes nothing', async () => {
    const eve = fake.user('Eve', 'en');
    const update = { update_id: 900_001, message: fake.message(eve, 'How long does delivery take?') };
    const sentBefore = fake.sent.length;
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong-secret' }] as Record<string, string>[]) {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      expect(res.status).toBe(401);
    }
    // A right secret with a body that is not an update: 400, also nothing stored.
    const secret = fake.webhook!.secret!;
    const bad = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: '{"hello":1}' });
    expect(bad.status).toBe(400);
    expect(await h.conversationOf(eve)).toBeNull();
    expect(fake.sent.length).toBe(sentBefore);
    // With the secret the same update is taken: the 401 really was about the secret.
    const good = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
    expect(good.status).toBe(200);
    await h.kbAnswer(eve, 'delivery-time', 'en');
  });

  it('handles a redelivered update once, and parallel requests of one chat each once', async () => {
    const oleg = fake.user('Oleg', 'ru');
    const first = fake.say(oleg, '/human');
    await waitFor(async () => (await h.conversationOf(oleg))?.status === 'queued', 'the hand-off');
    fake.redeliver(first);
    fake.redeliver(fake.say(oleg, '/help'));
    await waitFor(() => fake.deliveries.filter((d) => d.updateId === first.update_id).length === 2, 'the redelivery');
    await h.botMessage(oleg, (m) => m.text.includes('/start'), 'the help');
    await waitFor(() => fake.webhookBacklog === 0, 'every update posted');
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);
    const conversation = (await h.conversationOf(oleg))!;
    const inbound = (await h.server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['/human']);
    const handOffNotices = fake.sentTo(oleg.id).filter((m) => /^(Передаю|Сейчас все операторы)/.test(m.text));
    expect(handOffNotices).toHaveLength(1);
    expect(fake.sentTo(oleg.id).filter((m) => m.text.includes('/start'))).toHaveLength(1);

    const secret = fake.webhook!.secret!;
    const posts = ['раз', 'два', 'три', 'четыре', 'пять'].map((text, i) =>
      fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify({ update_id: 910_000 + i, message: fake.message(oleg, text) }),
      }),
    );
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // Each stored once. (Requests of one chat are handled one after another in arrival order; which
    // of five parallel requests arrives first is up to the network, so the set is compared here. The
    // per-chat order itself is the SerialQueue's job, unit-tested in units.test.ts.)
    const texts = (await h.server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts[0]).toBe('/human');
    expect(texts.slice(1).sort()).toEqual(['два', 'пять', 'раз', 'три', 'четыре']);
  });
});

describe('Telegram webhook with TELEGRAM_WEBHOOK_SECRET set', () => {
  it('uses the configured secret and serves the route at the URL\'s path', async () => {
    const fake = await new FakeBotApi().listen();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/tg`;
    const server = await startTestServer({
      env: { PORT: String(port), TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: 'my-own_secret-123' },
    });
    try {
      const set = await waitFor(() => fake.callsOf('setWebhook')[0], 'setWebhook');
      expect(set.body.secret_token).toBe('my-own_secret-123');
      const user = fake.user('Ada', 'en');
      fake.say(user, 'How long does delivery take?');
      await waitFor(() => fake.sentTo(user.id).length > 0, 'an answer');
      expect((await fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});
