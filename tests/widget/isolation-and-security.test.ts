/**
 * The widget among hostile neighbours: a shop page with aggressive CSS, a message full of HTML,
 * a forged identity, and pages on origins the server does not allow.
 */
import { createHmac } from 'node:crypto';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebchatChannel } from '../../bots/webchat/index.js';
import { connectAgent } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { buildWidget, launchBrowser, newContext, shopHtml, startPageServer, visitorIdOf, watchErrors, WidgetDriver, type PageServer } from './browser.js';

const IDENTITY_SECRET = 'shop-identity-secret-for-tests';
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });

const HOSTILE_CSS = `<style>
  html { font-size: 40px; }
  * { color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important; font-size: 30px !important; line-height: 3 !important; letter-spacing: 4px !important; }
  div, section, header, form, p, span, textarea, button { padding: 40px !important; margin: 40px !important; border: 6px dashed rgb(255, 0, 0) !important; background: rgb(0, 255, 0) !important; box-sizing: content-box !important; }
  button { width: 500px !important; text-transform: uppercase !important; }
  chatbridge-widget { display: none !important; opacity: 0 !important; }
</style>`;
const HOST_BODY = '<h1>Лучшие серьги</h1><p class="note">Доставка завтра</p><button class="buy">Купить</button>';

