/**
 * The widget in a real browser on the demo shop page, against the real server: the bot answers,
 * a person takes over from the console, history survives a reload, and nothing typed offline is
 * lost or sent twice.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../helpers/clients.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { ARTIFACTS, buildWidget, launchBrowser, newContext, visitorIdOf, watchErrors, WidgetDriver } from './browser.js';

/** Polls until the assertion holds (10 s, like the other waits). */
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });

describe('the chat widget on the shop page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser(), buildWidget()]).then(([s, b]) => [s, b] as const);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const visitorOf = (page: Page) => visitorIdOf(page, server.url);

  const inboundTexts = async (visitorId: string) => {
    const conversation = await server.chatbridge.store.latestConversation('webchat', visitorId);
    if (!conversation) return [];
    return (await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text);
  };

  it('stays light until opened, then answers a question from the knowledge base', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.launcher.waitFor();
    // Nothing but widget.js until the visitor opens the chat: no socket client, no connection.
    expect(requests.filter((p) => p.includes('socket'))).toEqual([]);
    expect(await widget.launcher.getAttribute('aria-expanded')).toBe('false');

    await widget.open();
    expect(await widget.launcher.getAttribute('aria-expanded')).toBe('true');
    await eventually(() => requests.some((p) => p === '/assets/widget-socket.js')).toBe(true);
    // The greeting with topic chips comes from the server.
    await widget.chip('Доставка').waitFor();
    await widget.send('Сколько стоит доставка?');
    const entry = server.chatbridge.kb.get('delivery-cost');
    const answer = entry ? server.chatbridge.kb.answerText(entry, 'ru') : 'доставка бесплатная';
    await widget.bubble(answer.slice(0, 40)).waitFor();
    expect(await widget.bubble('Сколько стоит доставка?').getAttribute('data-state')).toBe('sent');
    await widget.chip('Да, спасибо').waitFor();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-open.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("hands off to a person: the agent's reply from the console arrives, with their name", async () => {
    const agentContext = await newContext(browser);
    const consolePage = await agentContext.newPage();
    await consolePage.goto(`${server.url}/console`);
    await consolePage.fill('form#login input[name=email]', ADMIN_EMAIL);
    await consolePage.fill('form#login input[name=password]', ADMIN_PASSWORD);
    await consolePage.click('form#login button[type=submit]');
    await consolePage.locator('form#login').waitFor({ state: 'hidden' });

    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('Позовите оператора, пожалуйста, вопрос по заказу 48213');
    const visitorId = await waitFor(() => visitorOf(page), 'the visitor token');
    const conversation = await waitFor(() => server.chatbridge.store.latestConversation('webchat', visitorId), 'the conversation');
    // Handed off: in the queue (or, with automatic assignment on, already with the agent).
    await waitFor(async () => ['queued', 'assigned'].includes((await server.chatbridge.store.getConversation(conversation.id))!.status), 'the hand-off');
    await eventually(() => widget.subtitle.textContent()).toMatch(/^(Ждём оператора…|Admin, оператор поддержки)$/);
    const row = consolePage.locator(`[data-conversation-id="${conversation.id}"]`);
    await row.click();
    await consolePage.click('button[data-action=claim]');
    await eventually(() => widget.subtitle.textContent()).toBe('Admin, оператор поддержки');
    await widget.root.locator('.notice', { hasText: 'Оператор Admin теперь в чате' }).waitFor();

    await consolePage.fill('[data-testid=reply-input]', 'Здравствуйте! Заказ 48213 уже у курьера.');
    await consolePage.press('[data-testid=reply-input]', 'Enter');
    const reply = widget.bubble('Здравствуйте! Заказ 48213 уже у курьера.');
    await reply.waitFor();
    expect(await reply.getAttribute('data-author')).toBe('agent');
    expect(await reply.locator('.who').textContent()).toBe('Admin');
    await agentContext.close();
    await context.close();
  });

  it('keeps the conversation and the open panel across a reload', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('Как вернуть серьги?');
    await eventually(async () => (await widget.messages.count()) >= 3).toBe(true); // greeting, question, answer
    const before = await widget.texts();

    await page.reload();
    await widget.panel.waitFor({ state: 'visible' });
    await eventually(() => widget.texts()).toEqual(before);

    // Closed stays closed; the history is there on the next open.
    await widget.root.locator('[data-testid=close]').click();
    await page.goto(`${server.url}/#delivery`);
    await page.reload();
    await widget.launcher.waitFor();
    expect(await widget.panel.isVisible()).toBe(false);
    await widget.open();
    await eventually(() => widget.texts()).toEqual(before);
    await context.close();
  });

  it('queues messages typed offline, shows them pending, and delivers each exactly once', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('Здравствуйте, у меня вопрос');
    await eventually(() => widget.bubble('Здравствуйте, у меня вопрос').getAttribute('data-state')).toBe('sent');
    const visitorId = await waitFor(() => visitorOf(page), 'the visitor token');

    await context.setOffline(true);
    await eventually(() => widget.banner.textContent()).toContain('Нет связи');
    await widget.send('Первое сообщение без сети');
    await widget.send('Второе сообщение без сети');
    expect(await widget.bubble('Первое сообщение без сети').getAttribute('data-state')).toBe('waiting');
    expect(await widget.bubble('Второе сообщение без сети').getAttribute('data-state')).toBe('waiting');
    expect(await widget.bubble('Второе сообщение без сети').textContent()).toContain('Ждёт отправки');
    // Nothing reached the server while offline.
    expect(await inboundTexts(visitorId)).toEqual(['Здравствуйте, у меня вопрос']);

    // Meanwhile an agent answers; the widget catches up when it is back.
    const agent = await connectAgent(server.url);
    const conversation = (await server.chatbridge.store.latestConversation('webchat', visitorId))!;
    expect((await agent.call('message:send', { conversationId: conversation.id, text: 'Ответ, пока вы были без сети' })).ok).toBe(true);
    agent.close();

    await context.setOffline(false);
    await eventually(() => widget.bubble('Второе сообщение без сети').getAttribute('data-state')).toBe('sent');
    await widget.bubble('Ответ, пока вы были без сети').waitFor();
    expect(await widget.bubble('Первое сообщение без сети').getAttribute('data-state')).toBe('sent');
    await eventually(() => widget.banner.isVisible()).toBe(false);
    // Stored once each, in the order typed, and shown once each.
    expect(await inboundTexts(visitorId)).toEqual(['Здравствуйте, у меня вопрос', 'Первое сообщение без сети', 'Второе сообщение без сети']);
    const shown = await widget.texts();
    expect(shown.filter((t) => t === 'Первое сообщение без сети')).toHaveLength(1);
    expect(shown.filter((t) => t === 'Второе сообщение без сети')).toHaveLength(1);
    expect(shown.filter((t) => t === 'Ответ, пока вы были без сети')).toHaveLength(1);
    // A reload does not send them again either.
    await page.reload();
    await widget.bubble('Второе сообщение без сети').waitFor();
    expect((await widget.texts()).filter((t) => t === 'Второе сообщение без сети')).toHaveLength(1);
    expect((await inboundTexts(visitorId)).length).toBe(3);
    await context.close();
  });

  it('reconnects by itself when the connection drops, and goes on', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    const widget = new WidgetDriver(page);
    await widget.open();
    await widget.send('До обрыва');
    await eventually(() => widget.bubble('До обрыва').getAttribute('data-state')).toBe('sent');
    const visitorId = await waitFor(() => visitorOf(page), 'the visitor token');

    const socketsOf = async () =>
      [...server.chatbridge.io.of('/webchat').sockets.values()].filter((s) => (s.data as { visitorId: string }).visitorId === visitorId);
    expect(await socketsOf()).toHaveLength(1);

    // The transport dies (a flaky network, a proxy dropping the connection).
    for (const s of await socketsOf()) s.conn.close();
    await widget.send('После обрыва');
    await eventually(() => widget.bubble('После обрыва').getAttribute('data-state')).toBe('sent');
    // The server ends the session itself (as a restart does): the widget comes back after a back-off.
    for (const s of await socketsOf()) s.disconnect(true);
    await widget.send('После перезапуска');
    await eventually(() => widget.bubble('После перезапуска').getAttribute('data-state')).toBe('sent');
    expect(await inboundTexts(visitorId)).toEqual(['До обрыва', 'После обрыва', 'После перезапуска']);
    expect(await socketsOf()).toHaveLength(1);
    await context.close();
  });
});
