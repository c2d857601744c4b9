/**
 * A busy inbox in headless Chromium against the real server: a dozen customers from the website
 * and Telegram, some waiting (hand-offs) at different priorities, some with the bot, some
 * assigned to the admin or to another agent, with tags and unread customer messages. The admin
 * opens the console, opens conversations with real threads, tags a customer `vip` in the contact
 * panel, reloads and still sees it. Saves tests/artifacts/console-inbox-busy.png (the queue) and
 * console-inbox-busy-all.png (all open, with a conversation of the admin's).
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../server/channels/contract.js';
import { defaultChannels } from '../../server/channels.js';
import type { Agent } from '../../server/store/types.js';
import { connectAgent, type AgentClient } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { api, customer, handOff, newAgent, sessionCookie, type Api } from '../server/console/fixtures.js';
import { launch, tabWithSession } from './browser.js';

/** Telegram without a bot token: accepts every message, so agents' replies show as delivered. */
const fakeTelegram = (): Channel => ({
  name: 'telegram',
  start: async () => undefined,
  stop: async () => undefined,
  send: async () => ({ status: 'ok', externalMessageId: randomUUID() }),
});

describe('a busy inbox', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Api;
  let socket: AgentClient;
  let me: Agent;

  beforeAll(async () => {
    server = await startTestServer({ channels: [...defaultChannels, () => fakeTelegram()] });
    admin = await api(server);
    socket = await connectAgent(server.url, admin.cookie);
    me = (await server.chatbridge.store.findAgentByEmail('admin@test.local'))!;
    browser = await launch();
  });
  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await server?.stop();
  });

  const priority = async (id: number, value: 'low' | 'normal' | 'high' | 'urgent') =>
    expect((await admin.call('POST', `/api/routing/conversations/${id}/priority`, { priority: value })).status).toBe(200);
  const tags = async (id: number, list: string[]) => expect((await socket.call('conversation:tags', { conversationId: id, tags: list })).ok).toBe(true);

  it('shows waiting, bot and assigned conversations, urgent first, open threads, and keeps a contact tag set in the panel', async () => {
    const { router, store } = server.chatbridge;
    const boris = await newAgent(admin, server, 'Boris');
    const borisAgent = (await store.findAgentByEmail(boris.email))!;

    // Waiting for a person, one per priority (normal twice), from both channels. Вера talked to the bot first.
    const veraCustomer = customer(server, 'Вера Соколова', 'telegram');
    await veraCustomer.say('Срочно: деньги за заказ 58120 списали дважды');
    await veraCustomer.say('Два раза по 4 590 ₽, в выписке банка обе операции');
    const veraId = await veraCustomer.say('позовите оператора, пожалуйста');
    await waitFor(async () => (await store.getConversation(veraId))?.status === 'queued', 'the urgent hand-off');
    const igor = await handOff(server, 'Игорь Лебедев', 'Не приходит код подтверждения на почту');
    const anna = await handOff(server, 'Анна Кузнецова', 'Хочу поменять адрес доставки в заказе 58007');
    const dmitry = await handOff(server, 'Дмитрий Орлов', 'Подскажите, можно ли оплатить частями?', 'telegram');
    const olga = await handOff(server, 'Ольга Морозова', 'Есть ли у вас подарочная упаковка?');
    await priority(veraId, 'urgent');
    await priority(igor.conversationId, 'high');
    await priority(olga.conversationId, 'low');
    await tags(veraId, ['оплата', 'двойное списание']);
    await tags(dmitry.conversationId, ['оплата']);
    await router.note(borisAgent, veraId, 'Проверил в эквайринге: второе списание — холд, банк снимет его за 3 дня');
    const veraContact = (await store.getConversation(veraId))!.contactId;
    expect((await admin.call('PUT', `/api/routing/contacts/${veraContact}/tags`, { tags: ['постоянный'] })).status).toBe(200);

    // Still with the bot.
    const pavel = await customer(server, 'Павел Никитин').say('Сколько идёт доставка в Казань?');
    const ksenia = await customer(server, 'Ксения Белова', 'telegram').say('Здравствуйте! Какие у вас часы работы?');

    // Mine: Мария's thread, Сергей wrote again after the reply, Елена is urgent.
    const maria = await handOff(server, 'Мария Петрова', 'Здравствуйте! Пришли серьги, одна застёжка сломана', 'telegram');
    const mariaId = maria.conversationId;
    await router.claim(me, mariaId);
    await router.reply(me, mariaId, 'Здравствуйте, Мария! Очень жаль. Пришлите, пожалуйста, номер заказа и фото застёжки.');
    await maria.customer.say('Заказ 58233, фото сейчас пришлю');
    await router.note(me, mariaId, 'Постоянный клиент, третий заказ: можно сразу отправить замену');
    await router.reply(me, mariaId, 'Спасибо! Оформляю замену, курьер привезёт новые серьги завтра до 18:00.');
    await maria.customer.say('Отлично, спасибо большое! Старые отдать курьеру?');
    await priority(mariaId, 'high');
    await tags(mariaId, ['возврат', 'брак']);

    const sergey = await handOff(server, 'Сергей Волков', 'Курьер не приехал в назначенное время', 'telegram');
    await router.claim(me, sergey.conversationId);
    await router.reply(me, sergey.conversationId, 'Сергей, уточняю у службы доставки, напишу через 10 минут.');
    await sergey.customer.say('Жду, но мне нужно уехать к 15:00');

    const elena = await handOff(server, 'Елена Смирнова', 'Нужен счёт для юрлица на 40 позиций');
    await router.claim(me, elena.conversationId);
    await router.reply(me, elena.conversationId, 'Елена, подготовлю счёт и пришлю его на почту сегодня.');
    await priority(elena.conversationId, 'urgent');
    await tags(elena.conversationId, ['опт']);

    // Boris has one too.
    const nikita = await handOff(server, 'Никита Зайцев', 'Промокод WINTER не применяется', 'telegram');
    await router.claim(borisAgent, nikita.conversationId);
    await router.reply(borisAgent, nikita.conversationId, 'Никита, проверяю промокод.');

    const tab = await tabWithSession(browser, server.url, await sessionCookie(server, me.id));
    const { page } = tab;

    // The queue: five waiting, urgent first, then high, then the longest waiting normal ones, low last; the bot's two below.
    const counts = () => page.locator('.views button').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.view} ${e.querySelector('.count')!.textContent}`));
    await expect.poll(counts).toEqual(['queue 5', 'mine 3', 'snoozed ', 'all 11', 'resolved ']);
    const waiting = page.locator('.conversation-list [data-status=queued]');
    await expect.poll(() => waiting.count()).toBe(5);
    expect(await waiting.locator('.name').allTextContents()).toEqual(['Вера Соколова', 'Игорь Лебедев', 'Анна Кузнецова', 'Дмитрий Орлов', 'Ольга Морозова']);
    expect(await waiting.locator('.pill.priority').allTextContents()).toEqual(['Urgent', 'High', 'Low']);
    expect(await waiting.first().locator('.wait').textContent()).toMatch(/^waiting \d+s$/);
    expect((await waiting.first().locator('.tag').allTextContents()).sort()).toEqual(['двойное списание', 'оплата']);
    expect(await page.textContent('.conversation-list .section')).toBe('With the bot (2)');
    const botIds = await page.locator('.conversation-list [data-status=bot]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.conversationId)));
    expect(botIds.sort()).toEqual([pavel, ksenia].sort());

    // All open: everything, the newest activity first. Mine where the customer wrote last are unread (Сергей, Мария).
    await page.click('.views [data-view=all]');
    const rows = page.locator('.conversation-list [data-conversation-id]');
    await expect.poll(() => rows.count()).toBe(11);
    const unreadIds = () => page.locator('.conversation-list .conversation-item.unread').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.conversationId)));
    expect(await unreadIds()).toEqual([sergey.conversationId, mariaId]);
    const sergeyRow = page.locator(`.conversation-list [data-conversation-id="${sergey.conversationId}"]`);
    expect(await sergeyRow.getAttribute('aria-label')).toBe('Сергей Волков, Assigned, new message');
    expect(await sergeyRow.locator('.preview').textContent()).toBe('Жду, но мне нужно уехать к 15:00');
    expect(await sergeyRow.locator('.unread-dot').count()).toBe(1);
    expect(await page.locator(`[data-conversation-id="${nikita.conversationId}"] .pill`, { hasText: 'Boris' }).count()).toBe(1);

    // Мария's conversation: the thread in order, the note marked, both replies delivered; now read.
    await page.click(`.conversation-list [data-conversation-id="${mariaId}"]`);
    await page.locator('.thread .msg.internal').waitFor();
    expect(await page.textContent('[data-testid=conversation-title]')).toBe('Мария Петрова');
    expect(await page.textContent('[data-testid=conversation-status]')).toBe('Assigned');
    await expect.poll(unreadIds).toEqual([sergey.conversationId]);
    expect(await threadOf(page, 'in')).toEqual([
      'Здравствуйте! Пришли серьги, одна застёжка сломана',
      'позовите оператора, пожалуйста',
      'Заказ 58233, фото сейчас пришлю',
      'Отлично, спасибо большое! Старые отдать курьеру?',
    ]);
    expect(await threadOf(page, 'internal')).toEqual(['Постоянный клиент, третий заказ: можно сразу отправить замену']);
    const agentReplies = page.locator('.thread .msg.out.author-agent');
    expect(await agentReplies.locator('.text').allTextContents()).toEqual([
      'Здравствуйте, Мария! Очень жаль. Пришлите, пожалуйста, номер заказа и фото застёжки.',
      'Спасибо! Оформляю замену, курьер привезёт новые серьги завтра до 18:00.',
    ]);
    await expect.poll(() => agentReplies.locator('.delivery.sent').count()).toBe(2);
    // Scrolled to the last message, also once the suggestions above the reply box took their room
    // (they come from data/kb; should it ever match nothing, the check still holds without them).
    await page.locator('[data-testid=kb-suggestions]:not([hidden])').waitFor({ timeout: 3000 }).catch(() => undefined);
    await expect.poll(() => lastMessageInView(page, 'Отлично, спасибо большое! Старые отдать курьеру?')).toBe(true);
    await screenshot(page, 'console-inbox-busy-all.png');

    // Back to the queue: Вера, urgent, at the top; her thread with the bot and Boris's note.
    await page.click('.views [data-view=queue]');
    await expect.poll(() => waiting.first().getAttribute('data-conversation-id')).toBe(String(veraId));
    await waiting.first().click();
    await page.locator('.thread .msg.internal').waitFor();
    expect(await page.textContent('[data-testid=conversation-title]')).toBe('Вера Соколова');
    expect(await page.textContent('[data-testid=conversation-status]')).toBe('Waiting');
    expect(await threadOf(page, 'in')).toEqual(['Срочно: деньги за заказ 58120 списали дважды', 'Два раза по 4 590 ₽, в выписке банка обе операции', 'позовите оператора, пожалуйста']);
    expect(await threadOf(page, 'internal')).toEqual(['Проверил в эквайринге: второе списание — холд, банк снимет его за 3 дня']);
    expect(await page.locator('.thread .msg.out.author-bot').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.conversation-list [data-conversation-id]').count()).toBe(7); // Мария left the list with the selection

    // Customer tags in the contact panel: the saved one shows; add "vip" with Enter.
    const panelTags = page.locator('[data-testid=contact-tags]');
    await panelTags.locator('.tag[data-tag="постоянный"]').waitFor();
    const tagInput = panelTags.locator('[data-testid=contact-tag-input]');
    await tagInput.fill('vip');
    await tagInput.press('Enter');
    await panelTags.locator('.tag[data-tag=vip]').waitFor();
    expect(await tagInput.inputValue()).toBe('');
    expect((await admin.get(`/api/routing/contacts/${veraContact}/tags`)).tags).toEqual(['vip', 'постоянный']);

    // The server refuses a tag over 50 characters: its reason in a toast, the text stays to fix.
    const long = 'очень-длинная-метка-'.repeat(3);
    await tagInput.fill(long);
    await tagInput.press('Enter');
    const refused = page.locator('[data-testid=toast].error', { hasText: 'Customer tags not saved' });
    await refused.waitFor();
    expect(await refused.locator('span').textContent()).toBe('Customer tags not saved: The tag “очень-длинная-метка-очен…” must NOT have more than 50 characters');
    expect(await tagInput.inputValue()).toBe(long);
    expect(await tagInput.getAttribute('aria-invalid')).toBe('true');
    expect((await admin.get(`/api/routing/contacts/${veraContact}/tags`)).tags).toEqual(['vip', 'постоянный']);

    // × removes one; a tag differing only in case is not added twice.
    await tagInput.fill('проверка');
    await tagInput.press('Enter');
    await panelTags.locator('.tag[data-tag="проверка"]').waitFor();
    expect(await tagInput.getAttribute('aria-invalid')).toBeNull();
    await panelTags.locator('button[aria-label="Remove customer tag проверка"]').click();
    await panelTags.locator('.tag[data-tag="проверка"]').waitFor({ state: 'detached' });
    await tagInput.fill('VIP');
    await tagInput.press('Enter');
    expect(await panelTags.locator('.tag').allTextContents()).toEqual(['vip×', 'постоянный×']);
    expect((await admin.get(`/api/routing/contacts/${veraContact}/tags`)).tags).toEqual(['vip', 'постоянный']);

    // After a reload the same conversation opens and the tag is still there.
    await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
    await page.reload();
    await page.locator('.thread .msg.internal').waitFor();
    expect(await page.textContent('[data-testid=conversation-title]')).toBe('Вера Соколова');
    await page.locator('[data-testid=contact-tags] .tag[data-tag=vip]').waitFor();
    expect(await page.locator('[data-testid=contact-tags] .tag').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.tag))).toEqual(['vip', 'постоянный']);
    expect(await page.locator('.views [data-view=queue].active').count()).toBe(1);
    await expect.poll(counts).toEqual(['queue 5', 'mine 3', 'snoozed ', 'all 11', 'resolved ']);
    expect(await waiting.locator('.name').allTextContents()).toEqual(['Вера Соколова', 'Игорь Лебедев', 'Анна Кузнецова', 'Дмитрий Орлов', 'Ольга Морозова']);
    expect(await page.getAttribute(`.conversation-list [data-conversation-id="${veraId}"]`, 'class')).toContain('selected');
    // Read stays read across the reload; Сергей's is still new.
    await page.click('.views [data-view=mine]');
    await expect.poll(unreadIds).toEqual([sergey.conversationId]);
    await page.click('.views [data-view=queue]');
    await page.locator('.conversation-list .section').waitFor();
    await page.locator('[data-testid=kb-suggestions]:not([hidden])').waitFor({ timeout: 3000 }).catch(() => undefined);
    await expect.poll(() => lastMessageInView(page)).toBe(true);

    await screenshot(page, 'console-inbox-busy.png');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

/** The texts of the open thread's incoming messages or private notes, in order. */
async function threadOf(page: Page, kind: 'in' | 'internal'): Promise<string[]> {
  return page.locator(`.thread .msg.${kind} .text`).allTextContents();
}

/** Whether the thread's last message (with that text, when given) is wholly in view. */
async function lastMessageInView(page: Page, text?: string): Promise<boolean> {
  const last = page.locator('.thread .msg').last();
  if (text !== undefined && (await last.locator('.text').textContent()) !== text) return false;
  const [a, b] = [await last.boundingBox(), await page.locator('.thread').boundingBox()];
  return !!a && !!b && a.y >= b.y && a.y + a.height <= b.y + b.height + 0.5;
}

/** A screenshot in tests/artifacts, without toasts covering the page. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('tests/artifacts', { recursive: true });
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.screenshot({ path: `tests/artifacts/${name}` });
}
