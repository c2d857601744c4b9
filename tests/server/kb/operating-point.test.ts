import { describe, expect, it } from 'vitest';
import { chooseOperatingPoint, chooseThreshold, thresholdForOosRecall, type ScoredMessage } from '../../../server/kb/matcher/operating-point.js';

/** A validation set: in-scope messages (right or wrong top entry) and out-of-scope ones, with confidences. */
const inScope = (conf: number, correct = true, ratio = 0): ScoredMessage => ({ conf, inScope: true, correct, ratio });
const outOfScope = (conf: number, ratio = 0): ScoredMessage => ({ conf, inScope: false, correct: false, ratio });

const VAL: ScoredMessage[] = [
  inScope(0.95), inScope(0.9), inScope(0.8), inScope(0.6), inScope(0.4), inScope(0.3, false), inScope(0.2),
  outOfScope(0.7), outOfScope(0.35), outOfScope(0.25), outOfScope(0.1),
];
const answeredAt = (t: number, s = VAL): ScoredMessage[] => s.filter((m) => m.conf >= t);

describe('operating point on a validation set', () => {
  it('chooseThreshold maximises the messages handled right', () => {
    const t = chooseThreshold(VAL);
    // answering down to 0.4 gets 5 in-scope right and answers only one out-of-scope message: 5 + 3 = 8 of 11
    expect(answeredAt(t).filter((m) => m.inScope && m.correct)).toHaveLength(5);
    expect(answeredAt(t).filter((m) => !m.inScope)).toHaveLength(1);
  });

  it('thresholdForOosRecall answers as much as the required out-of-scope recall allows', () => {
    // half of the 4 out-of-scope messages may be answered: the cut falls between 0.35 and 0.25
    const t50 = thresholdForOosRecall(VAL, 0.5);
    expect(answeredAt(t50).filter((m) => !m.inScope)).toHaveLength(2);
    expect(answeredAt(t50).filter((m) => m.inScope)).toHaveLength(6); // 0.95 … 0.3
    // all of them must stay unanswered: only what beats the best out-of-scope confidence (0.7) is answered
    const t100 = thresholdForOosRecall(VAL, 1);
    expect(answeredAt(t100).filter((m) => !m.inScope)).toHaveLength(0);
    expect(answeredAt(t100).filter((m) => m.inScope)).toHaveLength(3);
    // no out-of-scope recall required: everything is answered
    expect(answeredAt(thresholdForOosRecall(VAL, 0))).toHaveLength(VAL.length);
  });

  it('chooseOperatingPoint picks the ambiguity ratio with the threshold, and reports the val figures', () => {
    // two in-scope messages have a close runner-up; refusing them (ratio 0.5) costs right answers and gains nothing
    const val = [...VAL, inScope(0.85, true, 0.8), inScope(0.75, true, 0.9)];
    const p = chooseOperatingPoint(val, [0.5, 1]);
    expect(p.ambiguityRatio).toBe(1);
    expect(p.answerAccuracy).toBeCloseTo(7 / 9);
    expect(p.oosRecall).toBeCloseTo(3 / 4);
    const strict = chooseOperatingPoint(val, [0.5, 1], 1);
    expect(strict.oosRecall).toBe(1);
    expect(strict.answerAccuracy).toBeCloseTo(5 / 9); // 0.95, 0.9, 0.85, 0.8, 0.75: above the best out-of-scope 0.7
  });

  it('never answers messages handed off before the matcher', () => {
    const val = [inScope(-1), inScope(0.9), outOfScope(0.2)];
    const p = chooseOperatingPoint(val, [1]);
    expect(p.answerAccuracy).toBeCloseTo(1 / 2);
    expect(p.oosRecall).toBe(1);
  });
});
