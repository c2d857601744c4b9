/**
 * The console's operations features in headless Chromium against the real server: the live SLA
 * countdown (the server's clock is moved forward and its SLA monitor run, as the server tests
 * do), and the admin sections for webhooks (against receivers on 127.0.0.1), API tokens, and
 * routing/SLA settings with the server's validation errors. A plain agent sees none of it.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../server/webhooks/signature.js';
import { waitFor, type TestServer } from '../helpers/server.js';
import { startOpsServer, type OpsServer } from '../server/routing/helpers.js';
import { api, customer, newAgent, sessionCookie, type Api } from '../server/console/fixtures.js';
import { launch, tabWithSession, type ConsoleTab } from './browser.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering with the next of `statuses` (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses[Math.min(n++, statuses.length - 1)]!;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver is down' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/chatbridge`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('operations in the console', () => {
  /** The server's routing/SLA/webhook clock: real time plus a shift the SLA test moves forward. */
  const clock = { shift: 0, now: () => Date.now() + clock.shift };
  let server: OpsServer;
  let browser: Browser;
  let admin: Api;
  const receivers: { close(): Promise<void> }[] = [];
  const tabs: ConsoleTab[] = [];
  const asTestServer = () => server as unknown as TestServer;

  /** The admin's console (signed in with a session cookie: the sign-in form allows 10 tries a minute). */
  async function adminTab(path: string): Promise<ConsoleTab> {
    const adminId = (await server.chatbridge.store.findAgentByEmail('admin@test.local'))!.id;
    const tab = await tabWithSession(browser, server.url, await sessionCookie(asTestServer(), adminId), path);
    // Confirmations (revoke, rotate, delete) are answered yes.
    tab.page.on('dialog', (d) => void d.accept());
    tabs.push(tab);
    return tab;
  }

  const errorsShown = (page: Page, testid: string) => page.locator(`[data-testid=${testid}] li`).allTextContents();

  beforeAll(async () => {
    server = await startOpsServer({
      // Conversations wait in the queue (for the countdown) rather than going to the signed-in admin.
      env: { ROUTING_AUTO_ASSIGN: 'false' },
      operations: {
        now: () => clock.now(),
        // A failed delivery waits ten minutes before its next try, so the test sees it pending.
        webhooks: { pollMs: 50, baseDelayMs: 10 * 60_000, maxAttempts: 8, timeoutMs: 5000 },
      },
    });
    admin = await api(asTestServer());
    browser = await launch();
  });
  afterAll(async () => {
    for (const t of tabs) await t.context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    for (const r of receivers) await r.close();
  });

  it('adds a webhook endpoint in the page: a signed test ping arrives and the log shows it delivered; a failing one shows its error and is re-sent', async () => {
    const crm = await receiver([200]);
    const flaky = await receiver([500, 200]);
    receivers.push(crm, flaky);
    const { page, errors } = await adminTab('/console/admin#webhooks');
    await page.locator('[data-testid=admin-webhooks] [data-testid=webhook-events] input[data-event="csat.received"]').waitFor();
    expect(await page.locator('.admin-tabs [aria-selected=true]').textContent()).toBe('Webhooks');

    // What the server refuses is listed next to the form.
    await page.fill('[data-testid=new-webhook] [data-testid=webhook-url]', 'ftp://crm.example.com');
    await page.click('[data-testid=new-webhook] button[type=submit]');
    await page.locator('[data-testid=webhook-errors] li').first().waitFor();
    expect(await errorsShown(page, 'webhook-errors')).toEqual([
      'url must be an http(s) URL of at most 2000 characters, got "ftp://crm.example.com"',
      'events must list at least one of conversation.created, conversation.escalated, conversation.assigned, conversation.resolved, message.created, sla.warning, sla.breached, csat.received',
    ]);
    expect(await page.getAttribute('[data-testid=new-webhook] [data-testid=webhook-url]', 'aria-invalid')).toBe('true');

    // Added for real: the secret is shown once.
    await page.fill('[data-testid=new-webhook] [data-testid=webhook-url]', crm.url);
    await page.check('[data-testid=webhook-events] input[data-event="csat.received"]');
    await page.check('[data-testid=webhook-events] input[data-event="conversation.resolved"]');
    await page.click('[data-testid=new-webhook] button[type=submit]');
    const secret = (await page.locator('[data-testid=webhook-secret-value]').textContent())!;
    expect(secret).toMatch(/^whsec_[\w-]{20,}$/);
    expect(await page.locator('[data-testid=webhook-secret]').textContent()).toContain('shown only this once');
    await page.click('[data-testid=webhook-secret] button[type=submit]');
    expect(await page.locator('[data-testid=webhook-errors]').isHidden()).toBe(true);
    const crmRow = page.locator('tr[data-webhook-id]', { hasText: crm.url });
    await crmRow.waitFor();
    expect(await crmRow.locator('.events .pill').allTextContents()).toEqual(['conversation.resolved', 'csat.received']);
    expect(await crmRow.textContent()).toContain(secret.slice(0, 10));
    expect(await crmRow.textContent()).not.toContain(secret);

    // A signed test ping reaches the receiver and the log says delivered.
    await crmRow.locator('[data-action=test]').click();
    await waitFor(() => crm.got.length === 1, 'the test ping at the receiver');
    const ping = crm.got[0]!;
    expect(JSON.parse(ping.body)).toMatchObject({ type: 'ping', data: { message: 'chatbridge webhook test' } });
    expect(verifyWebhook(secret, { signature: ping.headers['x-chatbridge-signature'] as string, timestamp: ping.headers['x-chatbridge-timestamp'] as string }, ping.body, clock.now())).toBe(true);
    const delivered = page.locator('[data-testid=delivery-log] tbody tr[data-status=delivered]');
    await delivered.waitFor();
    expect(await delivered.locator('td').allTextContents()).toEqual([expect.stringMatching(/^pingping_[0-9a-f]+$/), 'Delivered', '1', 'HTTP 200', '—', expect.any(String), 'Details']);

    // A receiver answering 500: pending, with the error and the next retry; "Retry now" sends it again.
    await page.fill('[data-testid=new-webhook] [data-testid=webhook-url]', flaky.url);
    await page.fill('[data-testid=new-webhook] input[name=description]', 'Flaky ERP');
    await page.check('[data-testid=webhook-events] input[data-event="csat.received"]');
    await page.click('[data-testid=new-webhook] button[type=submit]');
    await page.click('[data-testid=webhook-secret] button[type=submit]');
    const flakyRow = page.locator('tr[data-webhook-id]', { hasText: flaky.url });
    await flakyRow.locator('[data-action=test]').click();
    await waitFor(() => flaky.got.length === 1, 'the first try at the failing receiver');
    // Pending after its first try (not the row from before the try): it carries the error.
    const pending = page.locator('[data-testid=delivery-log] tbody tr[data-status=pending]', { has: page.locator('[data-testid=delivery-error]') });
    await pending.waitFor();
    expect(await page.locator('[data-testid=delivery-log] h2').textContent()).toContain(flaky.url);
    expect(await pending.locator('[data-testid=delivery-error]').textContent()).toBe('HTTP 500: receiver is down');
    expect(await pending.locator('[data-testid=delivery-next]').textContent()).toMatch(/in (9|10) min$/);
    await screenshot(page, 'console-admin.png');

    await pending.locator('[data-action=retry]').click();
    await waitFor(() => flaky.got.length === 2, 'the manual retry at the receiver');
    const recovered = page.locator('[data-testid=delivery-log] tbody tr[data-status=delivered]');
    await recovered.waitFor();
    expect(await recovered.locator('[data-testid=delivery-attempts-count]').textContent()).toBe('2');
    expect(flaky.got[1]!.headers['x-chatbridge-delivery']).toBe(flaky.got[0]!.headers['x-chatbridge-delivery']);

    // The delivery in detail: the body that was signed and every attempt.
    await recovered.locator('[data-action=details]').click();
    const dialog = page.locator('[data-testid=delivery-dialog]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid=delivery-attempts] tbody tr td:nth-child(3)').allTextContents()).toEqual(['HTTP 500: receiver is down', 'HTTP 200']);
    expect(JSON.parse((await dialog.locator('[data-testid=delivery-body]').textContent())!)).toMatchObject({ type: 'ping', data: { webhookId: expect.any(Number) } });
    expect(await dialog.locator('button[type=submit]').count()).toBe(0); // delivered: nothing to retry
    await dialog.locator('button', { hasText: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Rotating the secret: the next ping is signed with the new one only.
    await crmRow.locator('[data-action=rotate]').click();
    const rotated = (await page.locator('[data-testid=webhook-secret-value]').textContent())!;
    expect(rotated).not.toBe(secret);
    await page.click('[data-testid=webhook-secret] button[type=submit]');
    await crmRow.locator('[data-action=test]').click();
    await waitFor(() => crm.got.length === 2, 'the second ping');
    const signed = { signature: crm.got[1]!.headers['x-chatbridge-signature'] as string, timestamp: crm.got[1]!.headers['x-chatbridge-timestamp'] as string };
    expect(verifyWebhook(rotated, signed, crm.got[1]!.body, clock.now())).toBe(true);
    expect(verifyWebhook(secret, signed, crm.got[1]!.body, clock.now())).toBe(false);

    // Disabled: marked off, no test pings; deleted: gone.
    await flakyRow.locator('[data-action=toggle]').uncheck();
    await page.locator('tr[data-webhook-id].inactive', { hasText: flaky.url }).waitFor();
    expect(await flakyRow.locator('[data-action=test]').isDisabled()).toBe(true);
    expect((await admin.get('/api/webhooks')).webhooks.find((w: { url: string }) => w.url === flaky.url).active).toBe(false);
    await flakyRow.locator('[data-action=delete]').click();
    await flakyRow.waitFor({ state: 'detached' });
    expect((await admin.get('/api/webhooks')).webhooks.map((w: { url: string }) => w.url)).toEqual([crm.url]);
    expect(errors).toEqual([]);
  });

  it('issues an API token in the page that works as Bearer until it is revoked there', async () => {
    const { page, errors } = await adminTab('/console/admin#tokens');
    await page.locator('[data-testid=admin-tokens] table').waitFor();
    await page.fill('[data-testid=token-name]', 'CRM sync');
    await page.selectOption('[data-testid=token-role]', 'agent');
    await page.click('[data-testid=new-token] button[type=submit]');
    const token = (await page.locator('[data-testid=issued-token-value]').textContent())!;
    expect(token).toMatch(/^cbt_[\w-]{40,}$/);
    await page.click('[data-testid=issued-token] button[type=submit]');

    const row = page.locator('[data-testid=admin-tokens] tr[data-token-id]', { hasText: 'CRM sync' });
    await row.waitFor();
    expect(await row.locator('code').textContent()).toBe(`${token.slice(0, 10)}…`);
    expect(await row.locator('[data-testid=token-status]').textContent()).toBe('Active');
    expect(await row.locator('[data-testid=token-last-used]').textContent()).toBe('never');
    expect(await row.textContent()).not.toContain(token);

    const bearer = (t: string) => fetch(`${server.url}/api/routing/queue`, { headers: { authorization: `Bearer ${t}` } });
    expect((await bearer(token)).status).toBe(200);
    // Shown again (switching tabs reloads the list): it was used just now.
    await page.click('[data-admin-tab=people]');
    await page.click('[data-admin-tab=tokens]');
    await row.locator('[data-testid=token-last-used]', { hasText: 'just now' }).waitFor();

    await row.locator('[data-action=revoke]').click();
    await row.locator('[data-testid=token-status]', { hasText: /^Revoked/ }).waitFor();
    expect(await row.locator('[data-action=revoke]').count()).toBe(0);
    expect((await bearer(token)).status).toBe(401);
    await screenshot(page, 'console-admin-tokens.png');
    expect(errors).toEqual([]);
  });

  it("edits business hours, SLA targets and routing, showing the server's reasons when it refuses", async () => {
    const team = (await admin.call('POST', '/api/console/teams', { name: 'Returns' })).body.team as { id: number };
    const { page, errors } = await adminTab('/console/admin#routing');
    await page.locator('[data-testid=hours-timezone]').waitFor();
    expect(await page.inputValue('[data-testid=hours-timezone]')).toBe('Europe/Moscow');
    expect(await page.locator('[data-testid=hours-status]').textContent()).toMatch(/^(Open now|Closed now · opens .+)$/);

    // Invalid: an unknown zone and Monday closing before it opens. Nothing is saved.
    await page.fill('[data-testid=hours-timezone]', 'Mars/Olympus_Mons');
    await page.fill('[data-day=mon] input[data-edge=from]', '18:00');
    await page.fill('[data-day=mon] input[data-edge=to]', '09:00');
    await page.click('[data-testid=hours-save]');
    await page.locator('[data-testid=hours-errors] li').first().waitFor();
    expect(await errorsShown(page, 'hours-errors')).toEqual([
      'timeZone must be an IANA time zone such as "Europe/Moscow", got "Mars/Olympus_Mons"',
      'week.mon[0]: "from" (18:00) must be before "to" (09:00)',
    ]);
    expect(await page.getAttribute('[data-testid=hours-timezone]', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('[data-day=mon] input[data-edge=from]', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('[data-day=tue] input[data-edge=from]', 'aria-invalid')).toBeNull();
    await page.locator('[data-testid=toast].error', { hasText: 'timeZone must be an IANA time zone' }).waitFor();
    expect((await admin.get('/api/settings/business-hours')).businessHours.timeZone).toBe('Europe/Moscow');

    // Fixed, with Sunday closed and a holiday: saved.
    await page.fill('[data-testid=hours-timezone]', 'Europe/Berlin');
    await page.fill('[data-day=mon] input[data-edge=from]', '08:30');
    await page.fill('[data-day=mon] input[data-edge=to]', '17:00');
    await page.click('[data-day=sun] .interval button');
    expect(await page.locator('[data-day=sun] .closed').textContent()).toBe('Closed');
    await page.fill('[data-testid=hours-holidays]', '2025-12-25\n2025-12-26');
    await page.click('[data-testid=hours-save]');
    await page.locator('[data-testid=toast]', { hasText: 'Business hours saved.' }).waitFor();
    expect(await page.locator('[data-testid=hours-errors]').isHidden()).toBe(true);
    const hours = (await admin.get('/api/settings/business-hours')).businessHours;
    expect(hours).toMatchObject({ timeZone: 'Europe/Berlin', holidays: ['2025-12-25', '2025-12-26'], week: { mon: [{ from: '08:30', to: '17:00' }], sun: [] } });

    // SLA targets: a zero target is refused with the server's words; "Undo" brings the saved ones back.
    expect(await page.inputValue('[data-testid=sla-urgent-firstResponseMinutes]')).toBe('60');
    await page.fill('[data-testid=sla-urgent-firstResponseMinutes]', '0');
    await page.click('[data-testid=sla-save]');
    await page.locator('[data-testid=sla-errors] li').first().waitFor();
    expect(await errorsShown(page, 'sla-errors')).toEqual(['urgent.firstResponseMinutes must be a whole number of minutes from 1 to 525600, or null for no target; got 0']);
    expect(await page.getAttribute('[data-testid=sla-urgent-firstResponseMinutes]', 'aria-invalid')).toBe('true');
    await page.fill('[data-testid=sla-low-resolutionMinutes]', '');
    await page.fill('[data-testid=sla-urgent-firstResponseMinutes]', '60');
    await page.click('[data-testid=sla-save]');
    await page.locator('[data-testid=toast]', { hasText: 'SLA targets saved.' }).waitFor();
    expect((await admin.get('/api/settings/sla')).policies).toMatchObject({ urgent: { firstResponseMinutes: 60, hours: 'always', warnBeforeMinutes: 15 }, low: { resolutionMinutes: null } });

    // Routing rules: a rule naming a team that does not exist, then bad JSON, then a good rule.
    const rules = page.locator('[data-testid=routing-team-rules]');
    await rules.fill('[{ "keywords": ["возврат"], "teamId": 999 }]');
    await page.click('[data-testid=routing-save]');
    await page.locator('[data-testid=routing-errors] li').first().waitFor();
    expect(await errorsShown(page, 'routing-errors')).toEqual(['teamRules[0].teamId: there is no team 999']);
    expect(await rules.getAttribute('aria-invalid')).toBe('true');
    await rules.fill('[{ "teamId": ');
    await page.click('[data-testid=routing-save]');
    await page.locator('[data-testid=routing-errors] li', { hasText: 'Team rules are not valid JSON' }).waitFor();
    await rules.fill(`[{ "keywords": ["возврат"], "teamId": ${team.id} }]`);
    await page.fill('[data-testid=routing-reassign]', '');
    await page.click('[data-testid=routing-save]');
    await page.locator('[data-testid=toast]', { hasText: 'Routing saved.' }).waitFor();
    expect((await admin.get('/api/settings/routing')).settings).toMatchObject({ teamRules: [{ keywords: ['возврат'], teamId: team.id }], reassignAfterMinutes: null });

    // The team's manual-pick mode.
    await page.selectOption(`[data-testid=routing-teams] tr[data-team-id="${team.id}"] [data-testid=team-mode]`, 'manual');
    await page.locator('[data-testid=toast]', { hasText: 'Returns: agents now pick from the queue.' }).waitFor();
    expect((await admin.get('/api/console/teams')).teams.find((t: { id: number }) => t.id === team.id).assignmentMode).toBe('manual');
    await page.locator('[data-testid=admin-sla]').evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'console-admin-sla-routing.png');
    await page.locator('#page .page').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'console-admin-hours.png');
    expect(errors).toEqual([]);
  });

  it('shows none of it to a plain agent', async () => {
    const agent = await newAgent(admin, asTestServer(), 'Olga');
    const tab = await tabWithSession(browser, server.url, agent.api.cookie);
    tabs.push(tab);
    const { page } = tab;
    expect(await page.locator('.topbar nav a').allTextContents()).toEqual(['Inbox', 'Canned responses', 'Knowledge base', 'Reports']);
    const response = await page.goto(`${server.url}/console/admin#webhooks`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('[data-admin-tab], [data-testid=admin-webhooks], [data-testid=admin-tokens], [data-testid=admin-routing]').count()).toBe(0);
    const statuses = await page.evaluate(async () =>
      Promise.all(
        ['/api/webhooks', '/api/tokens', '/api/webhooks/events'].map(async (p) => (await fetch(p)).status).concat(
          fetch('/api/settings/business-hours', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status),
        ),
      ),
    );
    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(tab.errors).toEqual([]);
  });

  // Last: it moves the server's clock forward.
  it('counts down the SLA of a queued urgent conversation live: amber at the warning, red with "overdue" at the breach', async () => {
    const { page, errors } = await adminTab('/console');
    await page.locator('.views [data-view=queue].active').waitFor();
    const urgent = await customer(asTestServer(), 'Вера Срочная').say('Срочно! Позовите оператора, деньги списали дважды');
    const bot = await customer(asTestServer(), 'Просто вопрос').say('Здравствуйте, сколько идёт доставка?');
    const queuedAt = (
      await waitFor(async () => {
        const c = await server.chatbridge.store.getConversation(urgent);
        return c?.status === 'queued' && c.priority === 'urgent' ? c : null;
      }, 'the urgent hand-off')
    ).queuedAt!;
    /** Moves the server's clock to `minutes` after the hand-off. */
    const serverClockAt = (minutes: number) => (clock.shift = queuedAt + minutes * 60_000 - Date.now());

    // In the queue: an hour for the first response (urgent: 60 min, round the clock).
    const row = page.locator(`.conversation-list [data-conversation-id="${urgent}"]`);
    const rowSla = row.locator('[data-testid=sla]');
    await rowSla.waitFor();
    expect(await rowSla.getAttribute('data-level')).toBe('running');
    expect(await rowSla.textContent()).toMatch(/^(59|60) min left$/);
    // No SLA runs while the bot has it: nothing shown.
    await page.locator(`.conversation-list [data-conversation-id="${bot}"]`).waitFor();
    expect(await page.locator(`.conversation-list [data-conversation-id="${bot}"] [data-testid=sla]`).count()).toBe(0);

    await row.click();
    const headSla = page.locator('.pane-head [data-testid=sla]');
    await headSla.waitFor();
    expect(await headSla.textContent()).toMatch(/^First response: (59|60) min left$/);

    // 50 minutes on: the monitor warns (15 min before), the countdown turns amber at once.
    serverClockAt(50);
    const warned = await server.chatbridge.operations.monitor.check();
    expect(warned.map((a) => [a.conversationId, a.kind, a.metric])).toContainEqual([urgent, 'warning', 'first_response']);
    await row.locator('[data-testid=sla][data-level=warning]').waitFor();
    expect(await rowSla.textContent()).toBe('10 min left');
    await page.locator('.pane-head [data-testid=sla][data-level=warning]').waitFor();
    expect(await headSla.textContent()).toBe('First response: 10 min left');
    // Polled: a live update may re-render the row between finding the pill and reading its style.
    await expect.poll(() => colours(rowSla)).toEqual({ background: 'rgb(253, 240, 213)', color: 'rgb(138, 90, 0)' });

    // 65 minutes on: breached; red, "overdue 5 min", in the list and the header.
    serverClockAt(65);
    const breached = await server.chatbridge.operations.monitor.check();
    expect(breached.map((a) => [a.conversationId, a.kind])).toContainEqual([urgent, 'breached']);
    await row.locator('[data-testid=sla][data-level=breached]').waitFor();
    await page.locator('.pane-head [data-testid=sla][data-level=breached]').waitFor();
    expect(await rowSla.textContent()).toBe('overdue 5 min');
    expect(await headSla.textContent()).toBe('First response: overdue 5 min');
    await expect.poll(() => colours(rowSla)).toEqual({ background: 'rgb(197, 48, 48)', color: 'rgb(255, 255, 255)' });
    // The thread notes both alerts once reopened.
    await page.click(`.conversation-list [data-conversation-id="${bot}"]`);
    await row.click();
    await page.locator('.thread .event', { hasText: 'SLA breached: first response was due' }).waitFor();
    await screenshot(page, 'console-sla.png');
    expect(errors).toEqual([]);
    clock.shift = 0;
  });
});

async function colours(locator: import('playwright-core').Locator): Promise<{ background: string; color: string }> {
  return locator.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));
}

/** A screenshot in tests/artifacts, without the toasts of earlier steps covering the page. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('tests/artifacts', { recursive: true });
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.screenshot({ path: `tests/artifacts/${name}` });
}
