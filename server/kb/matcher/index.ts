/**
 * Knowledge base matcher: ranks KB entries for a customer message and decides `answer`, `suggest` or `none`.
 *
 * Pipeline (see docs/matcher.md):
 * 1. normalise (case, "ё", punctuation, mixed scripts, repeated letters), drop greetings/politeness, stem
 *    (natural's PorterStemmerRu / PorterStemmer);
 * 2. sparse TF-IDF features: stemmed words, word bigrams, content-word bigrams, character 2–5-grams of each word,
 *    support-synonym concepts (lexicon.ts);
 * 3. scores = softmax regression logits + weighted nearest-phrasing cosine + weighted entry-centroid cosine;
 * 4. confidence = a logistic calibrator over (top probability, margin, nearest-phrasing cosine, vocabulary
 *    coverage), fitted on held-out phrasings of the KB itself (k-fold cross-validation, with some entries left out
 *    entirely so that their phrasings act as out-of-scope messages);
 * 5. thresholds on that confidence, learnt from the same held-out predictions.
 * @module
 */
import type { KbEntry, Language, MatchCandidate, MatchOptions, MatchResult, MatchThresholds, Matcher } from '../types.js';
import { Core, DEFAULT_CORE, type CoreConfig, type CoreDoc, type CoreScores } from './core.js';
import { analyze, type Analyzed, type FeatureConfig } from './features.js';
import { DEFAULT_SOFTMAX, mulberry32, type SoftmaxConfig } from './softmax.js';
import { detectLanguage, normalizeText } from './text.js';

export { isHumanRequest } from '../human-request.js';

export interface MatcherOptions {
  /** Feature extraction settings. */
  features?: Partial<FeatureConfig>;
  /** Classifier training settings. */
  softmax?: Partial<SoftmaxConfig>;
  /** Weights of the nearest-phrasing and centroid cosines added to the classifier logits. */
  knnWeight?: number;
  centroidWeight?: number;
  /** Example weight of each entry's answer text as a (weak) training phrasing; 0 disables. Default 0.3. */
  answerWeight?: number;
  /** Fixed thresholds instead of the learnt ones (source becomes "manual"). */
  thresholds?: Partial<Pick<MatchThresholds, 'answer' | 'suggest'>>;
  /**
   * Precision that `answer` decisions must reach on the held-out phrasings (default 0.92); the answer threshold is
   * the lowest confidence that achieves it.
   */
  targetPrecision?: number;
  /** Share of out-of-scope messages assumed when learning thresholds (default 0.25). */
  oosPrior?: number;
  /** Out-of-scope example messages, used only as negatives for calibration (never answered). */
  negatives?: string[];
  /** Skip the cross-validation (faster build; default calibrator and thresholds). */
  calibrate?: boolean;
  /** Number of cross-validation folds (default: 4, or 3 for KBs above 3000 phrasings). */
  folds?: number;
  /** Language of messages without letters (default 'ru'). */
  defaultLanguage?: Language;
  seed?: number;
}

/** Logistic calibrator: confidence = σ(bias + Σ wᵢ·featureᵢ). */
export interface Calibrator {
  bias: number;
  /** Weights of [logit(top probability), margin to the second, nearest-phrasing cosine, vocabulary coverage]. */
  weights: [number, number, number, number];
  /** Held-out examples it was fitted on (0 = defaults). */
  fittedOn: number;
}

export interface BuiltMatcher extends Matcher {
  readonly thresholds: MatchThresholds;
  readonly calibrator: Calibrator;
  /** Build diagnostics: held-out accuracy of the cross-validation, timings. */
  readonly diagnostics: MatcherDiagnostics;
  /** The same model with other thresholds. */
  withThresholds(t: Partial<Pick<MatchThresholds, 'answer' | 'suggest'>>): BuiltMatcher;
}

