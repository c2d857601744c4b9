/**
 * The agent console in headless Chromium against the real server: a customer (a real webchat
 * socket) writes in, agents work the conversation through the page.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectVisitor } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { api, customer, newAgent, sessionCookie, type Api } from '../server/console/fixtures.js';
import { launch, signedInTab, tabWithSession } from './browser.js';

describe('the agent console in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Api;
  /** The admin, signed in without the form (it allows 10 sign-ins a minute). */
  const adminTab = async (path?: string) => tabWithSession(browser, server.url, await sessionCookie(server, (await server.chatbridge.store.findAgentByEmail('admin@test.local'))!.id), path);

  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('works a hand-off end to end: live queue, claim, canned reply, private note, transfer, resolve', async () => {
    await admin.call('POST', '/api/console/canned', { shortcut: 'thanks', title: 'Thanks for waiting', text: 'Спасибо за ожидание, {{name}}! Меня зовут {{agent}}, сейчас разберёмся.', scope: 'shared' });
    const boris = await newAgent(admin, server, 'Boris');
    const anna = await signedInTab(browser, server.url);
    const borisTab = await signedInTab(browser, server.url, boris.email, boris.password);
    const page = anna.page;
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // The customer asks for a person; the queue shows it live.
    const visitor = await connectVisitor(server.url, undefined, {});
    const asked = await visitor.send('Здравствуйте, хочу вернуть серьги, позовите оператора');
    const id = asked.conversationId!;
    await server.chatbridge.store.updateContact((await server.chatbridge.store.getConversation(id))!.contactId, { name: 'Мария Петрова' }, Date.now());
    const item = page.locator(`[data-conversation-id="${id}"][data-status="queued"]`);
    await item.waitFor();
    expect(await item.locator('.wait').textContent()).toMatch(/^waiting \d+s$/);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42); // no reload

    await item.click();
    await page.click('button[data-action=claim]');
    await page.locator(`[data-conversation-id="${id}"][data-status="assigned"]`).waitFor();
    expect(await page.textContent('[data-testid=conversation-status]')).toBe('Assigned');

    // A canned response: "/tha" → Enter inserts it with the customer's name, Enter sends.
    const input = page.locator('[data-testid=reply-input]');
    await input.fill('/tha');
    await page.locator('[data-testid=canned-popup] [data-shortcut=thanks]').waitFor();
    await input.press('Enter');
    const expected = 'Спасибо за ожидание, Мария! Меня зовут Admin, сейчас разберёмся.';
    expect(await input.inputValue()).toBe(expected);
    await input.press('Enter');
    await visitor.waitForMessage((m) => m.text === expected, 'the canned reply at the customer');
    // The box clears once the server acknowledged the reply, which may come a moment after the customer has it.
    await expect.poll(() => input.inputValue()).toBe('');
    // Esc closes the list, but Enter on the bare shortcut still inserts it: "/tha" is never sent to the customer.
    await input.fill('/tha');
    await page.locator('[data-testid=canned-popup] [data-shortcut=thanks]').waitFor();
    await input.press('Escape');
    await page.locator('[data-testid=canned-popup]').waitFor({ state: 'hidden' });
    await input.press('Enter');
    expect(await input.inputValue()).toBe(expected);
    await input.fill('');

    // A private note: in the thread, marked, never at the customer.
    await page.click('[data-testid=mode-note]');
    await input.fill('Клиент постоянный — вернуть без чека');
    await page.click('[data-testid=reply-send]');
    const note = page.locator('.msg.internal', { hasText: 'вернуть без чека' });
    await note.waitFor();
    expect(await note.locator('.pill.note').textContent()).toBe('Private note');
    await page.click('[data-testid=mode-reply]');
    await input.fill('Одну минуту, передаю коллеге.');
    await input.press('Enter');
    await visitor.waitForMessage((m) => m.text === 'Одну минуту, передаю коллеге.', 'the reply after the note');
    expect([...visitor.received.values()].some((m) => m.text.includes('без чека') || m.text.startsWith('/'))).toBe(false);

    // Transfer to Boris, with a note; his tab shows it live, with a title badge and a chime.
    await page.click('button[data-action=transfer]');
    await page.selectOption('[data-testid=transfer-agent]', String(boris.id));
    await page.fill('[data-testid=transfer-note]', 'Оформи возврат, пожалуйста');
    await page.click('[data-testid=transfer-dialog] button[type=submit]');
    await page.locator('[data-testid=transfer-dialog]').waitFor({ state: 'detached' });
    expect(await page.textContent('[data-testid=conversation-title] ~ .muted')).toContain('Assigned to Boris');

    const b = borisTab.page;
    await b.locator('[data-testid=toast]', { hasText: 'New conversation for you: Мария Петрова' }).waitFor();
    await waitFor(async () => (await b.title()) === '(1) chatbridge console', "the badge in Boris's title");
    expect(Number(await b.evaluate(() => document.body.dataset.chimes))).toBe(1);
    await b.click('.views [data-view=mine]');
    await b.click(`[data-conversation-id="${id}"]`);
    await b.locator('.msg.internal', { hasText: 'Transferred to Boris: Оформи возврат, пожалуйста' }).waitFor();
    await b.locator('.msg.internal', { hasText: 'вернуть без чека' }).waitFor();
    expect(await b.title()).toBe('chatbridge console');
    await b.fill('[data-testid=reply-input]', 'Здравствуйте, я Борис, оформляю возврат.');
    await b.click('[data-testid=reply-send]');
    const fromBoris = await visitor.waitForMessage((m) => m.text === 'Здравствуйте, я Борис, оформляю возврат.', "Boris's reply");
    expect(fromBoris.author).toEqual({ type: 'agent', name: 'Boris' });

    await b.click('button[data-action=resolve]');
    await b.locator('[data-testid=conversation-status]', { hasText: 'Resolved' }).waitFor();
    await visitor.waitForMessage((m) => m.quickReplies.some((q) => q.id === 'csat:5'), 'the rating question');
    // Anna's page followed along without a reload.
    await page.locator('[data-testid=conversation-status]', { hasText: 'Resolved' }).waitFor();
    expect([...anna.errors, ...borisTab.errors]).toEqual([]);
    visitor.close();
    await anna.context.close();
    await borisTab.context.close();
  });

  it('finds an old message with search and opens it at that message', async () => {
    const old = customer(server, 'Давний клиент');
    const oldId = await old.say('Подарочная коробка к заказу 77120 пришла помятой');
    await server.chatbridge.router.resolve((await server.chatbridge.store.findAgentByEmail('admin@test.local'))!, oldId);
    for (let i = 0; i < 4; i++) await customer(server, `Клиент ${i}`).say(`Вопрос номер ${i} про доставку`);
    const tab = await adminTab();
    await tab.page.fill('[data-testid=search-input]', 'помят коробк');
    await tab.page.press('[data-testid=search-input]', 'Enter');
    const hit = tab.page.locator(`[data-testid=search-hit][data-conversation-id="${oldId}"]`);
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['коробка', 'помятой']);
    await hit.click();
    const found = tab.page.locator('.msg.highlight');
    await found.waitFor();
    expect(await found.locator('.text').textContent()).toBe('Подарочная коробка к заказу 77120 пришла помятой');
    expect(await tab.page.textContent('[data-testid=conversation-status]')).toBe('Resolved');
    await tab.page.press('[data-testid=search-input]', 'Escape');
    await tab.page.locator('.list-title', { hasText: 'Waiting for a person' }).waitFor();
    await tab.context.close();
  });

  it('keeps agents out of the admin pages, while an admin adds an agent from the page', async () => {
    const adminTab = await signedInTab(browser, server.url);
    await adminTab.page.click('.topbar nav a[data-page=admin]');
    await adminTab.page.locator('[data-testid=admin-agents] table').waitFor();
    expect(new URL(adminTab.page.url()).pathname).toBe('/console/admin');
    await adminTab.page.fill('[data-testid=new-agent-name]', 'Galina');
    await adminTab.page.fill('[data-testid=new-agent-email]', 'galina@test.local');
    await adminTab.page.click('[data-testid=new-agent] button[type=submit]');
    const password = (await adminTab.page.locator('[data-testid=generated-password]').textContent())!;
    expect(password).toMatch(/^[\w-]{12,}$/);
    await adminTab.page.click('[data-testid=password-dialog] button[type=submit]');
    await adminTab.page.locator('[data-testid=admin-agents] tr', { hasText: 'galina@test.local' }).waitFor();

    const galina = await signedInTab(browser, server.url, 'galina@test.local', password);
    const nav = await galina.page.locator('.topbar nav a').allTextContents();
    expect(nav).toEqual(['Inbox', 'Canned responses', 'Knowledge base', 'Reports']);
    const response = await galina.page.goto(`${server.url}/console/admin`);
    expect(response?.status()).toBe(403);
    expect(await galina.page.textContent('h1')).toBe('Admins only');
    expect(await galina.page.locator('[data-testid=admin-agents]').count()).toBe(0);
    const status = await galina.page.evaluate(async () => {
      const res = await fetch('/api/console/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@y.z', name: 'X' }) });
      return res.status;
    });
    expect(status).toBe(403);
    await adminTab.context.close();
    await galina.context.close();
  });

  it('answers 401 on console APIs without a session and shows the sign-in form', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/console`);
    await page.locator('form#login').waitFor();
    const statuses = await page.evaluate(async () =>
      Promise.all(['/api/console/inbox?view=queue', '/api/console/agents', '/api/console/search?q=x', '/api/console/contacts/1'].map(async (p) => (await fetch(p)).status)),
    );
    expect(statuses).toEqual([401, 401, 401, 401]);
    await page.fill('form#login input[name=email]', 'admin@test.local');
    await page.fill('form#login input[name=password]', 'wrong-password');
    await page.click('form#login button[type=submit]');
    await page.locator('#login-error', { hasText: 'Wrong email or password.' }).waitFor();
    await context.close();
  });

  it('merges the same customer from Telegram and the website and shows one history', async () => {
    const web = customer(server, 'Светлана');
    const webId = await web.say('Добрый день, я с сайта, заказ 4410');
    const tg = customer(server, 'Светлана К.', 'telegram', '700700');
    await tg.say('Это Светлана из телеграма, тот же заказ 4410');
    // A photo from Telegram (a file_id, fetched through the server) and a file with a public URL (as Discord sends).
    await server.chatbridge.router.receive({
      channel: 'telegram',
      externalChatId: '700700',
      externalUserId: '700700',
      externalMessageId: randomUUID(),
      text: 'Фото застёжки',
      attachments: [
        { kind: 'photo', ref: 'AgACAgIAAxkBAAIB', name: 'clasp.jpg', size: 48_000, mimeType: 'image/jpeg' },
        { kind: 'document', ref: 'https://cdn.example.com/a/receipt.pdf', url: 'https://cdn.example.com/a/receipt.pdf', name: 'receipt.pdf' },
      ],
      profile: { name: 'Светлана К.', language: 'ru' },
    });
    const tab = await adminTab();
    const page = tab.page;
    await page.click('.views [data-view=all]');
    await page.click(`[data-conversation-id="${webId}"]`);
    await page.locator('[data-testid=identities] li').first().waitFor();
    expect(await page.locator('[data-testid=identities] li').count()).toBe(1);

    await page.click('button[data-action=merge]');
    await page.fill('[data-testid=merge-search]', 'Светлана К');
    await page.locator('[data-testid=merge-results] input[type=radio]').first().check();
    await page.click('[data-testid=merge-dialog] button[type=submit]');
    await page.locator('[data-testid=identities] li[data-channel=telegram]').waitFor();
    expect(await page.locator('[data-testid=identities] li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.channel))).toEqual(['webchat', 'telegram']);

    await page.click('[data-testid=whole-history]');
    await page.locator('.thread .divider').nth(1).waitFor();
    const rows = await page.locator('.thread .msg.in').evaluateAll((els) =>
      els.map((e) => [e.querySelector('.badge')!.textContent, e.querySelector('.text')!.textContent]),
    );
    expect(rows).toEqual([
      ['Website', 'Добрый день, я с сайта, заказ 4410'],
      ['Telegram', 'Это Светлана из телеграма, тот же заказ 4410'],
      ['Telegram', 'Фото застёжки'],
    ]);
    // Files open in a new tab, through the server (GET /api/messages/:id/attachments/:index): it fetches them with the channel's token.
    const files = await page.locator('.thread [data-testid=attachment]').evaluateAll((els) =>
      els.map((e) => [e.textContent, new URL((e as HTMLAnchorElement).href).pathname.replace(/\/\d+\//, '/N/'), (e as HTMLAnchorElement).target]),
    );
    expect(files).toEqual([
      ['📎 clasp.jpg · 47 KB', '/api/messages/N/attachments/0', '_blank'],
      ['📎 receipt.pdf', '/api/messages/N/attachments/1', '_blank'],
    ]);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('reconnects after a network drop and catches up on what happened meanwhile', async () => {
    const tab = await adminTab();
    const page = tab.page;
    await page.locator('.views [data-view=queue].active').waitFor();
    await waitFor(() => server.chatbridge.io.of('/agents').sockets.size > 0, 'the console socket');
    for (const socket of server.chatbridge.io.of('/agents').sockets.values()) socket.conn.close();
    await page.locator('[data-testid=connection-banner]:not([hidden])').waitFor();
    const c = customer(server, 'Пока вас не было');
    await c.say('Помогите с оплатой');
    const missed = await c.say('позовите оператора');
    await page.locator('[data-testid=connection-banner]').waitFor({ state: 'hidden' });
    await page.locator(`[data-conversation-id="${missed}"][data-status="queued"]`).waitFor();
    await tab.context.close();
  });
});
