/**
 * Reports over a seeded event history (history.ts) equal hand-computed values: every figure is
 * worked out below from the table in history.ts, then read back from the REST API (JSON and CSV),
 * with and without filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../helpers/clients.js';
import { startOpsServer, type OpsServer } from '../routing/helpers.js';
import { FakeClock } from '../routing/seed.js';
import { at, RANGE, seedHistory, type History } from './history.js';

const MIN = 60_000;

describe('reports', () => {
  let server: OpsServer;
  let cookie: string;
  let h: History;
  const clock = new FakeClock(RANGE.now);

  beforeAll(async () => {
    server = await startOpsServer({ operations: { now: clock.now } });
    cookie = await signIn(server.url);
    const ops = server.chatbridge.operations;
    const day = [{ from: '09:00', to: '18:00' }];
    await ops.sla.hours.set({ timeZone: 'UTC', week: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] });
    await ops.sla.policies.set({
      urgent: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 240, hours: 'always', warnBeforeMinutes: 15 },
      normal: { firstResponseMinutes: 120, nextResponseMinutes: null, resolutionMinutes: 480, hours: 'always', warnBeforeMinutes: 30 },
    });
    h = await seedHistory(server.chatbridge.store);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition'), text: await res.text() };
  };
  const report = async (query: string) => {
    const res = await get(`/api/reports?${query}`);
    expect(res.status).toBe(200);
    return JSON.parse(res.text).report;
  };

  it('computes every figure of the week as worked out by hand', async () => {
    // to=2025-05-11 counts the whole day: the range ends at 12 May 00:00 UTC.
    const r = await report('from=2025-05-05&to=2025-05-11&tz=UTC');
    expect(r.range).toEqual({ from: RANGE.from, to: RANGE.to, timeZone: 'UTC' });

    // C1–C9 were created in the week; C2–C7 and C9 were handed off; C1–C6 and C9 were resolved; C1 by the bot.
    expect(r.totals).toEqual({ conversations: 9, escalated: 7, resolved: 7, botResolved: 1 });
    expect(r.byChannel).toEqual([
      { channel: 'webchat', conversations: 6 },
      { channel: 'telegram', conversations: 2 },
      { channel: 'discord', conversations: 1 },
    ]);
    expect(r.byTopic).toEqual([
      { topic: 'delivery', conversations: 3 },
      { topic: 'returns', conversations: 3 },
      { topic: 'none', conversations: 2 },
      { topic: 'payment', conversations: 1 },
    ]);
    const hours = Object.fromEntries(r.byHour.filter((x: { conversations: number }) => x.conversations).map((x: { hour: number; conversations: number }) => [x.hour, x.conversations]));
    expect(hours).toEqual({ 3: 1, 9: 1, 10: 1, 11: 2, 12: 1, 14: 1, 20: 1, 22: 1 });
    expect(r.byDay).toEqual([
      { date: '2025-05-05', conversations: 3 },
      { date: '2025-05-06', conversations: 1 },
      { date: '2025-05-07', conversations: 1 },
      { date: '2025-05-08', conversations: 1 },
      { date: '2025-05-09', conversations: 1 },
      { date: '2025-05-10', conversations: 1 },
      { date: '2025-05-11', conversations: 1 },
    ]);

    // Bot deflection: C1 of 9.
    expect(r.deflection).toEqual({ count: 1, of: 9, rate: 1 / 9 });
    // First answer solved it: C1 (one bot answer), C3, C4, C9 (one agent reply each). Not C2, C5 (two replies), C6 (reopened).
    expect(r.firstContactResolution).toEqual({ count: 4, of: 7, rate: 4 / 7 });
    // First response (hand-off → first reply): C9 9, C2 10, C6 11, C5 20, C3 30, C4 90 minutes.
    expect(r.firstResponse).toEqual({ count: 6, medianMs: 15.5 * MIN, p90Ms: 90 * MIN, meanMs: (170 / 6) * MIN });
    // Resolution (hand-off → resolved): C9 19, C2 60, C3 60, C5 90, C6 115 (after the reopen), C4 180 minutes.
    expect(r.resolution).toEqual({ count: 6, medianMs: 75 * MIN, p90Ms: 180 * MIN, meanMs: (524 / 6) * MIN, mttrMs: (524 / 6) * MIN });

    // SLA (urgent 60/60/240, normal 120/–/480, both 24/7): first response missed by C4 (90 > 60) and C7 (never,
    // past due); C5's next response 30 ≤ 60; resolution missed only by C7.
    expect(r.sla).toEqual({
      firstResponse: { count: 5, of: 7, rate: 5 / 7 },
      nextResponse: { count: 1, of: 1, rate: 1 },
      resolution: { count: 6, of: 7, rate: 6 / 7 },
      overall: { count: 12, of: 15, rate: 12 / 15 },
    });

    // CSAT: asked after the 6 agent resolutions; rated ★5 (C2), ★4 (C3), ★2 (C4), ★5 (C6).
    expect(r.csat).toEqual({ asked: 6, responses: 4, average: 4, satisfiedShare: 0.75, responseRate: 4 / 6, csi: 80, distribution: [0, 1, 0, 1, 2] });
    // Repeat contacts: C2 (X2 wrote on 3 May) and C3 (X1's C1 the day before).
    expect(r.repeatContacts).toEqual({ count: 2, of: 9, rate: 2 / 9 });

    // Agent load over the 7 days (10 080 min). Anna: C2 57 + C9 18 + C4 170 + C6 30 + 60 = 335 min, C2 and C9 overlap.
    // Boris: C3 58 + C5 85 = 143 min.
    const week = 7 * 24 * 60;
    expect(r.agents).toEqual([
      { agentId: h.anna.id, name: 'Anna', capacity: 4, handled: 4, resolved: 4, peakConcurrent: 2, averageConcurrent: 335 / week, utilisation: 335 / week / 4 },
      { agentId: h.boris.id, name: 'Boris', capacity: 2, handled: 2, resolved: 2, peakConcurrent: 1, averageConcurrent: 143 / week, utilisation: 143 / week / 2 },
    ]);

    expect(r.gaps).toEqual([
      { text: 'Можно ли оплатить криптовалютой?', count: 2, lastAt: at('2025-05-09T12:00') },
      { text: '=SUM(A1:A9) как оплатить?', count: 1, lastAt: at('2025-05-08T12:00') },
      { text: 'Do you ship to Mars?', count: 1, lastAt: at('2025-05-07T12:00') },
    ]);

    // The standards with the default goals: urgent answered within 60 min C3, C5 of C3, C4, C5; FCR 4/7;
    // urgent outside business hours (weekdays 9–18 UTC): C4 (missed), C5 (met); ratings 4–5: 3 of 4.
    expect(r.standards.map((s: { id: string; value: number; met: boolean }) => [s.id, s.value, s.met])).toEqual([
      ['urgent_first_response', 2 / 3, false],
      ['first_contact_resolution', 4 / 7, false],
      ['critical_24_7', 1 / 2, false],
      ['csat', 0.75, false],
    ]);
    expect(r.standards[3].detail).toBe('3 of 4 ratings are 4 or 5 (goal 90 %)');
  });

  it('judges the standards against the goals an admin sets', async () => {
    const res = await fetch(`${server.url}/api/settings/standards`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ urgentFirstResponseShare: 0.6, firstContactResolutionShare: 0.5, csatShare: 0.75 }),
    });
    expect(res.status).toBe(200);
    const r = await report('from=2025-05-05&to=2025-05-11&tz=UTC');
    expect(r.standards.map((s: { met: boolean }) => s.met)).toEqual([true, true, false, true]);
    const bad = await fetch(`${server.url}/api/settings/standards`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ csatShare: 90 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { problems: string[] } }).error.problems).toEqual(['csatShare must be a share above 0 and at most 1 (0.9 = 90 %)']);
  });

  it('filters by channel, team and agent', async () => {
    const telegram = await report('from=2025-05-05&to=2025-05-11&tz=UTC&channel=telegram');
    expect(telegram.totals).toEqual({ conversations: 2, escalated: 2, resolved: 2, botResolved: 0 }); // C2, C5
    expect(telegram.firstResponse.medianMs).toBe(15 * MIN); // 10 and 20

    const team = await report(`from=2025-05-05&to=2025-05-11&tz=UTC&teamId=${h.teamId}`);
    expect(team.totals.conversations).toBe(2); // C2, C9
    expect(team.agents.map((a: { name: string; handled: number }) => [a.name, a.handled])).toEqual([['Anna', 2]]);

    const boris = await report(`from=2025-05-05&to=2025-05-11&tz=UTC&agentId=${h.boris.id}`);
    expect(boris.totals.conversations).toBe(2); // C3, C5
    expect(boris.firstResponse).toMatchObject({ count: 2, medianMs: 25 * MIN, p90Ms: 30 * MIN });
    expect(boris.csat).toMatchObject({ asked: 2, responses: 1, average: 4 });

    // Time zone: the days and hours are Moscow's (UTC+3): C4 (Wed 22:00 UTC) came at 01:00 on Thursday, C8 at 23:00.
    const moscow = await report('from=2025-05-05&to=2025-05-11&tz=Europe/Moscow');
    expect(moscow.range).toMatchObject({ from: at('2025-05-04T21:00'), to: at('2025-05-11T21:00') });
    expect([moscow.byHour[1].conversations, moscow.byHour[22].conversations, moscow.byHour[23].conversations]).toEqual([1, 0, 1]);
    expect(moscow.byDay.find((d: { date: string }) => d.date === '2025-05-08').conversations).toBe(2); // C4 and C5
  });

  it('exports each section as CSV, safe to open in a spreadsheet', async () => {
    const channels = await get('/api/reports/channels.csv?from=2025-05-05&to=2025-05-11&tz=UTC');
    expect(channels.status).toBe(200);
    expect(channels.type).toBe('text/csv; charset=utf-8');
    expect(channels.disposition).toBe('attachment; filename="chatbridge-channels-2025-05-05-2025-05-12.csv"');
    expect(channels.text).toBe('channel,conversations\r\nwebchat,6\r\ntelegram,2\r\ndiscord,1\r\n');

    const gaps = await get('/api/reports/gaps.csv?from=2025-05-05&to=2025-05-11&tz=UTC');
    expect(gaps.text.split('\r\n')).toEqual([
      'question,times_asked,last_asked',
      'Можно ли оплатить криптовалютой?,2,2025-05-09T12:00:00.000Z',
      "'=SUM(A1:A9) как оплатить?,1,2025-05-08T12:00:00.000Z",
      'Do you ship to Mars?,1,2025-05-07T12:00:00.000Z',
      '',
    ]);
    const summary = (await get('/api/reports/summary.csv?from=2025-05-05&to=2025-05-11&tz=UTC')).text;
    expect(summary).toContain('\r\nconversations,9\r\n');
    expect(summary).toContain(`\r\nfirst_response_median_ms,${15.5 * MIN}\r\n`);
    expect(summary).toContain('\r\ncsi,80\r\n');
    const agents = (await get('/api/reports/agents.csv?from=2025-05-05&to=2025-05-11&tz=UTC')).text.split('\r\n');
    expect(agents[0]).toBe('agent_id,name,handled,resolved,peak_concurrent,average_concurrent,capacity,utilisation');
    expect(agents[1]).toMatch(new RegExp(`^${h.anna.id},Anna,4,4,2,`));
    expect((await get('/api/reports/secrets.csv')).status).toBe(400);
  });

  it('refuses bad ranges with a clear message, and anonymous callers', async () => {
    const bad = async (q: string) => JSON.parse((await get(`/api/reports?${q}`)).text).error.message as string;
    expect(await bad('from=2025-05-10&to=2025-05-01')).toBe('from must be before to (the start of the range before its end)');
    expect(await bad('from=yesterday')).toBe('from must be YYYY-MM-DD, an ISO date-time or epoch milliseconds, got "yesterday"');
    expect(await bad('from=2020-01-01&to=2025-01-01')).toBe('a report covers at most 400 days');
    expect(await bad('tz=Moon/Base')).toBe('tz must be an IANA time zone such as Europe/Moscow, got "Moon/Base"');
    expect((await fetch(`${server.url}/api/reports`)).status).toBe(401);
  });
});
