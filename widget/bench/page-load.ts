/**
 * What the widget costs a shop page: the same page loaded N times in headless Chromium without the
 * widget, with it (closed, as most visitors see it), and opened, measuring the load event, the main
 * thread's script time and the bytes transferred.
 *
 *   npx tsx widget/bench/page-load.ts [-- --runs 15]
 */
import type { CDPSession, Page } from 'playwright-core';
import { startTestServer } from '../../tests/helpers/server.js';
import { buildWidget, launchBrowser, shopHtml, startPageServer } from '../../tests/widget/browser.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const BODY = `<h1>Lumi</h1>${'<article><h2>Серьги</h2><p>Серебро 925, 3 490 ₽</p></article>'.repeat(40)}`;

interface Sample {
  domReadyMs: number;
  paintMs: number;
  loadMs: number;
  scriptMs: number;
  bytes: number;
}

async function metrics(page: Page, cdp: CDPSession, bytes: number): Promise<Sample> {
  const { metrics: m } = await cdp.send('Performance.getMetrics');
  const script = m.find((x) => x.name === 'ScriptDuration')?.value ?? 0;
  const nav = await page.evaluate(() => {
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { domReady: entry!.domContentLoadedEventEnd, load: entry!.loadEventEnd, paint: paint?.startTime ?? NaN };
  });
  return { domReadyMs: nav.domReady, paintMs: nav.paint, loadMs: nav.load, scriptMs: script * 1000, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await startTestServer();
const site = await startPageServer();
await buildWidget();
const browser = await launchBrowser();
site.page('/plain', `<!doctype html><html><head><meta charset="utf-8"></head><body>${BODY}</body></html>`);
site.page('/widget', shopHtml(server.url, { body: BODY }));

const results: Record<string, Sample[]> = { 'no widget': [], 'widget, closed': [], 'widget, opened': [] };
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(results)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('Network.enable');
    // Bytes on the wire (compressed where the server compressed), HTTP only: the socket's frames are not counted.
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
    await page.goto(`${site.url}${name === 'no widget' ? '/plain' : '/widget'}`, { waitUntil: 'load' });
    if (name === 'widget, closed') await page.locator('chatbridge-widget [data-testid=launcher]').waitFor();
    if (name === 'widget, opened') {
      await page.locator('chatbridge-widget [data-testid=launcher]').click();
      await page.locator('chatbridge-widget .replies button').first().waitFor();
    }
    results[name]!.push(await metrics(page, cdp, bytes));
    await context.close();
  }
}

console.log(`median of ${runs} runs (headless Chromium, loopback, cold cache each run)`);
console.log('case             DOM ready   first paint   load event   main-thread script   bytes over HTTP');
const col = (samples: Sample[], key: keyof Sample, digits = 0) => median(samples.map((x) => x[key])).toFixed(digits);
for (const [name, samples] of Object.entries(results)) {
  console.log(
    `${name.padEnd(16)} ${col(samples, 'domReadyMs').padStart(6)} ms ${col(samples, 'paintMs').padStart(9)} ms ${col(samples, 'loadMs').padStart(8)} ms ${col(samples, 'scriptMs', 1).padStart(14)} ms ${(median(samples.map((x) => x.bytes)) / 1024).toFixed(1).padStart(12)} KB`,
  );
}
await browser.close();
await site.close();
await server.stop();
