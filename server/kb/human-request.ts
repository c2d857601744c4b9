/**
 * Detects an explicit request to talk to a human ("оператора!", "позовите менеджера", "real person please").
 * The bot checks this before the knowledge base matcher, so a request for a person is never answered by the bot.
 * Tolerant to typos (one edit, two for long words), case, punctuation, "ё", mixed Latin/Cyrillic letters.
 * @module
 */
import { editDistance, surfaceStem as stem, words } from './matcher/text.js';

type Kind =
  | 'operator' // оператор / operator: a request on its own, unless "оператор связи", "mobile operator"
  | 'people' // люди / people: only after "живые"/"real"
  | 'person' // человек, менеджер, сотрудник... / person, representative...: a request with a verb or alone
  | 'agent' // агент / agent: like person, but "delivery agent" is not a request
  | 'human' // human: a request on its own
  | 'alive' // живой / real, live, actual
  | 'verb' // позовите, соедините, поговорить / talk, speak, connect...
  | 'want' // хочу, нужен / want, need
  | 'bot' // бот / bot
  | 'not' // не / not, no
  | 'filler'; // пожалуйста, please, hi...

/** Keyword stems (natural's Porter stemmers on the word as written, not on its lemma) with their kind. */
const KEYWORDS: Record<string, Kind> = {
  // Russian
  оператор: 'operator',
  человек: 'person',
  человечк: 'person',
  люд: 'people',
  менеджер: 'person',
  сотрудник: 'person',
  специалист: 'person',
  консультант: 'person',
  администратор: 'person',
  админ: 'person',
  поддержк: 'person',
  саппорт: 'person',
  агент: 'agent',
  жив: 'alive',
  реальн: 'alive',
  настоя: 'alive',
  настоящ: 'alive',
  позов: 'verb',
  позва: 'verb',
  позв: 'verb',
  соедин: 'verb',
  переключ: 'verb',
  свяж: 'verb',
  связа: 'verb',
  связат: 'verb',
  поговор: 'verb',
  говор: 'verb',
  пообща: 'verb',
  общ: 'verb',
  обща: 'verb',
  дайт: 'verb',
  подключ: 'verb',
  перевед: 'verb',
  передайт: 'verb',
  зов: 'verb',
  хоч: 'want',
  хот: 'want',
  нуж: 'want',
  нужн: 'want',
  над: 'want',
  бот: 'bot',
  робот: 'bot',
  не: 'not',
  пожалуйст: 'filler',
  срочн: 'filler',
  привет: 'filler',
  здравств: 'filler',
  мне: 'filler',
  с: 'filler',
  со: 'filler',
  на: 'filler',
  можн: 'filler',
  ну: 'filler',
  уж: 'filler',
  // English
  operator: 'operator',
  operators: 'operator',
  human: 'human',
  agent: 'agent',
  person: 'person',
  peopl: 'people',
  someon: 'person',
  somebodi: 'person',
  repres: 'person',
  rep: 'person',
  staff: 'person',
  manag: 'person',
  employe: 'person',
  support: 'person',
  real: 'alive',
  live: 'alive',
  actual: 'alive',
  aliv: 'alive',
  talk: 'verb',
  speak: 'verb',
  chat: 'verb',
  connect: 'verb',
  transfer: 'verb',
  contact: 'verb',
  escal: 'verb',
  want: 'want',
  need: 'want',
  let: 'want',
  get: 'want',
  bot: 'bot',
  robot: 'bot',
  not: 'not',
  no: 'not',
  dont: 'not',
  pleas: 'filler',
  plz: 'filler',
  pls: 'filler',
  hi: 'filler',
  hello: 'filler',
  to: 'filler',
  a: 'filler',
  an: 'filler',
  with: 'filler',
  me: 'filler',
  i: 'filler',
  now: 'filler',
  can: 'filler',
  some: 'filler',
};

/** Words that turn the next "operator"/"agent" into something else ("mobile operator", "delivery agent"). */
const NOT_A_PERSON_BEFORE = new Set([
  'mobil', 'tour', 'network', 'cell', 'phone', 'telecom', 'deliveri', 'deliv', 'ship', 'courier', 'travel', 'estat',
  'insur', 'custom', 'user', 'secret', 'book', 'ticket', 'sale', 'sales', 'freight',
  'сотов', 'мобильн', 'туристическ', 'страхов', 'турагент', 'тамож',
]);
/** Words right after "оператор"/"агент" that make it a different thing ("оператор связи", "агент по доставке"). */
const NOT_A_PERSON_AFTER = new Set(['связ', 'сот', 'по', 'доставк', 'курьерск', 'of', 'for', 'связь']);
/** Words that mean "a human" with a preceding "real/live" ("live chat" is not one: it names the channel). */
const ALIVE_TARGETS = new Set<Kind>(['person', 'people', 'human', 'agent', 'operator']);

