/**
 * A crash can come between storing a customer's message (acknowledged: the client will not send it
 * again) and the bot's step. The message is not left unanswered: the restart finishes the step,
 * and so does a redelivery (Telegram sends unconfirmed updates again), exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

const DELIVERY_ANSWER = /доставк/i;

describe('the bot step after a crash', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-botstep-'));
  let server: TestServer | null = null;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const botReplies = async (s: TestServer, conversationId: number) =>
    (await s.chatbridge.store.listMessages(conversationId)).filter((m) => m.direction === 'out' && m.authorType === 'bot').map((m) => m.text);

  it('answers a message stored right before the crash when the server starts again', async () => {
    server = await startTestServer({ dir });
    const { dbPath } = server;
    await server.stop();
    server = null;

    // What the crashed process left: the message is stored (and was acknowledged), the bot never ran.
    const store = openSqliteStore(dbPath);
    const intake = await store.intake({
      channel: 'webchat',
      externalChatId: 'v_crash',
      externalUserId: 'v_crash',
      externalMessageId: 'webchat:v_crash:c-1',
      clientId: 'c-1',
      text: 'Сколько стоит доставка по Москве?',
      profile: { language: 'ru' },
      at: Date.now(),
      attachToLatest: false,
    });
    await store.close();

    server = await startTestServer({ dir });
    const replies = await waitFor(async () => {
      const r = await botReplies(server!, intake.conversation.id);
      return r.length > 0 ? r : null;
    }, 'the bot answer after the restart');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(DELIVERY_ANSWER);
  });

  it('finishes the step when the message is delivered again, and only once', async () => {
    const s = server!;
    const inbound = {
      channel: 'telegram' as const,
      externalChatId: '5551',
      externalUserId: '5551',
      externalMessageId: 'telegram:5551:77',
      text: 'Сколько стоит доставка?',
      profile: { language: 'ru' },
    };
    // Stored, then the process died before the bot acted (simulated by writing it past the router).
    const intake = await s.chatbridge.store.intake({ ...inbound, at: Date.now(), attachToLatest: false });
    expect(await botReplies(s, intake.conversation.id)).toEqual([]);

    // Telegram delivers the unconfirmed update again, twice at once for good measure.
    const again = await Promise.all([s.chatbridge.router.receive(inbound), s.chatbridge.router.receive(inbound)]);
    expect(again.map((r) => r.duplicate)).toEqual([true, true]);
    const replies = await botReplies(s, intake.conversation.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(DELIVERY_ANSWER);

    // A third delivery after the answer changes nothing.
    await s.chatbridge.router.receive(inbound);
    expect(await botReplies(s, intake.conversation.id)).toHaveLength(1);
    expect((await s.chatbridge.store.listMessages(intake.conversation.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
  });
});
