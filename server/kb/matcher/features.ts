/**
 * Sparse lexical features of a message: stemmed words, word bigrams, synonym concepts and character n-grams,
 * TF-IDF weighted per group and L2-normalised.
 * @module
 */
import { conceptsOf, conceptsOfPair } from './lexicon.js';
import { FILLER_WORDS, STOP_WORDS } from './stopwords.js';
import { stem, words } from './text.js';

export interface FeatureConfig {
  /** Weight of the stemmed-word group. */
  wordWeight: number;
  /** Weight of the stemmed word bigram group. */
  bigramWeight: number;
  /** Weight of the character n-gram group. */
  charWeight: number;
  /** Weight of the synonym-concept group. */
  conceptWeight: number;
  /** Smallest and largest character n-gram (over each word padded with spaces). */
  charMin: number;
  charMax: number;
  /** Use sublinear tf (1 + log tf). */
  sublinearTf: boolean;
  /** Content-word pairs (order-free) within this many content words; 1 = adjacent only. */
  pairWindow: number;
  /** Word prefixes of this length (words longer than it) as extra word features; 0 = off. */
  prefix: number;
  /** Unstemmed words as extra word features. */
  rawWords: boolean;
  /** `#num` as an extra word feature of every number. */
  numberShape: boolean;
  /** Greetings and politeness words ({@link Analyzed.fillers}) as word features of their own. */
  fillerWords: boolean;
  /** Also character n-grams across word boundaries (over the whole message), this long; 0 = off. */
  crossChar: number;
  /**
   * Drop features seen in fewer training phrasings than this. 0 = automatic: 1 (keep all), or 2 when the classifier's
   * weights over all features would pass {@link WEIGHT_BUDGET_BYTES}.
   */
  minDf: number;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  wordWeight: 1,
  bigramWeight: 0.6,
  charWeight: 1,
  conceptWeight: 0.8,
  charMin: 2,
  charMax: 5,
  sublinearTf: true,
  pairWindow: 1,
  prefix: 0,
  rawWords: false,
  numberShape: true,
  fillerWords: true,
  crossChar: 0,
  minDf: 0,
};

/** Memory the classifier's weight matrix (features × entries × 4 bytes) may take before rare features are dropped. */
export const WEIGHT_BUDGET_BYTES = 64 * 1024 * 1024;

/** Words whose character n-gram ids a featurizer keeps at most (then it starts over): ~20 ids each, ~10 MB at most. */
const CHAR_CACHE_WORDS = 50_000;

/** A sparse vector: unique indices (in no particular order) and their values. */
export interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

/** Tokens of a message after normalisation, greeting/filler removal and stemming. */
export interface Analyzed {
  /** Normalised words without fillers ("привет", "please"...). */
  words: string[];
  /** Stems of `words`. */
  stems: string[];
  /**
   * The greetings and politeness words taken out of `words` (none when nothing else was left and they stayed).
   * They do not say what the question is about, but they are not noise either: "спасибо, что напомнил" thanks the
   * bot, "добрый вечер" greets it. They become word features of their own (`fillerWords`) and nothing else.
   */
  fillers: string[];
}

/** Normalises, sets greetings and politeness fillers apart (unless nothing else is left), stems. */
export function analyze(text: string): Analyzed {
  const all = words(text);
  const kept = all.filter((w) => !FILLER_WORDS.has(w));
  if (kept.length === 0) return { words: all, stems: all.map(stem), fillers: [] };
  return { words: kept, stems: kept.map(stem), fillers: all.filter((w) => FILLER_WORDS.has(w)) };
}

const DIGITS_RE = /^\d+$/;

type Group = 0 | 1 | 2 | 3;
const G_WORD: Group = 0;
const G_BIGRAM: Group = 1;
const G_CHAR: Group = 2;
const G_CONCEPT: Group = 3;

/** The character n-grams of one word, padded with spaces (" кот " -> " к", "ко", "от", "т ", " ко"...), in order. */
function wordCharGrams(w: string, cfg: FeatureConfig, out: (gram: string) => void): void {
  const p = ` ${w} `;
  for (let n = cfg.charMin; n <= cfg.charMax; n++) {
    if (p.length < n) break;
    for (let i = 0; i + n <= p.length; i++) out(p.slice(i, i + n));
  }
}

/** Adds `w` to a feature's count in its group (a plain function: tsx wraps every closure created on the hot path). */
function addFeature(groups: Map<string, number>[], g: Group, key: string, w = 1): void {
  const m = groups[g]!;
  m.set(key, (m.get(key) ?? 0) + w);
}

/**
 * Raw feature strings of a message, grouped, with counts. `wordChars: false` leaves the character n-grams of the words
 * out (the query path takes them from a per-word cache); those across word boundaries (`crossChar`) stay.
 */
