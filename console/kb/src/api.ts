/**
 * The REST calls of the knowledge-base page (docs/knowledge-base.md). Same-origin fetch with the console's session
 * cookie; a 401 anywhere sends the page back to its sign-in form.
 */
import { call as restCall, whenSignedOut, type RestResult } from '../../shared/rest.js';
export interface Entry {
  id: string;
  questions: string[];
  answer: string | { ru?: string; en?: string };
  topic?: string;
  tags?: string[];
}

export interface FieldError {
  field: string;
  message: string;
}

export interface EntryProblem {
  index: number;
  id?: string;
  field: string;
  message: string;
}

export interface ApiError {
  code: string;
  message: string;
  fields?: FieldError[];
  entries?: EntryProblem[];
}

export type Result<T> = RestResult<T, ApiError>;

export interface Agent {
  id: number;
  name: string;
  email: string;
  role: 'admin' | 'agent';
}

export { whenSignedOut };

export function call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  return restCall<T, ApiError>(method, path, body);
}

export const api = {
  me: () => call<{ agent: Agent }>('GET', '/api/auth/me'),
  login: (email: string, password: string) => call<{ agent: Agent }>('POST', '/api/auth/login', { email, password }),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout', {}),
  summary: () => call<{ entries: number; phrasings: number; topics: number; misses: Record<string, number> }>('GET', '/api/kb/summary'),
  list: (q: string, topic: string) =>
    call<{ entries: Entry[]; total: number; topics: string[] }>('GET', `/api/kb/entries?limit=1000&q=${encodeURIComponent(q)}${topic ? `&topic=${encodeURIComponent(topic)}` : ''}`),
  create: (entry: Entry, fromMisses?: number[]) => call<{ entry: Entry }>('POST', '/api/kb/entries', fromMisses?.length ? { ...entry, fromMisses } : entry),
  update: (id: string, entry: Entry) => call<{ entry: Entry }>('PUT', `/api/kb/entries/${encodeURIComponent(id)}`, entry),
  remove: (id: string) => call<{ ok: true }>('DELETE', `/api/kb/entries/${encodeURIComponent(id)}`),
  addPhrasings: (id: string, texts: string[], missIds?: number[]) =>
    call<{ entry: Entry; added: string[]; attached?: number }>('POST', `/api/kb/entries/${encodeURIComponent(id)}/phrasings`, missIds?.length ? { texts, missIds } : { texts }),
  gaps: () => call<{ open: number; totalGroups: number; groups: Gap[] }>('GET', '/api/kb/gaps'),
  dismiss: (missIds: number[]) => call<{ dismissed: number }>('POST', '/api/kb/misses/dismiss', { missIds }),
  proposals: () => call<{ proposals: Proposal[] }>('GET', '/api/kb/proposals'),
  accept: (id: number, text: string) => call<{ added: string[] }>('POST', `/api/kb/proposals/${id}/accept`, { text }),
  reject: (id: number) => call<{ ok: true }>('POST', `/api/kb/proposals/${id}/reject`, {}),
  importFile: (body: { content: string; filename: string; mode: 'merge' | 'replace'; dryRun: boolean }) => call<ImportReport>('POST', '/api/kb/import', body),
};

export interface Gap {
  key: string;
  count: number;
  label: string;
  examples: { text: string; count: number; missIds: number[] }[];
  missIds: number[];
  languages: string[];
  firstSeen: number;
  lastSeen: number;
  suggestion: { entryId: string; question: string; confidence: number } | null;
  answeredNow: boolean;
}

export interface Proposal {
  id: number;
  text: string;
  entryId: string | null;
  entry: { id: string; question: string; topic: string | null } | null;
  conversationId: number | null;
  createdAt: number;
}

export interface ImportReport {
  dryRun: boolean;
  valid: boolean;
  format: string;
  mode: 'merge' | 'replace';
  total: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  errors: EntryProblem[];
}