describe('isolation and security in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  // Two shop sites on origins of their own: one listed in WIDGET_ALLOWED_ORIGINS, one not.
  let shop: PageServer;
  let evil: PageServer;
  const logs: { msg: string; reason?: string; origin?: string }[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    [shop, evil] = await Promise.all([startPageServer(), startPageServer()]);
    [server, browser] = await Promise.all([
      startTestServer({
        env: { WIDGET_ALLOWED_ORIGINS: shop.url, WIDGET_IDENTITY_SECRET: IDENTITY_SECRET },
        channels: [(ctx) => createWebchatChannel(ctx, { log: logger })],
      }),
      launchBrowser(),
      buildWidget(),
    ]).then(([s, b]) => [s, b] as const);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await shop?.close();
    await evil?.close();
  });

  const styleOf = (page: Page, selector: string) =>
    page.locator(selector).first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, font: s.fontFamily, size: s.fontSize, padding: s.padding, background: s.backgroundColor, border: s.borderTopStyle, width: s.width, height: s.height };
    });

  it("keeps the shop's CSS out of the widget and the widget's out of the shop", async () => {
    const context = await newContext(browser);
    const withWidget = `${shop.url}/hostile`;
    const without = `${shop.url}/hostile-no-widget`;
    shop.page('/hostile', shopHtml(server.url, { head: HOSTILE_CSS, body: HOST_BODY, attrs: { accent: '#7a3e5d' } }));
    shop.page('/hostile-no-widget', `<!doctype html><html><head>${HOSTILE_CSS}</head><body>${HOST_BODY}</body></html>`);

    const plain = await context.newPage();
    await plain.goto(without);
    const shopButtonAlone = await styleOf(plain, '.buy');
    const shopNoteAlone = await styleOf(plain, '.note');

    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(withWidget);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('Проверка стилей');
    await widget.bubble('Проверка стилей').waitFor();

    // Inside: the widget's own look, whatever the page says.
    const launcher = await styleOf(page, 'chatbridge-widget [data-testid=launcher]');
    expect(launcher.background).toBe('rgb(122, 62, 93)');
    expect([launcher.width, launcher.height]).toEqual(['60px', '60px']);
    expect(launcher.border).toBe('none');
    const bubble = await styleOf(page, 'chatbridge-widget .msg.in .bubble');
    expect(bubble.color).toBe('rgb(255, 255, 255)');
    expect(bubble.font).toContain('system-ui');
    expect(bubble.size).toBe('15px');
    expect(bubble.padding).toBe('9px 13px');
    const greeting = await styleOf(page, 'chatbridge-widget .msg.bot .bubble');
    expect(greeting.color).toBe('rgb(29, 29, 34)');
    expect(greeting.background).toBe('rgb(255, 255, 255)');
    expect(await widget.panel.isVisible()).toBe(true);

    // Outside: the shop's elements look exactly as they do without the widget.
    expect(await styleOf(page, '.buy')).toEqual(shopButtonAlone);
    expect(await styleOf(page, '.note')).toEqual(shopNoteAlone);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a message full of HTML as text and runs none of it', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    shop.page('/', shopHtml(server.url));
    await page.goto(`${shop.url}/`);
    const widget = new WidgetDriver(page);
    await widget.open();
    const html = '<img src=x onerror=alert(1)>';
    await widget.send(html);
    await eventually(() => widget.bubble(html).getAttribute('data-state')).toBe('sent');

    // An agent answering with markup gets the same treatment.
    const agent = await connectAgent(server.url);
    const visitorId = (await visitorIdOf(page, server.url))!;
    const conversation = await waitFor(() => server.chatbridge.store.latestConversation('webchat', visitorId), 'the conversation');
    const stored = (await server.chatbridge.store.listMessages(conversation.id)).find((m) => m.text === html);
    expect(stored).toBeDefined();
    await agent.call('message:send', { conversationId: conversation.id, text: '<b>жирный</b><script>alert(2)</script>' });
    await widget.bubble('<b>жирный</b><script>alert(2)</script>').waitFor();
    agent.close();

    expect(await widget.texts()).toEqual(expect.arrayContaining([html, '<b>жирный</b><script>alert(2)</script>']));
    expect(await widget.root.locator('.log img, .log b, .log script').count()).toBe(0);
    await page.waitForLoadState('networkidle');
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('stays anonymous with a wrong identity HMAC, and the server log says why', async () => {
    const context = await newContext(browser);
    const pageUrl = `${shop.url}/account-wrong`;
    shop.page('/account-wrong', shopHtml(server.url, { before: `<script>Chatbridge('identify', { id: 'user-1001', name: 'Ирина' }, 'deadbeef');</script>` }));
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(pageUrl);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('Вопрос от неопознанного посетителя');
    await eventually(() => widget.bubble('Вопрос от неопознанного посетителя').getAttribute('data-state')).toBe('sent');

    expect(await server.chatbridge.store.latestConversation('webchat', 'u_user-1001')).toBeNull();
    const visitorId = (await visitorIdOf(page, server.url))!;
    expect(visitorId).toMatch(/^v_/);
    const anonymous = await server.chatbridge.store.latestConversation('webchat', visitorId);
    expect((await server.chatbridge.store.listMessages(anonymous!.id)).map((m) => m.text)).toContain('Вопрос от неопознанного посетителя');
    const refusal = logs.find((l) => l.reason?.includes('user-1001'));
    expect(refusal?.reason).toBe('identity HMAC does not match user id "user-1001"');
    expect(refusal?.msg).toContain('stays anonymous');
    expect(warnings.some((w) => w.includes('identity was not accepted'))).toBe(true);
    await context.close();
  });

  it('with a valid HMAC, the conversation follows the customer to another device', async () => {
    const hmac = createHmac('sha256', IDENTITY_SECRET).update('user-2002').digest('hex');
    const page = `${shop.url}/account-right`;
    shop.page('/account-right', shopHtml(server.url, { before: `<script>Chatbridge('identify', { id: 'user-2002', name: 'Мария', email: 'maria@example.com' }, '${hmac}');</script>` }));

    const laptop = await newContext(browser);
    const first = await laptop.newPage();
    await first.goto(page);
    const onLaptop = new WidgetDriver(first);
    await onLaptop.open();
    await onLaptop.send('Пишу с ноутбука про заказ 777');
    await eventually(() => onLaptop.bubble('Пишу с ноутбука про заказ 777').getAttribute('data-state')).toBe('sent');
    const conversation = await server.chatbridge.store.latestConversation('webchat', 'u_user-2002');
    expect(conversation).not.toBeNull();
    const contact = await server.chatbridge.store.getContact(conversation!.contactId);
    expect(contact).toMatchObject({ name: 'Мария', email: 'maria@example.com' });

    const phone = await newContext(browser, { viewport: { width: 390, height: 800 } });
    const second = await phone.newPage();
    await second.goto(page);
    const onPhone = new WidgetDriver(second);
    await onPhone.open();
    await onPhone.bubble('Пишу с ноутбука про заказ 777').waitFor();
    await laptop.close();
    await phone.close();
  });

  it('works on an allowed shop origin and is refused on any other', async () => {
    const context = await newContext(browser);
    shop.page('/', shopHtml(server.url));
    evil.page('/', shopHtml(server.url));

    const shopPage = await context.newPage();
    await shopPage.goto(`${shop.url}/`);
    const onShop = new WidgetDriver(shopPage);
    await onShop.open();
    await onShop.send('Пишу с сайта магазина');
    await eventually(() => onShop.bubble('Пишу с сайта магазина').getAttribute('data-state')).toBe('sent');

    const evilPage = await context.newPage();
    const errors = watchErrors(evilPage);
    await evilPage.goto(`${evil.url}/`);
    const onEvil = new WidgetDriver(evilPage);
    await onEvil.open();
    // The visitor is told the chat does not work here, not that their network is down.
    await eventually(() => onEvil.banner.textContent()).toBe('Чат недоступен на этом сайте. Ваши сообщения сохранены здесь, но не отправлены.');
    expect(await onEvil.subtitle.textContent()).toBe('Чат недоступен');
    await onEvil.send('Пишу с чужого сайта');
    expect(await onEvil.bubble('Пишу с чужого сайта').getAttribute('data-state')).toBe('waiting');
    expect(errors.some((e) => e.includes('WIDGET_ALLOWED_ORIGINS'))).toBe(true);
    const refusals = () => logs.filter((l) => l.origin === evil.url && l.msg.includes('origin not in WIDGET_ALLOWED_ORIGINS')).length;
    expect(refusals()).toBe(1);
    // It does not spin: past the "connecting…" delay and after the network's `online` event, the
    // same words, the message still kept, and no second attempt.
    await evilPage.evaluate(() => window.dispatchEvent(new Event('online')));
    await evilPage.waitForTimeout(2000);
    expect(await onEvil.banner.textContent()).toBe('Чат недоступен на этом сайте. Ваши сообщения сохранены здесь, но не отправлены.');
    expect(await onEvil.bubble('Пишу с чужого сайта').getAttribute('data-state')).toBe('waiting');
    expect(refusals()).toBe(1);
    // Kept across a reload too (sent if the site is allowed later).
    await evilPage.reload();
    await onEvil.bubble('Пишу с чужого сайта').waitFor();
    await eventually(() => onEvil.banner.textContent()).toContain('Чат недоступен на этом сайте');
    // In English as well (another visitor: a context of its own).
    evil.page('/en', shopHtml(server.url, { attrs: { lang: 'en' } }));
    const englishContext = await newContext(browser);
    const english = await englishContext.newPage();
    await english.goto(`${evil.url}/en`);
    const onEnglish = new WidgetDriver(english);
    await onEnglish.open();
    await eventually(() => onEnglish.banner.textContent()).toBe('The chat is not available on this site. Your messages are kept here but not sent.');
    expect(await onEnglish.subtitle.textContent()).toBe('Chat unavailable');
    await englishContext.close();
    const stored = await server.chatbridge.store.listConversations({ statuses: ['bot', 'queued'] });
    const texts = (await Promise.all(stored.map((c) => server.chatbridge.store.listMessages(c.id)))).flat().map((m) => m.text);
    expect(texts).toContain('Пишу с сайта магазина');
    expect(texts).not.toContain('Пишу с чужого сайта');
    await context.close();
  });
});