function rawFeatures(a: Analyzed, cfg: FeatureConfig, wordChars = true): Map<string, number>[] {
  const groups: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map()];
  const { words: ws, stems } = a;
  const content: string[] = [];
  // a filler is one word feature, as written ("!спасибо"), and takes no part in bigrams, character n-grams or
  // concepts (kept as ordinary words instead, they gained less on the hwu64_ru dev splits: see docs/matcher.md)
  if (cfg.fillerWords) for (const f of a.fillers) addFeature(groups, G_WORD, `!${f}`);
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    addFeature(groups, G_WORD, s);
    if (cfg.prefix > 0 && ws[i]!.length > cfg.prefix && s.length > cfg.prefix) addFeature(groups, G_WORD, `>${ws[i]!.slice(0, cfg.prefix)}`);
    if (cfg.rawWords && ws[i] !== s) addFeature(groups, G_WORD, `=${ws[i]}`);
    // any number also counts as "a number": "разбуди в 7" and "разбуди в 8" share it (the digits stay features too)
    if (cfg.numberShape && DIGITS_RE.test(ws[i]!)) addFeature(groups, G_WORD, '#num');
    if (!STOP_WORDS.has(ws[i]!)) content.push(s);
    for (const c of conceptsOf(s, ws[i]!)) addFeature(groups, G_CONCEPT, c);
  }
  for (let i = 0; i + 1 < stems.length; i++) {
    addFeature(groups, G_BIGRAM, `${stems[i]} ${stems[i + 1]}`);
    for (const c of conceptsOfPair(stems[i]!, stems[i + 1]!)) addFeature(groups, G_CONCEPT, c);
  }
  // content-word bigrams skip over stop words ("card has not arrived" -> "card arriv")
  for (let i = 0; i + 1 < content.length; i++) {
    for (let j = i + 1; j < Math.min(content.length, i + 1 + cfg.pairWindow); j++) {
      const x = content[i]!;
      const y = content[j]!;
      addFeature(groups, G_BIGRAM, x < y ? `~${x} ${y}` : `~${y} ${x}`, 0.5);
    }
  }
  if (wordChars && cfg.charWeight > 0) {
    for (const w of ws) wordCharGrams(w, cfg, (gram) => addFeature(groups, G_CHAR, gram));
  }
  if (cfg.crossChar > 0 && ws.length > 1) {
    const n = cfg.crossChar;
    for (let i = 0; i + 1 < ws.length; i++) {
      // the n-grams that span the space between word i and word i+1
      const a = ws[i]!;
      const b = ws[i + 1]!;
      const joint = `${a.slice(-(n - 1))} ${b.slice(0, n - 1)}`;
      const cut = Math.min(a.length, n - 1);
      for (let k = 0; k + n <= joint.length; k++) {
        if (k + n <= cut || k > cut) continue;
        addFeature(groups, G_CHAR, `|${joint.slice(k, k + n)}`);
      }
    }
  }
  return groups;
}

