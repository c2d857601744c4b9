/**
 * Russian lemmatisation with Az.js over the OpenCorpora dictionary (the data pymorphy2 uses), so that word forms the
 * Porter stemmer leaves apart meet: "пришлите" -> "прислать", "громче" -> "громкий", "людей" -> "человек".
 * The dictionary ships in the `az` package (about 11 MB on disk, 60 MB in memory) and is read once, when this
 * module is first imported; nothing is fetched.
 * @module
 */
import { createRequire } from 'node:module';
import path from 'node:path';

interface AzParse {
  normalize(): { word: string };
}
interface AzModule {
  Morph: {
    (word: string, config?: { parsers?: string[] }): AzParse[];
    init(dictsPath: string, done: (err?: unknown) => void): void;
  };
}

const require = createRequire(import.meta.url);
const Az = require('az') as AzModule;
const dictsPath = path.join(path.dirname(require.resolve('az/package.json')), 'dicts');

await new Promise<void>((resolve, reject) => {
  Az.Morph.init(dictsPath, (err) => (err ? reject(new Error(`cannot load the Russian dictionary in ${dictsPath}: ${String(err)}`)) : resolve()));
});

/**
 * Dictionary look-up only. Az can also guess the lemma of an unknown word from its prefix and ending, but that takes
 * up to a few milliseconds a word (the dictionary look-up: ~10 µs, 0.1 ms at p99), and the guesses made no difference
 * beyond noise on the hwu64_ru dev splits.
 */
const DICTIONARY_ONLY = { parsers: ['Dictionary'] };

/**
 * The most likely dictionary form of a lower-case Russian word ("ё" written "е"), or the word itself when the
 * dictionary does not know it.
 */
export function lemmaRu(word: string): string {
  const parses = Az.Morph(word, DICTIONARY_ONLY);
  const lemma = parses.length > 0 ? parses[0]!.normalize().word : word;
  return lemma ? lemma.replace(/ё/g, 'е') : word;
}
