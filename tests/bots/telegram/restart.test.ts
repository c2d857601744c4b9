import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { freePort, spawnServer, type ServerProcess } from '../../helpers/process.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, waitFor } from '../../helpers/server.js';
import { FakeBotApi, type FakeUser, type SentMessage } from './fake-bot-api.js';

/**
 * The chatbridge server runs as a child process (server/main.ts, as `npm start` runs it) polling a
 * FakeBotApi with the real grammy, and is killed with SIGKILL in the middle of a conversation: no
 * graceful stop, no last getUpdates to confirm the offset, an agent's reply still in the outbox.
 * It is started again on the same database; the customer must notice nothing but a pause.
 */
describe('Telegram: the server is killed mid-conversation and restarted; nothing is lost or sent twice', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-tg-restart-'));
  let fake: FakeBotApi;
  let server: ServerProcess | null = null;
  const agents: AgentClient[] = [];

  afterAll(async () => {
    for (const agent of agents) agent.close();
    await server?.kill();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes every message written while it was down once, repeats no answer, and delivers the queued agent reply once', async () => {
    fake = await new FakeBotApi().listen();
    const env = {
      PORT: String(await freePort()),
      DATABASE_PATH: path.join(dir, 'db.sqlite'),
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_POLL_TIMEOUT: '5',
    };
    const slow = 20_000; // a shared 2-core machine: generous bounds, never fixed sleeps
    const sentTo = (user: FakeUser, match: (m: SentMessage) => boolean) => fake.sentTo(user.id).filter(match);
    const botMessage = (user: FakeUser, match: (m: SentMessage) => boolean, what: string) =>
      waitFor(() => sentTo(user, match)[0], what, slow);
    /** The conversation as the agent's console shows it (REST, with the agent's session). */
    const agentView = async (agent: AgentClient, conversationId: number) => {
      const res = await fetch(`${server!.url}/api/conversations/${conversationId}`, { headers: { cookie: agent.cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as { messages: { direction: string; authorType: string; text: string; delivery: string | null }[] };
    };
    const inbound = async (agent: AgentClient, conversationId: number) =>
      (await agentView(agent, conversationId)).messages.filter((m) => m.direction === 'in').map((m) => m.text);
    const conversationOf = async (agent: AgentClient, name: string): Promise<number | null> => {
      const res = await fetch(`${server!.url}/api/conversations?status=bot,queued,assigned,resolved,closed&limit=500`, { headers: { cookie: agent.cookie } });
      const body = (await res.json()) as { conversations: { id: number; channel: string; contact: { name: string | null } }[] };
      return body.conversations.find((c) => c.channel === 'telegram' && c.contact.name === name)?.id ?? null;
    };

    // ---- before the crash: a conversation with the bot, a hand-off, an agent's reply ----------------
    server = await spawnServer(env);
    await waitFor(() => fake.callsOf('getUpdates').length > 0, 'the first server to poll', slow);
    const agent = await connectAgent(server.url);
    agents.push(agent);

    const pavel = fake.user('Pavel', 'ru', { last_name: 'Restartov' });
    fake.say(pavel, '/start');
    await botMessage(pavel, (m) => m.text.startsWith('Здравствуйте'), 'the greeting');
    fake.say(pavel, '/human');
    await botMessage(pavel, (m) => /оператор/i.test(m.text), 'the hand-off notice');
    const conversationId = await waitFor(() => conversationOf(agent, 'Pavel Restartov'), "Pavel's conversation in the console", slow);
    expect((await agent.call('conversation:claim', { conversationId })).ok).toBe(true);
    expect((await agent.call('message:send', { conversationId, text: 'Здравствуйте, это Анна. Слушаю.', clientId: 'r1' })).ok).toBe(true);
    await botMessage(pavel, (m) => m.text === 'Admin: Здравствуйте, это Анна. Слушаю.', "the agent's first reply");

    // The crash comes after a batch was handled but before getUpdates confirmed it (the next call,
    // whose offset would confirm it, fails): Telegram still holds those updates and hands them to
    // the next server. To get two updates into one batch, one getUpdates fails first (grammy then
    // pauses 3 s before asking again) and both are queued during that pause.
    let before: { update_id: number } | null = null;
    let batch: { last: number } | null = null;
    fake.inject({
      method: 'getUpdates',
      times: 1,
      when: (b) => before !== null && b.offset === before.update_id + 1,
      error: { error_code: 502, description: 'Bad Gateway' },
    });
    fake.inject({
      method: 'getUpdates',
      times: 1_000_000,
      when: (b) => batch !== null && b.offset > batch.last,
      error: { error_code: 502, description: 'Bad Gateway' },
    });
    before = fake.say(pavel, 'Заказ 1234 не пришёл');
    await waitFor(
      () => fake.callsOf('getUpdates').some((c) => c.body.offset === before!.update_id + 1 && c.outcome === 502),
      'a getUpdates that failed (grammy now pauses)',
      slow,
    );
    fake.say(pavel, 'Номер заказа 1234, оплачен картой');
    batch = { last: fake.say(pavel, '/help').update_id };
    // Handled: the message stored and /help answered; then the confirming getUpdates fails.
    await waitFor(() => fake.callsOf('getUpdates').some((c) => c.body.offset === batch!.last + 1 && c.outcome === 502), 'the confirming getUpdates to fail', slow);
    expect(await inbound(agent, conversationId)).toEqual(['/start', '/human', 'Заказ 1234 не пришёл', 'Номер заказа 1234, оплачен картой']);
    expect(sentTo(pavel, (m) => m.text.includes('/human'))).toHaveLength(1); // the /help answer
    // Both came in one getUpdates and neither is confirmed: Telegram would deliver both again.
    expect(fake.unconfirmed).toBe(2);

    // The agent answers while Telegram fails sendMessage: the reply stays in the outbox.
    const queuedReply = 'Нашла ваш заказ, он уже в пути.';
    fake.inject({
      method: 'sendMessage',
      times: 1_000_000,
      when: (b) => b.chat_id === pavel.id && String(b.text).includes(queuedReply),
      error: { error_code: 502, description: 'Bad Gateway' },
    });
    expect((await agent.call('message:send', { conversationId, text: queuedReply, clientId: 'r2' })).ok).toBe(true);
    await waitFor(
      () => fake.callsOf('sendMessage').some((c) => c.body.chat_id === pavel.id && String(c.body.text).includes(queuedReply) && c.outcome === 502),
      'a failed attempt to deliver the reply',
      slow,
    );

    // ---- the crash --------------------------------------------------------------------------------
    await server.kill('SIGKILL');
    agent.close();
    fake.clearInjections();

    // While it is down, customers write: Telegram keeps the updates.
    const whileDown = ['Я всё ещё жду', 'Трек-номер так и не пришёл', 'Можно вернуть деньги?'];
    for (const text of whileDown) fake.say(pavel, text);
    const vera = fake.user('Vera', 'ru', { last_name: 'Downtime' });
    fake.say(vera, '/start');
    expect(fake.unconfirmed).toBe(2 + whileDown.length + 1);
    const sentBeforeRestart = fake.sent.length;

    // ---- the restart on the same database ---------------------------------------------------------
    server = await spawnServer(env);
    expect(server.output()).not.toContain('first admin'); // the same database
    const agent2 = await connectAgent(server.url);
    agents.push(agent2);

    // The reply from the outbox reaches the customer's chat.
    await botMessage(pavel, (m) => m.text === `Admin: ${queuedReply}`, 'the queued reply after the restart');
    // Vera, who wrote only while the server was down, gets the bot's answer.
    const veraGreeting = await botMessage(vera, (m) => m.text.startsWith('Здравствуйте'), "Vera's greeting");
    fake.press(vera, veraGreeting, 'cb|topic:delivery');
    await botMessage(vera, (m) => m.text === 'Частые вопросы по теме:', "the answer to Vera's button");

    // Markers after everything else: updates are handled in order and a conversation's outbox is
    // delivered in order, so once these are through, any repeat would already have shown.
    fake.say(pavel, 'Спасибо, жду ответа');
    await waitFor(async () => (await inbound(agent2, conversationId)).includes('Спасибо, жду ответа'), 'the message after the restart', slow);
    expect((await agent2.call('message:send', { conversationId, text: 'Оформила возврат.', clientId: 'r3' })).ok).toBe(true);
    await botMessage(pavel, (m) => m.text === 'Admin: Оформила возврат.', 'the reply after the restart');
    // The new server was handed the two unconfirmed updates again and everything written while it
    // was down, and confirmed them all.
    await waitFor(() => fake.unconfirmed === 0, 'every update consumed', slow);

    // Every customer message is in the agent's conversation exactly once, in order. (/help is
    // answered by the adapter and not stored.)
    expect(await inbound(agent2, conversationId)).toEqual([
      '/start',
      '/human',
      'Заказ 1234 не пришёл',
      'Номер заказа 1234, оплачен картой',
      ...whileDown,
      'Спасибо, жду ответа',
    ]);
    // The agent's replies: each once, each delivered.
    const view = await agentView(agent2, conversationId);
    const replies = view.messages.filter((m) => m.authorType === 'agent');
    expect(replies.map((m) => [m.text, m.delivery])).toEqual([
      ['Здравствуйте, это Анна. Слушаю.', 'sent'],
      [queuedReply, 'sent'],
      ['Оформила возврат.', 'sent'],
    ]);

    // What Pavel's chat shows: nothing twice.
    const once = (match: (m: SentMessage) => boolean) => sentTo(pavel, match).length;
    expect(once((m) => m.text === `Admin: ${queuedReply}`)).toBe(1);
    const attempts = fake.callsOf('sendMessage').filter((c) => c.body.chat_id === pavel.id && String(c.body.text).includes(queuedReply));
    expect(attempts.filter((c) => c.outcome === 'ok')).toHaveLength(1);
    expect(attempts.at(-1)!.outcome).toBe('ok');
    expect(once((m) => m.text.startsWith('Здравствуйте! Я бот'))).toBe(1);
    expect(once((m) => /оператор/i.test(m.text) && !m.text.includes('/human'))).toBe(1);
    expect(once((m) => m.text === 'Admin: Здравствуйте, это Анна. Слушаю.')).toBe(1);
    expect(once((m) => m.text.includes('/human'))).toBe(1); // the /help answer, although its update came twice
    expect(once((m) => m.text === 'Admin: Оформила возврат.')).toBe(1);
    // After the restart Pavel got exactly the two agent replies, nothing from before again.
    expect(fake.sent.slice(sentBeforeRestart).filter((m) => Number(m.chat_id) === pavel.id).map((m) => m.text)).toEqual([
      `Admin: ${queuedReply}`,
      'Admin: Оформила возврат.',
    ]);

    // Vera: her message stored once, one greeting, and her button routed.
    const veraConversation = (await conversationOf(agent2, 'Vera Downtime'))!;
    expect(await inbound(agent2, veraConversation)).toEqual(['/start', 'Доставка']);
    expect(sentTo(vera, (m) => m.text.startsWith('Здравствуйте'))).toHaveLength(1);
  }, 120_000);
});
