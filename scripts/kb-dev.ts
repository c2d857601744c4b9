/**
 * Matcher experiments without touching a test split: carves a dev split out of a dataset's training file and
 * reports top-1 on it, so that a change can be judged before `npm run kb:eval` measures it on test once.
 *
 *   npm run kb:dev -- --dataset DIR [--train F] [--hold N | --hold-share F] [--shots N] [--split-seed S[,S...]] [--options JSON]
 *
 * --hold N        rows per label held out of train as dev (default 10; at least 3 rows per label stay in train)
 * --hold-share F  instead, this share (0..1) of each label's rows: the dev split then has the label frequencies of
 *                 train, as the test files of imbalanced datasets (hwu64_ru) do, while --hold N weighs labels equally
 * --shots N       then keep N training rows per label (few-shot experiments)
 * --split-seed S  which rows are held out (default 5); compare a change over several seeds ("5,6,7,8" runs each
 *                 and prints the mean): one seed's difference of under a point is usually noise
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
  /** Share of each label's rows held out, instead of `hold` rows. */
  holdShare?: number;
  shots?: number;
  splitSeeds: number[];
  matcher: MatcherOptions;
}

function parseArgs(argv: string[]): DevOptions {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dataset = get('--dataset');
  if (!dataset) {
    throw new Error('usage: npm run kb:dev -- --dataset DIR [--train F] [--hold N | --hold-share F] [--shots N] [--split-seed S[,S...]] [--options JSON]');
  }
  const int = (flag: string, fallback: number | undefined): number | undefined => {
    const v = get(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${v}"`);
    return n;
  };
  const optionsText = get('--options');
  const shareText = get('--hold-share');
  const holdShare = shareText === undefined ? undefined : Number(shareText);
  if (holdShare !== undefined && !(holdShare > 0 && holdShare < 1)) throw new Error(`--hold-share must be between 0 and 1, got "${shareText}"`);
  const seedsText = get('--split-seed') ?? '5';
  const splitSeeds = seedsText.split(',').map(Number);
  if (splitSeeds.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--split-seed must be non-negative integers separated by commas, got "${seedsText}"`);
  return {
    dataset,
    train: get('--train') ?? 'train.json',
    hold: int('--hold', 10)!,
    holdShare,
    shots: int('--shots', undefined),
    splitSeeds,
    matcher: optionsText ? (JSON.parse(optionsText) as MatcherOptions) : {},
  };
}

/**
 * Holds `hold` rows of every label out (seeded), or `holdShare` of each label's rows when given, keeping at least
 * `minKeep` in train; `oos` rows stay in train.
 */
export function devSplit(rows: LabeledRow[], hold: number, seed: number, minKeep = 3, holdShare?: number): { train: LabeledRow[]; dev: LabeledRow[] } {
  const shuffled = sampleShots(rows, Number.MAX_SAFE_INTEGER, seed); // every row, each label's rows shuffled
  const byLabel = new Map<string, LabeledRow[]>();
  for (const r of shuffled) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const train: LabeledRow[] = [];
  const dev: LabeledRow[] = [];
  for (const [label, list] of byLabel) {
    const wanted = holdShare === undefined ? hold : Math.round(holdShare * list.length);
    const n = label === 'oos' ? 0 : Math.min(wanted, Math.max(0, list.length - minKeep));
    dev.push(...list.slice(0, n));
    train.push(...list.slice(n));
  }
  return { train, dev };
}

async function readRows(o: DevOptions): Promise<LabeledRow[]> {
  return JSON.parse(await readFile(path.join(o.dataset, o.train), 'utf8')) as LabeledRow[];
}

export function runDev(o: DevOptions, rows: LabeledRow[], splitSeed: number): { top1: number; dev: number; entries: number; buildMs: number } {
  const split = devSplit(rows, o.hold, splitSeed, 3, o.holdShare);
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
    const split = `${path.basename(o.dataset)} ${o.holdShare !== undefined ? `hold-share ${o.holdShare}` : `hold ${o.hold}`}${o.shots ? ` shots ${o.shots}` : ''}`;
    const rows = await readRows(o);
    const top1: number[] = [];
    for (const seed of o.splitSeeds) {
      const r = runDev(o, rows, seed);
      top1.push(r.top1);
      console.log(
        `${split} split-seed ${seed} ${JSON.stringify(o.matcher)}: ` +
          `top-1 ${(100 * r.top1).toFixed(2)}% on ${r.dev} dev messages, ${r.entries} entries, build ${(r.buildMs / 1000).toFixed(1)} s`,
      );
    }
    if (top1.length > 1) {
      const mean = top1.reduce((a, b) => a + b, 0) / top1.length;
      console.log(`${split} split-seeds ${o.splitSeeds.join(',')} ${JSON.stringify(o.matcher)}: mean top-1 ${(100 * mean).toFixed(2)}%`);
    }
  } catch (e) {
    console.error(`kb-dev: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
