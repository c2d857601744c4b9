/**
 * REST routes for reports: the full report as JSON, each section as CSV, and the goals of the
 * four standards. Any signed-in agent (or API token) may read reports; admins set the goals.
 * docs/reports.md.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Sessions } from '../agents/sessions.js';
import { isTimeZone, zonedToUtc } from '../routing/business-hours.js';
import type { Clock } from '../sla/settings.js';
import { CSV_SECTIONS, reportCsv, type CsvSection } from '../reports/csv.js';
import type { ReportFilter } from '../reports/data.js';
import type { Reports } from '../reports/service.js';
import { requireAdmin, requireAgent } from './auth.js';
import { sendOpsError } from './routing-routes.js';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 400;

export interface ReportQuery {
  from?: string;
  to?: string;
  channel?: string;
  teamId?: number;
  agentId?: number;
  tz?: string;
}

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', description: 'Start: YYYY-MM-DD (local midnight in `tz`), an ISO date-time, or epoch ms. Default: 7 days before `to`.' },
    to: { type: 'string', description: 'End (exclusive): a date counts whole (YYYY-MM-DD → the following midnight), an ISO date-time, or epoch ms. Default: now.' },
    channel: { type: 'string', maxLength: 40 },
    teamId: { type: 'integer', minimum: 1 },
    agentId: { type: 'integer', minimum: 1 },
    tz: { type: 'string', maxLength: 64, description: 'Time zone for by-hour and by-day figures; default the business-hours zone.' },
  },
} as const;

/** Turns the query into a filter, or an error message. */
export function parseRange(q: ReportQuery, now: number, defaultZone: string): { filter: ReportFilter; timeZone: string } | { error: string } {
  const timeZone = q.tz ?? defaultZone;
  if (!isTimeZone(timeZone)) return { error: `tz must be an IANA time zone such as Europe/Moscow, got "${timeZone}"` };
  const instant = (value: string, name: string, endOfDay: boolean): number | string => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const ms = Date.parse(`${value}T00:00:00Z`);
      if (Number.isNaN(ms)) return `${name} is not a valid date: "${value}"`;
      return zonedToUtc(ms / DAY_MS + (endOfDay ? 1 : 0), 0, timeZone);
    }
    if (/^\d{1,16}$/.test(value)) return Number(value);
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? `${name} must be YYYY-MM-DD, an ISO date-time or epoch milliseconds, got "${value}"` : ms;
  };
  const to = q.to === undefined ? now : instant(q.to, 'to', true);
  if (typeof to === 'string') return { error: to };
  const from = q.from === undefined ? to - 7 * DAY_MS : instant(q.from, 'from', false);
  if (typeof from === 'string') return { error: from };
  if (from >= to) return { error: 'from must be before to (the start of the range before its end)' };
  if (to - from > MAX_RANGE_DAYS * DAY_MS) return { error: `a report covers at most ${MAX_RANGE_DAYS} days` };
  return { filter: { from, to, channel: q.channel, teamId: q.teamId, agentId: q.agentId }, timeZone };
}

export function registerReportRoutes(app: FastifyInstance, deps: { reports: Reports; sessions: Sessions; now: Clock; defaultZone: () => Promise<string> }): void {
  const agent = { onRequest: requireAgent(deps.sessions) };
  const tags = ['Reports'];

  app.get(
    '/api/reports',
    {
      ...agent,
      schema: {
        tags,
        summary: 'The report over a date range: volumes, bot deflection, FCR, response and resolution times, SLA, CSAT/CSI, repeat contacts, agent load, gaps, standards',
        querystring: querySchema,
      },
    },
    async (request, reply) => {
      const parsed = parseRange(request.query as ReportQuery, deps.now(), await deps.defaultZone());
      if ('error' in parsed) return reply.code(400).send({ error: { code: 'invalid', message: parsed.error } });
      return { report: await deps.reports.build(parsed.filter, parsed.timeZone) };
    },
  );

  app.get(
    '/api/reports/:section.csv',
    {
      ...agent,
      schema: {
        tags,
        summary: `One report section as CSV (${CSV_SECTIONS.join(', ')})`,
        params: { type: 'object', required: ['section'], properties: { section: { type: 'string', enum: [...CSV_SECTIONS] } } },
        querystring: querySchema,
      },
    },
    async (request, reply) => {
      const parsed = parseRange(request.query as ReportQuery, deps.now(), await deps.defaultZone());
      if ('error' in parsed) return reply.code(400).send({ error: { code: 'invalid', message: parsed.error } });
      const section = (request.params as { section: CsvSection }).section;
      const report = await deps.reports.build(parsed.filter, parsed.timeZone);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="chatbridge-${section}-${day(parsed.filter.from)}-${day(parsed.filter.to)}.csv"`)
        .send(reportCsv(report, section));
    },
  );

  app.get('/api/settings/standards', { ...agent, schema: { tags: ['Settings'], summary: 'Goals of the four support standards' } }, async () => ({ standards: await deps.reports.goals.get() }));

  app.put(
    '/api/settings/standards',
    {
      onRequest: [requireAgent(deps.sessions), requireAdmin],
      schema: { tags: ['Settings'], summary: 'Change the goals of the standards (admin)', body: { type: 'object', additionalProperties: true } },
    },
    async (request, reply) => {
      try {
        return { standards: await deps.reports.goals.set(request.body) };
      } catch (err) {
        return sendOpsError(reply, err);
      }
    },
  );
}
