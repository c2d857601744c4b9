import { describe, expect, it } from 'vitest';
import { DEFAULT_HIDDEN, HiddenLayerModel, autoHiddenEpochs } from '../../../server/kb/matcher/hidden.js';
import { DEFAULT_SOFTMAX, SoftmaxModel } from '../../../server/kb/matcher/softmax.js';
import type { SparseVec } from '../../../server/kb/matcher/features.js';
import { hiddenUnits } from '../../../server/kb/matcher/core.js';

// Four words, two meanings, decided by which words come together: {0,1} and {2,3} mean one thing, {0,3} and {2,1}
// the other. Every word is as frequent in both meanings, so no weighting of single words tells them apart.
const pair = (a: number, b: number): SparseVec => ({ idx: Int32Array.from([a, b]), val: Float32Array.from([Math.SQRT1_2, Math.SQRT1_2]) });
const xs = [pair(0, 1), pair(2, 3), pair(0, 3), pair(2, 1)];
const ys = Int32Array.from([0, 0, 1, 1]);
const argmax = (v: Float64Array) => (v[0]! >= v[1]! ? 0 : 1);

describe('hidden-layer model (added to the linear classifier)', () => {
  it('learns what two words mean together, which the linear classifier cannot', () => {
    const reps = Array.from({ length: 50 }, () => xs).flat();
    const labels = Int32Array.from(Array.from({ length: 50 }, () => Array.from(ys)).flat());
    const cfg = { ...DEFAULT_HIDDEN, epochs: 40, dropout: 0 };
    const hidden = new HiddenLayerModel(4, 16, 2, cfg);
    hidden.train(reps, labels, undefined, cfg);
    const linear = new SoftmaxModel(4, 2);
    linear.train(reps, labels, undefined, { ...DEFAULT_SOFTMAX, epochs: 40, dropout: 0 });
    const out = new Float64Array(2);
    const hiddenRight = xs.filter((x, i) => (hidden.logProbs(x, out), argmax(out) === ys[i])).length;
    expect(hiddenRight).toBe(4);
    // its log-probabilities are log-probabilities: they sum to one
    hidden.logProbs(xs[0]!, out);
    expect(Math.exp(out[0]!) + Math.exp(out[1]!)).toBeCloseTo(1, 6);
    expect(Math.exp(out[0]!)).toBeGreaterThan(0.9);
    // no linear model gets all four right (at best three), and this one stays unsure of every message
    const linearRight = xs.filter((x, i) => (linear.logits(x, out), argmax(out) === ys[i])).length;
    expect(linearRight).toBeLessThan(4);
    for (const x of xs) {
      linear.logits(x, out);
      expect(Math.abs(out[0]! - out[1]!)).toBeLessThan(1);
    }
  });

  it('ignores features it was not trained on, and bounds its training passes for large knowledge bases', () => {
    const cfg = { ...DEFAULT_HIDDEN, epochs: 5 };
    const m = new HiddenLayerModel(4, 8, 2, cfg);
    m.train(xs, ys, undefined, cfg);
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    m.logProbs(pair(0, 1), a);
    m.logProbs({ idx: Int32Array.from([0, 1, 99]), val: Float32Array.from([Math.SQRT1_2, Math.SQRT1_2, 0.5]) }, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(autoHiddenEpochs(500)).toBe(40);
    expect(autoHiddenEpochs(10_000)).toBe(10);
    expect(autoHiddenEpochs(200_000)).toBe(8);
  });
});

describe('hidden-layer size', () => {
  it('shrinks the hidden layer to the memory budget of the classifier, and leaves it out when it would be too small', () => {
    const on = { ...DEFAULT_HIDDEN, size: 128, weight: 0.5 };
    expect(hiddenUnits(on, 50_000)).toBe(128); // 25.6 MB of input weights
    expect(hiddenUnits(on, 500_000)).toBe(33); // 64 MB / (500 000 features × 4 bytes)
    expect(hiddenUnits(on, 2_000_000)).toBe(0);
    expect(hiddenUnits({ ...on, weight: 0 }, 1000)).toBe(0);
  });
});
