/**
 * Headless Chromium for the console tests (playwright-core, the system's /usr/bin/chromium):
 * one browser per file, a fresh context per agent, and signing in through the real form.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/server.js';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
}

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  /** Browser-side errors (uncaught exceptions, console.error), to assert there were none. */
  errors: string[];
}

/** A new context (its own cookies), on /console, signed in through the form. */
export async function signedInTab(browser: Browser, url: string, email = ADMIN_EMAIL, password = ADMIN_PASSWORD, path = '/console'): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
  await page.goto(`${url}${path}`);
  await page.fill('form#login input[name=email]', email);
  await page.fill('form#login input[name=password]', password);
  await page.click('form#login button[type=submit]');
  await page.waitForSelector('.topbar');
  return { context, page, errors };
}

/** A new context already signed in through a session cookie (for tests about something else than signing in). */
export async function tabWithSession(browser: Browser, url: string, cookie: string, path = '/console'): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
  await page.goto(`${url}${path}`);
  await page.waitForSelector('.topbar');
  return { context, page, errors };
}
