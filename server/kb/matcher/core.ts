/**
 * The scoring core: features + softmax classifier + nearest-phrasing (kNN) index + entry centroids.
 * One core is trained for the final matcher and one per cross-validation fold.
 * @module
 */
import { analyze, Featurizer, type Analyzed, type FeatureConfig, type SparseVec } from './features.js';
import { DEFAULT_SOFTMAX, SoftmaxModel, type SoftmaxConfig } from './softmax.js';

export interface CoreConfig {
  features: Partial<FeatureConfig>;
  softmax: SoftmaxConfig;
  /** Weight of the nearest phrasing's cosine, added to the classifier's logits. */
  knnWeight: number;
  /** Weight of the entry centroid's cosine, added to the logits. */
  centroidWeight: number;
  /** Temperature applied to the combined logits. */
  temperature: number;
  /** Example weight of an entry's answer text in the classifier (0 = unused). */
  answerWeight: number;
  /** Feature groups (0 word, 1 bigram, 2 char, 3 concept) used by the nearest-phrasing index. */
  knnGroups: number[];
}

export const DEFAULT_CORE: CoreConfig = {
  features: {},
  softmax: DEFAULT_SOFTMAX,
  knnWeight: 6,
  centroidWeight: 6,
  temperature: 1,
  answerWeight: 0.3,
  knnGroups: [0, 1, 2, 3],
};

export interface CoreDoc {
  analyzed: Analyzed;
  cls: number;
  /** Example weight (1 for phrasings). */
  weight: number;
  /** True for phrasings (used by the kNN index and centroids); false for answer texts. */
  phrasing: boolean;
}

/** Scores of one message against every class. */
export interface CoreScores {
  /** Combined probabilities (softmax of logits + kNN + centroid terms), length = classes. */
  prob: Float64Array;
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
  private readonly postings: (Postings | undefined)[];
  private readonly centroids: (Postings | undefined)[];
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
    const phr = docs.filter((d) => d.phrasing);
    this.fz = new Featurizer(cfg.features);
    this.fz.fit(phr.map((d) => d.analyzed));
    const vecs = docs.map((d) => this.fz.transform(d.analyzed));
    this.wordVocab = new Set();
    for (const d of phr) for (const s of d.analyzed.stems) this.wordVocab.add(s);

    // classifier
    this.model = new SoftmaxModel(this.fz.dim, classes);
    const xs: SparseVec[] = [];
    const ys: number[] = [];
    const ws: number[] = [];
    docs.forEach((d, i) => {
      if (vecs[i]!.idx.length === 0 || d.weight <= 0) return;
      xs.push(vecs[i]!);
      ys.push(d.cls);
      ws.push(d.weight);
    });
    this.model.train(xs, Int32Array.from(ys), Float32Array.from(ws), cfg.softmax);

    // kNN index over phrasings, restricted to the configured feature groups and re-normalised
    const groups = new Set(cfg.knnGroups);
    const phrVecs: SparseVec[] = [];
    const docClass: number[] = [];
    docs.forEach((d, i) => {
      if (!d.phrasing) return;
      phrVecs.push(restrict(vecs[i]!, this.fz, groups));
      docClass.push(d.cls);
    });
    this.docClass = Int32Array.from(docClass);
    this.docCount = phrVecs.length;
    this.postings = invert(phrVecs, this.fz.dim);

    // centroids (mean of a class's phrasing vectors, normalised), stored feature-major
    const acc: Map<number, number>[] = Array.from({ length: classes }, () => new Map());
    phrVecs.forEach((v, i) => {
      const m = acc[docClass[i]!]!;
      for (let k = 0; k < v.idx.length; k++) m.set(v.idx[k]!, (m.get(v.idx[k]!) ?? 0) + v.val[k]!);
    });
    const cents: SparseVec[] = acc.map((m) => {
      const ids = [...m.keys()].sort((a, b) => a - b);
      let n = 0;
      for (const id of ids) n += m.get(id)! ** 2;
      const s = n > 0 ? 1 / Math.sqrt(n) : 0;
      return { idx: Int32Array.from(ids), val: Float32Array.from(ids.map((id) => m.get(id)! * s)) };
    });
    this.centroids = invert(cents, this.fz.dim);

    this.docScore = new Float32Array(this.docCount);
    this.touched = new Int32Array(this.docCount);
    this.seen = new Uint8Array(this.docCount);
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
    if (x.idx.length === 0) {
      const prob = new Float64Array(C).fill(C > 0 ? 1 / C : 0);
      return { prob, knn, bestDoc, coverage, nnz: 0 };
    }
    this.model.logits(x, logits);

    // nearest phrasing per class
    const xr = restrict(x, this.fz, new Set(this.cfg.knnGroups));
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
    // centroid cosine
    const cent = new Float64Array(C);
    for (let k = 0; k < xr.idx.length; k++) {
      const p = this.centroids[xr.idx[k]!];
      if (!p) continue;
      const qv = xr.val[k]!;
      for (let j = 0; j < p.doc.length; j++) cent[p.doc[j]!]! += qv * p.w[j]!;
    }
    const { knnWeight, centroidWeight, temperature } = this.cfg;
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      const z = (logits[c]! + knnWeight * knn[c]! + centroidWeight * cent[c]!) / temperature;
      logits[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[c]! - max);
      logits[c] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) logits[c] = logits[c]! / sum;
    return { prob: logits, knn, bestDoc, coverage, nnz: x.idx.length };
  }

  scoreText(text: string): CoreScores {
    return this.score(analyze(text));
  }
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

function invert(vecs: SparseVec[], dim: number): (Postings | undefined)[] {
  const counts = new Int32Array(dim);
  for (const v of vecs) for (let k = 0; k < v.idx.length; k++) counts[v.idx[k]!]!++;
  const out: (Postings | undefined)[] = new Array(dim);
  const fill = new Int32Array(dim);
  for (let f = 0; f < dim; f++) if (counts[f]! > 0) out[f] = { doc: new Int32Array(counts[f]!), w: new Float32Array(counts[f]!) };
  vecs.forEach((v, d) => {
    for (let k = 0; k < v.idx.length; k++) {
      const f = v.idx[k]!;
      const p = out[f]!;
      const i = fill[f]!++;
      p.doc[i] = d;
      p.w[i] = v.val[k]!;
    }
  });
  return out;
}
