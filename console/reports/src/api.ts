/**
 * The REST calls of the reports page (server/http/reports-routes.ts). Same-origin fetch with the console's session
 * cookie; a 401 anywhere sends the page back to its sign-in form. The report's shape is the server's own type.
 */
import { call as restCall, whenSignedOut, type RestResult } from '../../shared/rest.js';
import type { Report } from '../../../server/reports/compute.js';

export type { Report };
export type Standard = Report['standards'][number];
export type Rate = Report['deflection'];

export interface ApiError {
  code: string;
  message: string;
}

export type Result<T> = RestResult<T, ApiError>;

export interface Agent {
  id: number;
  name: string;
  email: string;
  role: 'admin' | 'agent';
}

export interface AgentSummary extends Agent {
  active: boolean;
}

export interface Team {
  id: number;
  name: string;
}

/** The filters of a report, as the API's query parameters (dates as YYYY-MM-DD, `to` counted whole). */
export interface ReportQuery {
  from: string;
  to: string;
  channel: string;
  teamId: string;
  agentId: string;
}

/** The section names the CSV export knows (server/reports/csv.ts). */
export type CsvSection = 'summary' | 'standards' | 'channels' | 'topics' | 'hours' | 'days' | 'agents' | 'gaps';

export { whenSignedOut };

function call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  return restCall<T, ApiError>(method, path, body);
}

/** The query string for a report or a CSV export: empty filters are left out. */
export function queryString(q: ReportQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value) params.set(key, value);
  return params.toString();
}

/** Where one section's CSV downloads from. */
export const csvUrl = (section: CsvSection, q: ReportQuery): string => `/api/reports/${section}.csv?${queryString(q)}`;

export const api = {
  me: () => call<{ agent: Agent }>('GET', '/api/auth/me'),
  login: (email: string, password: string) => call<{ agent: Agent }>('POST', '/api/auth/login', { email, password }),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout', {}),
  report: (q: ReportQuery) => call<{ report: Report }>('GET', `/api/reports?${queryString(q)}`),
  meta: () => call<{ channels: string[] }>('GET', '/api/console/meta'),
  teams: () => call<{ teams: Team[] }>('GET', '/api/console/teams'),
  agents: () => call<{ agents: AgentSummary[] }>('GET', '/api/console/agents'),
};
