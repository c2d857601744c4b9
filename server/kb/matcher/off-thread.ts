/**
 * Builds a matcher in a worker thread. Building cross-validates the whole knowledge base and trains two models per
 * fold (seconds for the default KB); in the server's own thread that would stall every conversation meanwhile.
 * Small knowledge bases build faster than a worker starts, so they are built in place; if the worker cannot start or
 * fails, the matcher is built in place as well (slower for the others, never lost).
 * @module
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KbEntry } from '../types.js';
import { buildMatcher, matcherFromState, type BuiltMatcher, type MatcherOptions, type MatcherState } from './index.js';

/** Knowledge bases with fewer phrasings than this are built in place (well under a second). */
export const OFF_THREAD_MIN_PHRASINGS = 150;

export interface OffThreadOptions {
  /** Called when the worker failed and the matcher was built in place instead. */
  onFallback?: (error: Error) => void;
  /** Phrasings from which a worker is used (default {@link OFF_THREAD_MIN_PHRASINGS}; 0 = always). */
  minPhrasings?: number;
  /** The worker script (tests give a broken one to see the fallback). */
  workerUrl?: URL;
}

const here = fileURLToPath(import.meta.url);
const DEFAULT_WORKER_URL = new URL(`./build-worker${path.extname(here)}`, import.meta.url);

export async function buildMatcherOffThread(entries: KbEntry[], options: MatcherOptions = {}, o: OffThreadOptions = {}): Promise<BuiltMatcher> {
  const phrasings = entries.reduce((n, e) => n + (Array.isArray(e.questions) ? e.questions.length : 0), 0);
  if (phrasings < (o.minPhrasings ?? OFF_THREAD_MIN_PHRASINGS)) return buildMatcher(entries, options);
  try {
    return matcherFromState(await runWorker(o.workerUrl ?? DEFAULT_WORKER_URL, entries, options));
  } catch (e) {
    o.onFallback?.(e instanceof Error ? e : new Error(String(e)));
    return buildMatcher(entries, options);
  }
}

/** File URL of tsx's ESM API, resolved from this module (not from wherever the process was started). */
function tsxApi(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

function runWorker(url: URL, entries: KbEntry[], options: MatcherOptions): Promise<MatcherState> {
  return new Promise((resolve, reject) => {
    const worker = url.pathname.endsWith('.ts')
      ? // TypeScript sources (npm start, tests): the worker registers tsx's loader before it imports the script
        new Worker(`import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, {
          eval: true,
          workerData: { entries, options },
        })
      : new Worker(url, { workerData: { entries, options } });
    worker.unref(); // a build in flight does not hold a stopping server open (the KB is in the store; nothing is lost)
    // a promise settles once: whichever of these comes first decides, the later ones are no-ops
    worker.once('message', (msg: { ok: true; state: MatcherState } | { ok: false; error: string }) => {
      if (msg.ok) resolve(msg.state);
      else reject(new Error(`matcher build failed in the worker: ${msg.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the matcher worker exited with code ${code} before it finished`)));
  });
}
