/**
 * What the widget does beyond asking and answering: typing both ways, the agent's name, the
 * rating, the offline notice with its email field, the pre-chat form, the unread badge, the page's
 * JS API, keyboard use, phones and English.
 */
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRECHAT_SETTING } from '../../bots/webchat/index.js';
import { connectAgent, type AgentClient } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { buildWidget, launchBrowser, newContext, shopHtml, startPageServer, visitorIdOf, WidgetDriver, type PageServer } from './browser.js';

const HOURS = 'пн–пт 9:00–21:00, сб–вс 10:00–18:00 (МСК)';
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });

describe('widget features in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let site: PageServer;
  const agents: AgentClient[] = [];

  beforeAll(async () => {
    site = await startPageServer();
    [server, browser] = await Promise.all([
      startTestServer({ env: { WORKING_HOURS: HOURS, WIDGET_ALLOWED_ORIGINS: site.url, MAX_MESSAGE_LENGTH: '1000' } }),
      launchBrowser(),
      buildWidget(),
    ]).then(([s, b]) => [s, b] as const);
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.close();
    await server.chatbridge.store.setSetting(PRECHAT_SETTING, 'off');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
  });

  const agent = async () => {
    const a = await connectAgent(server.url);
    agents.push(a);
    return a;
  };
  /** Whether the server counts any agent as online (what the widget's `ready` says). */
  const agentsOnline = () =>
    new Promise<boolean>((resolve, reject) => {
      const socket = io(`${server.url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('ready', (r: { agentsOnline: boolean }) => {
        socket.disconnect();
        resolve(r.agentsOnline);
      });
      socket.once('connect_error', reject);
    });
  const conversationOf = async (page: Page) => {
    const visitorId = await waitFor(() => visitorIdOf(page, server.url), 'the visitor token');
    return waitFor(() => server.chatbridge.store.latestConversation('webchat', visitorId), 'the conversation');
  };
  const openShop = async (options: Parameters<typeof shopHtml>[1] = {}, contextOptions = {}) => {
    const path = `/p${Math.random().toString(36).slice(2)}`;
    site.page(path, shopHtml(server.url, options));
    const context = await newContext(browser, contextOptions);
    const page = await context.newPage();
    await page.goto(`${site.url}${path}`);
    return { context, page, widget: new WidgetDriver(page) };
  };

  it('shows the offline notice with the working hours and keeps the email left', async () => {
    await waitFor(async () => !(await agentsOnline()), 'no agent online');
    const { context, page, widget } = await openShop();
    await widget.open();
    await widget.send('Мне нужен живой человек');
    const card = widget.root.locator('.card.offline');
    await card.waitFor();
    expect(await card.textContent()).toContain(`Мы работаем: ${HOURS}.`);
    await eventually(() => widget.subtitle.textContent()).toBe('Операторы сейчас не в сети');

    const email = card.locator('input[type=email]');
    await email.fill('не почта');
    await card.locator('button[type=submit]').click();
    await eventually(() => card.locator('.error').textContent()).toContain('@');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await email.fill('Olga@Example.COM');
    await card.locator('button[type=submit]').click();
    await card.getByText('Спасибо! Ответим на Olga@Example.COM.').waitFor();
    const conversation = await conversationOf(page);
    await eventually(async () => (await server.chatbridge.store.getContact(conversation.contactId))?.email).toBe('Olga@example.com');
    expect((await server.chatbridge.store.listEvents(conversation.id)).map((e) => e.type)).toContain('contact_details');

    await page.reload();
    await card.getByText('Спасибо! Ответим на Olga@Example.COM.').waitFor();
    await context.close();
  });

  it("shows the agent's typing and name, sends the visitor's typing, and asks for a 1–5 rating after resolve", async () => {
    const a = await agent();
    const { context, page, widget } = await openShop();
    await widget.open();
    await widget.send('Оператор, помогите выбрать серьги');
    const conversation = await conversationOf(page);
    await eventually(async () => (await server.chatbridge.store.getConversation(conversation.id))?.status).toMatch(/^(queued|assigned)$/);
    await a.call('conversation:claim', { conversationId: conversation.id });
    await eventually(() => widget.subtitle.textContent()).toBe('Admin, оператор поддержки');

    await a.call('typing', { conversationId: conversation.id, typing: true });
    await widget.root.locator('.typing', { hasText: 'Admin печатает…' }).waitFor();
    await a.call('message:send', { conversationId: conversation.id, text: 'Подскажите, какой металл вы предпочитаете?' });
    await widget.bubble('Подскажите, какой металл вы предпочитаете?').waitFor();
    expect(await widget.root.locator('.typing').isVisible()).toBe(false);

    await widget.input.pressSequentially('Серебро', { delay: 20 });
    await waitFor(() => a.events.find((e) => e.event === 'typing' && e.payload.conversationId === conversation.id && e.payload.typing === true), "the visitor's typing");

    await a.call('conversation:resolve', { conversationId: conversation.id });
    const stars = widget.root.locator('.stars button');
    await eventually(() => stars.count()).toBe(5);
    expect(await widget.root.locator('.stars').getAttribute('aria-label')).toBe('Оцените, пожалуйста, нашу помощь');
    await widget.root.locator('.stars button[aria-label="Оценка 5 из 5"]').click();
    await widget.bubble('Оценка: 5 из 5').waitFor();
    await widget.root.locator('.msg.bot', { hasText: 'Спасибо за оценку!' }).waitFor();
    expect(await stars.count()).toBe(0);
    const csat = (await server.chatbridge.store.listEvents(conversation.id)).find((e) => e.type === 'csat');
    expect(csat?.data).toEqual({ rating: 5 });
    await context.close();
  });

  it('asks for name and email first when the pre-chat form is switched on', async () => {
    await server.chatbridge.store.setSetting(PRECHAT_SETTING, 'required');
    const { context, page, widget } = await openShop();
    await widget.open();
    const form = widget.root.locator('form.prechat');
    await form.waitFor();
    expect(await widget.root.locator('form.composer').isVisible()).toBe(false);
    await form.getByRole('button', { name: 'Начать чат' }).click();
    await eventually(() => form.locator('.error').textContent()).toBe('Напишите имя.');
    await form.getByLabel(/Имя/).fill('Анна Петрова');
    await form.getByLabel(/Email/).fill('anna@example.com');
    await form.getByRole('button', { name: 'Начать чат' }).click();
    await widget.input.waitFor();
    expect(await widget.root.evaluate((host) => host.shadowRoot!.activeElement?.getAttribute('data-testid'))).toBe('input');
    await widget.send('Здравствуйте, я Анна');
    const conversation = await conversationOf(page);
    const contact = await waitFor(async () => {
      const c = await server.chatbridge.store.getContact(conversation.contactId);
      return c?.email ? c : null;
    }, 'the contact details');
    expect(contact).toMatchObject({ name: 'Анна Петрова', email: 'anna@example.com' });
    // Once given, the form does not come back.
    await page.reload();
    await widget.bubble('Здравствуйте, я Анна').waitFor();
    expect(await form.isVisible()).toBe(false);
    await context.close();
  });

  it('counts unread messages on the launcher across reloads and tells the page', async () => {
    const a = await agent();
    const { context, page, widget } = await openShop({
      before: `<script>window.seen = []; Chatbridge('on', 'message', function (m) { window.seen.push(m.direction + ':' + m.text); });
        Chatbridge('on', 'open', function () { window.seen.push('open'); }); Chatbridge('on', 'close', function () { window.seen.push('close'); });</script>`,
    });
    await widget.open();
    await widget.send('Оператор, есть вопрос по оплате');
    const conversation = await conversationOf(page);
    await eventually(async () => (await server.chatbridge.store.getConversation(conversation.id))?.status).toMatch(/^(queued|assigned)$/);
    await widget.root.locator('[data-testid=close]').click();
    expect(await widget.root.locator('.badge').isVisible()).toBe(false);

    await a.call('message:send', { conversationId: conversation.id, text: 'Оплатить можно картой или по СБП.' });
    await a.call('message:send', { conversationId: conversation.id, text: 'Что-то ещё?' });
    await eventually(() => widget.root.locator('.badge').textContent()).toBe('2');
    expect(await widget.launcher.getAttribute('aria-label')).toBe('Открыть чат поддержки, 2 новых сообщения');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toEqual(expect.arrayContaining(['open', 'in:Оператор, есть вопрос по оплате', 'close', 'out:Оплатить можно картой или по СБП.', 'out:Что-то ещё?']));

    await page.reload();
    await eventually(() => widget.root.locator('.badge').textContent()).toBe('2');
    // Nothing is announced twice after the reload.
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([]);
    await widget.open();
    expect(await widget.root.locator('.badge').isVisible()).toBe(false);
    await page.reload();
    await widget.panel.waitFor();
    await widget.root.locator('[data-testid=close]').click();
    expect(await widget.root.locator('.badge').isVisible()).toBe(false);
    await context.close();
  });

  it('works from the keyboard, with labels for screen readers', async () => {
    const { context, page, widget } = await openShop({ body: '<h1>Магазин</h1><a href="#top">Каталог</a>' });
    await widget.launcher.waitFor();
    await page.keyboard.press('Tab'); // the page's link
    await page.keyboard.press('Tab'); // the launcher
    expect(await widget.root.evaluate((host) => host.shadowRoot!.activeElement?.getAttribute('data-testid'))).toBe('launcher');
    expect(await widget.launcher.getAttribute('aria-label')).toBe('Открыть чат поддержки');
    await page.keyboard.press('Enter');
    await widget.panel.waitFor();
    expect(await widget.panel.getAttribute('role')).toBe('dialog');
    expect(await widget.root.locator('#cb-title').textContent()).toBe('Поддержка');
    expect(await widget.root.locator('[role=log]').getAttribute('aria-label')).toBe('Сообщения');
    expect(await widget.root.evaluate((host) => host.shadowRoot!.activeElement?.getAttribute('data-testid'))).toBe('input');

    // Shift+Tab walks back through the topic chips to the close button.
    await widget.chip('Доставка').waitFor();
    await page.keyboard.press('Shift+Tab');
    const focused = () => widget.root.evaluate((host) => host.shadowRoot!.activeElement?.textContent ?? '');
    expect(await focused()).toBe('Позвать оператора');
    await page.keyboard.press('Enter');
    await widget.bubble('Позвать оператора').waitFor();

    await widget.input.focus();
    await page.keyboard.type('Вопрос с клавиатуры');
    await page.keyboard.press('Enter');
    await widget.bubble('Вопрос с клавиатуры').waitFor();
    await page.keyboard.press('Escape');
    await widget.panel.waitFor({ state: 'hidden' });
    expect(await widget.root.evaluate((host) => host.shadowRoot!.activeElement?.getAttribute('data-testid'))).toBe('launcher');
    expect(await widget.launcher.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  });

  it('fills the screen on a phone', async () => {
    const { context, widget } = await openShop({}, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    await widget.open();
    expect(await widget.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    expect(await widget.launcher.isVisible()).toBe(false);
    await widget.root.locator('[data-testid=close]').click();
    expect(await widget.launcher.isVisible()).toBe(true);
    await context.close();
  });

  it('speaks English and takes its options from an init call', async () => {
    const { context, widget } = await openShop({
      attrs: { lang: 'en', 'auto-init': 'false' },
      before: `<script>Chatbridge('init', { title: 'Lumi help', accent: '#005f73', position: 'left', greeting: 'Hi! Ask me about delivery or returns.' });</script>`,
    });
    await widget.open();
    expect(await widget.root.locator('#cb-title').textContent()).toBe('Lumi help');
    expect(await widget.input.getAttribute('placeholder')).toBe('Write a message…');
    expect((await widget.launcher.boundingBox())!.x).toBeLessThan(100);
    await widget.bubble('Hi! Ask me about delivery or returns.').waitFor();
    await widget.chip('Delivery').waitFor();
    await widget.send('How long does delivery take?');
    const entry = server.chatbridge.kb.get('delivery-time')!;
    await widget.bubble(server.chatbridge.kb.answerText(entry, 'en').slice(0, 30)).waitFor();
    expect(await widget.root.locator('.stars, .chips').first().textContent()).toContain('Yes, thanks');
    await context.close();
  });

  it('keeps a message longer than the server takes, says why, and lets the visitor fix it', async () => {
    const { context, page, widget } = await openShop();
    // Opened offline: the server has not said its limit yet, so the box still takes the default 4000.
    await context.setOffline(true);
    await widget.open();
    await eventually(() => widget.banner.textContent()).toContain('Нет связи');
    expect(await widget.input.getAttribute('maxlength')).toBe('4000');
    const long = `Очень длинный вопрос ${'о'.repeat(1100)}`;
    await widget.send(long);
    expect(await widget.root.locator('.msg.waiting').count()).toBe(1);

    // Back online, `ready` says 1000: the message is marked, not sent, and the box now stops at 1000.
    await context.setOffline(false);
    const bubble = widget.root.locator('.msg.failed');
    await bubble.waitFor();
    expect(await bubble.locator('.meta').textContent()).toContain('Не отправлено: Сообщение длиннее 1000 символов — сократите его.');
    expect(await widget.input.getAttribute('maxlength')).toBe('1000');
    // Refused for good, so it is not retried; the next message goes out regardless.
    await widget.send('Короткий вопрос');
    await eventually(() => widget.bubble('Короткий вопрос').getAttribute('data-state')).toBe('sent');
    await page.reload();
    await widget.root.locator('.msg.failed').waitFor();
    await widget.root.locator('.msg.failed button', { hasText: 'Удалить' }).click();
    expect(await widget.root.locator('.msg.failed').count()).toBe(0);
    const conversation = await conversationOf(page);
    const texts = (await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts).toEqual(['Короткий вопрос']);
    await context.close();
  });
});