/** Vocabulary + IDF, fitted on the training phrasings. Features unseen in training are ignored at query time. */
export class Featurizer {
  readonly cfg: FeatureConfig;
  /** Feature string -> id, one map per group (no key concatenation on the query path). */
  private readonly vocab: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map()];
  private size = 0;
  private groupOf: Uint8Array = new Uint8Array(0);
  private idf: Float32Array = new Float32Array(0);
  /** Word -> its character n-gram ids ({@link wordCharIds}); valid for the vocabulary of the last `fit`. */
  private readonly charIdCache = new Map<string, Int32Array>();
  /** Counts of the character n-grams of the message being transformed, by id; all zero between calls. */
  private tfScratch = new Float64Array(0);

  constructor(cfg: Partial<FeatureConfig> = {}) {
    this.cfg = { ...DEFAULT_FEATURES, ...cfg };
  }

  get dim(): number {
    return this.size;
  }

  /**
   * Builds the vocabulary and document frequencies from analysed training texts (`classes`: for the weight budget),
   * replacing what an earlier call built.
   */
  fit(docs: Analyzed[], classes = 1): void {
    for (const vocab of this.vocab) vocab.clear();
    this.charIdCache.clear();
    const df: number[] = [];
    const groups: number[] = [];
    for (const d of docs) {
      const raw = rawFeatures(d, this.cfg);
      for (let g = 0; g < raw.length; g++) {
        const vocab = this.vocab[g]!;
        for (const f of raw[g]!.keys()) {
          let id = vocab.get(f);
          if (id === undefined) {
            id = df.length;
            vocab.set(f, id);
            df.push(0);
            groups.push(g);
          }
          df[id]!++;
        }
      }
    }
    const n = docs.length;
    const minDf = this.cfg.minDf > 0 ? this.cfg.minDf : df.length * classes * 4 > WEIGHT_BUDGET_BYTES ? 2 : 1;
    // keep features with df >= minDf; renumber the most frequent first (their weight rows stay hot in cache)
    const keep: number[] = [];
    for (let i = 0; i < df.length; i++) if (df[i]! >= minDf) keep.push(i);
    keep.sort((a, b) => df[b]! - df[a]! || a - b);
    const newId = new Int32Array(df.length).fill(-1);
    keep.forEach((old, i) => (newId[old] = i));
    for (const vocab of this.vocab) {
      for (const [k, old] of vocab) {
        const id = newId[old]!;
        if (id < 0) vocab.delete(k);
        else vocab.set(k, id);
      }
    }
    this.size = keep.length;
    this.tfScratch = new Float64Array(keep.length);
    this.idf = new Float32Array(keep.length);
    this.groupOf = new Uint8Array(keep.length);
    keep.forEach((old, i) => {
      this.idf[i] = Math.log((1 + n) / (1 + df[old]!)) + 1;
      this.groupOf[i] = groups[old]!;
    });
  }

  /**
   * Vocabulary ids of a word's character n-grams that training saw, in the order they are generated (repeats kept).
   * Words recur from message to message, so this saves most of the string slicing and hashing of a query.
   */
  private wordCharIds(w: string): Int32Array {
    let ids = this.charIdCache.get(w);
    if (ids) return ids;
    const vocab = this.vocab[G_CHAR]!;
    const found: number[] = [];
    wordCharGrams(w, this.cfg, (gram) => {
      const id = vocab.get(gram);
      if (id !== undefined) found.push(id);
    });
    ids = Int32Array.from(found);
    if (this.charIdCache.size >= CHAR_CACHE_WORDS) this.charIdCache.clear();
    this.charIdCache.set(w, ids);
    return ids;
  }

  /** The TF-IDF vector of an analysed text: each group L2-normalised and weighted, then the whole normalised. */
  transform(a: Analyzed): SparseVec {
    const raw = rawFeatures(a, this.cfg, false);
    // the words' character n-grams: known ids with their counts, in the order of first occurrence (as the raw map
    // would have them), then any across word boundaries; counted in a scratch array indexed by id
    const wordIds = this.cfg.charWeight > 0 ? a.words.map((w) => this.wordCharIds(w)) : [];
    let most = raw[G_CHAR]!.size;
    for (const ids of wordIds) most += ids.length;
    const charIds = new Int32Array(most);
    let nc = 0;
    const tf = this.tfScratch;
    for (const ids of wordIds) {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (tf[id] === 0) charIds[nc++] = id;
        tf[id]! += 1;
      }
    }
    const vocabOfChar = this.vocab[G_CHAR]!;
    for (const [f, k] of raw[G_CHAR]!) {
      const id = vocabOfChar.get(f);
      if (id === undefined) continue;
      if (tf[id] === 0) charIds[nc++] = id;
      tf[id]! += k;
    }
    const weights = [this.cfg.wordWeight, this.cfg.bigramWeight, this.cfg.charWeight, this.cfg.conceptWeight];
    let n = nc;
    for (let g = 0; g < raw.length; g++) if (g !== G_CHAR) n += raw[g]!.size;
    const idx = new Int32Array(n);
    const vals = new Float64Array(n);
    let m = 0;
    let total = 0;
    for (let g = 0; g < raw.length; g++) {
      const gw = weights[g]!;
      if (gw <= 0) continue;
      const vocab = this.vocab[g]!;
      const start = m;
      // the group's known features with their counts...
      if (g === G_CHAR) {
        for (let i = 0; i < nc; i++) {
          idx[m] = charIds[i]!;
          vals[m++] = tf[charIds[i]!]!;
        }
      } else {
        for (const [f, k] of raw[g]!) {
          const id = vocab.get(f);
          if (id === undefined) continue;
          idx[m] = id;
          vals[m++] = k;
        }
      }
      // ...then counts -> TF-IDF, L2-normalised to the group's weight
      let norm = 0;
      for (let i = start; i < m; i++) {
        const k = vals[i]!;
        const v = (this.cfg.sublinearTf ? 1 + Math.log(k) : k) * this.idf[idx[i]!]!;
        vals[i] = v;
        norm += v * v;
      }
      if (norm > 0) {
        const s = gw / Math.sqrt(norm);
        for (let i = start; i < m; i++) vals[i] = vals[i]! * s;
        total += gw * gw;
      }
    }
    // each non-empty group has norm gw now, so the whole vector's norm is sqrt(Σ gw²)
    const s = total > 0 ? 1 / Math.sqrt(total) : 0;
    const val = new Float32Array(m);
    for (let i = 0; i < m; i++) val[i] = vals[i]! * s;
    for (let i = 0; i < nc; i++) tf[charIds[i]!] = 0;
    return { idx: idx.subarray(0, m), val };
  }

  /** Group (0 word, 1 bigram, 2 char, 3 concept) of a feature id. */
  group(id: number): number {
    return this.groupOf[id] ?? 0;
  }
}
