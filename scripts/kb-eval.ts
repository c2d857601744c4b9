/**
 * Evaluates the knowledge base matcher with the bot's own pipeline (isHumanRequest first, then the matcher).
 *
 *   npm run kb:eval -- --kb FILE_OR_DIR --cases FILE.jsonl [--json] [--verbose]
 *   npm run kb:eval -- --dataset DIR [--train F] [--val F] [--test F] [--shots N] [--seed S] [--min-oos-recall R] [--json]
 *
 * See docs/matcher.md for the metrics and the protocol.
 * @module
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadKbPath } from '../server/kb/format.js';
import { isHumanRequest } from '../server/kb/human-request.js';
import { AMBIGUITY_RATIOS, buildMatcher, chooseOperatingPoint, type BuiltMatcher, type MatcherOptions } from '../server/kb/matcher/index.js';
import { mulberry32 } from '../server/kb/matcher/softmax.js';
import type { KbEntry, MatchDecision } from '../server/kb/types.js';

export const USAGE = `Usage:
  npm run kb:eval -- --kb FILE_OR_DIR --cases FILE.jsonl [--json] [--verbose]
  npm run kb:eval -- --dataset DIR [--train FILE] [--val FILE] [--test FILE] [--shots N] [--seed S] [--min-oos-recall R] [--json]

  --kb        knowledge base file (.yaml/.yml/.json/.csv) or folder of them
  --cases     JSON lines {"text": "...", "expected": "<entry id>" | null}; null = must not be answered
  --dataset   folder with train.json, optional val.json, test.json (arrays of {text, label}; label "oos" = out of scope)
  --train/--val/--test  file names inside the dataset folder (defaults train.json, val.json, test.json)
  --shots N   keep N training examples per label (deterministic, seeded by --seed, default 42)
  --min-oos-recall R  when val has "oos" rows: choose the answer threshold and ambiguity ratio answering the most
              in-scope val messages right while leaving at least R (0..1) of the val "oos" messages unanswered
              (default: the pair handling the largest share of val messages right)
  --json      print one JSON object with the metrics as the last line
  --verbose   also list the wrongly answered and the missed cases`;

export class UsageError extends Error {}

export interface EvalCase {
  text: string;
  /** Entry id, or null when the message must not be answered. */
  expected: string | null;
}

export interface EvalOptions {
  kb?: string;
  cases?: string;
  dataset?: string;
  train?: string;
  val?: string;
  test?: string;
  shots?: number;
  seed?: number;
  /** Operating point on val: keep at least this out-of-scope recall (see USAGE). */
  minOosRecall?: number;
  json?: boolean;
  verbose?: boolean;
  /** Extra matcher options (tests, experiments). */
  matcher?: MatcherOptions;
}

export interface EvalReport {
  mode: 'kb' | 'dataset';
  cases: number;
  inScope: number;
  outOfScope: number;
  entries: number;
  phrasings: number;
  /** Over in-scope cases: the first of the matcher's ranking is the expected entry. */
  top1Accuracy: number;
  /** Over in-scope cases: the expected entry is among the first three. */
  top3Recall: number;
  /** Over in-scope cases: decided `answer` with the expected entry. */
  answerAccuracy: number;
  /** Over in-scope cases: decided `suggest` and the expected entry is among the suggestions (top 3). */
  suggestRecall: number;
  /** Over out-of-scope cases: not decided `answer`. */
  oosRecall: number;
  /** Over all cases: decided `answer` with a wrong entry (or answered a case that must not be answered). */
  wrongAnswerRate: number;
  /** Over all cases: handed to a human by isHumanRequest. */
  humanRequestRate: number;
  decisions: Record<MatchDecision, number>;
  thresholds: { answer: number; suggest: number; source: string };
  medianMs: number;
  p99Ms: number;
  trainMs: number;
  /** How the answer threshold was chosen. */
  thresholdNote: string;
  errors?: { text: string; expected: string | null; decision: MatchDecision; top: string | null; confidence: number }[];
}

// -------------------------------------------------------------------------------------------------------------
// arguments

