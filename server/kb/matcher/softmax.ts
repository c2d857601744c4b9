/**
 * Multinomial logistic regression over sparse vectors, trained with SGD and L2 (lazy, via a global scale), written
 * for speed: weights are one Float32Array laid out feature-major (`W[f * C + c]`), so a query costs nnz × C.
 * @module
 */
import type { SparseVec } from './features.js';

export interface SoftmaxConfig {
  /** Passes over the data; 0 = automatic ({@link autoEpochs}). */
  epochs: number;
  /** Initial learning rate; decays linearly to 10 % over the run. */
  lr: number;
  /** L2 strength per example. */
  l2: number;
  seed: number;
  /** Feature dropout during training (probability of dropping each feature of an example, per step). */
  dropout: number;
  /** Average the weights over the epoch ends of the last `average` share of the run (0 = off). */
  average: number;
}

export const DEFAULT_SOFTMAX: SoftmaxConfig = { epochs: 0, lr: 1.0, l2: 1e-5, seed: 1, dropout: 0.4, average: 0 };

/** Epochs when `epochs` is 0: more passes over small KBs (cheap), fewer over large ones. */
export function autoEpochs(examples: number): number {
  return Math.min(60, Math.max(12, Math.ceil(150_000 / Math.max(1, examples))));
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * out += Σₖ x.valₖ · row x.idxₖ of W, where W holds `dim` rows of `width` floats (row-major); features ≥ dim (unseen in
 * training) are skipped. The product of a sparse vector with a weight matrix laid out feature-major.
 */
export function addRows(x: SparseVec, W: Float32Array, width: number, dim: number, out: Float64Array): void {
  const { idx, val } = x;
  for (let k = 0; k < idx.length; k++) {
    const f = idx[k]!;
    if (f >= dim) continue;
    const v = val[k]!;
    const base = f * width;
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      out[c]! += W[base + c]! * v;
      out[c + 1]! += W[base + c + 1]! * v;
      out[c + 2]! += W[base + c + 2]! * v;
      out[c + 3]! += W[base + c + 3]! * v;
    }
    for (; c < width; c++) out[c]! += W[base + c]! * v;
  }
}

/** What an SGD run over `xs` works in: the visiting order (0..n−1, shuffled each epoch) and room for a dropped-out copy. */
export function sgdScratch(xs: SparseVec[]): { order: Int32Array; dIdx: Int32Array; dVal: Float32Array } {
  const order = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) order[i] = i;
  let maxNnz = 0;
  for (const x of xs) if (x.idx.length > maxNnz) maxNnz = x.idx.length;
  return { order, dIdx: new Int32Array(maxNnz), dVal: new Float32Array(maxNnz) };
}

