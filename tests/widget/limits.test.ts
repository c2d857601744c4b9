/**
 * The server's limits in the browser: the message box follows MAX_MESSAGE_LENGTH (from `ready`)
 * and says so when full; a visitor slowed down by WEBCHAT_RATE_LIMIT in two tabs loses nothing.
 */
import type { Browser } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebchatChannel } from '../../bots/webchat/index.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { buildWidget, launchBrowser, newContext, shopHtml, startPageServer, visitorIdOf, WidgetDriver, type PageServer } from './browser.js';

const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });

describe('the message length limit in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let site: PageServer;

  beforeAll(async () => {
    site = await startPageServer();
    [server, browser] = await Promise.all([
      startTestServer({
        env: { MAX_MESSAGE_LENGTH: '50', WEBCHAT_RATE_LIMIT: '3', WIDGET_ALLOWED_ORIGINS: site.url },
        // A 2 s window instead of 10 s, so the rate-limit test waits less.
        channels: [(ctx) => createWebchatChannel(ctx, { rateWindowMs: 2000 })],
      }),
      launchBrowser(),
      buildWidget(),
    ]).then(([s, b]) => [s, b] as const);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
  });

  for (const [lang, hint] of [
    ['ru', 'Не больше 50 символов'],
    ['en', 'At most 50 characters'],
  ] as const) {
    it(`limits the message box to the server's MAX_MESSAGE_LENGTH and says so (${lang})`, async () => {
      site.page(`/${lang}`, shopHtml(server.url, { attrs: { lang } }));
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto(`${site.url}/${lang}`);
      const widget = new WidgetDriver(page);
      await widget.open();
      await eventually(() => widget.input.getAttribute('maxlength')).toBe('50');
      const limit = widget.root.locator('.limit');
      expect(await limit.isVisible()).toBe(false);

      // A paste longer than the limit is cut at 50, and the visitor is told why.
      await widget.input.focus();
      await page.keyboard.insertText(`${'a'.repeat(45)} и ещё немного текста`);
      expect(await widget.input.inputValue()).toHaveLength(50);
      await eventually(() => limit.textContent()).toBe(hint);
      expect(await limit.isVisible()).toBe(true);
      expect(await widget.input.getAttribute('aria-describedby')).toBe('cb-limit');
      await page.keyboard.press('Backspace');
      expect(await limit.isVisible()).toBe(false);

      await widget.input.fill('x'.repeat(50));
      expect(await limit.isVisible()).toBe(true);
      await widget.input.press('Enter');
      expect(await limit.isVisible()).toBe(false);
      await eventually(() => widget.bubble('x'.repeat(50)).getAttribute('data-state')).toBe('sent');
      const visitorId = await waitFor(() => visitorIdOf(page, server.url), 'the visitor token');
      const conversation = (await server.chatbridge.store.latestConversation('webchat', visitorId))!;
      expect((await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['x'.repeat(50)]);
      await context.close();
    });
  }

  it('slows a visitor down across two tabs without a storm of retries, and delivers everything once, in order', async () => {
    // Every `message` request the server gets from here on.
    let requests = 0;
    server.chatbridge.io.of('/webchat').on('connection', (socket: Socket) => socket.onAny((event: string) => void (event === 'message' && requests++)));
    site.page('/tabs', shopHtml(server.url));
    const context = await newContext(browser);
    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const page of [a, b]) await page.goto(`${site.url}/tabs`);
    const [inA, inB] = [new WidgetDriver(a), new WidgetDriver(b)];
    await inA.open();
    await inA.send('Первое');
    await eventually(() => inA.bubble('Первое').getAttribute('data-state')).toBe('sent');
    await inB.open();
    await inB.bubble('Первое').waitFor();

    const texts = ['Первое', 'Второе', 'Третье', 'Четвёртое', 'Пятое', 'Шестое'];
    const started = Date.now();
    for (const [i, text] of texts.slice(1).entries()) await (i % 2 ? inB : inA).send(text);
    const visitorId = (await visitorIdOf(a, server.url))!;
    const stored = async () => {
      const conversation = await server.chatbridge.store.latestConversation('webchat', visitorId);
      return conversation ? (await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text) : [];
    };
    // Three per 2 s: the rest wait, retried every 3 s, and get through.
    await expect.poll(stored, { timeout: 20_000, interval: 100 }).toEqual(texts);
    for (const widget of [inA, inB]) {
      for (const text of texts) await eventually(() => widget.bubble(new RegExp(`^(Вы: )?${text}$`)).getAttribute('data-state')).toBe('sent');
    }
    // Each message accepted once; besides, at most one refused try per message typed and one per
    // tab per 3 s back-off, not tabs waking each other out of their back-off (hundreds).
    const elapsed = Date.now() - started;
    expect(requests).toBeGreaterThan(texts.length);
    expect(requests).toBeLessThanOrEqual(2 * texts.length + 2 * (Math.ceil(elapsed / 3000) + 1));
    await context.close();
  });
});
