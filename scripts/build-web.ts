/**
 * Bundles the browser code with esbuild into public/build (served at /assets and /widget.js).
 * `npm run build:web`; `-- --report` prints each bundle's raw and gzipped size.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const outdir = path.resolve('public/build');
mkdirSync(outdir, { recursive: true });

/** entry → output name. An entry that does not exist yet is skipped. */
const bundles: [string, string][] = [
  ['widget/src/index.ts', 'widget.js'],
  // socket.io-client for the widget, loaded only when a conversation needs it.
  ['widget/src/socket-entry.ts', 'widget-socket.js'],
  ['console/src/main.ts', 'console.js'],
  ['console/kb/src/main.ts', 'kb.js'],
  ['console/reports/src/main.ts', 'reports.js'],
];

for (const [entry, out] of bundles) {
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: [entry],
    outfile: path.join(outdir, out),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (process.argv.includes('--report')) {
    const bytes = readFileSync(path.join(outdir, out));
    console.log(`${out}: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KB gzipped`);
  }
}

if (process.argv.includes('--report') && existsSync(path.join(outdir, 'widget-socket.js'))) {
  // What a page with an open chat downloads: the widget plus its lazily loaded socket client.
  const gz = (f: string) => gzipSync(readFileSync(path.join(outdir, f)), { level: 9 }).length;
  console.log(`widget.js + widget-socket.js: ${((gz('widget.js') + gz('widget-socket.js')) / 1024).toFixed(1)} KB gzipped`);
}
