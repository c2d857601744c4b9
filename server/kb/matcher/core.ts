/**
 * The scoring core: features + softmax classifier + nearest-phrasing (kNN) index.
 * One core is trained for the final matcher and one per cross-validation fold.
 * @module
 */
import { analyze, Featurizer, WEIGHT_BUDGET_BYTES, type Analyzed, type FeatureConfig, type SparseVec } from './features.js';
import { DEFAULT_HIDDEN, HiddenLayerModel, type HiddenConfig } from './hidden.js';
import { DEFAULT_SOFTMAX, SoftmaxModel, type SoftmaxConfig } from './softmax.js';

export interface CoreConfig {
  features: Partial<FeatureConfig>;
  softmax: SoftmaxConfig;
  /** The hidden-layer model whose log-probabilities are added to the classifier's logits (off when size or weight is 0). */
  hidden: HiddenConfig;
  /** Weight of the nearest phrasing's cosine, added to the classifier's logits (the matcher learns it by CV). */
  knnWeight: number;
  /** Example weight of an entry's answer text in the classifier (0 = unused). */
  answerWeight: number;
  /** Example weight of the words of an entry's id (0 = unused). */
  idWeight: number;
  /** Feature groups (0 word, 1 bigram, 2 char, 3 concept) used by the nearest-phrasing index. */
  knnGroups: number[];
  /**
   * Class balancing exponent: each phrasing's training weight is (mean phrasings per entry / entry's phrasings)^balance.
   * 0 = none, 1 = every entry weighs the same. The number of phrasings an author wrote is not how often customers ask.
   */
  balance: number;
  /** Features in more than this share of the phrasings are left out of the nearest-phrasing index (speed). */
  knnMaxDf: number;
}

export const DEFAULT_CORE: CoreConfig = {
  features: {},
  softmax: DEFAULT_SOFTMAX,
  hidden: DEFAULT_HIDDEN,
  knnWeight: 0,
  answerWeight: 2,
  idWeight: 1,
  knnGroups: [0, 1, 2, 3],
  balance: 0,
  knnMaxDf: 0.02,
};

export interface CoreDoc {
  analyzed: Analyzed;
  cls: number;
  /** Example weight (1 for phrasings). */
  weight: number;
  /** True for phrasings (used by the kNN index); false for answer texts. */
  phrasing: boolean;
}

/** Scores of one message against every class. */
export interface CoreScores {
  /** Classifier logits, length = classes (with the hidden-layer model's log-probabilities added, when there is one). */
  logits: Float64Array;
  /** The linear classifier's logits alone (the same array as `logits` without a hidden-layer model). */
  linear: Float64Array;
  /** Best cosine to one of the class's phrasings (0 when none shares a feature). */
  knn: Float64Array;
  /** Index (into the core's docs) of that phrasing, -1 when none. */
  bestDoc: Int32Array;
  /** Share of the message's word stems the KB vocabulary knows (0..1). */
  coverage: number;
  /** Number of non-zero features of the message. */
  nnz: number;
}

interface Postings {
  doc: Int32Array;
  w: Float32Array;
}

export class Core {
  readonly classes: number;
  readonly cfg: CoreConfig;
  readonly fz: Featurizer;
  private readonly model: SoftmaxModel;
  private readonly hiddenModel: HiddenLayerModel | null = null;
  /** Feature groups the nearest-phrasing search and the hidden layer see (from the config, built once). */
  private readonly knnGroups: Set<number>;
  private readonly hiddenGroups: Set<number>;
  private readonly postings: (Postings | undefined)[];
  private readonly docClass: Int32Array;
  readonly docCount: number;
  private readonly wordVocab: Set<string>;
  // scratch buffers (a core is used by one caller at a time: JS is single-threaded)
  private readonly docScore: Float32Array;
  private readonly touched: Int32Array;
  private readonly seen: Uint8Array;