export interface MatcherDiagnostics {
  buildMs: number;
  cvMs: number;
  /** Held-out phrasings of known entries scored during cross-validation, and the top-1 accuracy on them. */
  heldOut: number;
  heldOutTop1: number;
  /** Held-out phrasings of left-out entries (pseudo out-of-scope) plus negatives. */
  heldOutNegatives: number;
}

/** Calibrator used when the KB is too small to fit one (fitted on the bundled datasets; see docs/matcher.md). */
export const DEFAULT_CALIBRATOR: Calibrator = { bias: -4.0, weights: [0.9, 1.5, 4.0, 2.0], fittedOn: 0 };
export const DEFAULT_THRESHOLDS = { answer: 0.6, suggest: 0.25 } as const;

/** Generic messages no support KB should answer; negatives for calibration (skipped if the KB has them). */
const BUILTIN_NEGATIVES = [
  'какая завтра погода', 'расскажи анекдот', 'как дела', 'кто ты такой', 'сколько тебе лет', 'ты бот?',
  'люблю пиццу с ананасами', 'кто выиграл матч вчера', 'посоветуй фильм на вечер', 'какой сегодня курс биткоина',
  'напиши стихотворение про осень', 'сколько будет два плюс два', 'столица франции', 'как приготовить борщ',
  'у меня кот заболел что делать', 'ок', 'понятно', 'ясно спасибо', 'ааа', 'тест', 'фывапролд',
  'what is the weather tomorrow', 'tell me a joke', 'how are you', 'who are you', 'what is your name',
  'i like pineapple pizza', 'who won the game yesterday', 'recommend a movie', 'what is the capital of france',
  'how do i cook pasta', 'write a poem about autumn', 'what is two plus two', 'my cat is sick', 'ok', 'cool',
  'test', 'asdfgh', 'lol', 'what time is it in tokyo', 'play some music',
];

interface Rec {
  f: [number, number, number, number];
  /** The top candidate is the right entry. */
  correct: boolean;
  /** The right entry is among the first three (false for out-of-scope). */
  top3: boolean;
  inScope: boolean;
}

function features(s: CoreScores): { f: Rec['f']; order: number[] } {
  const C = s.prob.length;
  const order = topK(s.prob, Math.min(C, 5));
  const p1 = order[0] !== undefined ? s.prob[order[0]]! : 0;
  const p2 = order[1] !== undefined ? s.prob[order[1]]! : 0;
  const p = Math.min(1 - 1e-6, Math.max(1e-6, p1));
  const knn1 = order[0] !== undefined ? s.knn[order[0]]! : 0;
  return { f: [Math.log(p / (1 - p)), p1 - p2, knn1, s.coverage], order };
}

function topK(arr: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i]!;
    if (out.length < k) {
      out.push(i);
      out.sort((a, b) => arr[b]! - arr[a]!);
    } else if (v > arr[out[k - 1]!]!) {
      out[k - 1] = i;
      out.sort((a, b) => arr[b]! - arr[a]!);
    }
  }
  return out;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function applyCalibrator(c: Calibrator, f: Rec['f']): number {
  let z = c.bias;
  for (let i = 0; i < 4; i++) z += c.weights[i]! * f[i]!;
  return sigmoid(z);
}

/** Fits the calibrator by weighted logistic regression (Newton steps, light L2 pulling towards the defaults). */
function fitCalibrator(recs: Rec[], weight: (r: Rec) => number): Calibrator {
  const d = 5;
  const prior = [DEFAULT_CALIBRATOR.bias, ...DEFAULT_CALIBRATOR.weights];
  const w = [...prior];
  const lambda = 1.0;
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(d).fill(0);
    const H: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const r of recs) {
      const x = [1, ...r.f];
      let z = 0;
      for (let i = 0; i < d; i++) z += w[i]! * x[i]!;
      const p = sigmoid(z);
      const y = r.correct ? 1 : 0;
      const sw = weight(r);
      for (let i = 0; i < d; i++) {
        g[i]! += sw * (p - y) * x[i]!;
        for (let j = 0; j < d; j++) H[i]![j]! += sw * p * (1 - p) * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < d; i++) {
      g[i]! += lambda * (w[i]! - prior[i]!);
      H[i]![i]! += lambda;
    }
    const step = solve(H, g);
    if (!step) break;
    let maxStep = 0;
    for (let i = 0; i < d; i++) {
      w[i]! -= step[i]!;
      maxStep = Math.max(maxStep, Math.abs(step[i]!));
    }
    if (maxStep < 1e-6) break;
  }
  return { bias: w[0]!, weights: [w[1]!, w[2]!, w[3]!, w[4]!], fittedOn: recs.length };
}

