import { describe, expect, it } from 'vitest';
import { topTerms } from '../../../server/kb/matcher/core.js';
import { mulberry32 } from '../../../server/kb/matcher/softmax.js';

/** The plain way: every feature sorted by weight, heaviest first, ties in their original order. */
function reference(idx: Int32Array, val: Float32Array, k: number): number[] {
  return Array.from(val.keys())
    .sort((a, b) => val[b]! - val[a]!)
    .slice(0, k)
    .map((i) => idx[i]!);
}

describe('topTerms (the query features the nearest-phrasing search uses)', () => {
  it('keeps the k heaviest, heaviest first, ties in their original order', () => {
    const rnd = mulberry32(3);
    for (const n of [193, 400, 1500]) {
      // few distinct weights, so that many features tie at the cut
      const val = Float32Array.from({ length: n }, () => Math.round(rnd() * 20) / 100);
      const idx = Int32Array.from({ length: n }, (_, i) => 7 * i + 1);
      const got = topTerms({ idx, val }, 192);
      expect(Array.from(got.idx)).toEqual(reference(idx, val, 192));
      expect(Array.from(got.val)).toEqual(reference(idx, val, 192).map((f) => val[(f - 1) / 7]!));
    }
  });

  it('leaves a message with no more than k features as it is (the search takes them all, in any order)', () => {
    const v = { idx: Int32Array.from([4, 2, 9]), val: Float32Array.from([0.1, 0.5, 0.3]) };
    expect(topTerms(v, 192)).toBe(v);
  });
});
