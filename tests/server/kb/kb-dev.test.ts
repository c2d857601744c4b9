/**
 * The dev split behind `npm run kb:dev`: experiments are judged on rows held out of train, never on test.
 */
import { describe, expect, it } from 'vitest';
import { devSplit } from '../../../scripts/kb-dev.js';

const rows = [
  ...Array.from({ length: 20 }, (_, i) => ({ text: `a${i}`, label: 'a' })),
  ...Array.from({ length: 4 }, (_, i) => ({ text: `b${i}`, label: 'b' })),
  ...Array.from({ length: 5 }, (_, i) => ({ text: `o${i}`, label: 'oos' })),
];

describe('devSplit', () => {
  it('holds rows of each label out of train, keeps three per label and every oos row in train', () => {
    const { train, dev } = devSplit(rows, 10, 5);
    expect(dev.filter((r) => r.label === 'a')).toHaveLength(10);
    expect(dev.filter((r) => r.label === 'b')).toHaveLength(1);
    expect(dev.some((r) => r.label === 'oos')).toBe(false);
    expect(train).toHaveLength(rows.length - dev.length);
    const trainTexts = new Set(train.map((r) => r.text));
    expect(dev.some((r) => trainTexts.has(r.text))).toBe(false);
  });

  it('holds a share of each label out with holdShare, so dev keeps the label frequencies of train', () => {
    const { dev } = devSplit(rows, 10, 5, 3, 0.25);
    expect(dev.filter((r) => r.label === 'a')).toHaveLength(5);
    expect(dev.filter((r) => r.label === 'b')).toHaveLength(1);
  });

  it('is repeatable for a seed and differs between seeds', () => {
    const texts = (seed: number) => devSplit(rows, 10, seed).dev.map((r) => r.text).sort().join(',');
    expect(texts(5)).toBe(texts(5));
    expect(texts(5)).not.toBe(texts(6));
  });
});
