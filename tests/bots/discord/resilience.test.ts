import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordChannel } from '../../../bots/discord/index.js';
import type { ChannelHost } from '../../../server/channels/contract.js';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { FakeDiscord, type FakeUser } from './fake-discord.js';
import { startDiscordHarness, type DiscordHarness } from './harness.js';

/** Guilds | GuildMessages | DirectMessages | MessageContent. */
const INTENTS = 1 | 512 | 4096 | 32768;

/** A 429 as Discord sends it: Retry-After in seconds, the bucket headers, the JSON body. */
function rateLimit(fake: FakeDiscord, channelId: string, seconds: number): void {
  fake.inject({
    method: 'POST',
    path: new RegExp(`^/channels/${channelId}/messages$`),
    times: 1,
    status: 429,
    headers: {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': `bucket-${channelId}`,
      'x-ratelimit-scope': 'user',
    },
    body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
  });
}

/** A customer who asked for a person: a queued DM conversation an agent can reply to. */
async function handedOff(h: DiscordHarness, name: string): Promise<{ user: FakeUser; dmId: string; conversationId: number }> {
  const user = h.fake.user(name);
  const dm = h.fake.dmChannel(user);
  h.fake.sendDm(user, 'I want to talk to a human');
  const conversation = await waitFor(async () => {
    const c = await h.conversationOf(user.id);
    return c?.status === 'queued' ? c : null;
  }, `${name} handed off`);
  // The hand-off notice is out, so the next POST to this DM is the agent's.
  await waitFor(() => h.fake.messagesIn(dm.id).length > 0, 'the hand-off notice');
  return { user, dmId: dm.id, conversationId: conversation.id };
}

