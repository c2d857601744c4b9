/**
 * Same-origin JSON calls for the console's stand-alone pages (knowledge base, reports): the session
 * cookie travels by itself, the answer is a Result instead of an exception, and a 401 anywhere but
 * the sign-in routes tells the page to show its sign-in form.
 */

/** The server's error body: a stable code, a message for people, and any details the route adds. */
export interface RestError {
  code: string;
  message: string;
}

export type RestResult<T, E extends RestError = RestError> = { ok: true; data: T } | { ok: false; status: number; error: E };

let onUnauthorized: () => void = () => undefined;

/** What to do when the session is gone (show the sign-in form). */
export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

export async function call<T, E extends RestError = RestError>(method: string, path: string, body?: unknown): Promise<RestResult<T, E>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: 'The server cannot be reached; check the connection and try again.' } as E };
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return { ok: true, data: data as T };
  if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
  const error = (data as { error?: E } | null)?.error ?? ({ code: 'http', message: `The server answered ${res.status}.` } as E);
  return { ok: false, status: res.status, error };
}
