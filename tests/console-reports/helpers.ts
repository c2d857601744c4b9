/**
 * For the reports page tests: the page's bundle built from the current source, and a server seeded with the known
 * week of history (tests/server/reports/history.ts) under the same business hours and SLA policies the report tests
 * use, plus a plain (non-admin) agent who can sign in.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../server/agents/passwords.js';
import { BUILD_DIR } from '../../server/http/pages.js';
import type { TestServer } from '../helpers/server.js';
import { seedHistory, type History } from '../server/reports/history.js';

export const AGENT_EMAIL = 'viewer@test.local';
export const AGENT_PASSWORD = 'plain-agent-password';

/** Bundles console/reports/src into public/build/reports.js as scripts/build-web.ts does; written atomically. */
export async function buildReportsBundle(): Promise<void> {
  const out = path.join(BUILD_DIR, 'reports.js');
  const tmp = `${out}.${process.pid}.tmp`;
  mkdirSync(BUILD_DIR, { recursive: true });
  await build({ entryPoints: ['console/reports/src/main.ts'], outfile: tmp, bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', logLevel: 'warning' });
  renameSync(tmp, out);
}

/** Business hours weekdays 09–18 UTC, the SLA policies of reports.test.ts, the seeded week, and a plain agent. */
export async function seedReports(server: TestServer): Promise<History> {
  const ops = server.chatbridge.operations;
  const day = [{ from: '09:00', to: '18:00' }];
  await ops.sla.hours.set({ timeZone: 'UTC', week: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] });
  await ops.sla.policies.set({
    urgent: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 240, hours: 'always', warnBeforeMinutes: 15 },
    normal: { firstResponseMinutes: 120, nextResponseMinutes: null, resolutionMinutes: 480, hours: 'always', warnBeforeMinutes: 30 },
  });
  const history = await seedHistory(server.chatbridge.store);
  await server.chatbridge.store.createAgent(
    { email: AGENT_EMAIL, name: 'Vera Viewer', passwordHash: await hashPassword(AGENT_PASSWORD), role: 'agent', active: true, capacity: 3 },
    Date.now(),
  );
  return history;
}
