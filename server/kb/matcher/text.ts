/**
 * Text normalisation, tokenisation and stemming shared by the matcher and the human-request detector.
 * Russian and English, with or without "ё", mixed scripts, typos and chat noise.
 * @module
 */
import natural from 'natural';
import type { Language } from '../types.js';
import { lemmaRu } from './morph.js';

const ruStemmer = natural.PorterStemmerRu;
const enStemmer = natural.PorterStemmer;

/** Latin letters that look like Cyrillic ones (and back), used to repair mixed-script words ("дoставка" with a Latin o). */
const LATIN_TO_CYR: Record<string, string> = {
  a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у',
};
const CYR_TO_LATIN: Record<string, string> = {
  а: 'a', в: 'b', с: 'c', е: 'e', н: 'h', к: 'k', м: 'm', о: 'o', р: 'p', т: 't', х: 'x', у: 'y', і: 'i',
};

const CYR_RE = /[\u0400-\u04ff]/;
const LAT_RE = /[a-z]/;

/**
 * Lower-case, NFKC, "ё"→"е", apostrophes removed inside words, everything that is not a letter or a digit
 * becomes a space. Returns the cleaned string (single spaces, trimmed).
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/ё/g, 'е').replace(/[\u200b-\u200f\u2060\ufeff]/g, '');
  // "don't" -> "dont", "what's" -> "whats"
  s = s.replace(/([\p{L}])['’ʼ`]([\p{L}])/gu, '$1$2');
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  return s.trim();
}

/** Repairs a word written with letters of both scripts by converting it to its dominant script. */
function fixMixedScript(word: string): string {
  if (!CYR_RE.test(word) || !LAT_RE.test(word)) return word;
  let cyr = 0;
  let lat = 0;
  for (const ch of word) {
    if (CYR_RE.test(ch)) cyr++;
    else if (LAT_RE.test(ch)) lat++;
  }
  const map = cyr >= lat ? LATIN_TO_CYR : CYR_TO_LATIN;
  let out = '';
  for (const ch of word) out += map[ch] ?? ch;
  return out;
}

/** Words of a normalised text (letters/digits runs), mixed-script words repaired, repeated letters (>2) squeezed. */
export function words(text: string): string[] {
  const norm = normalizeText(text);
  if (!norm) return [];
  const out: string[] = [];
  for (const raw of norm.split(' ')) {
    if (!raw) continue;
    // "пожаааалуйста" -> "пожаалуйста", "heeelp" -> "heelp": keeps doubled letters, kills shouting
    const w = fixMixedScript(raw).replace(/(\p{L})\1{2,}/gu, '$1$1');
    out.push(w);
  }
  return out;
}

const stemCache = new Map<string, string>();
const surfaceStemCache = new Map<string, string>();

function cached(cache: Map<string, string>, word: string, compute: (w: string) => string): string {
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  const s = compute(word) || word;
  if (cache.size > 200_000) cache.clear();
  cache.set(word, s);
  return s;
}

function porterStem(w: string): string {
  return CYR_RE.test(w) ? ruStemmer.stem(w) : LAT_RE.test(w) ? enStemmer.stem(w) : w;
}

/** Stems a single lower-case word with natural's PorterStemmerRu (Cyrillic) or PorterStemmer (Latin), as written. */
export function surfaceStem(word: string): string {
  return cached(surfaceStemCache, word, porterStem);
}

/**
 * Stems a single lower-case word for matching: a Cyrillic word is first lemmatised (morph.ts) and its lemma stemmed
 * with natural's PorterStemmerRu, so that "пришлите"/"прислать" and "верните"/"вернуть" share a stem; a Latin word
 * goes through natural's PorterStemmer.
 */
export function stem(word: string): string {
  return cached(stemCache, word, (w) => (CYR_RE.test(w) ? ruStemmer.stem(lemmaRu(w)) : porterStem(w)));
}

/** Guesses the language of a message from its letters (Cyrillic vs Latin); `fallback` when there are none. */
export function detectLanguage(text: string, fallback: Language = 'ru'): Language {
  let cyr = 0;
  let lat = 0;
  for (const ch of text.toLowerCase()) {
    if (ch >= 'а' && ch <= 'я') cyr++;
    else if (ch === 'ё') cyr++;
    else if (ch >= 'a' && ch <= 'z') lat++;
  }
  if (cyr === 0 && lat === 0) return fallback;
  return cyr >= lat ? 'ru' : 'en';
}

/** True if the word is written in Cyrillic. */
export function isCyrillic(word: string): boolean {
  return CYR_RE.test(word);
}

/** Damerau–Levenshtein (optimal string alignment) distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prev2 = new Array<number>(lb + 1).fill(0);
  let prev = new Array<number>(lb + 1);
  let cur = new Array<number>(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}
