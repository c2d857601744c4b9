/**
 * Reports as CSV, one section per file: RFC 4180 quoting, and cells that a spreadsheet would run
 * as a formula (starting with =, +, -, @) are prefixed with an apostrophe.
 * @module
 */
import type { Report } from './compute.js';

export const CSV_SECTIONS = ['summary', 'standards', 'channels', 'topics', 'hours', 'days', 'agents', 'gaps'] as const;
export type CsvSection = (typeof CSV_SECTIONS)[number];

type Cell = string | number | boolean | null;

function cell(value: Cell): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One section of a report as CSV text. */
export function reportCsv(report: Report, section: CsvSection): string {
  switch (section) {
    case 'summary': {
      const r = report;
      const rows: [string, Cell][] = [
        ['from', iso(r.range.from)],
        ['to', iso(r.range.to)],
        ['conversations', r.totals.conversations],
        ['escalated', r.totals.escalated],
        ['resolved', r.totals.resolved],
        ['bot_resolved', r.totals.botResolved],
        ['bot_deflection_rate', r.deflection.rate],
        ['first_contact_resolution_rate', r.firstContactResolution.rate],
        ['first_response_median_ms', r.firstResponse.medianMs],
        ['first_response_p90_ms', r.firstResponse.p90Ms],
        ['resolution_median_ms', r.resolution.medianMs],
        ['resolution_p90_ms', r.resolution.p90Ms],
        ['mttr_ms', r.resolution.mttrMs],
        ['sla_first_response_rate', r.sla.firstResponse.rate],
        ['sla_next_response_rate', r.sla.nextResponse.rate],
        ['sla_resolution_rate', r.sla.resolution.rate],
        ['sla_overall_rate', r.sla.overall.rate],
        ['csat_average', r.csat.average],
        ['csat_satisfied_share', r.csat.satisfiedShare],
        ['csat_response_rate', r.csat.responseRate],
        ['csi', r.csat.csi],
        ['repeat_contact_rate', r.repeatContacts.rate],
      ];
      return toCsv(['metric', 'value'], rows);
    }
    case 'standards':
      return toCsv(['standard', 'value', 'goal', 'met', 'detail'], report.standards.map((s) => [s.id, s.value, s.goal, s.met, s.detail]));
    case 'channels':
      return toCsv(['channel', 'conversations'], report.byChannel.map((r) => [r.channel, r.conversations]));
    case 'topics':
      return toCsv(['topic', 'conversations'], report.byTopic.map((r) => [r.topic, r.conversations]));
    case 'hours':
      return toCsv(['hour', 'conversations'], report.byHour.map((r) => [r.hour, r.conversations]));
    case 'days':
      return toCsv(['date', 'conversations'], report.byDay.map((r) => [r.date, r.conversations]));
    case 'agents':
      return toCsv(
        ['agent_id', 'name', 'handled', 'resolved', 'peak_concurrent', 'average_concurrent', 'capacity', 'utilisation'],
        report.agents.map((a) => [a.agentId, a.name, a.handled, a.resolved, a.peakConcurrent, a.averageConcurrent, a.capacity, a.utilisation]),
      );
    case 'gaps':
      return toCsv(['question', 'times_asked', 'last_asked'], report.gaps.map((g) => [g.text, g.count, iso(g.lastAt)]));
  }
}
