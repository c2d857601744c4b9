/**
 * Multinomial logistic regression over sparse vectors, trained with SGD and L2 (lazy, via a global scale), written
 * for speed: weights are one Float32Array laid out feature-major (`W[f * C + c]`), so a query costs nnz × C.
 * @module
 */
import type { SparseVec } from './features.js';

export interface SoftmaxConfig {
  epochs: number;
  /** Initial learning rate; decays linearly to 10 % over the run. */
  lr: number;
  /** L2 strength per example. */
  l2: number;
  seed: number;
}

export const DEFAULT_SOFTMAX: SoftmaxConfig = { epochs: 12, lr: 1.0, l2: 1e-5, seed: 1 };

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
    const { idx, val } = x;
    for (let k = 0; k < idx.length; k++) {
      const f = idx[k]!;
      if (f >= this.dim) continue;
      const v = val[k]!;
      const base = f * C;
      for (let c = 0; c < C; c++) out[c]! += W[base + c]! * v;
    }
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
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const rnd = mulberry32(cfg.seed);
    const total = cfg.epochs * n;
    let step = 0;
    for (let ep = 0; ep < cfg.epochs; ep++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
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
        this.logits(x, z);
        let max = -Infinity;
        for (let c = 0; c < C; c++) if (z[c]! > max) max = z[c]!;
        let sum = 0;
        for (let c = 0; c < C; c++) {
          const e = Math.exp(z[c]! - max);
          z[c] = e;
          sum += e;
        }
        // z := gradient of the loss w.r.t. the logits, times -lr*sw
        const g0 = -lr * sw;
        for (let c = 0; c < C; c++) {
          const p = z[c]! / sum;
          z[c] = g0 * (p - (c === y ? 1 : 0));
          this.b[c]! += z[c]! * 0.1;
        }
        const inv = 1 / this.scale;
        const { idx, val } = x;
        for (let k = 0; k < idx.length; k++) {
          const base = idx[k]! * C;
          const v = val[k]! * inv;
          for (let c = 0; c < C; c++) {
            const g = z[c]!;
            if (g > 1e-7 || g < -1e-7) W[base + c]! += g * v;
          }
        }
      }
    }
    this.rescale();
  }

  private rescale(): void {
    const s = this.scale;
    if (s === 1) return;
    const W = this.W;
    for (let i = 0; i < W.length; i++) W[i] = W[i]! * s;
    this.scale = 1;
  }
}