  constructor(docs: CoreDoc[], classes: number, cfg: CoreConfig) {
    this.classes = classes;
    this.cfg = cfg;
    this.knnGroups = new Set(cfg.knnGroups);
    this.hiddenGroups = new Set(cfg.hidden.groups);
    const phr = docs.filter((d) => d.phrasing);
    this.fz = new Featurizer(cfg.features);
    this.fz.fit(phr.map((d) => d.analyzed), classes);
    const vecs = docs.map((d) => this.fz.transform(d.analyzed));
    this.wordVocab = new Set();
    for (const d of phr) for (const s of d.analyzed.stems) this.wordVocab.add(s);

    // classifier
    this.model = new SoftmaxModel(this.fz.dim, classes);
    const xs: SparseVec[] = [];
    const ys: number[] = [];
    const ws: number[] = [];
    const perClass = new Float64Array(classes);
    for (const d of phr) perClass[d.cls]!++;
    const nonEmpty = perClass.filter((x) => x > 0).length;
    const meanPer = nonEmpty > 0 ? phr.length / nonEmpty : 1;
    docs.forEach((d, i) => {
      if (vecs[i]!.idx.length === 0 || d.weight <= 0) return;
      xs.push(vecs[i]!);
      ys.push(d.cls);
      const bal = cfg.balance > 0 && perClass[d.cls]! > 0 ? Math.pow(meanPer / perClass[d.cls]!, cfg.balance) : 1;
      ws.push(d.weight * bal);
    });
    this.model.train(xs, Int32Array.from(ys), Float32Array.from(ws), cfg.softmax);
    const hiddenSize = hiddenUnits(cfg.hidden, this.fz.dim);
    if (hiddenSize > 0) {
      this.hiddenModel = new HiddenLayerModel(this.fz.dim, hiddenSize, classes, cfg.hidden);
      this.hiddenModel.train(xs.map((x) => restrict(x, this.fz, this.hiddenGroups)), Int32Array.from(ys), Float32Array.from(ws), cfg.hidden);
    }

    // kNN index over phrasings, restricted to the configured feature groups and re-normalised
    const phrVecs: SparseVec[] = [];
    const docClass: number[] = [];
    docs.forEach((d, i) => {
      if (!d.phrasing) return;
      phrVecs.push(restrict(vecs[i]!, this.fz, this.knnGroups));
      docClass.push(d.cls);
    });
    this.docClass = Int32Array.from(docClass);
    this.docCount = phrVecs.length;
    this.postings = invert(phrVecs, this.fz.dim, Math.max(50, Math.floor(cfg.knnMaxDf * phrVecs.length)));

    this.docScore = new Float32Array(this.docCount);
    this.touched = new Int32Array(this.docCount);
    this.seen = new Uint8Array(this.docCount);
  }

  /**
   * A core that went through a structured clone (postMessage from the worker thread that built it) is plain data;
   * this gives it and its parts their classes back.
   */
  static revive(plain: Core): Core {
    const core = Object.setPrototypeOf(plain, Core.prototype) as Core;
    Object.setPrototypeOf(core.fz, Featurizer.prototype);
    Object.setPrototypeOf(core.model, SoftmaxModel.prototype);
    if (core.hiddenModel) Object.setPrototypeOf(core.hiddenModel, HiddenLayerModel.prototype);
    return core;
  }

  /** Scores an analysed message. */
  score(a: Analyzed): CoreScores {
    const C = this.classes;
    const x = this.fz.transform(a);
    const logits = new Float64Array(C);
    const knn = new Float64Array(C);
    const bestDoc = new Int32Array(C).fill(-1);
    let known = 0;
    for (const s of a.stems) if (this.wordVocab.has(s)) known++;
    const coverage = a.stems.length === 0 ? 0 : known / a.stems.length;
    if (x.idx.length === 0) return { logits, linear: logits, knn, bestDoc, coverage, nnz: 0 };
    this.model.logits(x, logits);
    let linear = logits;
    if (this.hiddenModel) {
      linear = Float64Array.from(logits);
      const lp = new Float64Array(C);
      this.hiddenModel.logProbs(restrict(x, this.fz, this.hiddenGroups), lp);
      const w = this.cfg.hidden.weight;
      for (let c = 0; c < C; c++) logits[c]! += w * lp[c]!;
    }

    // nearest phrasing per class; long messages use only their KNN_MAX_TERMS heaviest features (bounded cost)
    const xr = topTerms(restrict(x, this.fz, this.knnGroups), KNN_MAX_TERMS);
    let nt = 0;
    const ds = this.docScore;
    for (let k = 0; k < xr.idx.length; k++) {
      const p = this.postings[xr.idx[k]!];
      if (!p) continue;
      const qv = xr.val[k]!;
      const doc = p.doc;
      const w = p.w;
      for (let j = 0; j < doc.length; j++) {
        const d = doc[j]!;
        if (this.seen[d] === 0) {
          this.seen[d] = 1;
          this.touched[nt++] = d;
          ds[d] = 0;
        }
        ds[d]! += qv * w[j]!;
      }
    }
    for (let t = 0; t < nt; t++) {
      const d = this.touched[t]!;
      this.seen[d] = 0;
      const c = this.docClass[d]!;
      const s = ds[d]!;
      if (s > knn[c]!) {
        knn[c] = s;
        bestDoc[c] = d;
      }
    }
    return { logits, linear, knn, bestDoc, coverage, nnz: x.idx.length };
  }

