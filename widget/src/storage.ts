/**
 * What survives reloads and navigation, in localStorage: the visitor token, open/closed, what was
 * read, and messages not yet acknowledged by the server. One JSON value per server, shared by
 * every tab of the site: each write re-reads it and applies its change to what is stored now (so a
 * tab never writes back a stale copy over another tab's work), and `storage` events keep each
 * tab's copy current.
 * @module
 */

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface PendingItem {
  clientId: string;
  text: string;
  /** Set for a quick-reply press. */
  buttonId?: string;
  createdAt: number;
  /** failed: the server refused it for good (too long...); the visitor may retry or remove it. */
  state: 'waiting' | 'sending' | 'failed';
  errorCode?: string;
}

export interface Persisted {
  /** The anonymous visitor token (an identified visitor's is not kept: the identity is enough). */
  token: string | null;
  open: boolean;
  conversationId: number | null;
  /** Highest bot/agent message id the visitor has seen (open panel): the rest count as unread. */
  lastSeenId: number;
  /** Highest message id the page has announced (so a reload does not fire `message` again). */
  lastAnnouncedId: number;
  /** Every tab's unsent messages, one queue (by client id). */
  pending: PendingItem[];
  /** Contact details waiting to be sent (pre-chat form, offline email). */
  contactQueue: { name?: string; email?: string } | null;
  prechatDone: boolean;
  /** The email left for the offline notice, and for which conversation. */
  offlineEmail: { conversationId: number; email: string } | null;
}

/** A change, or a function of what is stored right now that returns one. */
export type Change = Partial<Omit<Persisted, 'token'>> | ((stored: Persisted) => Partial<Omit<Persisted, 'token'>>);

const EMPTY: Persisted = {
  token: null,
  open: false,
  conversationId: null,
  lastSeenId: 0,
  lastAnnouncedId: 0,
  pending: [],
  contactQueue: null,
  prechatDone: false,
  offlineEmail: null,
};

/** Reads and writes the persisted state; falls back to memory where storage is blocked. */
export class Storage {
  readonly key: string;
  private memory: Persisted;
  private listener: ((before: Persisted) => void) | null = null;

  constructor(server: string) {
    this.key = `chatbridge:v1:${server}`;
    // A send cut short by a reload is simply sent again (same client id, so only once).
    const stored = this.read();
    this.memory = { ...stored, pending: stored.pending.map((p) => (p.state === 'sending' ? { ...p, state: 'waiting' as const } : p)) };
  }

  /** This tab's copy (kept current by `storage` events and by every write). */
  get(): Persisted {
    return this.memory;
  }

  /** Re-reads what any tab stored; this tab's open/closed stays its own. */
  refresh(): Persisted {
    this.memory = { ...this.read(), open: this.memory.open };
    return this.memory;
  }

  /**
   * Applies a change to what is stored now and writes it through. Pending messages change by
   * client id (pass a function of the stored state), so another tab's items are never dropped.
   */
  update(change: Change): Persisted {
    const stored = this.read();
    const patch = typeof change === 'function' ? change(stored) : change;
    const next: Persisted = {
      ...stored,
      ...patch,
      // Only ever forward: another tab may have seen or announced more.
      lastSeenId: Math.max(stored.lastSeenId, patch.lastSeenId ?? 0),
      lastAnnouncedId: Math.max(stored.lastAnnouncedId, patch.lastAnnouncedId ?? 0),
    };
    this.write(next);
    this.memory = { ...next, open: patch.open ?? this.memory.open };
    return this.memory;
  }

  /**
   * Keeps the visitor token. The first one stored wins: `token` is written only when none is
   * stored, or over `replacing` (the token this tab connected with, which the server turned down).
   * Returns the token stored now: a different one means another tab's visitor came first.
   */
  setToken(token: string, replacing: string | null): string {
    const stored = this.read();
    if (stored.token === null || stored.token === replacing) {
      stored.token = token;
      this.write(stored);
    }
    this.memory = { ...stored, open: this.memory.open };
    return stored.token!;
  }

  /** Calls `fn` with the previous copy whenever another tab changed the stored state (after this tab's copy is updated). */
  watch(fn: (before: Persisted) => void): void {
    this.listener = fn;
    window.addEventListener('storage', this.onStorage);
  }

  unwatch(): void {
    this.listener = null;
    window.removeEventListener('storage', this.onStorage);
  }

  private readonly onStorage = (e: StorageEvent): void => {
    // key null: the page cleared all of its storage.
    if (e.key !== this.key && e.key !== null) return;
    const before = this.memory;
    this.refresh();
    this.listener?.(before);
  };

  private fallback: Persisted | null = null;

  private write(value: Persisted): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(value));
      this.fallback = null;
    } catch {
      // Private mode or a full quota: keep going in memory.
      this.fallback = value;
    }
  }

  private read(): Persisted {
    if (this.fallback) return { ...this.fallback };
    try {
      const raw = localStorage.getItem(this.key);
      if (!raw) return { ...EMPTY };
      const value = JSON.parse(raw) as Partial<Persisted>;
      const seen = new Set<string>();
      const pending = Array.isArray(value.pending)
        ? value.pending.filter((p): p is PendingItem => typeof p?.clientId === 'string' && typeof p.text === 'string' && !seen.has(p.clientId) && !!seen.add(p.clientId))
        : [];
      return { ...EMPTY, ...value, pending };
    } catch {
      return { ...EMPTY };
    }
  }
}