export function parseArgs(argv: string[]): EvalOptions {
  const o: EvalOptions = {};
  const valueFlags = new Set(['--kb', '--cases', '--dataset', '--train', '--val', '--test', '--shots', '--seed', '--min-oos-recall']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--verbose') o.verbose = true;
    else if (valueFlags.has(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--min-oos-recall') {
        const r = Number(v);
        if (!Number.isFinite(r) || r < 0 || r > 1) throw new UsageError(`--min-oos-recall must be a number from 0 to 1, got "${v}"`);
        o.minOosRecall = r;
        continue;
      }
      const key = a.slice(2) as 'kb' | 'cases' | 'dataset' | 'train' | 'val' | 'test' | 'shots' | 'seed';
      if (key === 'shots' || key === 'seed') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < (key === 'shots' ? 1 : 0)) throw new UsageError(`${a} must be a ${key === 'shots' ? 'positive' : 'non-negative'} integer, got "${v}"`);
        o[key] = n;
      } else {
        o[key] = v;
      }
    } else if (a === '--help' || a === '-h') {
      throw new UsageError('');
    } else {
      throw new UsageError(`unknown argument "${a}"`);
    }
  }
  if (o.dataset) {
    if (o.kb || o.cases) throw new UsageError('use either --dataset or --kb with --cases, not both');
  } else {
    if (!o.kb || !o.cases) throw new UsageError(o.kb || o.cases ? '--kb and --cases go together' : 'give --kb and --cases, or --dataset');
    if (o.train || o.val || o.test || o.shots !== undefined || o.minOosRecall !== undefined) {
      throw new UsageError('--train, --val, --test, --shots and --min-oos-recall apply to --dataset only');
    }
  }
  return o;
}

// -------------------------------------------------------------------------------------------------------------
// data

export interface LabeledRow {
  text: string;
  label: string;
}

async function readJsonArray(file: string): Promise<LabeledRow[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${file}: expected a JSON array of {text, label}`);
  return data.map((r, i) => {
    const row = r as Partial<LabeledRow>;
    if (typeof row?.text !== 'string' || typeof row.label !== 'string') throw new UsageError(`${file}: row ${i} is not {text, label}`);
    return { text: row.text, label: row.label };
  });
}

export async function readCases(file: string): Promise<EvalCase[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const out: EvalCase[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let c: unknown;
    try {
      c = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: invalid JSON (${(e as Error).message})`);
    }
    const cc = c as Partial<EvalCase>;
    if (typeof cc?.text !== 'string' || !(cc.expected === null || typeof cc.expected === 'string')) {
      throw new UsageError(`${file}:${i + 1}: expected {"text": string, "expected": string | null}`);
    }
    out.push({ text: cc.text, expected: cc.expected });
  });
  return out;
}

/** N rows per label: labels in sorted order, each label's rows shuffled (Fisher–Yates, seeded) and cut to N. */
export function sampleShots(rows: LabeledRow[], shots: number, seed: number): LabeledRow[] {
  const rnd = mulberry32(seed); // seeded, so `--shots N --seed S` picks the same subset everywhere
  const byLabel = new Map<string, LabeledRow[]>();
  for (const r of rows) {
    const l = byLabel.get(r.label) ?? [];
    l.push(r);
    byLabel.set(r.label, l);
  }
  const out: LabeledRow[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const l = [...byLabel.get(label)!];
    for (let i = l.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [l[i], l[j]] = [l[j]!, l[i]!];
    }
    out.push(...l.slice(0, shots));
  }
  return out;
}

/** One KB entry per label (label "oos" excluded); the answer is a placeholder, so label names leak nothing. */
export function entriesFromRows(rows: LabeledRow[]): KbEntry[] {
  const byLabel = new Map<string, string[]>();
  for (const r of rows) {
    if (r.label === 'oos') continue;
    const l = byLabel.get(r.label) ?? [];
    l.push(r.text);
    byLabel.set(r.label, l);
  }
  return [...byLabel.entries()].map(([id, questions]) => ({ id, questions, answer: '—' }));
}

// -------------------------------------------------------------------------------------------------------------
// evaluation

interface Outcome {
  c: EvalCase;
  decision: MatchDecision;
  ranked: string[];
  confidence: number;
  human: boolean;
  ms: number;
}

