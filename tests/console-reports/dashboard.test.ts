/**
 * The reports dashboard (/console/reports) in headless Chromium against the real server, over the known week of
 * history in tests/server/reports/history.ts (every figure is worked out by hand in tests/server/reports/reports.test.ts):
 * what a person sees for the standards, key figures, charts, agent load and gaps; the filters; CSV downloads; who may
 * open the page. Saves a screenshot to tests/artifacts/reports-dashboard.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/clients.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launch, signedInTab } from '../console/browser.js';
import type { History } from '../server/reports/history.js';
import { AGENT_EMAIL, AGENT_PASSWORD, buildReportsBundle, seedReports } from './helpers.js';

const WEEK = 'from=2025-05-05&to=2025-05-11';

/** Waits until the page shows the report for exactly this query (or its error, with `state: 'error'`). */
async function shown(page: Page, query: string, state: 'ready' | 'error' = 'ready'): Promise<void> {
  await page.waitForFunction(
    ([q, s]) => {
      const r = document.getElementById('report');
      return r?.dataset.state === s && r.dataset.query === q;
    },
    [query, state] as const,
    { timeout: 10_000 },
  );
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

/** Each standard card: id, met/missed/none, the verdict a person reads, the measured value and the goal. */
const standards = (page: Page) =>
  page.$$eval('[data-standard]', (cards) =>
    cards.map((c) => {
      const el = c as HTMLElement;
      const read = (sel: string) => el.querySelector(sel)?.textContent?.trim() ?? '';
      return [el.dataset.standard, el.dataset.met, read('[data-verdict]'), read('[data-value]'), read('[data-goal]')];
    }),
  );

/** A chart's bars: the label and the value drawn as text next to each one, and the data behind it. */
const chart = (page: Page, name: string) =>
  page.$$eval(`svg[data-chart="${name}"] g[data-label]`, (groups) =>
    groups.map((g) => ({
      name: (g as SVGGElement).dataset.label,
      value: Number((g as SVGGElement).dataset.value),
      label: g.querySelector('text.label')?.textContent ?? null,
      shown: g.querySelector('text.value')?.textContent ?? null,
      width: Number(g.querySelector('rect.bar')?.getAttribute('width')),
      height: Number(g.querySelector('rect.bar')?.getAttribute('height')),
    })),
  );

const metric = (page: Page, id: string, stat?: string) => text(page, stat ? `[data-metric="${id}"] [data-stat="${stat}"] dd` : `[data-metric="${id}"] [data-value]`);

describe('the reports dashboard in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let history: History;

  beforeAll(async () => {
    await buildReportsBundle();
    [server, browser] = await Promise.all([startTestServer(), launch()]);
    history = await seedReports(server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends a stranger to sign in and shows them no figures', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/console/reports?${WEEK}`);
    await page.locator('form#login').waitFor();
    expect(await page.locator('#app').isHidden()).toBe(true);
    expect(await page.locator('[data-standard]').count()).toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/reports?from=2025-05-05&to=2025-05-11')).status)).toBe(401);
    expect(await page.evaluate(async () => (await fetch('/api/reports/channels.csv')).status)).toBe(401);

    await page.fill('input[name=email]', ADMIN_EMAIL);
    await page.fill('input[name=password]', 'not the password');
    await page.click('form#login button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toBe('Wrong email or password.');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the seeded week to an admin: standards, figures, charts, agents, gaps; filters; CSV', async () => {
    const { page, context, errors } = await signedInTab(browser, server.url, ADMIN_EMAIL, ADMIN_PASSWORD, '/console/reports');

    // The default range is the last 7 days, which hold nothing: clear "no data" instead of charts.
    const today = new Date();
    const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const weekAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6);
    await shown(page, `from=${iso(weekAgo)}&to=${iso(today)}`);
    expect([await page.inputValue('#from'), await page.inputValue('#to')]).toEqual([iso(weekAgo), iso(today)]);
    expect(await page.getAttribute('[data-days="7"]', 'aria-pressed')).toBe('true');
    expect(await text(page, '[data-testid=no-data]')).toMatch(/^No data in this range/);
    expect(await page.locator('svg.chart').count()).toBe(0);
    expect(await page.locator('.empty', { hasText: 'No data in this range' }).count()).toBe(4); // channel, topic, hour, day
    expect((await standards(page)).map((s) => [s[1], s[2]])).toEqual(Array(4).fill(['none', '– No data']));
    expect(await metric(page, 'conversations')).toBe('0');

    // A bad range shows the API's own message.
    await page.fill('#to', '2025-05-11');
    await shown(page, `from=${iso(weekAgo)}&to=2025-05-11`, 'error');
    expect(await text(page, '#report-status[role=alert]')).toBe('from must be before to (the start of the range before its end)');
    expect(await page.locator('[data-standard]').count()).toBe(0);

    // The seeded week.
    await page.fill('#from', '2025-05-05');
    await shown(page, WEEK);
    expect(await page.locator('#report-status').isHidden()).toBe(true);
    expect(await text(page, '#range-label')).toBe('5 May 2025 – 11 May 2025 · UTC');
    expect(await page.locator('[data-testid=no-data]').count()).toBe(0);

    // With the default goals no standard is met: urgent within 60 min 2 of 3, FCR 4 of 7, urgent after hours 1 of 2, ratings 4–5 3 of 4.
    expect(await standards(page)).toEqual([
      ['urgent_first_response', 'missed', '✕ Not met', '66.7 %', 'goal ≥ 95 %'],
      ['first_contact_resolution', 'missed', '✕ Not met', '57.1 %', 'goal ≥ 80 %'],
      ['critical_24_7', 'missed', '✕ Not met', '50 %', 'goal ≥ 95 %'],
      ['csat', 'missed', '✕ Not met', '75 %', 'goal ≥ 90 %'],
    ]);
    expect(await text(page, '[data-standard=csat] .detail')).toBe('3 of 4 ratings are 4 or 5 (goal 90 %)');
    expect(await text(page, '[data-standard=urgent_first_response] h3')).toBe('First response within 60 min for urgent requests');

    // Key figures.
    expect(await metric(page, 'conversations')).toBe('9');
    expect(await metric(page, 'conversations', 'escalated')).toBe('7');
    expect(await metric(page, 'deflection')).toBe('11.1 %');
    expect(await metric(page, 'fcr')).toBe('57.1 %');
    expect(await metric(page, 'repeat')).toBe('22.2 %');
    expect(await metric(page, 'first-response', 'median')).toBe('15.5 min');
    expect(await metric(page, 'first-response', 'p90')).toBe('1 h 30 min');
    expect(await metric(page, 'resolution', 'median')).toBe('1 h 15 min');
    expect(await metric(page, 'resolution', 'p90')).toBe('3 h');
    expect(await metric(page, 'resolution', 'mttr')).toBe('1 h 27 min'); // 524/6 min
    expect(await metric(page, 'sla')).toBe('80 %');
    expect(await metric(page, 'sla', 'first-response')).toBe('71.4 % (5/7)');
    expect(await metric(page, 'sla', 'next-response')).toBe('100 % (1/1)');
    expect(await metric(page, 'sla', 'resolution')).toBe('85.7 % (6/7)');
    expect(await metric(page, 'csat')).toBe('4 / 5');
    expect(await metric(page, 'csat', 'satisfied')).toBe('75 %');
    expect(await metric(page, 'csat', 'response-rate')).toBe('66.7 % (4/6)');
    expect(await metric(page, 'csat', 'csi')).toBe('80 / 100');

    // Charts: bars with their labels and values written next to them, readable as images.
    const channels = await chart(page, 'channels');
    expect(channels.map((b) => [b.label, b.shown])).toEqual([['Website', '6'], ['Telegram', '2'], ['Discord', '1']]);
    expect(channels[0]!.width).toBeGreaterThan(channels[1]!.width);
    expect(channels[1]!.width).toBeGreaterThan(channels[2]!.width);
    expect(await page.getAttribute('svg[data-chart=channels]', 'role')).toBe('img');
    expect(await page.getAttribute('svg[data-chart=channels]', 'aria-label')).toBe('Conversations by channel: Website 6, Telegram 2, Discord 1 conversations');
    expect((await chart(page, 'topics')).map((b) => [b.label, b.shown])).toEqual([['delivery', '3'], ['returns', '3'], ['No topic', '2'], ['payment', '1']]);
    const hours = await chart(page, 'hours');
    expect(hours).toHaveLength(24);
    expect(Object.fromEntries(hours.filter((c) => c.value).map((c) => [c.name, c.shown]))).toEqual({ '03:00': '1', '09:00': '1', '10:00': '1', '11:00': '2', '12:00': '1', '14:00': '1', '20:00': '1', '22:00': '1' });
    expect(hours.find((c) => c.name === '11:00')!.height).toBeGreaterThan(hours.find((c) => c.name === '03:00')!.height);
    expect(hours.find((c) => c.name === '05:00')).toMatchObject({ value: 0, height: 0, shown: null });
    expect((await chart(page, 'days')).map((c) => [c.label, c.shown])).toEqual([['5 May', '3'], ['6 May', '1'], ['7 May', '1'], ['8 May', '1'], ['9 May', '1'], ['10 May', '1'], ['11 May', '1']]);
    expect((await chart(page, 'ratings')).map((b) => [b.label, b.value])).toEqual([['5 ★', 2], ['4 ★', 1], ['3 ★', 0], ['2 ★', 1], ['1 ★', 0]]);

    // Agent load and the unanswered questions, customer text shown as written (not run as a formula or markup).
    const agentRows = await page.$$eval('[data-section=agents] tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText.trim())));
    expect(agentRows.map((r) => r.slice(0, 4))).toEqual([['Anna', '4', '4', '2'], ['Boris', '2', '2', '1']]);
    const gaps = await page.$$eval('[data-section=gaps] tbody tr', (rows) => rows.map((r) => [...r.children].slice(0, 2).map((c) => (c as HTMLElement).innerText.trim())));
    expect(gaps).toEqual([['Можно ли оплатить криптовалютой?', '2'], ['=SUM(A1:A9) как оплатить?', '1'], ['Do you ship to Mars?', '1']]);

    // Each section links its CSV with the current range.
    const csv = await page.$$eval('a[data-csv]', (links) => links.map((a) => [(a as HTMLElement).dataset.csv, a.getAttribute('href')]));
    expect(csv).toEqual(['standards', 'summary', 'channels', 'topics', 'hours', 'days', 'agents', 'gaps'].map((s) => [s, `/api/reports/${s}.csv?${WEEK}`]));

    // An admin raises and lowers the goals: after a reload (the range stays in the address) some standards are met.
    const cookie = await signIn(server.url);
    const put = await fetch(`${server.url}/api/settings/standards`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ urgentFirstResponseShare: 0.6, firstContactResolutionShare: 0.5, csatShare: 0.75 }),
    });
    expect(put.status).toBe(200);
    await page.reload();
    await shown(page, WEEK);
    expect((await standards(page)).map((s) => [s[0], s[2], s[3], s[4]])).toEqual([
      ['urgent_first_response', '✓ Met', '66.7 %', 'goal ≥ 60 %'],
      ['first_contact_resolution', '✓ Met', '57.1 %', 'goal ≥ 50 %'],
      ['critical_24_7', '✕ Not met', '50 %', 'goal ≥ 95 %'],
      ['csat', '✓ Met', '75 %', 'goal ≥ 75 %'],
    ]);
    expect(await text(page, '[data-section=standards] .hint')).toBe('3 of 4 met');

    mkdirSync('tests/artifacts', { recursive: true });
    await page.screenshot({ path: 'tests/artifacts/reports-dashboard.png', fullPage: true });

    // Filters change the figures: Telegram only (C2, C5).
    await page.selectOption('#channel', 'telegram');
    await shown(page, `${WEEK}&channel=telegram`);
    expect(await metric(page, 'conversations')).toBe('2');
    expect(await metric(page, 'first-response', 'median')).toBe('15 min');
    expect((await chart(page, 'channels')).map((b) => [b.label, b.shown])).toEqual([['Telegram', '2']]);

    // The CSV link downloads CSV for what is shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-section=channels] a[data-csv]')]);
    expect(download.suggestedFilename()).toBe('chatbridge-channels-2025-05-05-2025-05-12.csv');
    expect(readFileSync(await download.path(), 'utf8')).toBe('channel,conversations\r\ntelegram,2\r\n');

    // Team Returns (C2, C9), then agent Boris (C3, C5).
    await page.selectOption('#channel', '');
    await page.selectOption('#team', String(history.teamId));
    await shown(page, `${WEEK}&teamId=${history.teamId}`);
    expect(await metric(page, 'conversations')).toBe('2');
    expect(await page.$$eval('[data-section=agents] tbody th', (th) => th.map((t) => t.textContent))).toEqual(['Anna']);
    await page.selectOption('#team', '');
    await page.selectOption('#agent', String(history.boris.id));
    await shown(page, `${WEEK}&agentId=${history.boris.id}`);
    expect(await metric(page, 'conversations')).toBe('2');
    expect(await metric(page, 'first-response', 'median')).toBe('25 min');
    expect(await metric(page, 'csat')).toBe('4 / 5');
    await page.click('#reset-filters');
    await shown(page, WEEK);
    expect(await metric(page, 'conversations')).toBe('9');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens for a plain agent, without the admin link', async () => {
    const { page, context, errors } = await signedInTab(browser, server.url, AGENT_EMAIL, AGENT_PASSWORD, `/console/reports?${WEEK}`);
    await shown(page, WEEK);
    expect(await text(page, '#me-role')).toBe('Agent');
    expect(await page.locator('nav a', { hasText: 'Admin' }).isHidden()).toBe(true);
    expect(await page.locator('[data-standard]').count()).toBe(4);
    expect(await metric(page, 'conversations')).toBe('9');
    expect(await page.locator('svg[data-chart=channels] g[data-label]').count()).toBe(3);
    expect(errors).toEqual([]);
    await context.close();
  });
});
