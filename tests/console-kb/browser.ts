/**
 * Headless Chromium for the knowledge-base page tests: one browser per test file, one context per test, and a
 * way to start a context already signed in (the session cookie from the REST sign-in).
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { BUILD_DIR } from '../../server/http/pages.js';

const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Bundles console/kb/src into public/build/kb.js as scripts/build-web.ts does, so the page under test always runs
 * the current source. Only this page's bundle, written atomically: other suites may be loading theirs.
 */
export async function buildKbBundle(): Promise<void> {
  const out = path.join(BUILD_DIR, 'kb.js');
  const tmp = `${out}.${process.pid}.tmp`;
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({ entryPoints: ['console/kb/src/main.ts'], outfile: tmp, bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', logLevel: 'warning' });
  renameSync(tmp, out);
}

/** A new context whose requests carry the given `cb_session=...` cookie. */
export async function signedInContext(browser: Browser, url: string, cookie: string): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true });
  // Fail within the test's own timeout, with Playwright's message saying what was awaited.
  context.setDefaultTimeout(10_000);
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url }]);
  return context;
}