/** Shuffles `order` in place (Fisher–Yates), the same way for every model trained here. */
export function shuffleOrder(order: Int32Array, rnd: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/**
 * Feature dropout: copies the features of `x` that survive (each with probability 1 − p, scaled by 1 / (1 − p)) into
 * `dIdx` / `dVal` and returns how many did.
 */
export function dropFeatures(x: SparseVec, p: number, rnd: () => number, dIdx: Int32Array, dVal: Float32Array): number {
  const keep = 1 / (1 - p);
  let m = 0;
  for (let k = 0; k < x.idx.length; k++) {
    if (rnd() >= p) {
      dIdx[m] = x.idx[k]!;
      dVal[m] = x.val[k]! * keep;
      m++;
    }
  }
  return m;
}

export class SoftmaxModel {
  readonly dim: number;
  readonly classes: number;
  readonly W: Float32Array;
  readonly b: Float64Array;
  private scale = 1;

  constructor(dim: number, classes: number) {
    this.dim = dim;
    this.classes = classes;
    this.W = new Float32Array(dim * classes);
    this.b = new Float64Array(classes);
  }

  /** Writes the logits of `x` into `out` (length = classes). */
  logits(x: SparseVec, out: Float64Array): void {
    const C = this.classes;
    const W = this.W;
    for (let c = 0; c < C; c++) out[c] = 0;
    addRows(x, W, C, this.dim, out);
    const s = this.scale;
    for (let c = 0; c < C; c++) out[c] = out[c]! * s + this.b[c]!;
  }

  /** SGD over (x, y) pairs; `weights` scales each example's gradient. */
  train(xs: SparseVec[], ys: Int32Array, weights: Float32Array | undefined, cfg: SoftmaxConfig): void {
    const n = xs.length;
    if (n === 0) return;
    const C = this.classes;
    const W = this.W;
    const z = new Float64Array(C);
    const { order, dIdx, dVal } = sgdScratch(xs);
    const rnd = mulberry32(cfg.seed);
    const epochs = cfg.epochs > 0 ? cfg.epochs : autoEpochs(n);
    const total = epochs * n;
    const active = new Int32Array(C);
    const grad = new Float64Array(C);
    const B = this.b;
    const gMin = 1e-6 * cfg.lr;
    let step = 0;
    const avgFrom = cfg.average > 0 ? Math.max(0, Math.floor(epochs * (1 - cfg.average))) : epochs;
    let avgW: Float32Array | null = null;
    let avgB: Float64Array | null = null;
    let avgN = 0;
    for (let ep = 0; ep < epochs; ep++) {
      shuffleOrder(order, rnd);
      for (let oi = 0; oi < n; oi++) {
        const i = order[oi]!;
        const x = xs[i]!;
        const y = ys[i]!;
        const sw = weights ? weights[i]! : 1;
        const lr = cfg.lr * (1 - 0.9 * (step / total));
        step++;
        // lazy L2: W_true = scale * W
        this.scale *= 1 - lr * cfg.l2;
        if (this.scale < 1e-4) this.rescale();
        let xi = x;
        if (cfg.dropout > 0) {
          const m = dropFeatures(x, cfg.dropout, rnd, dIdx, dVal);
          xi = { idx: dIdx.subarray(0, m), val: dVal.subarray(0, m) };
        }
        // forward
        const xIdx = xi.idx;
        const xVal = xi.val;
        const nnz = xIdx.length;
        const scale = this.scale;
        for (let c = 0; c < C; c++) z[c] = 0;
        addRows(xi, W, C, this.dim, z);
        let max = -Infinity;
        for (let c = 0; c < C; c++) {
          const v = z[c]! * scale + B[c]!;
          z[c] = v;
          if (v > max) max = v;
        }
        let sum = 0;
        for (let c = 0; c < C; c++) {
          const e = Math.exp(z[c]! - max);
          z[c] = e;
          sum += e;
        }
        // gradient w.r.t. the logits, times -lr*sw; only classes with a non-negligible gradient are updated
        const g0 = -lr * sw;
        let na = 0;
        for (let c = 0; c < C; c++) {
          const g = g0 * (z[c]! / sum - (c === y ? 1 : 0));
          if (g > gMin || g < -gMin) {
            active[na] = c;
            grad[na] = g;
            na++;
            B[c]! += g * 0.1;
          }
        }
        const inv = 1 / scale;
        for (let k = 0; k < nnz; k++) {
          const base = xIdx[k]! * C;
          const v = xVal[k]! * inv;
          for (let a = 0; a < na; a++) W[base + active[a]!]! += grad[a]! * v;
        }
      }
      if (ep >= avgFrom) {
        this.rescale();
        if (!avgW) {
          avgW = new Float32Array(W.length);
          avgB = new Float64Array(C);
        }
        for (let i = 0; i < W.length; i++) avgW[i]! += W[i]!;
        for (let c = 0; c < C; c++) avgB![c]! += B[c]!;
        avgN++;
      }
    }
    this.rescale();
    if (avgW && avgN > 1) {
      for (let i = 0; i < W.length; i++) W[i] = avgW[i]! / avgN;
      for (let c = 0; c < C; c++) this.b[c] = avgB![c]! / avgN;
    }
  }

  private rescale(): void {
    const s = this.scale;
    if (s === 1) return;
    const W = this.W;
    for (let i = 0; i < W.length; i++) W[i] = W[i]! * s;
    this.scale = 1;
  }
}