const FUZZY_KEYS = Object.keys(KEYWORDS).filter((k) => k.length >= 5);
const fuzzyCache = new Map<string, Kind | null>();

function kindOf(word: string): { kind: Kind | null; stem: string } {
  const s = stem(word);
  const direct = KEYWORDS[s] ?? KEYWORDS[word];
  if (direct) return { kind: direct, stem: s };
  // "живой", "живого", "живым", "живово" (typo)
  if (/^жив(ой|ого|ым|ом|ые|ых|ая|ую|ово|аго)$/.test(word)) return { kind: 'alive', stem: 'жив' };
  if (s.length < 5 && word.length < 5) return { kind: null, stem: s };
  const cached = fuzzyCache.get(s);
  if (cached !== undefined) return { kind: cached, stem: s };
  let found: Kind | null = null;
  for (const key of FUZZY_KEYS) {
    const kind = KEYWORDS[key]!;
    if (kind === 'filler' || kind === 'not' || kind === 'want') continue;
    const max = key.length >= 9 ? 2 : 1;
    if (editDistance(s, key, max) <= max || editDistance(word, key, max) <= max) {
      found = kind;
      break;
    }
  }
  if (fuzzyCache.size > 10_000) fuzzyCache.clear();
  fuzzyCache.set(s, found);
  return { kind: found, stem: s };
}

/**
 * True when the message explicitly asks for a human: "оператор", "живого человека", "позовите менеджера",
 * "соедините с сотрудником", "хочу поговорить с человеком", "human", "agent", "real person", "talk to someone"...
 * False for questions that merely mention such a word in another sense ("агент по доставке?", "mobile operator").
 */
export function isHumanRequest(text: string): boolean {
  const ws = words(text);
  if (ws.length === 0) return false;
  const toks = ws.map((w) => ({ w, ...kindOf(w) }));
  const n = toks.length;
  const meaningful = toks.filter((t) => t.kind !== 'filler');

  for (let i = 0; i < n; i++) {
    const t = toks[i]!;
    const prev = i > 0 ? toks[i - 1]!.stem : '';
    const next = i + 1 < n ? toks[i + 1]!.stem : '';
    switch (t.kind) {
      case 'operator':
      case 'agent': {
        if (NOT_A_PERSON_BEFORE.has(prev) || NOT_A_PERSON_AFTER.has(next)) break;
        // "оператор" / "operator" / "agent" on their own, or with a verb/want/alive word anywhere
        if (t.kind === 'operator') return true;
        if (meaningful.length <= 3) return true;
        if (toks.some((o) => o.kind === 'verb' || o.kind === 'want' || o.kind === 'alive')) return true;
        break;
      }
      case 'human':
        if (next === 'resourc' || next === 'right' || next === 'be' || next === 'error') break;
        return true;
      case 'alive': {
        for (let j = i + 1; j < Math.min(n, i + 3); j++) {
          const k = toks[j]!.kind;
          if (k && ALIVE_TARGETS.has(k)) return true;
        }
        break;
      }
      case 'person': {
        // "человека!", "менеджера пожалуйста", "representative", "менеджера дайте", "пазавите менеджера"
        const weak = ['someon', 'somebodi', 'peopl', 'support', 'поддержк', 'люд'].includes(t.stem);
        const counted = ['скольк', 'нескольк', 'много', 'how', 'mani'].includes(prev);
        if (!weak && !counted && meaningful.length <= 2) return true;
        // a verb of contact near the person word: "позовите менеджера", "talk to someone", "соедините с сотрудником"
        for (let j = Math.max(0, i - 4); j < Math.min(n, i + 3); j++) {
          if (toks[j]!.kind === 'verb') return true;
        }
        // "хочу человека", "нужен специалист", "need a person"
        for (let j = Math.max(0, i - 3); j < i; j++) {
          if (toks[j]!.kind === 'want' && !['someon', 'somebodi', 'peopl', 'support', 'поддержк', 'люд'].includes(t.stem)) {
            return true;
          }
        }
        if (t.stem === 'support' && next === 'person') return true;
        break;
      }
      case 'bot': {
        // "не бот", "не с ботом", "not a bot", "no bots"
        for (let j = Math.max(0, i - 3); j < i; j++) {
          if (toks[j]!.kind === 'not') return true;
        }
        break;
      }
      default:
        break;
    }
  }
  return false;
}
