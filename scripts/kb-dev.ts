/**
 * Matcher experiments without touching a test split: carves a dev split out of a dataset's training file and
 * reports top-1 on it, so that a change can be judged before `npm run kb:eval` measures it on test once.
 *
 *   npm run kb:dev -- --dataset DIR [--train F] [--hold N] [--shots N] [--split-seed S] [--options JSON]
 *
 * --hold N        rows per label held out of train as dev (default 10; at least 3 rows per label stay in train)
 * --shots N       then keep N training rows per label (few-shot experiments)
 * --split-seed S  which rows are held out (default 5); compare a change over several seeds: one seed's
 *                 difference of under a point is usually noise
 * --options JSON  MatcherOptions for buildMatcher, e.g. '{"features":{"charMax":6},"knnWeight":2}'
 *
 * The matcher is built without its cross-validated calibration (faster); top-1 does not depend on it, except through
 * the nearest-phrasing weight, which the build then takes from the options (default 0 without calibration).
 * @module
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildMatcher, type MatcherOptions } from '../server/kb/matcher/index.js';
import { entriesFromRows, sampleShots, type LabeledRow } from './kb-eval.js';

interface DevOptions {
  dataset: string;
  train: string;
  hold: number;
  shots?: number;
  splitSeed: number;
  matcher: MatcherOptions;
}

function parseArgs(argv: string[]): DevOptions {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dataset = get('--dataset');
  if (!dataset) throw new Error('usage: npm run kb:dev -- --dataset DIR [--train F] [--hold N] [--shots N] [--split-seed S] [--options JSON]');
  const int = (flag: string, fallback: number | undefined): number | undefined => {
    const v = get(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${v}"`);
    return n;
  };
  const optionsText = get('--options');
  return {
    dataset,
    train: get('--train') ?? 'train.json',
    hold: int('--hold', 10)!,
    shots: int('--shots', undefined),
    splitSeed: int('--split-seed', 5)!,
    matcher: optionsText ? (JSON.parse(optionsText) as MatcherOptions) : {},
  };
}

/** Holds `hold` rows of every label out (seeded), keeping at least `minKeep` in train; `oos` rows stay in train. */
export function devSplit(rows: LabeledRow[], hold: number, seed: number, minKeep = 3): { train: LabeledRow[]; dev: LabeledRow[] } {
  const shuffled = sampleShots(rows, Number.MAX_SAFE_INTEGER, seed); // every row, each label's rows shuffled
  const byLabel = new Map<string, LabeledRow[]>();
  for (const r of shuffled) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const train: LabeledRow[] = [];
  const dev: LabeledRow[] = [];
  for (const [label, list] of byLabel) {
    const n = label === 'oos' ? 0 : Math.min(hold, Math.max(0, list.length - minKeep));
    dev.push(...list.slice(0, n));
    train.push(...list.slice(n));
  }
  return { train, dev };
}

export async function runDev(o: DevOptions): Promise<{ top1: number; dev: number; entries: number; buildMs: number }> {
  const rows = JSON.parse(await readFile(path.join(o.dataset, o.train), 'utf8')) as LabeledRow[];
  const split = devSplit(rows, o.hold, o.splitSeed);
  const train = o.shots ? sampleShots(split.train, o.shots, 42) : split.train;
  const entries = entriesFromRows(train);
  const known = new Set(entries.map((e) => e.id));
  const dev = split.dev.filter((r) => known.has(r.label));
  const t0 = performance.now();
  const m = buildMatcher(entries, { calibrate: false, ...o.matcher });
  const buildMs = performance.now() - t0;
  let right = 0;
  for (const r of dev) if (m.match(r.text, { limit: 1 }).ranked[0]?.entryId === r.label) right++;
  return { top1: dev.length ? right / dev.length : 0, dev: dev.length, entries: entries.length, buildMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const o = parseArgs(process.argv.slice(2));
    const r = await runDev(o);
    console.log(
      `${path.basename(o.dataset)} hold ${o.hold}${o.shots ? ` shots ${o.shots}` : ''} split-seed ${o.splitSeed} ${JSON.stringify(o.matcher)}: ` +
        `top-1 ${(100 * r.top1).toFixed(2)}% on ${r.dev} dev messages, ${r.entries} entries, build ${(r.buildMs / 1000).toFixed(1)} s`,
    );
  } catch (e) {
    console.error(`kb-dev: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