describe('Discord: login, gateway reconnects and REST rate limits (real discord.js, fake Discord)', () => {
  let h: DiscordHarness;
  let agent: AgentClient;

  beforeAll(async () => {
    // No overrides: server/channels.ts builds the adapter from DISCORD_* as in production.
    h = await startDiscordHarness({ env: { DISCORD_MAX_RATE_LIMIT_WAIT_MS: '300' } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  it('logs in through DISCORD_API_ROOT, identifies with the support intents, gets READY and registers /support', async () => {
    const gateway = h.fake.calls.find((c) => c.path === '/gateway/bot');
    expect(gateway?.headers.authorization).toBe(`Bot ${h.fake.token}`);
    expect(h.fake.identifies).toHaveLength(1);
    expect(h.fake.identifies[0].intents).toBe(INTENTS);
    expect(h.discord.discord?.isReady()).toBe(true);
    expect(h.discord.discord?.user?.id).toBe(h.fake.bot.id);
    const put = h.fake.calls.find((c) => c.method === 'PUT' && c.path === `/applications/${h.fake.applicationId}/commands`);
    expect(put?.status).toBe(200);
    const support = h.fake.commands.find((c) => c.name === 'support');
    expect(support.options[0]).toMatchObject({ name: 'question', type: 3, required: false });
    expect(support.contexts).toEqual([0, 1]); // in servers and in the bot's DMs
  });

  it('resumes after a gateway reconnect (op 7) mid-conversation: the message sent meanwhile is answered, once', async () => {
    const nina = h.fake.user('nina');
    const dm = h.fake.dmChannel(nina);
    h.fake.sendDm(nina, 'How long does delivery take?');
    await h.kbAnswer(dm.id, nina, 'delivery-time', 'en');
    const answersBefore = h.fake.messagesIn(dm.id).length;

    h.fake.requestReconnect();
    // Written while the client is away: Discord keeps it for the resumed session.
    const during = h.fake.sendDm(nina, 'I want to talk to a human, please');
    await waitFor(() => h.fake.resumes.length === 1, 'the RESUME');
    expect(h.fake.resumes[0]).toMatchObject({ token: h.fake.token, session_id: 'session-1' });
    expect(h.fake.identifies).toHaveLength(1); // resumed, not a new session

    await waitFor(async () => (await h.conversationOf(nina.id))?.status === 'queued', 'the message from the gap handled');
    await waitFor(() => h.fake.messagesIn(dm.id).length > answersBefore, 'the answer to it');
    const conversation = (await h.conversationOf(nina.id))!;
    const stored = (await h.server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.externalId === during);
    expect(stored).toHaveLength(1);

    // And the connection keeps working after the resume.
    const sent = await agent.call('message:send', { conversationId: conversation.id, text: 'Back online, how can I help?', clientId: 'resume-1' });
    expect(sent.ok).toBe(true);
    await h.botMessage(dm.id, (m) => m.content.endsWith('Back online, how can I help?'), 'the agent reply after the resume');
  });

  it('resumes after the connection drops without a close frame, replaying what it missed', async () => {
    const { user, conversationId } = await handedOff(h, 'oleg');
    const resumes = h.fake.resumes.length;
    h.fake.dropConnection();
    const during = h.fake.sendDm(user, 'Still waiting for an answer');
    await waitFor(() => h.fake.resumes.length === resumes + 1, 'the RESUME after the drop');
    await waitFor(
      async () => (await h.server.chatbridge.store.listMessages(conversationId)).some((m) => m.externalId === during),
      'the message from the drop stored',
    );
    expect(h.fake.identifies).toHaveLength(1);
  });

  it('waits out a short REST 429 (Retry-After) and delivers the agent reply exactly once', async () => {
    const { dmId, conversationId } = await handedOff(h, 'rita');
    rateLimit(h.fake, dmId, 0.1); // shorter than DISCORD_MAX_RATE_LIMIT_WAIT_MS
    const sent = await agent.call('message:send', { conversationId, text: 'Sorry for the wait!', clientId: 'rl-short' });
    await h.botMessage(dmId, (m) => m.content.endsWith('Sorry for the wait!'), 'the reply after the 429');
    const posts = h.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dmId}/messages` && c.body?.content?.endsWith('Sorry for the wait!'));
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(h.fake.messagesIn(dmId).filter((m) => m.content.endsWith('Sorry for the wait!'))).toHaveLength(1);
    const row = await waitFor(async () => {
      const item = await h.server.chatbridge.store.outboxForMessage(sent.message.id);
      return item?.status === 'sent' ? item : null;
    }, 'the outbox row sent');
    expect(row.attempts).toBe(1); // discord.js waited in place: one delivery attempt for the outbox
  });

  it('hands a long REST 429 back to the outbox, which delivers after Retry-After, exactly once', async () => {
    const { dmId, conversationId } = await handedOff(h, 'tanya');
    rateLimit(h.fake, dmId, 0.6); // longer than DISCORD_MAX_RATE_LIMIT_WAIT_MS
    const sent = await agent.call('message:send', { conversationId, text: 'Thanks for your patience.', clientId: 'rl-long' });
    await h.botMessage(dmId, (m) => m.content.endsWith('Thanks for your patience.'), 'the reply after the outbox retry');
    const posts = h.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${dmId}/messages` && c.body?.content?.endsWith('Thanks for your patience.'));
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(h.fake.messagesIn(dmId).filter((m) => m.content.endsWith('Thanks for your patience.'))).toHaveLength(1);
    const row = await waitFor(async () => {
      const item = await h.server.chatbridge.store.outboxForMessage(sent.message.id);
      return item?.status === 'sent' ? item : null;
    }, 'the outbox row sent');
    expect(row.attempts).toBe(2); // the rate-limited attempt, then the one after Retry-After
    expect(row.sentAt! - row.createdAt).toBeGreaterThanOrEqual(550);
  });

  it('marks the customer unreachable when Discord says the user does not accept DMs (50007)', async () => {
    const { dmId, conversationId } = await handedOff(h, 'sasha');
    h.fake.inject({ method: 'POST', path: new RegExp(`^/channels/${dmId}/messages$`), times: 1, status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    await agent.call('message:send', { conversationId, text: 'Hello?', clientId: 'dm-closed' });
    const failed = await waitFor(
      () => agent.events.find((e) => e.event === 'delivery:failed' && e.payload.conversationId === conversationId),
      'delivery:failed for the agents',
    );
    expect(failed.payload.reason).toContain('50007');
    const conversation = (await h.server.chatbridge.store.getConversation(conversationId))!;
    expect((await h.server.chatbridge.store.getContact(conversation.contactId))?.unreachableReason).toContain('50007');
    expect(h.fake.calls.filter((c) => c.path === `/channels/${dmId}/messages` && c.body?.content?.endsWith('Hello?'))).toHaveLength(1);
  });

  it('survives a malformed gateway frame and a client error event', async () => {
    const ghost = h.fake.user('ghost');
    h.discord.discord!.emit('error', new Error('synthetic client error'));
    h.fake.sendRaw('{"op":0,"t":"MESSAGE_CREATE"'); // truncated JSON
    h.fake.dispatch('MESSAGE_CREATE', { id: h.fake.snowflake(), author: ghost, content: 'no channel id', channel_type: 1 });
    // Still serving customers afterwards.
    const { conversationId } = await handedOff(h, 'after-error');
    expect(conversationId).toBeGreaterThan(0);
  });
});

describe('Discord: logging in without a server around it', () => {
  const silent = pino({ level: 'silent' });
  const settings = { get: async () => null, set: async () => {} };

  it('tries the login again when Discord is briefly unavailable (5xx), then connects', async () => {
    const fake = await new FakeDiscord().listen();
    fake.inject({ method: 'GET', path: /^\/gateway\/bot$/, times: 2, status: 502, body: { message: 'Bad Gateway', code: 0 } });
    const channel = new DiscordChannel({ token: fake.token, apiRoot: fake.apiRoot, supportChannelIds: [], settings, maxMessageLength: 4000, log: silent, loginRetryMs: 20 });
    await channel.start({} as ChannelHost);
    expect(channel.discord?.isReady()).toBe(true);
    expect(fake.calls.filter((c) => c.path === '/gateway/bot').map((c) => c.status)).toEqual([502, 502, 200]);
    expect(fake.identifies).toHaveLength(1);
    await channel.stop();
    await fake.close();
  });

  it('says to switch on the Message Content intent when Discord refuses it (4014)', async () => {
    const fake = await new FakeDiscord().listen();
    fake.messageContentAllowed = false;
    const errors: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line).msg) });
    const channel = new DiscordChannel({ token: fake.token, apiRoot: fake.apiRoot, supportChannelIds: [], settings, maxMessageLength: 4000, log, loginRetryMs: 20 });
    await channel.start({} as ChannelHost);
    expect(fake.identifies).toHaveLength(1);
    expect(errors.some((m) => m.includes('Message Content Intent'))).toBe(true);
    await channel.stop();
    await fake.close();
  });

  it('leaves the process running (and says why) instead of crashing', async () => {
    const fake = await new FakeDiscord().listen();
    const errors: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line).msg) });
    const channel = new DiscordChannel({
      token: 'not-the-token.x.y',
      apiRoot: fake.apiRoot,
      supportChannelIds: [],
      settings: { get: async () => null, set: async () => {} },
      maxMessageLength: 4000,
      log,
    });
    // The adapter never calls the host before it is connected; nothing here needs a server.
    await channel.start({} as ChannelHost);
    expect(fake.calls.find((c) => c.path === '/gateway/bot')?.status).toBe(401);
    expect(fake.identifies).toHaveLength(0);
    expect(errors.some((m) => m.includes('DISCORD_BOT_TOKEN'))).toBe(true);
    const result = await channel.send(
      { channel: 'discord', conversationId: 1, contactId: 1, externalChatId: '1', externalUserId: '1' },
      { text: 'hi', author: { type: 'bot' }, messageId: 1, createdAt: Date.now() },
    );
    expect(result.status).toBe('retry'); // kept in the outbox until the token is fixed
    await channel.stop();
    await fake.close();
  });
});
