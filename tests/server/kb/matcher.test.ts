import { describe, expect, it } from 'vitest';
import { buildMatcher } from '../../../server/kb/matcher/index.js';
import { analyze } from '../../../server/kb/matcher/features.js';
import { idWords } from '../../../server/kb/matcher/index.js';
import { normalizeText, stem, surfaceStem, words } from '../../../server/kb/matcher/text.js';
import { MINI_KB } from './fixtures/mini-kb.js';

const matcher = buildMatcher(MINI_KB);

describe('text normalisation', () => {
  it('lower-cases, maps ё to е, strips punctuation, repairs mixed scripts, squeezes repeats', () => {
    expect(normalizeText('Ещё  РАЗ!!! Привет, мир?')).toBe('еще раз привет мир');
    expect(words('дoставка')).toEqual(['доставка']); // Latin "o" inside a Cyrillic word
    expect(words('heeeelp')).toEqual(['heelp']);
  });
  it('stems Russian words through their dictionary form, so verb forms and irregular plurals meet', () => {
    // the Porter stemmer alone leaves these apart ("верн"/"вернут", "пришл"/"присла", "люд"/"человек")
    expect(surfaceStem('верните')).not.toBe(surfaceStem('вернуть'));
    expect(stem('верните')).toBe(stem('вернуть'));
    expect(stem('пришлите')).toBe(stem('прислать'));
    expect(stem('людей')).toBe(stem('человек'));
    expect(stem('увеличьте')).toBe(stem('увеличить'));
    // words the dictionary does not know, and English words, are stemmed as written
    expect(stem('фывапролдж')).toBe(surfaceStem('фывапролдж'));
    expect(stem('deliveries')).toBe(surfaceStem('deliveries'));
  });
  it('drops greetings and politeness around the question', () => {
    expect(analyze('Здравствуйте! Подскажите, пожалуйста, где заказ?').words).toEqual(['где', 'заказ']);
    expect(analyze('hi there, thanks').words).toEqual(['there']);
    // set apart, not thrown away; a message of nothing but politeness keeps it as its words
    expect(analyze('Здравствуйте! Подскажите, пожалуйста, где заказ?').fillers).toEqual(['здравствуйте', 'подскажите', 'пожалуйста']);
    expect(analyze('Спасибо!')).toMatchObject({ words: ['спасибо'], fillers: [] });
  });
});