  scoreText(text: string): CoreScores {
    return this.score(analyze(text));
  }
}

/**
 * Hidden units for a vocabulary of `dim` features: as configured, fewer when its input weights (dim × units × 4 bytes)
 * would pass the classifier's memory budget, none below 16 units or when switched off.
 */
export function hiddenUnits(cfg: HiddenConfig, dim: number): number {
  if (cfg.size <= 0 || cfg.weight <= 0) return 0;
  const fit = Math.min(cfg.size, Math.floor(WEIGHT_BUDGET_BYTES / (4 * Math.max(1, dim))));
  return fit >= 16 ? fit : 0;
}

/** Query features used by the nearest-phrasing search at most (the heaviest ones: rare, short postings). */
const KNN_MAX_TERMS = 192;

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const INDEX_SPACE = 0x100000; // 2^20 feature positions per message; (2^31 float bits) × 2^20 stays below 2^53

/**
 * The k heaviest features, heaviest first, ties in their original order. Each feature becomes one float64 key (the
 * bits of a non-negative float32 grow with its value, and the position breaks ties), so one native sort does it; a
 * comparator sort of all of a long message's features was a tenth of its query time.
 */
export function topTerms(v: SparseVec, k: number): SparseVec {
  if (v.idx.length <= k) return v;
  const n = Math.min(v.idx.length, INDEX_SPACE); // beyond that (a message of megabytes), the rest is not searched
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    f32[0] = Math.max(0, v.val[i]!);
    keys[i] = (0x80000000 - f32Bits[0]!) * INDEX_SPACE + i;
  }
  keys.sort();
  const idx = new Int32Array(k);
  const val = new Float32Array(k);
  for (let j = 0; j < k; j++) {
    const i = keys[j]! % INDEX_SPACE;
    idx[j] = v.idx[i]!;
    val[j] = v.val[i]!;
  }
  return { idx, val };
}

function restrict(v: SparseVec, fz: Featurizer, groups: Set<number>): SparseVec {
  if (groups.size >= 4) return v;
  const idx: number[] = [];
  const val: number[] = [];
  let n = 0;
  for (let k = 0; k < v.idx.length; k++) {
    if (!groups.has(fz.group(v.idx[k]!))) continue;
    idx.push(v.idx[k]!);
    val.push(v.val[k]!);
    n += v.val[k]! ** 2;
  }
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return { idx: Int32Array.from(idx), val: Float32Array.from(val.map((x) => x * s)) };
}

/** Inverted index; features with more than `maxDf` postings are left out (they add little to a cosine). */
function invert(vecs: SparseVec[], dim: number, maxDf = Infinity): (Postings | undefined)[] {
  const counts = new Int32Array(dim);
  for (const v of vecs) for (let k = 0; k < v.idx.length; k++) counts[v.idx[k]!]!++;
  const out: (Postings | undefined)[] = new Array(dim);
  const fill = new Int32Array(dim);
  for (let f = 0; f < dim; f++) if (counts[f]! > 0 && counts[f]! <= maxDf) out[f] = { doc: new Int32Array(counts[f]!), w: new Float32Array(counts[f]!) };
  vecs.forEach((v, d) => {
    for (let k = 0; k < v.idx.length; k++) {
      const f = v.idx[k]!;
      const p = out[f];
      if (!p) continue;
      const i = fill[f]!++;
      p.doc[i] = d;
      p.w[i] = v.val[k]!;
    }
  });
  return out;
}
