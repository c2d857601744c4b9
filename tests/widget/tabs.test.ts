/**
 * One visitor, several tabs: pages of one browser context share localStorage, as a visitor's tabs
 * do. Every tab must be the same visitor in the same conversation, whichever tab connected first
 * and whatever each tab queued while offline.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { buildWidget, launchBrowser, newContext, visitorIdOf, WidgetDriver } from './browser.js';

const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });

describe('the widget in several tabs of one browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser(), buildWidget()]).then(([s, b]) => [s, b] as const);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const tab = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.launcher.waitFor();
    return { page, widget };
  };
  const sent = (widget: WidgetDriver, text: string) => eventually(() => widget.bubble(text).getAttribute('data-state')).toBe('sent');
  /** The visitor's messages as the server stored them, in order. */
  const storedTexts = async (visitorId: string) => {
    const conversation = await server.chatbridge.store.latestConversation('webchat', visitorId);
    if (!conversation) return [];
    return (await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text);
  };
  /** Visitor ids of the connected widget sockets among `ids` (other tests' sockets are left out). */
  const connectedAs = (...ids: string[]) =>
    [...server.chatbridge.io.of('/webchat').sockets.values()].map((s) => (s.data as { visitorId: string }).visitorId).filter((id) => ids.includes(id));
  const storageKey = () => `chatbridge:v1:${new URL(server.url).origin}`;
  /** The unsent messages as stored (one entry each, `<key>#pending:<client id>`), in the order typed. */
  const pendingIn = (page: Page) =>
    page.evaluate((prefix) => {
      const items: { text: string; createdAt: number }[] = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i)!;
        if (key.startsWith(prefix)) items.push(JSON.parse(localStorage.getItem(key)!) as { text: string; createdAt: number });
      }
      return items.sort((a, b) => a.createdAt - b.createdAt).map((p) => p.text);
    }, `${storageKey()}#pending:`);

  it('a tab opened earlier joins the visitor another tab became: one conversation, replies in both, history after a reload', async () => {
    const context = await newContext(browser);
    // Loaded before the visitor existed: its copy of the storage holds no token.
    const b = await tab(context);
    const a = await tab(context);
    await a.widget.open();
    await a.widget.send('Вопрос из первой вкладки');
    await sent(a.widget, 'Вопрос из первой вкладки');
    const visitorId = (await waitFor(() => visitorIdOf(a.page, server.url), 'the visitor token'))!;

    await b.widget.open();
    await b.widget.bubble('Вопрос из первой вкладки').waitFor();
    await b.widget.send('Вопрос из второй вкладки');
    await sent(b.widget, 'Вопрос из второй вкладки');

    // Same visitor in both tabs: the stored token is unchanged and both sockets are that visitor.
    expect(await visitorIdOf(a.page, server.url)).toBe(visitorId);
    await eventually(() => connectedAs(visitorId).length).toBe(2);
    // One conversation on the server holds both tabs' messages.
    expect(await storedTexts(visitorId)).toEqual(['Вопрос из первой вкладки', 'Вопрос из второй вкладки']);
    // The first tab shows the second tab's message at once.
    await a.widget.bubble('Вопрос из второй вкладки').waitFor();
    expect(await a.widget.bubble('Вопрос из второй вкладки').getAttribute('data-author')).toBe('contact');

    // An agent's reply reaches the visitor in both tabs.
    const agent = await connectAgent(server.url);
    const conversation = (await server.chatbridge.store.latestConversation('webchat', visitorId))!;
    expect((await agent.call('message:send', { conversationId: conversation.id, text: 'Ответ оператора обеим вкладкам' })).ok).toBe(true);
    agent.close();
    await a.widget.bubble('Ответ оператора обеим вкладкам').waitFor();
    await b.widget.bubble('Ответ оператора обеим вкладкам').waitFor();

    // After a reload the first tab's history holds both tabs' messages and the reply, once each.
    await a.page.reload();
    await a.widget.bubble('Ответ оператора обеим вкладкам').waitFor();
    const texts = await a.widget.texts();
    for (const text of ['Вопрос из первой вкладки', 'Вопрос из второй вкладки', 'Ответ оператора обеим вкладкам']) {
      expect(texts.filter((t) => t === text)).toHaveLength(1);
    }
    expect(texts.indexOf('Вопрос из первой вкладки')).toBeLessThan(texts.indexOf('Вопрос из второй вкладки'));
    expect(await pendingIn(a.page)).toEqual([]);
    await context.close();
  });

  for (const hears of [true, false]) {
    it(`two tabs becoming visitors at the same moment settle on the first one stored (${hears ? 'the late tab hears the other' : 'the late tab misses the news'})`, async () => {
      const context = await newContext(browser);
      const b = await tab(context);
      if (!hears) {
        // A tab whose `storage` event never comes (or comes after its own `ready`): it must still
        // find out, from the stored token, when the server greets it.
        await b.page.evaluate(() => {
          const add = window.addEventListener.bind(window);
          window.addEventListener = ((type: string, ...rest: [EventListenerOrEventListenerObject, AddEventListenerOptions?]) => {
            if (type !== 'storage') add(type, ...rest);
          }) as typeof window.addEventListener;
          (window as unknown as { Chatbridge: { init(): void } }).Chatbridge.init();
        });
      }
      const a = await tab(context);

      // The second tab connects first, without a token; the server holds its handshake while the
      // first tab becomes a visitor and stores its token.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let held: string | null = null;
      server.chatbridge.io.of('/webchat').use((socket: Socket, next: (err?: Error) => void) => {
        const auth = socket.handshake.auth as { token?: string };
        if (held === null && !auth.token) {
          held = (socket.data as { visitorId: string }).visitorId;
          void gate.then(() => next());
        } else next();
      });
      await b.widget.open();
      const abandoned = await waitFor(() => held, 'the held handshake');
      await a.widget.open();
      await a.widget.send('Первая вкладка');
      await sent(a.widget, 'Первая вкладка');
      const visitorId = (await visitorIdOf(a.page, server.url))!;
      expect(visitorId).not.toBe(abandoned);
      release();

      await b.widget.send('Вторая вкладка');
      await sent(b.widget, 'Вторая вкладка');
      await b.widget.bubble('Первая вкладка').waitFor();
      await a.widget.bubble('Вторая вкладка').waitFor();
      // Both tabs are the first stored visitor; the id the second tab was given holds nothing.
      await eventually(() => connectedAs(visitorId, abandoned).sort()).toEqual([visitorId, visitorId]);
      expect(await visitorIdOf(b.page, server.url)).toBe(visitorId);
      expect(await storedTexts(visitorId)).toEqual(['Первая вкладка', 'Вторая вкладка']);
      expect(await server.chatbridge.store.latestConversation('webchat', abandoned)).toBeNull();
      await context.close();
    });
  }

  it('keeps what each tab queued offline, also after that tab is closed, and delivers it once, in order', async () => {
    const context = await newContext(browser);
    const a = await tab(context);
    const b = await tab(context);
    await a.widget.open();
    await a.widget.send('Начало разговора');
    await sent(a.widget, 'Начало разговора');
    const visitorId = (await visitorIdOf(a.page, server.url))!;
    await b.widget.open();
    await b.widget.bubble('Начало разговора').waitFor();

    await context.setOffline(true);
    await eventually(() => b.widget.banner.textContent()).toContain('Нет связи');
    await a.widget.send('Без сети из первой');
    await b.widget.send('Без сети из второй');
    await a.widget.send('Ещё без сети из первой');
    // Every tab shows the whole queue, in the order typed.
    await eventually(() => b.widget.root.locator('.msg.waiting .bubble').count()).toBe(3);
    expect(await pendingIn(b.page)).toEqual(['Без сети из первой', 'Без сети из второй', 'Ещё без сети из первой']);
    // A write this tab has not heard of yet (another tab, a moment ago) survives its next write.
    await b.page.evaluate((prefix) => {
      const item = { clientId: 'w-from-a-tab-not-heard-of', text: 'Из вкладки, о которой ещё не слышно', createdAt: Date.now(), state: 'waiting' };
      localStorage.setItem(prefix + item.clientId, JSON.stringify(item));
    }, `${storageKey()}#pending:`);
    await b.widget.send('Последнее без сети');
    expect(await pendingIn(b.page)).toEqual(['Без сети из первой', 'Без сети из второй', 'Ещё без сети из первой', 'Из вкладки, о которой ещё не слышно', 'Последнее без сети']);

    // The first tab is closed before the network comes back: the second sends everything.
    await a.page.close();
    expect(await storedTexts(visitorId)).toEqual(['Начало разговора']);
    await context.setOffline(false);
    await sent(b.widget, 'Последнее без сети');
    await eventually(() => storedTexts(visitorId)).toEqual([
      'Начало разговора',
      'Без сети из первой',
      'Без сети из второй',
      'Ещё без сети из первой',
      'Из вкладки, о которой ещё не слышно',
      'Последнее без сети',
    ]);
    await eventually(() => pendingIn(b.page)).toEqual([]);
    for (const text of ['Без сети из первой', 'Ещё без сети из первой', 'Из вкладки, о которой ещё не слышно']) {
      expect(await b.widget.bubble(new RegExp(`^(Вы: )?${text}$`)).getAttribute('data-state')).toBe('sent');
    }
    await context.close();
  });
});
