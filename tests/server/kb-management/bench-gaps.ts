/**
 * How long grouping missed messages into gaps takes (GET /api/kb/gaps groups on every request).
 * Run: npx tsx tests/server/kb-management/bench-gaps.ts
 */
import { loadKbPath } from '../../../server/kb/format.js';
import { groupMisses } from '../../../server/kb/learning.js';
import type { KbMiss } from '../../../server/store/types.js';

const background = (await loadKbPath('data/kb')).flatMap((e) => e.questions);
const phrases = [
  'где мой заказ', 'не пришел заказ', 'гравировка на серьгах', 'пирсинг для носа', 'доставка в казахстан', 'оплата криптой',
  'do you ship to kazakhstan', 'can I pay with bitcoin', 'серьги потемнели что делать', 'застежка сломалась', 'работаете с юрлицами',
  'есть ли скидка пенсионерам', 'можно ли примерить', 'у вас есть шоурум в питере', 'сколько ждать посылку', 'как стать партнером',
];
const tails = ['', 'срочно', 'пожалуйста', 'а', 'вот', 'номер 12345', 'подскажите', '???', 'очень надо', 'спасибо'];
for (const n of [500, 2000, 5000]) {
  const misses: KbMiss[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1, conversationId: null, messageId: null, language: 'ru', bestEntryId: null, bestConfidence: null, status: 'open', entryId: null, createdAt: i,
    text: `${phrases[(i * 7) % phrases.length]} ${tails[i % tails.length]} ${i % 13 === 0 ? `заказ${i}` : ''}`.trim(),
  }));
  groupMisses(misses.slice(0, 50), { background }); // warm the stemmer caches
  const runs: number[] = [];
  let groups = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    groups = groupMisses(misses, { background }).length;
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  console.log(`${n} misses → ${groups} groups: median ${runs[2]!.toFixed(0)} ms (min ${runs[0]!.toFixed(0)}, max ${runs[4]!.toFixed(0)})`);
}