/** The bot's pipeline on one message: a request for a human is handed off, the rest goes to the matcher. */
function runCase(m: BuiltMatcher, c: EvalCase): Outcome {
  const t0 = performance.now();
  const human = isHumanRequest(c.text);
  const r = m.match(c.text, { limit: 3 });
  const ms = performance.now() - t0;
  return { c, decision: human ? 'none' : r.decision, ranked: r.ranked.map((x) => x.entryId), confidence: r.confidence, human, ms };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function summarize(outs: Outcome[], m: BuiltMatcher, mode: 'kb' | 'dataset', trainMs: number, note: string, withErrors: boolean): EvalReport {
  const ins = outs.filter((o) => o.c.expected !== null);
  const oos = outs.filter((o) => o.c.expected === null);
  const frac = (n: number, d: number): number => (d === 0 ? 0 : n / d);
  const decisions: Record<MatchDecision, number> = { answer: 0, suggest: 0, none: 0 };
  for (const o of outs) decisions[o.decision]++;
  const ms = outs.map((o) => o.ms).sort((a, b) => a - b);
  const wrong = outs.filter((o) => o.decision === 'answer' && o.ranked[0] !== o.c.expected);
  const report: EvalReport = {
    mode,
    cases: outs.length,
    inScope: ins.length,
    outOfScope: oos.length,
    entries: m.size.entries,
    phrasings: m.size.phrasings,
    top1Accuracy: frac(ins.filter((o) => o.ranked[0] === o.c.expected).length, ins.length),
    top3Recall: frac(ins.filter((o) => o.ranked.slice(0, 3).includes(o.c.expected!)).length, ins.length),
    answerAccuracy: frac(ins.filter((o) => o.decision === 'answer' && o.ranked[0] === o.c.expected).length, ins.length),
    suggestRecall: frac(ins.filter((o) => o.decision === 'suggest' && o.ranked.slice(0, 3).includes(o.c.expected!)).length, ins.length),
    oosRecall: frac(oos.filter((o) => o.decision !== 'answer').length, oos.length),
    wrongAnswerRate: frac(wrong.length, outs.length),
    humanRequestRate: frac(outs.filter((o) => o.human).length, outs.length),
    decisions,
    thresholds: { answer: m.thresholds.answer, suggest: m.thresholds.suggest, source: m.thresholds.source },
    medianMs: quantile(ms, 0.5),
    p99Ms: quantile(ms, 0.99),
    trainMs,
    thresholdNote: note,
  };
  if (withErrors) {
    report.errors = outs
      .filter((o) => (o.decision === 'answer' && o.ranked[0] !== o.c.expected) || (o.c.expected !== null && o.decision !== 'answer'))
      .map((o) => ({ text: o.c.text, expected: o.c.expected, decision: o.decision, top: o.ranked[0] ?? null, confidence: Number(o.confidence.toFixed(3)) }));
  }
  return report;
}

/** Runs one evaluation (the CLI's work, without printing). */
export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  if (opts.dataset) return runDataset(opts);
  if (!opts.kb || !opts.cases) throw new UsageError('give --kb and --cases, or --dataset');
  let entries: KbEntry[];
  try {
    entries = await loadKbPath(opts.kb);
  } catch (e) {
    throw new UsageError(`cannot load the knowledge base ${opts.kb}: ${(e as Error).message}`);
  }
  const cases = await readCases(opts.cases);
  const t0 = performance.now();
  const m = buildMatcher(entries, opts.matcher);
  const trainMs = performance.now() - t0;
  warmUp(m, cases);
  const outs = cases.map((c) => runCase(m, c));
  return summarize(outs, m, 'kb', trainMs, `thresholds learnt by the matcher (${m.thresholds.source})`, true);
}

function warmUp(m: BuiltMatcher, cases: EvalCase[]): void {
  for (let i = 0; i < Math.min(50, cases.length); i++) runCase(m, cases[i]!);
}

