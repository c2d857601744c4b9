import { describe, expect, it } from 'vitest';
import { loadKbPath } from '../../../server/kb/format.js';
import { buildMatcher } from '../../../server/kb/matcher/index.js';
import { buildMatcherOffThread } from '../../../server/kb/matcher/off-thread.js';

const MESSAGES = ['где мой заказ?', 'сколько идёт доставка в Казань', 'how do I return earrings', 'можно оплатить картой при получении', 'какая погода завтра', 'серьги потемнели, что делать'];

describe('building the matcher in a worker thread', () => {
  it('keeps the event loop free while the default KB builds, and the matcher answers exactly as one built in place', async () => {
    const entries = await loadKbPath('data/kb');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const fallbacks: Error[] = [];
    const started = performance.now();
    const offThread = await buildMatcherOffThread(entries, {}, { onFallback: (e) => fallbacks.push(e) });
    const ms = performance.now() - started;
    clearInterval(timer);
    expect(fallbacks).toEqual([]);
    // a blocked loop would tick once or twice in all that time; a free one about every 10 ms
    expect(ticks).toBeGreaterThan(ms / 10 / 4);
    const inPlace = buildMatcher(entries);
    for (const text of MESSAGES) expect(offThread.match(text)).toEqual(inPlace.match(text));
    expect(offThread.thresholds).toEqual(inPlace.thresholds);
    expect(offThread.size).toEqual(inPlace.size);
    expect(offThread.withThresholds({ answer: 0.99 }).match(MESSAGES[0]!).decision).not.toBe('answer');
  }, 120_000);

  it('builds in place, and says so, when the worker cannot run', async () => {
    const entries = [
      { id: 'delivery-time', questions: ['сколько идет доставка', 'how long is shipping'], answer: '2-5 days' },
      { id: 'returns', questions: ['как вернуть товар', 'how do I return an item'], answer: '14 days' },
    ];
    const fallbacks: Error[] = [];
    const m = await buildMatcherOffThread(entries, {}, { minPhrasings: 0, workerUrl: new URL('./no-such-worker.ts', import.meta.url), onFallback: (e) => fallbacks.push(e) });
    expect(fallbacks).toHaveLength(1);
    expect(m.match('доставка долго идет?').ranked[0]?.entryId).toBe('delivery-time');
  }, 60_000);
});
