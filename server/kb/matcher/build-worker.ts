/**
 * Worker-thread entry: builds a matcher from `workerData` ({ entries, options }) and posts its state back, so the
 * main thread keeps serving while a knowledge base of hundreds of phrasings takes seconds to build.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { KbEntry } from '../types.js';
import { buildMatcher, matcherState, type MatcherOptions } from './index.js';

const { entries, options } = workerData as { entries: KbEntry[]; options: MatcherOptions };
try {
  parentPort!.postMessage({ ok: true, state: matcherState(buildMatcher(entries, options)) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
