import { describe, expect, it } from 'vitest';
import { analyze, Featurizer } from '../../../server/kb/matcher/features.js';

const vector = (fz: Featurizer, text: string) => {
  const v = fz.transform(analyze(text));
  return { idx: Array.from(v.idx), val: Array.from(v.val) };
};

describe('Featurizer (TF-IDF vectors of messages)', () => {
  const shop = ['Где мой заказ?', 'Сколько идет доставка в Казань', 'Как вернуть серьги', 'where is my order'];
  const bank = ['My card has not arrived', 'How do I top up by bank transfer', 'Карта не пришла', 'пополнить счет'];

  it('gives a message the same vector whether its words were seen before or not', () => {
    const fz = new Featurizer();
    fz.fit(shop.map(analyze));
    const first = vector(fz, 'доставка заказа в Казань, где он?');
    expect(first.idx.length).toBeGreaterThan(10);
    expect(vector(fz, 'доставка заказа в Казань, где он?')).toEqual(first);
    // unit length: each group is normalised, then the whole
    expect(Math.hypot(...first.val)).toBeCloseTo(1, 5);
  });

  it('forgets what it knew of words when fitted again (no ids of the old vocabulary leak into the new)', () => {
    const refitted = new Featurizer();
    refitted.fit(shop.map(analyze));
    vector(refitted, 'где моя карта, она не пришла');
    refitted.fit(bank.map(analyze));
    const fresh = new Featurizer();
    fresh.fit(bank.map(analyze));
    for (const text of ['где моя карта, она не пришла', 'card arrived?', 'доставка']) {
      expect(vector(refitted, text)).toEqual(vector(fresh, text));
    }
  });
});
