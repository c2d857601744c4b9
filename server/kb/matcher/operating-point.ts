/**
 * Choosing the matcher's operating point (answer threshold and ambiguity ratio) on a labelled validation set that
 * has out-of-scope messages, as `kb:eval --dataset` does for CLINC150. The matcher learns both from its own
 * held-out phrasings when it is built; these functions re-choose them when real validation messages exist.
 * @module
 */

/** One validation message scored by the matcher. */
export interface ScoredMessage {
  /** Calibrated confidence of the top entry; below 0 when the message was handed off before the matcher. */
  conf: number;
  inScope: boolean;
  /** The top entry is the right one. */
  correct: boolean;
  /** Confidence of the runner-up / confidence of the top entry (0 when there is none). */
  ratio: number;
}

export interface OperatingPoint {
  answer: number;
  ambiguityRatio: number;
  /** On the validation set: in-scope messages answered right, over in-scope messages. */
  answerAccuracy: number;
  /** On the validation set: out-of-scope messages not answered, over out-of-scope messages. */
  oosRecall: number;
}

/**
 * Answer threshold maximising the share of messages handled right: in-scope answered with the right entry,
 * out-of-scope not answered (Larson et al.'s criterion for CLINC150). `ambiguous` messages are never answered.
 */
export function chooseThreshold(scored: { conf: number; inScope: boolean; correct: boolean; ambiguous?: boolean }[]): number {
  const nOut = scored.filter((s) => !s.inScope).length;
  const sorted = scored.filter((s) => s.conf >= 0 && !s.ambiguous).sort((a, b) => b.conf - a.conf);
  // threshold t answers everything with conf >= t; walk t down over the distinct confidences
  let bestT = 1;
  let handled = nOut; // nothing answered: every out-of-scope message is handled right
  let best = handled;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (s.inScope && s.correct) handled++;
    if (!s.inScope) handled--;
    const next = sorted[i + 1];
    if (next && next.conf === s.conf) continue;
    if (handled > best) {
      best = handled;
      bestT = next ? (s.conf + next.conf) / 2 : s.conf;
    }
  }
  return bestT;
}

/**
 * The lowest answer threshold that still leaves at least `minOosRecall` of the out-of-scope messages unanswered
 * (the one answering most in-scope messages under that constraint).
 */
export function thresholdForOosRecall(scored: { conf: number; inScope: boolean; ambiguous?: boolean }[], minOosRecall: number): number {
  const outConf = scored.filter((s) => !s.inScope && s.conf >= 0 && !s.ambiguous).map((s) => s.conf);
  const nOut = scored.filter((s) => !s.inScope).length;
  const mayAnswer = Math.floor((1 - minOosRecall) * nOut + 1e-9); // out-of-scope messages we may answer
  if (mayAnswer >= outConf.length) return 0;
  outConf.sort((a, b) => b - a);
  // answer everything strictly above the (mayAnswer+1)-th highest out-of-scope confidence
  const cut = outConf[mayAnswer]!;
  const above = mayAnswer > 0 ? outConf[mayAnswer - 1] : undefined; // the lowest out-of-scope confidence still answered
  return above !== undefined && above > cut ? (above + cut) / 2 : cut + 1e-9;
}

/**
 * Chooses the answer threshold together with the ambiguity ratio (from `ratios`): by default the pair handling the
 * largest share of messages right; with `minOosRecall`, the pair answering the most in-scope messages right while
 * keeping that out-of-scope recall.
 */
export function chooseOperatingPoint(scored: ScoredMessage[], ratios: number[], minOosRecall?: number): OperatingPoint {
  const nIn = scored.filter((s) => s.inScope).length;
  const nOut = scored.length - nIn;
  let best: (OperatingPoint & { score: number }) | undefined;
  for (const ratio of ratios) {
    const marked = scored.map((s) => ({ ...s, ambiguous: s.ratio > ratio }));
    const answer = minOosRecall === undefined ? chooseThreshold(marked) : thresholdForOosRecall(marked, minOosRecall);
    const answered = marked.filter((s) => s.conf >= 0 && !s.ambiguous && s.conf >= answer);
    const right = answered.filter((s) => s.inScope && s.correct).length;
    const oosAnswered = answered.filter((s) => !s.inScope).length;
    const point = {
      answer,
      ambiguityRatio: ratio,
      answerAccuracy: nIn > 0 ? right / nIn : 0,
      oosRecall: nOut > 0 ? 1 - oosAnswered / nOut : 1,
      score: minOosRecall === undefined ? right + nOut - oosAnswered : right,
    };
    if (!best || point.score > best.score) best = point;
  }
  const { score: _score, ...point } = best ?? { answer: 1, ambiguityRatio: 1, answerAccuracy: 0, oosRecall: 1, score: 0 };
  return point;
}
