/**
 * Agent sessions: an opaque random token in an httpOnly cookie; the database keeps only its hash.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Agent, Store } from '../store/types.js';

export const SESSION_COOKIE = 'cb_session';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export class Sessions {
  private readonly revokedListeners: ((token: string) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  async create(agentId: number, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.store.createSession({ tokenHash: hashToken(token), agentId, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /** The active agent behind a token, or null (unknown, expired, or the agent was deactivated). */
  async agentFor(token: string | undefined | null, now = Date.now()): Promise<Agent | null> {
    if (!token || token.length > 200) return null;
    const session = await this.store.getSession(hashToken(token), now);
    if (!session) return null;
    const agent = await this.store.getAgent(session.agentId);
    return agent?.active ? agent : null;
  }

  async revoke(token: string): Promise<void> {
    await this.store.deleteSession(hashToken(token));
    for (const listener of this.revokedListeners) listener(token);
  }

  /** Called with the token of every session signed out (the agents namespace closes its sockets). */
  onRevoked(listener: (token: string) => void): void {
    this.revokedListeners.push(listener);
  }
}

/** Reads one cookie from a raw Cookie header (for socket.io handshakes). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
