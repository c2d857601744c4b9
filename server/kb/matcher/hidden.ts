/**
 * A small network with one hidden layer (ReLU) over the same sparse vectors as the softmax classifier, trained with
 * SGD and input-feature dropout. Its log-probabilities are added to the classifier's logits: it errs differently from
 * the linear model (it can learn that two words mean something together), so the sum is right more often than
 * either. Weights: W1 feature-major (`W1[f * H + j]`), W2 hidden-major (`W2[j * C + c]`); a query costs
 * nnz × H + H × C multiply-adds.
 * @module
 */
import type { SparseVec } from './features.js';
import { addRows, dropFeatures, mulberry32, sgdScratch, shuffleOrder } from './softmax.js';

export interface HiddenConfig {
  /** Hidden units; 0 = no hidden-layer model. */
  size: number;
  /** Weight of its log-probabilities in the combined score (0 = not used). */
  weight: number;
  /** Passes over the data; 0 = automatic ({@link autoHiddenEpochs}). */
  epochs: number;
  /** Initial learning rate; decays linearly to 10 % over the run. */
  lr: number;
  /** Input weights start uniform in ±init. */
  init: number;
  /** Probability of dropping each input feature of an example, per step. */
  dropout: number;
  seed: number;
  /** Feature groups it sees (0 word, 1 bigram, 2 char, 3 concept). */
  groups: number[];
}

export const DEFAULT_HIDDEN: HiddenConfig = { size: 128, weight: 0.5, epochs: 0, lr: 0.3, init: 0.1, dropout: 0.5, seed: 7, groups: [0, 1, 2, 3] };

/** Epochs when `epochs` is 0: about 100 000 steps, 8 to 40 passes (bounds the build time of large KBs). */
export function autoHiddenEpochs(examples: number): number {
  return Math.min(40, Math.max(8, Math.round(100_000 / Math.max(1, examples))));
}

export class HiddenLayerModel {
  readonly dim: number;
  readonly size: number;
  readonly classes: number;
  private readonly W1: Float32Array;
  private readonly b1: Float32Array;
  private readonly W2: Float32Array;
  private readonly b2: Float32Array;
  private readonly pre: Float64Array;
  private readonly h: Float64Array;

  constructor(dim: number, size: number, classes: number, cfg: HiddenConfig) {
    this.dim = dim;
    this.size = size;
    this.classes = classes;
    const rnd = mulberry32(cfg.seed);
    this.W1 = new Float32Array(dim * size);
    for (let i = 0; i < this.W1.length; i++) this.W1[i] = (rnd() * 2 - 1) * cfg.init;
    this.b1 = new Float32Array(size);
    this.W2 = new Float32Array(size * classes);
    const a2 = Math.sqrt(6 / (size + classes));
    for (let i = 0; i < this.W2.length; i++) this.W2[i] = (rnd() * 2 - 1) * a2;
    this.b2 = new Float32Array(classes);
    this.pre = new Float64Array(size);
    this.h = new Float64Array(size);
  }

  /** Writes the logits of `x` into `out` (length = classes); leaves the hidden layer in `this.pre` / `this.h`. */
  logits(x: SparseVec, out: Float64Array): void {
    const H = this.size;
    const C = this.classes;
    const W1 = this.W1;
    const W2 = this.W2;
    const pre = this.pre;
    const h = this.h;
    for (let j = 0; j < H; j++) pre[j] = this.b1[j]!;
    addRows(x, W1, H, this.dim, pre);
    for (let c = 0; c < C; c++) out[c] = this.b2[c]!;
    for (let j = 0; j < H; j++) {
      const hj = pre[j]! > 0 ? pre[j]! : 0;
      h[j] = hj;
      if (hj === 0) continue;
      const base = j * C;
      for (let c = 0; c < C; c++) out[c]! += W2[base + c]! * hj;
    }
  }

  /** Log-probabilities of `x`, written into `out`. */
  logProbs(x: SparseVec, out: Float64Array): void {
    this.logits(x, out);
    let max = -Infinity;
    for (let c = 0; c < out.length; c++) if (out[c]! > max) max = out[c]!;
    let sum = 0;
    for (let c = 0; c < out.length; c++) sum += Math.exp(out[c]! - max);
    const log = Math.log(sum) + max;
    for (let c = 0; c < out.length; c++) out[c] = out[c]! - log;
  }

  train(xs: SparseVec[], ys: Int32Array, weights: Float32Array | undefined, cfg: HiddenConfig): void {
    const n = xs.length;
    if (n === 0) return;
    const H = this.size;
    const C = this.classes;
    const { W1, W2, b1, b2, pre, h } = this;
    const rnd = mulberry32(cfg.seed + 1);
    const { order, dIdx, dVal } = sgdScratch(xs);
    const z = new Float64Array(C);
    const dh = new Float64Array(H);
    const liveUnit = new Int32Array(H);
    const active = new Int32Array(C);
    const grad = new Float64Array(C);
    const epochs = cfg.epochs > 0 ? cfg.epochs : autoHiddenEpochs(n);
    const total = epochs * n;
    let step = 0;
    for (let ep = 0; ep < epochs; ep++) {
      shuffleOrder(order, rnd);
      for (let oi = 0; oi < n; oi++) {
        const i = order[oi]!;
        const lr = cfg.lr * (1 - 0.9 * (step / total)) * (weights ? weights[i]! : 1);
        step++;
        const x = xs[i]!;
        let m = x.idx.length;
        if (cfg.dropout > 0) m = dropFeatures(x, cfg.dropout, rnd, dIdx, dVal);
        else {
          dIdx.set(x.idx);
          dVal.set(x.val);
        }
        this.logits({ idx: dIdx.subarray(0, m), val: dVal.subarray(0, m) }, z);
        let max = -Infinity;
        for (let c = 0; c < C; c++) if (z[c]! > max) max = z[c]!;
        let sum = 0;
        for (let c = 0; c < C; c++) {
          z[c] = Math.exp(z[c]! - max);
          sum += z[c]!;
        }
        const y = ys[i]!;
        // gradient w.r.t. the logits; classes whose gradient is negligible are skipped (most, once trained)
        let na = 0;
        for (let c = 0; c < C; c++) {
          const g = z[c]! / sum - (c === y ? 1 : 0);
          if (g > 1e-5 || g < -1e-5) {
            active[na] = c;
            grad[na] = g;
            na++;
            b2[c]! -= lr * g;
          }
        }
        // only the units the ReLU let through get a gradient
        let nh = 0;
        for (let j = 0; j < H; j++) {
          if (pre[j]! <= 0) continue;
          const base = j * C;
          const rate = lr * h[j]!;
          let g = 0;
          for (let a = 0; a < na; a++) {
            const c = base + active[a]!;
            g += W2[c]! * grad[a]!;
            W2[c]! -= rate * grad[a]!;
          }
          b1[j]! -= lr * g;
          liveUnit[nh] = j;
          dh[nh] = g;
          nh++;
        }
        for (let k = 0; k < m; k++) {
          const base = dIdx[k]! * H;
          const v = dVal[k]! * lr;
          for (let u = 0; u < nh; u++) W1[base + liveUnit[u]!]! -= v * dh[u]!;
        }
      }
    }
  }
}
