/**
 * How long a knowledge-base edit takes until the bot answers with it (the matcher is rebuilt before the request
 * returns), on the default KB, one edit at a time and in a burst (edits during a rebuild share the next one).
 * Run: npx tsx tests/server/kb-management/bench-edits.ts
 */
import { signIn } from '../../helpers/clients.js';
import { startTestServer } from '../../helpers/server.js';
import { apiClient } from './helpers.js';

const server = await startTestServer({ env: { KB_PATH: 'data/kb' } });
try {
  const admin = apiClient(server.url, await signIn(server.url));
  const entries = (await admin('GET', '/api/kb/entries?limit=1000')).body.entries as { id: string }[];
  console.log(`default KB: ${entries.length} entries`);
  const single: number[] = [];
  const healthDuring: number[] = [];
  const lateTimer: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const edit = admin('POST', `/api/kb/entries/${entries[i]!.id}/phrasings`, { texts: [`тестовая формулировка номер ${i} для замера`] });
    // another request while the matcher rebuilds: does the server still answer at once? (The server runs in this
    // process: a rebuild that blocked its event loop would make this timer fire late, and the request wait with it.)
    const asked = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    const h = performance.now();
    lateTimer.push(h - asked - 500);
    const health = await fetch(`${server.url}/api/health`);
    healthDuring.push(performance.now() - h);
    if (health.status !== 200) throw new Error(`health: ${health.status}`);
    const res = await edit;
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    single.push(performance.now() - t);
  }
  single.sort((a, b) => a - b);
  healthDuring.sort((a, b) => a - b);
  lateTimer.sort((a, b) => a - b);
  console.log(`one edit until live: median ${single[2]!.toFixed(0)} ms (min ${single[0]!.toFixed(0)}, max ${single[4]!.toFixed(0)})`);
  console.log(
    `a request 0.5 s into each rebuild: sent ${lateTimer[2]!.toFixed(0)} ms late (median; max ${lateTimer[4]!.toFixed(0)}), ` +
      `GET /api/health answered in ${healthDuring[2]!.toFixed(0)} ms (median; max ${healthDuring[4]!.toFixed(0)})`,
  );

  const n = 10;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) => admin('POST', `/api/kb/entries/${entries[10 + i]!.id}/phrasings`, { texts: [`одновременная правка ${i} для замера`] })),
  );
  console.log(`${n} edits at once until all live: ${(performance.now() - t).toFixed(0)} ms`);
} finally {
  await server.stop();
}
