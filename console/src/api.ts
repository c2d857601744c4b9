/**
 * REST calls to the console API (docs/protocol.md "REST API"). The session cookie travels by
 * itself; a 401 anywhere means the session ended, and the app shows the sign-in form.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For refused settings: every problem the server named (e.g. `week.mon[0]: "from" (18:00) must be before "to" (09:00)`). */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let onUnauthorized: () => void = () => {};

/** What to do when the server says the session is gone. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** Sends a JSON request; resolves to the parsed body or throws an `ApiError` with the server's message. */
export async function request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; problems?: unknown } };
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthorized();
    const problems = Array.isArray(data.error?.problems) ? data.error.problems.map(String) : [];
    throw new ApiError(res.status, data.error?.code ?? 'error', data.error?.message ?? `The server answered ${res.status}.`, problems);
  }
  return data as T;
}

export const get = <T = any>(path: string) => request<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const patch = <T = any>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const put = <T = any>(path: string, body: unknown) => request<T>('PUT', path, body);
export const del = <T = any>(path: string) => request<T>('DELETE', path);

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
