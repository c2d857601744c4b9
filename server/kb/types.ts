/**
 * Knowledge base shapes shared by the store, the matcher, the file formats and the REST API.
 * @module
 */

export type Language = 'ru' | 'en';

/** An answer in one text, or one per language. */
export type KbAnswer = string | Partial<Record<Language, string>>;

/** One knowledge base entry as kept in `data/kb/*.yaml|json` and in the database. */
export interface KbEntry {
  id: string;
  /** Several phrasings of the question, in any of the supported languages. */
  questions: string[];
  answer: KbAnswer;
  topic?: string;
  tags?: string[];
}

export type MatchDecision = 'answer' | 'suggest' | 'none';

export interface MatchCandidate {
  entryId: string;
  /** Calibrated confidence in 0..1 that this entry answers the message. */
  confidence: number;
  /** The entry's phrasing closest to the message, shown on a suggestion button. */
  question: string;
}

export interface MatchResult {
  decision: MatchDecision;
  /** Confidence of the top candidate (0 when there is none). */
  confidence: number;
  /** Best first; at most `limit` (default 5). */
  ranked: MatchCandidate[];
  /** Language the message is written in (guessed). */
  language: Language;
}

export interface MatchOptions {
  /** How many candidates to return (default 5). */
  limit?: number;
}

/** A built, immutable index over a set of entries. Rebuild it when the entries change. */
export interface Matcher {
  match(text: string, options?: MatchOptions): MatchResult;
  /** Number of entries and phrasings the index was built from. */
  readonly size: { entries: number; phrasings: number };
  /** The decision thresholds this matcher uses (learnt per knowledge base when it is built). */
  readonly thresholds?: MatchThresholds;
}

/** Confidence thresholds of a built matcher: `answer` when confidence >= answer, `suggest` when >= suggest. */
export interface MatchThresholds {
  answer: number;
  suggest: number;
  /** How they were obtained: learnt from held-out phrasings of the KB, library defaults, or given by the caller. */
  source: 'cross-validation' | 'default' | 'manual';
  /** The runner-up/top probability ratio above which the matcher suggests instead of answering (1 = never). */
  ambiguityRatio?: number;
  /** Cost of a wrong answer relative to a right one that the learnt answer threshold was optimised for. */
  wrongAnswerCost?: number;
  /** Precision of `answer` decisions at the learnt threshold, on the KB's held-out phrasings (pessimistic). */
  heldOutPrecision?: number;
}
