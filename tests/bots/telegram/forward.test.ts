import { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatbridgeHandoff } from '../../../bots/telegram/handoff.js';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { FakeBotApi } from './fake-bot-api.js';
import { callbackData, startTelegramHarness, type TelegramHarness } from './harness.js';

const SECRET = 'forward-secret-for-tests-0123456789';

/**
 * One token, two consumers: the shop's own grammy bot polls the token and forwards each update to
 * chatbridge (TELEGRAM_MODE=forward) through the hand-off middleware; chatbridge takes what is its
 * own and the shop's bot keeps the rest.
 */
describe('Telegram forward mode: an existing grammy bot hands conversations to chatbridge', () => {
  let fake: FakeBotApi;
  let h: TelegramHarness;
  let agent: AgentClient;
  let shopBot: Bot;
  let polling: Promise<void>;
  const errors: unknown[] = [];

  beforeAll(async () => {
    fake = await new FakeBotApi().listen();
    h = await startTelegramHarness({ fake, env: { TELEGRAM_MODE: 'forward', TELEGRAM_FORWARD_SECRET: SECRET } });
    agent = await connectAgent(h.server.url);

    // The shop's bot, as a team would have written it, plus two lines for chatbridge.
    shopBot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    const support = chatbridgeHandoff({ url: h.server.url, secret: SECRET, onError: (err) => errors.push(err) });
    shopBot.use(support.middleware());
    shopBot.command('support', async (ctx) => {
      await support.handOff(ctx);
    });
    shopBot.command('start', (ctx) => ctx.reply('Shop bot: welcome! Browse the catalogue.'));
    shopBot.callbackQuery('shop:catalogue', async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.reply('Shop bot: here is the catalogue');
    });
    shopBot.on('message:text', (ctx) => ctx.reply(`Shop bot heard: ${ctx.message.text}`));
    await new Promise<void>((resolve) => {
      polling = shopBot.start({ timeout: 5, onStart: () => resolve() });
    });
  });
  afterAll(async () => {
    await shopBot?.stop();
    await polling;
    agent?.close();
    await h?.stop();
    await fake?.close();
  });

  it('chatbridge never reads the token\'s updates itself', () => {
    // Only the shop's bot polls: one deleteWebhook (grammy's start) and no setWebhook at all.
    expect(fake.callsOf('setWebhook')).toEqual([]);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    expect(fake.callsOf('setMyCommands')).toEqual([]);
  });

  it('leaves ordinary messages, commands and buttons to the shop\'s bot', async () => {
    const kate = fake.user('Kate', 'en');
    fake.say(kate, '/start');
    await waitFor(() => fake.sentTo(kate.id).find((m) => m.text.startsWith('Shop bot: welcome')), "the shop bot's /start");
    fake.say(kate, 'Do you have silver rings?');
    await waitFor(() => fake.sentTo(kate.id).find((m) => m.text === 'Shop bot heard: Do you have silver rings?'), "the shop bot's reply");
    fake.press(kate, fake.sentTo(kate.id)[0]!, 'shop:catalogue');
    await waitFor(() => fake.sentTo(kate.id).find((m) => m.text === 'Shop bot: here is the catalogue'), "the shop bot's button");
    expect(await h.conversationOf(kate)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('/human hands off to chatbridge: the agent sees the conversation, the customer\'s next messages go to the agent, the reply and rating come back, then the shop\'s bot has the chat again', async () => {
    const leo = fake.user('Leo', 'ru');
    fake.say(leo, '/human');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(leo);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    await waitFor(
      () => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversation.id && e.payload.status === 'queued'),
      'the queue',
    );
    await waitFor(() => fake.sentTo(leo.id).find((m) => /оператор/i.test(m.text)), 'the hand-off notice from chatbridge');

    fake.say(leo, 'Кольцо не подошло по размеру');
    await waitFor(
      () => agent.events.find((e) => e.event === 'message:new' && e.payload.conversationId === conversation.id && e.payload.text === 'Кольцо не подошло по размеру'),
      "the customer's message in the console",
    );
    expect((await agent.call('message:send', { conversationId: conversation.id, text: 'Обменяем на другой размер', clientId: 'fw-1' })).ok).toBe(true);
    await waitFor(() => fake.sentTo(leo.id).find((m) => m.text === 'Admin: Обменяем на другой размер'), "the agent's reply");

    expect((await agent.call('conversation:resolve', { conversationId: conversation.id })).ok).toBe(true);
    const rating = await waitFor(() => fake.sentTo(leo.id).find((m) => callbackData(m).includes('cb|csat:4')), 'the rating question');
    fake.press(leo, rating, 'cb|csat:4');
    await waitFor(() => fake.sentTo(leo.id).find((m) => m.text === 'Спасибо за оценку!'), 'the thanks');

    fake.say(leo, 'А есть серьги?');
    await waitFor(() => fake.sentTo(leo.id).find((m) => m.text === 'Shop bot heard: А есть серьги?'), 'the shop bot again');
    // The shop's bot never heard the messages of the hand-off.
    expect(fake.sentTo(leo.id).filter((m) => m.text.startsWith('Shop bot'))).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('the shop\'s own /support command hands off with support.handOff(ctx)', async () => {
    const mia = fake.user('Mia', 'en');
    fake.say(mia, '/support');
    await waitFor(async () => (await h.conversationOf(mia))?.status === 'queued', 'the hand-off');
    expect(fake.sentTo(mia.id).some((m) => m.text.startsWith('Shop bot'))).toBe(false);
  });

  it('refuses a forward without the secret with 401', async () => {
    const ghost = fake.user('Ghost', 'en');
    const body = JSON.stringify({ update_id: 777_000, message: fake.message(ghost, '/human') });
    for (const authorization of [undefined, 'Bearer wrong', SECRET]) {
      const res = await fetch(`${h.server.url}/telegram/forward`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
      expect(res.status).toBe(401);
    }
    expect(await h.conversationOf(ghost)).toBeNull();
  });
});
