/**
 * SLA live in the console: with the server's clock faked, a waiting conversation gets an
 * `sla:warning` and then an `sla:breached` push at the right minute, and its ConversationView
 * carries the due time and the state the countdown shows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { startOpsServer, type OpsServer } from '../routing/helpers.js';
import { FakeClock } from '../routing/seed.js';

const msk = (local: string) => Date.parse(`${local}+03:00`);

describe('SLA in the console', () => {
  let server: OpsServer;
  let agent: AgentClient;
  const clock = new FakeClock(msk('2025-05-13T12:00:00')); // Tuesday; default hours 09–21, normal: first response in 240 business minutes

  beforeAll(async () => {
    server = await startOpsServer({ operations: { now: clock.now } });
    agent = await connectAgent(server.url);
  });
  afterAll(async () => {
    agent?.close();
    await server?.stop();
  });

  it('pushes a warning 30 minutes before the first-response target and the breach at it, with the countdown in the view', async () => {
    const user = `u-${randomUUID()}`;
    const { conversationId } = await server.chatbridge.router.receive({
      channel: 'webchat',
      externalChatId: user,
      externalUserId: user,
      externalMessageId: randomUUID(),
      text: 'позовите оператора',
      profile: { name: 'Пётр', language: 'ru' },
    });
    const store = server.chatbridge.store;
    // The hand-off time comes from the real clock; put it at 12:00 on the fake one.
    await store.updateConversation(conversationId, { queuedAt: clock.ms }, null);
    const monitor = server.chatbridge.operations.monitor;
    const due = msk('2025-05-13T16:00:00');

    const opened = await agent.call('conversation:open', { conversationId });
    expect(opened.conversation.sla).toMatchObject({ state: 'running', metric: 'first_response', dueAt: due, warnAt: msk('2025-05-13T15:30:00') });

    clock.set(msk('2025-05-13T15:29:00'));
    expect(await monitor.check()).toEqual([]);
    clock.set(msk('2025-05-13T15:30:00'));
    await monitor.check();
    const warning = await waitFor(() => agent.events.find((e) => e.event === 'sla:warning' && e.payload.conversationId === conversationId), 'the warning');
    expect(warning.payload).toMatchObject({ metric: 'first_response', priority: 'normal', dueAt: due, at: msk('2025-05-13T15:30:00') });
    await waitFor(() => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversationId && e.payload.sla?.state === 'warning'), 'the view turning amber');

    clock.set(msk('2025-05-13T16:00:00'));
    await monitor.check();
    const breach = await waitFor(() => agent.events.find((e) => e.event === 'sla:breached' && e.payload.conversationId === conversationId), 'the breach');
    expect(breach.payload).toMatchObject({ metric: 'first_response', dueAt: due, at: due });
    await waitFor(() => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversationId && e.payload.sla?.state === 'breached'), 'the view turning red');
    expect(agent.events.filter((e) => e.event === 'sla:breached' && e.payload.conversationId === conversationId)).toHaveLength(1);

    // Answering stops the clock: the view no longer counts down the first response.
    const replied = await agent.call('message:send', { conversationId, text: 'Здравствуйте! Смотрю.' });
    expect(replied.ok).toBe(true);
    const view = (await agent.call('conversation:open', { conversationId })).conversation;
    expect(view.sla.targets.find((t: { metric: string }) => t.metric === 'first_response')).toMatchObject({ state: 'missed', dueAt: due });
    expect(view.sla.metric).toBe('resolution');
  });
});
