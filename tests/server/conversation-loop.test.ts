import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, type AgentClient } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

describe('the conversation loop on one server', () => {
  let server: TestServer;
  let agent: AgentClient;

  beforeAll(async () => {
    server = await startTestServer();
    agent = await connectAgent(server.url);
  });
  afterAll(async () => {
    agent?.close();
    await server?.stop();
  });

  it('answers from the KB, hands off to an agent, delivers the reply and collects a rating', async () => {
    const visitor = await connectVisitor(server.url);
    expect(visitor.history).toEqual([]);

    const asked = await visitor.send('Сколько идет доставка?');
    expect(asked.ok).toBe(true);
    const entry = server.chatbridge.kb.get('delivery-time')!;
    const answer = await visitor.waitForMessage((m) => m.author.type === 'bot' && m.text.includes(server.chatbridge.kb.answerText(entry, 'ru')), 'the KB answer');
    expect(answer.quickReplies.map((q) => q.id)).toEqual(['helpful:yes', 'helpful:no']);

    await visitor.send('позовите оператора, пожалуйста');
    const conversationId = asked.id && (await server.chatbridge.store.getMessage(asked.id))!.conversationId;
    const queued = await waitFor(
      () => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversationId && e.payload.status === 'queued'),
      'the hand-off in the agents queue',
    );
    expect(queued.payload.channel).toBe('webchat');
    await visitor.waitForMessage((m) => /оператор/i.test(m.text) && m.author.type === 'bot', 'the hand-off notice');

    const claimed = await agent.call('conversation:claim', { conversationId });
    expect(claimed).toMatchObject({ ok: true, conversation: { status: 'assigned' } });
    const replied = await agent.call('message:send', { conversationId, text: 'Здравствуйте! Я Анна, помогу.', clientId: 'agent-1' });
    expect(replied.ok).toBe(true);
    const reply = await visitor.waitForMessage((m) => m.text === 'Здравствуйте! Я Анна, помогу.', "the agent's reply");
    expect(reply.author).toEqual({ type: 'agent', name: 'Admin' });

    const resolved = await agent.call('conversation:resolve', { conversationId });
    expect(resolved.conversation.status).toBe('resolved');
    const ask = await visitor.waitForMessage((m) => m.quickReplies.some((q) => q.id === 'csat:5'), 'the rating question');
    expect(ask.quickReplies.map((q) => q.label)).toEqual(['1', '2', '3', '4', '5']);

    expect((await visitor.press('csat:5')).ok).toBe(true);
    await waitFor(async () => (await server.chatbridge.store.getConversation(conversationId!))?.status === 'closed', 'the conversation to close');
    const events = (await server.chatbridge.store.listEvents(conversationId!)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['created', 'bot_answered', 'escalated', 'assigned', 'first_response', 'resolved', 'csat']));
    expect(events.indexOf('escalated')).toBeLessThan(events.indexOf('assigned'));
    const csat = (await server.chatbridge.store.listEvents(conversationId!)).find((e) => e.type === 'csat');
    expect(csat?.data).toEqual({ rating: 5 });
    visitor.close();
  });

  it('stores and answers a message sent twice with one client id only once', async () => {
    const visitor = await connectVisitor(server.url);
    const first = await visitor.send('How long does delivery take?', 'same-client-id');
    const second = await visitor.send('How long does delivery take?', 'same-client-id');
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: true, id: first.id });
    await visitor.waitForMessage((m) => m.author.type === 'bot', 'the answer');
    await new Promise((r) => setTimeout(r, 300));
    const messages = await server.chatbridge.store.listMessages(first.conversationId!);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(messages.filter((m) => m.authorType === 'bot')).toHaveLength(1);
    visitor.close();
  });

  it('escalates after repeated knowledge-base misses', async () => {
    const visitor = await connectVisitor(server.url);
    const sent = await visitor.send('qwrtpl zxcvb mnbvc');
    await visitor.waitForMessage((m) => m.quickReplies.some((q) => q.id === 'human'), 'the first miss reply');
    await visitor.send('ыврапо лдждлож');
    await waitFor(async () => (await server.chatbridge.store.getConversation(sent.conversationId!))?.status === 'queued', 'escalation after two misses');
    visitor.close();
  });

  it('gives the history back on reconnect with the same token', async () => {
    const visitor = await connectVisitor(server.url);
    await visitor.send('Какие способы оплаты?');
    await visitor.waitForMessage((m) => m.author.type === 'bot', 'the answer');
    visitor.close();
    const again = await connectVisitor(server.url, visitor.token);
    expect(again.visitorId).toBe(visitor.visitorId);
    expect(again.history.map((m) => m.text)).toContain('Какие способы оплаты?');
    expect(again.history.some((m) => m.author.type === 'bot')).toBe(true);
    again.close();
  });
});