function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (Math.abs(M[piv]![c]!) < 1e-12) return null;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}

/**
 * Answer threshold maximising (in-scope answered right) / in-scope + (out-of-scope not answered) / out-of-scope,
 * i.e. answerAccuracy + oosRecall, over scored validation messages (conf < 0 = handed off before the matcher).
 */
export function chooseThreshold(scored: { conf: number; inScope: boolean; correct: boolean }[]): number {
  const nIn = scored.filter((s) => s.inScope).length;
  const nOut = scored.length - nIn;
  const sorted = [...scored].sort((a, b) => b.conf - a.conf);
  // threshold t answers everything with conf >= t; walk t down over the distinct confidences
  let bestT = 1;
  let bestScore = nOut > 0 ? 1 : 0; // t above every confidence: nothing answered
  let rightIn = 0;
  let answeredOut = 0;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (s.conf < 0) break;
    if (s.inScope && s.correct) rightIn++;
    if (!s.inScope) answeredOut++;
    const next = sorted[i + 1];
    if (next && next.conf === s.conf) continue;
    const score = (nIn ? rightIn / nIn : 0) + (nOut ? 1 - answeredOut / nOut : 0);
    if (score > bestScore) {
      bestScore = score;
      bestT = next && next.conf >= 0 ? (s.conf + next.conf) / 2 : s.conf;
    }
  }
  return bestT;
}

function coreConfig(o: MatcherOptions): CoreConfig {
  return {
    ...DEFAULT_CORE,
    features: { ...DEFAULT_CORE.features, ...o.features },
    softmax: { ...DEFAULT_SOFTMAX, ...o.softmax, ...(o.seed !== undefined ? { seed: o.seed } : {}) },
    knnWeight: o.knnWeight ?? DEFAULT_CORE.knnWeight,
    centroidWeight: o.centroidWeight ?? DEFAULT_CORE.centroidWeight,
    answerWeight: o.answerWeight ?? DEFAULT_CORE.answerWeight,
  };
}

function answerTexts(a: KbEntry['answer']): string[] {
  if (typeof a === 'string') return [a];
  return Object.values(a).filter((x): x is string => typeof x === 'string');
}