async function runDataset(opts: EvalOptions): Promise<EvalReport> {
  const dir = opts.dataset!;
  const trainFile = path.join(dir, opts.train ?? 'train.json');
  const testFile = path.join(dir, opts.test ?? 'test.json');
  const valFile = path.join(dir, opts.val ?? 'val.json');
  let train = await readJsonArray(trainFile);
  const test = await readJsonArray(testFile);
  let val: LabeledRow[] | undefined;
  try {
    val = await readJsonArray(valFile);
  } catch (e) {
    if (opts.val) throw e;
    val = undefined;
  }
  if (opts.shots) train = sampleShots(train, opts.shots, opts.seed ?? 42);
  const entries = entriesFromRows(train);
  // oos rows of the training split are never KB entries; they are given to the matcher as negatives for calibration
  const negatives = train.filter((r) => r.label === 'oos').map((r) => r.text);
  const t0 = performance.now();
  let m = buildMatcher(entries, { ...opts.matcher, negatives: [...(opts.matcher?.negatives ?? []), ...negatives] });
  const trainMs = performance.now() - t0;
  let note = `thresholds learnt by the matcher (${m.thresholds.source})`;
  const toCase = (r: LabeledRow): EvalCase => ({ text: r.text, expected: r.label === 'oos' ? null : r.label });
  if (val && val.some((r) => r.label === 'oos')) {
    // re-choose the answer threshold and the ambiguity ratio on val (the matcher learnt them from its own phrasings)
    const scored = val.map((r) => {
      const res = m.match(r.text, { limit: 2 });
      const [c1, c2] = res.ranked;
      return {
        conf: isHumanRequest(r.text) ? -1 : res.confidence,
        inScope: r.label !== 'oos',
        correct: c1?.entryId === r.label,
        ratio: c1 && c2 && c1.confidence > 0 ? c2.confidence / c1.confidence : 0,
      };
    });
    const p = chooseOperatingPoint(scored, AMBIGUITY_RATIOS, opts.minOosRecall);
    m = m.withThresholds({ answer: p.answer, suggest: Math.min(m.thresholds.suggest, p.answer), ambiguityRatio: p.ambiguityRatio });
    const rule = opts.minOosRecall === undefined ? 'max share of val messages handled right' : `most val messages answered right with val oosRecall >= ${opts.minOosRecall}`;
    note =
      `answer threshold ${p.answer.toFixed(3)} and ambiguity ratio ${p.ambiguityRatio} chosen on ${path.basename(valFile)} (${rule}; ` +
      `there: answerAccuracy ${pct(p.answerAccuracy)}, oosRecall ${pct(p.oosRecall)})`;
  }
  // test labels absent from the training split stay in-scope cases (always wrong), as in the datasets' protocols
  const cases = test.map(toCase);
  warmUp(m, cases);
  const outs = cases.map((c) => runCase(m, c));
  return summarize(outs, m, 'dataset', trainMs, note, false);
}

// -------------------------------------------------------------------------------------------------------------
// CLI

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function formatReport(r: EvalReport): string {
  const lines = [
    `cases: ${r.cases} (in scope ${r.inScope}, out of scope ${r.outOfScope}); KB: ${r.entries} entries, ${r.phrasings} phrasings`,
    `top-1 accuracy:     ${pct(r.top1Accuracy)}`,
    `top-3 recall:       ${pct(r.top3Recall)}`,
    `answer accuracy:    ${pct(r.answerAccuracy)}   (decided "answer" and right, over in-scope)`,
    `suggest recall:     ${pct(r.suggestRecall)}   (decided "suggest", right entry among the buttons)`,
    `out-of-scope recall:${pct(r.oosRecall).padStart(8)}   (out-of-scope not answered)`,
    `wrong answer rate:  ${pct(r.wrongAnswerRate)}   (answered wrongly, over all cases)`,
    `handed off (human): ${pct(r.humanRequestRate)}`,
    `decisions: answer ${r.decisions.answer}, suggest ${r.decisions.suggest}, none ${r.decisions.none}`,
    `thresholds: answer ${r.thresholds.answer.toFixed(3)}, suggest ${r.thresholds.suggest.toFixed(3)} — ${r.thresholdNote}`,
    `latency per message: median ${r.medianMs.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms; build ${(r.trainMs / 1000).toFixed(2)} s`,
  ];
  if (r.errors && r.errors.length > 0) {
    lines.push('', 'mistakes (wrong answers first):');
    const sorted = [...r.errors].sort((a, b) => Number(b.decision === 'answer') - Number(a.decision === 'answer'));
    for (const e of sorted.slice(0, 200)) {
      lines.push(`  [${e.decision}${e.decision === 'answer' ? ' WRONG' : ''}] ${JSON.stringify(e.text)} expected=${e.expected ?? 'null'} top=${e.top ?? '-'} conf=${e.confidence}`);
    }
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let opts: EvalOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`kb-eval: ${e.message}\n`);
      console.error(USAGE);
      return 2;
    }
    throw e;
  }
  try {
    const report = await runEval(opts);
    if (opts.json) {
      const { errors: _errors, ...rest } = report;
      console.log(formatReport(opts.verbose ? report : rest));
      console.log(JSON.stringify(opts.verbose ? report : rest));
    } else {
      console.log(formatReport(opts.verbose ? report : { ...report, errors: report.errors?.filter((x) => x.decision === 'answer') }));
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`kb-eval: ${e.message}\n`);
      console.error(USAGE);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
