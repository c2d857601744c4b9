/**
 * Headless Chromium for the widget tests: one browser per test file, a fresh context per test,
 * the widget bundles rebuilt from the current source, and helpers that act on the widget the
 * way a visitor does (through its shadow root, which Playwright's CSS locators pierce).
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { BUILD_DIR } from '../../server/http/pages.js';

const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('tests/artifacts');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

async function bundle(entry: string, out: string): Promise<void> {
  // Written to a temporary file and renamed: a server in another suite may be serving the old one.
  const file = path.join(BUILD_DIR, out);
  const tmp = `${file}.${process.pid}.tmp`;
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({ entryPoints: [entry], outfile: tmp, bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', logLevel: 'warning' });
  renameSync(tmp, file);
}

/** Bundles widget.js and widget-socket.js as scripts/build-web.ts does, so the tests run the current source. */
export async function buildWidget(): Promise<void> {
  await bundle('widget/src/index.ts', 'widget.js');
  await bundle('widget/src/socket-entry.ts', 'widget-socket.js');
  // The console is another suite's; build it only when it is missing.
  if (!existsSync(path.join(BUILD_DIR, 'console.js')) && existsSync('console/src/main.ts')) await bundle('console/src/main.ts', 'console.js');
}

export function bundleSize(out: string): number {
  return statSync(path.join(BUILD_DIR, out)).size;
}

export async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  // Fail within the test's own timeout, with Playwright's message saying what was awaited.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Collects the page's uncaught errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** A minimal shop page embedding the widget from `serverUrl` with the given data attributes. */
export function shopHtml(serverUrl: string, opts: { attrs?: Record<string, string>; head?: string; body?: string; before?: string } = {}): string {
  const attrs = Object.entries(opts.attrs ?? {})
    .map(([k, v]) => ` data-${k}="${v.replace(/"/g, '&quot;')}"`)
    .join('');
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${opts.head ?? ''}</head>
<body>${opts.body ?? '<h1>Shop</h1>'}
<script>window.Chatbridge = window.Chatbridge || function () { (window.Chatbridge.q = window.Chatbridge.q || []).push(arguments); };</script>
${opts.before ?? ''}
<script async src="${serverUrl}/widget.js"${attrs}></script></body></html>`;
}

/** The widget on a page, driven like a visitor would. */
export class WidgetDriver {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.locator('chatbridge-widget');
  }
  get launcher(): Locator {
    return this.root.locator('[data-testid=launcher]');
  }
  get panel(): Locator {
    return this.root.locator('[data-testid=panel]');
  }
  get input(): Locator {
    return this.root.locator('[data-testid=input]');
  }
  get subtitle(): Locator {
    return this.root.locator('.subtitle');
  }
  get banner(): Locator {
    return this.root.locator('.banner');
  }
  /** Every bubble in the log (greeting included). */
  get messages(): Locator {
    return this.root.locator('.log .msg');
  }
  bubble(text: string | RegExp): Locator {
    return this.root.locator('.log .msg').filter({ has: this.page.locator('.bubble', { hasText: text }) });
  }
  chip(label: string | RegExp): Locator {
    return this.root.locator('.replies button', { hasText: label });
  }

  async open(): Promise<void> {
    await this.launcher.click();
    await this.panel.waitFor({ state: 'visible' });
  }

  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
  }

  /** The text of every bubble, without the screen-reader speaker prefix. */
  async texts(): Promise<string[]> {
    return this.root.locator('.log .msg .bubble').evaluateAll((els) =>
      els.map((el) => [...el.childNodes].filter((n) => !(n instanceof HTMLElement && n.classList.contains('sr'))).map((n) => n.textContent).join('')),
    );
  }
}

/** The visitor id behind the widget's stored token (anonymous visitors; null before the first connection). */
export function visitorIdOf(page: Page, serverUrl: string): Promise<string | null> {
  // The widget keys its storage by the chatbridge server, whatever the page's own origin.
  return page.evaluate((origin) => {
    const raw = localStorage.getItem(`chatbridge:v1:${origin}`);
    return raw ? ((JSON.parse(raw) as { token: string | null }).token?.split('.')[0] ?? null) : null;
  }, new URL(serverUrl).origin);
}

export interface PageServer {
  /** `http://127.0.0.1:PORT`: an origin of its own, like a shop's site. */
  url: string;
  /** Serves `html` at `path`. */
  page(path: string, html: string): void;
  close(): Promise<void>;
}

/**
 * A shop's website on another origin. Served for real on loopback: Chromium lets only a loopback
 * page load scripts from the loopback chatbridge server (Local Network Access).
 */
export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    page: (path, html) => void pages.set(path, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