/** Builds a matcher over the entries. Cost: one classifier training plus one per cross-validation fold. */
export function buildMatcher(entries: KbEntry[], options: MatcherOptions = {}): BuiltMatcher {
  const t0 = performance.now();
  const cfg = coreConfig(options);
  const phrasings: { text: string; analyzed: Analyzed; cls: number }[] = [];
  entries.forEach((e, cls) => {
    for (const q of e.questions) {
      if (typeof q !== 'string' || q.trim() === '') continue;
      phrasings.push({ text: q, analyzed: analyze(q), cls });
    }
  });
  const answerDocs: CoreDoc[] = [];
  if (cfg.answerWeight > 0) {
    entries.forEach((e, cls) => {
      for (const t of answerTexts(e.answer)) {
        const a = analyze(t);
        if (a.stems.length > 0) answerDocs.push({ analyzed: a, cls, weight: cfg.answerWeight, phrasing: false });
      }
    });
  }
  const toDocs = (list: typeof phrasings): CoreDoc[] => list.map((p) => ({ analyzed: p.analyzed, cls: p.cls, weight: 1, phrasing: true }));
  const core = new Core([...toDocs(phrasings), ...answerDocs], entries.length, cfg);

  // ---- cross-validation over the KB's own phrasings
  const tcv = performance.now();
  const recs: Rec[] = [];
  let heldOut = 0;
  let heldOutTop1 = 0;
  const wantCv = options.calibrate !== false && !(options.thresholds?.answer !== undefined && options.thresholds.suggest !== undefined);
  if (wantCv && entries.length >= 2 && phrasings.length >= 4) {
    const k = options.folds ?? (phrasings.length > 3000 ? 3 : 4);
    const rnd = mulberry32((options.seed ?? 7) + 1000);
    // stratified folds: each entry's phrasings dealt round-robin from a random start
    const fold = new Int32Array(phrasings.length);
    const byCls = new Map<number, number[]>();
    phrasings.forEach((p, i) => {
      const l = byCls.get(p.cls) ?? [];
      l.push(i);
      byCls.set(p.cls, l);
    });
    for (const list of byCls.values()) {
      shuffle(list, rnd);
      const start = Math.floor(rnd() * k);
      list.forEach((pi, j) => (fold[pi] = (start + j) % k));
    }
    // per fold, ~15% of the entries are left out entirely: their held-out phrasings play out-of-scope messages
    const entryOrder = [...byCls.keys()];
    shuffle(entryOrder, rnd);
    const m = Math.max(1, Math.min(Math.floor(entryOrder.length / k), Math.round(entryOrder.length * 0.15)));
    for (let f = 0; f < k; f++) {
      const dropped = new Set(entryOrder.slice(f * m, f * m + m));
      const train = phrasings.filter((p, i) => fold[i] !== f && !dropped.has(p.cls));
      const test = phrasings.filter((_, i) => fold[i] === f);
      const present = new Set(train.map((p) => p.cls));
      const fc = new Core([...toDocs(train), ...answerDocs.filter((d) => !dropped.has(d.cls))], entries.length, cfg);
      for (const p of test) {
        const s = fc.score(p.analyzed);
        const { f: feats, order } = features(s);
        const inScope = present.has(p.cls);
        const correct = inScope && order[0] === p.cls;
        recs.push({ f: feats, correct, top3: inScope && order.slice(0, 3).includes(p.cls), inScope });
        if (inScope) {
          heldOut++;
          if (correct) heldOutTop1++;
        }
      }
    }
    // explicit negatives, scored by the final core
    const kbNorm = new Set(phrasings.map((p) => normalizeText(p.text)));
    for (const t of [...BUILTIN_NEGATIVES, ...(options.negatives ?? [])]) {
      if (kbNorm.has(normalizeText(t))) continue;
      const s = core.score(analyze(t));
      const { f: feats } = features(s);
      if (feats[2] >= 0.95) continue; // the KB holds this phrasing in all but punctuation
      recs.push({ f: feats, correct: false, top3: false, inScope: false });
    }
  }
  const cvMs = performance.now() - tcv;

  // ---- calibrator and thresholds
  const nIn = recs.filter((r) => r.inScope).length;
  const nOut = recs.length - nIn;
  const oosPrior = options.oosPrior ?? 0.25;
  const weightOf = (r: Rec): number => (r.inScope ? (1 - oosPrior) / Math.max(1, nIn) : oosPrior / Math.max(1, nOut)) * recs.length;
  let calibrator = DEFAULT_CALIBRATOR;
  let learnt = false;
  const targetPrecision = options.targetPrecision ?? 0.92;
  let answerT: number = DEFAULT_THRESHOLDS.answer;
  let suggestT: number = DEFAULT_THRESHOLDS.suggest;
  if (nIn >= 8 && nOut >= 4 && recs.some((r) => r.correct)) {
    calibrator = fitCalibrator(recs, weightOf);
    const confs = recs.map((r) => ({ r, c: applyCalibrator(calibrator, r.f), w: weightOf(r) }));
    confs.sort((a, b) => b.c - a.c);
    // answer: the lowest confidence whose cumulative (weighted) precision still meets the target
    let right = 0;
    let all = 0;
    answerT = 1;
    for (let i = 0; i < confs.length; i++) {
      const x = confs[i]!;
      all += x.w;
      if (x.r.correct) right += x.w;
      const next = confs[i + 1];
      if (next && next.c === x.c) continue;
      if (all > 0 && right / all >= targetPrecision) answerT = x.c;
    }
    answerT = Math.min(0.98, Math.max(0.3, answerT));
    // suggest: keep lowering while good suggestions (right entry in the top 3) outweigh useless ones
    let gain = 0;
    let bestGain = 0;
    suggestT = answerT;
    for (const x of confs) {
      if (x.c >= answerT) continue;
      gain += x.r.top3 ? x.w : -x.w;
      if (gain > bestGain) {
        bestGain = gain;
        suggestT = x.c;
      }
    }
    suggestT = Math.max(0.05, Math.min(answerT, suggestT));
    learnt = true;
  }
  const manual = options.thresholds;
  const thresholds: MatchThresholds = {
    answer: manual?.answer ?? answerT,
    suggest: Math.min(manual?.suggest ?? suggestT, manual?.answer ?? answerT),
    source: manual && (manual.answer !== undefined || manual.suggest !== undefined) ? 'manual' : learnt ? 'cross-validation' : 'default',
    ...(learnt ? { targetPrecision } : {}),
  };
  const diagnostics: MatcherDiagnostics = {
    buildMs: performance.now() - t0,
    cvMs,
    heldOut,
    heldOutTop1: heldOut ? heldOutTop1 / heldOut : 0,
    heldOutNegatives: recs.filter((r) => !r.inScope).length,
  };
  return makeMatcher(entries, phrasings, core, calibrator, thresholds, diagnostics, options.defaultLanguage ?? 'ru');
}

