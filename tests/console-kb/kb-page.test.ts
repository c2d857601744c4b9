import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKbFile } from '../../server/kb/format.js';
import { connectAgent, connectVisitor, signIn } from '../helpers/clients.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { askBot, signInPlainAgent, SMALL_KB, waitForOpenMisses } from '../server/kb-management/helpers.js';
import { buildKbBundle, launchBrowser, signedInContext } from './browser.js';

describe('the knowledge base page in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let adminCookie: string;

  beforeAll(async () => {
    await buildKbBundle();
    [server, browser] = await Promise.all([startTestServer({ env: { KB_PATH: SMALL_KB } }), launchBrowser()]);
    adminCookie = await signIn(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const status = (page: Page) => page.locator('#kb-status');

  it('signs in, shows errors next to the fields, creates an entry, and the bot answers it at once', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/console/kb`);

    await page.locator('form#login').waitFor();
    await page.fill('input[name=email]', ADMIN_EMAIL);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('form#login button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toBe('Wrong email or password.');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('form#login button[type=submit]');
    await page.locator('#kb-list tr[data-entry-id="delivery-time"]').waitFor();
    expect(await page.locator('#kb-list tr').count()).toBe(11);
    expect(await page.textContent('#who')).toBe('Admin (admin)');

    await page.click('[data-testid=kb-new]');
    await page.fill('input[name=id]', 'nose piercing');
    await page.fill('input[name="questions[0]"]', 'Продаёте пирсинг для носа?');
    await page.click('[data-action=add-question]');
    await page.fill('textarea[name="answer.ru"]', 'Да, пирсинг для носа из титана есть в разделе «Пирсинг».');
    await page.click('[data-testid=entry-save]');

    const idError = page.locator('.field-error[data-error-for="id"]');
    await expect.poll(() => idError.textContent()).toMatch(/may only contain Latin letters/);
    expect(await page.locator('.field-error[data-error-for="questions[1]"]').textContent()).toMatch(/question #2 is empty/);
    expect(await page.getAttribute('input[name=id]', 'aria-invalid')).toBe('true');
    expect(await status(page).textContent()).toMatch(/Not created/);
    expect(await server.chatbridge.store.getKbEntry('nose-piercing')).toBeNull();

    await page.fill('input[name=id]', 'nose-piercing');
    await page.locator('.question-row').nth(1).locator('button').click();
    await page.fill('input[name=tags]', 'piercing, nose');
    await page.click('[data-testid=entry-save]');
    await expect.poll(() => status(page).textContent()).toBe('Created "nose-piercing". The bot answers with it from now on.');
    await page.locator('#kb-list tr[data-entry-id="nose-piercing"]').waitFor();
    expect(await server.chatbridge.store.getKbEntry('nose-piercing')).toEqual({
      id: 'nose-piercing',
      tags: ['piercing', 'nose'],
      questions: ['Продаёте пирсинг для носа?'],
      answer: { ru: 'Да, пирсинг для носа из титана есть в разделе «Пирсинг».' },
    });

    // The bot answers it at once, through a website visitor.
    expect((await askBot(server, 'Продаёте пирсинг для носа?')).reply).toContain('Да, пирсинг для носа из титана есть');

    // Search narrows the list; word forms count.
    await page.fill('[data-testid=kb-search]', 'пирсинга');
    await expect.poll(() => page.locator('#kb-list tr').count()).toBe(1);
    await page.fill('[data-testid=kb-search]', '');
    await expect.poll(() => page.locator('#kb-list tr').count()).toBe(12);

    // Edit the answer, then delete the entry: the bot follows both at once.
    await page.click('#kb-list tr[data-entry-id="nose-piercing"]');
    expect(await page.getAttribute('input[name=id]', 'readonly')).not.toBeNull();
    await page.fill('textarea[name="answer.ru"]', 'Пирсинг для носа закончился, ждём поставку в мае.');
    await page.click('[data-testid=entry-save]');
    await expect.poll(() => status(page).textContent()).toMatch(/^Saved "nose-piercing"/);
    expect((await askBot(server, 'Продаёте пирсинг для носа?')).reply).toContain('ждём поставку в мае');
    await page.click('#kb-list tr[data-entry-id="nose-piercing"]');
    await page.click('[data-testid=entry-delete]');
    await page.click('[data-testid=entry-delete-confirm]');
    await expect.poll(() => status(page).textContent()).toMatch(/^Deleted "nose-piercing"/);
    await expect.poll(() => page.locator('#kb-list tr[data-entry-id="nose-piercing"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('attaches a gap message as a phrasing of an entry, and the bot then answers it', async () => {
    const partnersAnswer = 'Напишите нам на partners@lumi.example';
    const before = (await server.chatbridge.store.countMisses()).open;
    // Words the knowledge base does not have yet. The later text leads the group (same count, newer).
    expect((await askBot(server, 'возможен бартер с блогерами')).reply).not.toContain(partnersAnswer);
    await askBot(server, 'Бартер с блогерами возможен?');
    await askBot(server, 'фывапролд');
    await waitForOpenMisses(server, before + 3);

    const context = await signedInContext(browser, server.url, adminCookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/kb#gaps`);
    // The label is whichever of the two texts came last: match the group by its words.
    const gap = page.locator('article.gap', { hasText: /блогерами/i });
    await gap.waitFor();
    expect(await gap.locator('[data-testid=gap-count]').textContent()).toBe('×2');
    expect(await gap.locator('[data-testid=gap-example]').count()).toBe(2);

    // An entry id that does not exist is caught before anything is sent.
    await gap.locator('input[name=entryId]').fill('no-such-entry');
    await gap.locator('[data-action=attach]').click();
    expect(await gap.locator('.field-error').textContent()).toBe('There is no entry "no-such-entry"; pick one from the list, or create an entry.');

    // The matcher's closest entry is a hint; the agent picks the one that answers it, ticks both texts and
    // tidies the second one up first.
    expect(await gap.locator('[data-testid=gap-suggestion]').textContent()).toMatch(/^Closest entry: \S+ — “.+” \(\d+% sure\)$/);
    await gap.locator('input[name=entryId]').fill('partnership');
    await gap.locator('input[type=checkbox]').nth(1).check();
    const second = gap.locator('[data-testid=gap-example]').nth(1);
    expect(await second.inputValue()).toBe('возможен бартер с блогерами');
    await second.fill('Возможен бартер с блогерами?');
    await gap.locator('[data-action=attach]').click();
    await expect.poll(() => status(page).textContent()).toMatch(/^Added 2 phrasings to "partnership"/);
    await expect.poll(() => page.locator('article.gap', { hasText: /блогерами/i }).count()).toBe(0);
    expect(await page.locator('article.gap', { hasText: 'фывапролд' }).count()).toBe(1);

    expect((await askBot(server, 'Бартер с блогерами возможен?')).reply).toContain(partnersAnswer);
    expect((await askBot(server, 'Возможен бартер с блогерами?')).reply).toContain(partnersAnswer);
    expect((await server.chatbridge.store.getKbEntry('partnership'))!.questions.slice(-2).sort()).toEqual(['Бартер с блогерами возможен?', 'Возможен бартер с блогерами?'].sort());

    // Noise is dismissed.
    await page.locator('article.gap', { hasText: 'фывапролд' }).locator('[data-action=dismiss]').click();
    await expect.poll(() => page.locator('article.gap', { hasText: 'фывапролд' }).count()).toBe(0);
    await context.close();
  });

  it('creates an entry from a gap, prefilled with its messages', async () => {
    const before = (await server.chatbridge.store.countMisses()).open;
    await askBot(server, 'Делаете гравировку?');
    await askBot(server, 'гравировку делаете?');
    await waitForOpenMisses(server, before + 2);
    const context = await signedInContext(browser, server.url, adminCookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/kb#gaps`);
    const gap = page.locator('article.gap', { hasText: 'гравировку' });
    await gap.waitFor();
    // Tick both texts, then create an entry from them.
    await gap.locator('input[type=checkbox]').nth(1).check();
    await gap.locator('[data-action=create]').click();
    expect(await page.inputValue('input[name="questions[0]"]')).toMatch(/гравировку/);
    expect(await page.inputValue('input[name="questions[1]"]')).toMatch(/гравировку/);
    expect(await page.textContent('#entry-form')).toContain('From a gap of 2 missed messages');
    await page.fill('input[name=id]', 'engraving');
    await page.fill('textarea[name="answer.ru"]', 'Гравировку делаем бесплатно, до 10 букв.');
    await page.click('[data-testid=entry-save]');
    await expect.poll(() => status(page).textContent()).toBe('Created "engraving". The bot answers with it from now on.');
    expect((await askBot(server, 'Делаете гравировку?')).reply).toContain('Гравировку делаем бесплатно');
    await page.click('[data-tab=gaps]');
    await expect.poll(() => page.locator('article.gap', { hasText: 'гравировку' }).count()).toBe(0);
    await context.close();
  });

  it('previews an import with its errors, imports a valid file, and exports a download that reads back', async () => {
    const context = await signedInContext(browser, server.url, adminCookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/kb#transfer`);
    const file = page.locator('input[name=file]');

    await file.setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from('- id: showroom\n  questions: [""]\n- id: showroom\n  answer: x\n') });
    await page.click('[data-testid=import-check]');
    await page.locator('.import-error').first().waitFor();
    const errors = await page.locator('.import-error').allTextContents();
    expect(errors).toEqual([
      expect.stringMatching(/^Entry #1 \(showroom\) · questions\[0\]: .*is empty/),
      expect.stringMatching(/^Entry #1 \(showroom\) · answer: .*has no answer/),
      expect.stringMatching(/^Entry #2 \(showroom\) · id: .*duplicate id/),
      expect.stringMatching(/^Entry #2 \(showroom\) · questions: .*has no questions/),
    ]);
    expect(await page.isDisabled('[data-testid=import-apply]')).toBe(true);

    const csv = 'id,topic,tags,question,answer_ru,answer_en\nshowroom,contacts,,Где ваш шоурум?,"Шоурум: Москва, Тверская, 7.",Showroom: 7 Tverskaya St.\nshowroom,,,Where is your showroom?,,\n';
    await file.setInputFiles({ name: 'showroom.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('[data-testid=import-check]');
    await expect.poll(() => page.textContent('[data-testid=import-created]')).toBe('New: 1 showroom');
    expect(await server.chatbridge.store.getKbEntry('showroom')).toBeNull();
    await page.click('[data-testid=import-apply]');
    await expect.poll(() => status(page).textContent()).toMatch(/^Imported 1 entry: 1 new/);
    expect((await askBot(server, 'Где ваш шоурум?')).reply).toContain('Тверская, 7');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-yaml]')]);
    expect(download.suggestedFilename()).toMatch(/^knowledge-base-\d{4}-\d{2}-\d{2}\.yaml$/);
    const exported = parseKbFile(await readFile((await download.path())!, 'utf8'), 'yaml');
    expect(exported).toEqual(await server.chatbridge.store.listKbEntries());
    expect(exported.map((e) => e.id)).toContain('showroom');
    await context.close();
  });

  it("a plain agent sees entries read-only and accepts a phrasing proposed from an agent's KB answer", async () => {
    const agentCookie = await signInPlainAgent(server);
    const agent = await connectAgent(server.url, agentCookie);
    const visitor = await connectVisitor(server.url);
    const asked = await visitor.send('серьги потемнели, что делать?');
    await visitor.waitForMessage((m) => m.author.type === 'bot', "the bot's reply");
    const sent = await agent.call('message:send', { conversationId: asked.conversationId, text: 'Серьги из серебра 925 пробы с позолотой.', kbEntryId: 'materials' });
    expect(sent.ok).toBe(true);
    await waitFor(async () => (await server.chatbridge.store.countMisses()).proposed === 1, 'the proposal');

    const context = await signedInContext(browser, server.url, agentCookie);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/kb`);
    await page.locator('#kb-list tr[data-entry-id="materials"]').waitFor();
    expect(await page.isVisible('[data-testid=kb-new]')).toBe(false);
    await page.click('#kb-list tr[data-entry-id="materials"]');
    expect(await page.isDisabled('textarea[name="answer.ru"]')).toBe(true);
    expect(await page.locator('[data-testid=entry-save]').count()).toBe(0);

    await page.click('[data-tab=proposals]');
    const proposal = page.locator('article.proposal').first();
    await proposal.waitFor();
    expect(await proposal.locator('[data-testid=proposal-text]').inputValue()).toBe('серьги потемнели, что делать?');
    expect(await proposal.textContent()).toContain('entry materials');
    await proposal.locator('[data-testid=proposal-text]').fill('Серьги потемнели — что делать?');
    await proposal.locator('[data-action=accept]').click();
    await expect.poll(() => status(page).textContent()).toBe('Added “Серьги потемнели — что делать?” to "materials".');
    await expect.poll(() => page.locator('article.proposal').count()).toBe(0);
    expect((await askBot(server, 'Серьги потемнели — что делать?')).reply).toContain('Серьги из серебра 925 пробы с позолотой.');
    agent.close();
    visitor.close();
    await context.close();
  });
});