describe('buildMatcher', () => {
  it('exposes size and learnt thresholds', () => {
    expect(matcher.size).toEqual({ entries: 8, phrasings: MINI_KB.reduce((n, e) => n + e.questions.length, 0) });
    expect(matcher.thresholds.source).toBe('cross-validation');
    expect(matcher.thresholds.answer).toBeGreaterThan(matcher.thresholds.suggest);
    expect(matcher.thresholds.answer).toBeLessThan(1);
    expect(matcher.thresholds.suggest).toBeGreaterThan(0);
    expect(matcher.diagnostics.heldOut).toBeGreaterThan(0);
  });

  it.each([
    // word-form change + typo + greeting, Russian
    ['Здравствуйте, сколько дней идет доставкаа?', 'delivery-time'],
    ['забыла пароль от акаунта', 'password-reset'],
    ['принимаете оплату картами?', 'payment-methods'],
    // English: word forms and typos
    ['i forgott my pasword', 'password-reset'],
    ['when will my orders arive?', 'delivery-time'],
    ['hi! how many days does the shiping take', 'delivery-time'],
  ])('answers a paraphrase: %s', (text, id) => {
    const r = matcher.match(text);
    expect(r.ranked[0]?.entryId).toBe(id);
    expect(r.decision).toBe('answer');
    expect(r.confidence).toBeGreaterThanOrEqual(matcher.thresholds.answer);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('guesses the language', () => {
    expect(matcher.match('где мой заказ').language).toBe('ru');
    expect(matcher.match('where is my order').language).toBe('en');
  });

  it.each(['какая погода в париже завтра', 'who won the football match yesterday', 'расскажи анекдот'])(
    'returns none for an unrelated message: %s',
    (text) => {
      const r = matcher.match(text);
      expect(r.decision).toBe('none');
      expect(r.confidence).toBeLessThan(matcher.thresholds.suggest);
    },
  );

  it('returns none with no candidates for an empty message', () => {
    expect(matcher.match('  ?!  ')).toMatchObject({ decision: 'none', confidence: 0, ranked: [] });
  });

  it('suggests the close candidates for an ambiguous message', () => {
    // "доставка" fits delivery-cost and delivery-time; the runner-up gets about 0.35–0.55 of the top's probability
    // depending on the training order, so the ratio is set here rather than learnt from eight entries
    const r = buildMatcher(MINI_KB, { ambiguityRatio: 0.3 }).match('доставка');
    expect(r.decision).toBe('suggest');
    expect(r.ranked.slice(0, 2).map((c) => c.entryId).sort()).toEqual(['delivery-cost', 'delivery-time']);
    // candidates carry a phrasing for the button, and are ordered by confidence
    expect(r.ranked[0]!.question).toMatch(/доставк/i);
    expect(r.ranked[0]!.confidence).toBeGreaterThanOrEqual(r.ranked[1]!.confidence);
  });

  it('respects limit and withThresholds', () => {
    expect(matcher.match('доставка', { limit: 2 }).ranked).toHaveLength(2);
    const strict = matcher.withThresholds({ answer: 0.999999 });
    expect(strict.thresholds).toMatchObject({ answer: 0.999999, source: 'manual' });
    expect(strict.match('забыла пароль от акаунта').decision).not.toBe('answer');
    expect(strict.match('забыла пароль от акаунта').ranked[0]?.entryId).toBe('password-reset');
  });

  it('uses manual thresholds when given', () => {
    const m = buildMatcher(MINI_KB, { thresholds: { answer: 0.5, suggest: 0.2 }, calibrate: false });
    expect(m.thresholds).toMatchObject({ answer: 0.5, suggest: 0.2, source: 'manual' });
  });

  it("learns from an entry's id as its author named it", () => {
    expect(idWords('gift-wrapping')).toBe('gift wrapping');
    expect(idWords('card_arrival')).toBe('card arrival');
    expect(idWords('refundPolicy')).toBe('refund Policy');
    expect(idWords('kb-000123')).toBe('kb');
    expect(idWords('3f2a9c1e-77b0')).toBe('');
    // none of the phrasings below says "wrapping"; the entry's id does
    const kb = [
      { id: 'gift-wrapping', questions: ['Можно упаковать покупку?', 'Do you pack presents?'], answer: 'Yes, 200 RUB.' },
      { id: 'working-hours', questions: ['Когда вы работаете?', 'When are you open?'], answer: '9 to 21.' },
    ];
    const withIds = buildMatcher(kb, { calibrate: false });
    const [first, second] = withIds.match('wrapping').ranked;
    expect(first?.entryId).toBe('gift-wrapping');
    expect(first!.confidence).toBeGreaterThan(5 * second!.confidence);
    expect(withIds.match('hours').ranked[0]?.entryId).toBe('working-hours');
    // without the ids, nothing tells the two entries apart
    const [a, b] = buildMatcher(kb, { calibrate: false, idWeight: 0 }).match('wrapping').ranked;
    expect(a!.confidence).toBeLessThan(2 * b!.confidence);
  });

  it('hears thanks and greetings without letting them outweigh the question', () => {
    const kb = [
      { id: 'thanks', questions: ['спасибо, ты мне очень помог', 'спасибо большое за помощь', 'благодарю, все получилось'], answer: 'Рады помочь!' },
      { id: 'reminder', questions: ['напомни мне позвонить маме', 'напомни про встречу завтра', 'поставь напоминание на вечер'], answer: 'Раздел «Задачи».' },
    ];
    const m = buildMatcher(kb, { calibrate: false });
    // "огромное" is in no phrasing: only the thanks tell where this message belongs
    const [first, second] = m.match('огромное спасибо, бот').ranked;
    expect(first?.entryId).toBe('thanks');
    expect(first!.confidence).toBeGreaterThan(2 * second!.confidence);
    expect(m.match('спасибо, напомни про встречу').ranked[0]?.entryId).toBe('reminder');
    // dropped altogether (as before 2026-12-04), the thanks left nothing to go on
    const [a, b] = buildMatcher(kb, { calibrate: false, features: { fillerWords: false } }).match('огромное спасибо, бот').ranked;
    expect(Math.max(a!.confidence, b!.confidence)).toBeLessThan(1.5 * Math.min(a!.confidence, b!.confidence));
  });

  it('handles an empty KB and a one-entry KB', () => {
    expect(buildMatcher([]).match('доставка')).toMatchObject({ decision: 'none', ranked: [] });
    const one = buildMatcher([MINI_KB[0]!]);
    expect(one.match('сколько идет доставка').ranked[0]?.entryId).toBe('delivery-time');
  });
});