function makeMatcher(
  entries: KbEntry[],
  phrasings: { text: string; cls: number }[],
  core: Core,
  calibrator: Calibrator,
  thresholds: MatchThresholds,
  diagnostics: MatcherDiagnostics,
  defaultLanguage: Language,
): BuiltMatcher {
  const phrasingText = phrasings.map((p) => p.text);
  function match(text: string, mo: MatchOptions = {}): MatchResult {
    const limit = Math.max(0, mo.limit ?? 5);
    const language = detectLanguage(typeof text === 'string' ? text : '', defaultLanguage);
    if (typeof text !== 'string' || entries.length === 0) return { decision: 'none', confidence: 0, ranked: [], language };
    const a = analyze(text);
    const s = core.score(a);
    if (s.nnz === 0) return { decision: 'none', confidence: 0, ranked: [], language };
    const { f, order } = features(s);
    const conf = applyCalibrator(calibrator, f);
    const p1 = s.prob[order[0]!]!;
    const ranked: MatchCandidate[] = order.slice(0, limit).map((c) => {
      const e = entries[c]!;
      const d = s.bestDoc[c]!;
      return {
        entryId: e.id,
        confidence: p1 > 0 ? (conf * s.prob[c]!) / p1 : 0,
        question: d >= 0 ? phrasingText[d]! : (e.questions[0] ?? ''),
      };
    });
    const decision = conf >= thresholds.answer ? 'answer' : conf >= thresholds.suggest ? 'suggest' : 'none';
    return { decision, confidence: conf, ranked, language };
  }
  return {
    match,
    size: { entries: entries.length, phrasings: phrasings.length },
    thresholds,
    calibrator,
    diagnostics,
    withThresholds(t) {
      const answer = t.answer ?? thresholds.answer;
      const next: MatchThresholds = { answer, suggest: Math.min(t.suggest ?? thresholds.suggest, answer), source: 'manual' };
      return makeMatcher(entries, phrasings, core, calibrator, next, diagnostics, defaultLanguage);
    },
  };
}

function shuffle<T>(a: T[], rnd: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}
