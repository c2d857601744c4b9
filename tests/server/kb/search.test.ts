/**
 * The console's knowledge-base search box: every word of the query must occur in the entry, as written or as a
 * word form of it.
 */
import { describe, expect, it } from 'vitest';
import { searchEntries } from '../../../server/kb/editing.js';
import type { KbEntry } from '../../../server/kb/types.js';

const ENTRIES: KbEntry[] = [
  { id: 'staff', questions: ['Сколько людей работает в магазине?'], answer: 'Двенадцать.' },
  { id: 'refund-time', questions: ['Когда вернут деньги?', 'Верните оплату'], answer: 'За 10 дней.' },
  { id: 'delivery-cost', questions: ['Сколько стоит доставка?'], answer: '300 ₽.' },
];
const ids = (q: string): string[] => searchEntries(ENTRIES, q).map((e) => e.id);

describe('KB search', () => {
  it('finds other forms of a word, by the stem of the word as written', () => {
    expect(ids('доставкой')).toEqual(['delivery-cost']);
    // "людям" and "людей" share the written stem "люд" (the dictionary form of both is "человек")
    expect(ids('людям')).toEqual(['staff']);
    // every word must occur somewhere in the entry
    expect(ids('верните деньги')).toEqual(['refund-time']);
    expect(ids('верните доставку')).toEqual([]);
  });
});
