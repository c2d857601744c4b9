/**
 * What survives reloads and navigation, in localStorage: the visitor token, open/closed, what was
 * read, and messages not yet acknowledged by the server, shared by every tab of the site, and
 * `storage` events keep each tab's copy current.
 *
 * A tab's localStorage can be behind another tab's writes for a moment (Chromium runs tabs in
 * separate processes and passes writes on asynchronously), so a read-modify-write of one value
 * holding everything could write a stale copy over what another tab just stored: a message typed
 * there would vanish. So each part has an entry of its own, and each unsent message too (by client
 * id): a write touches only the entries it changes, and an unsent message's entry is removed only
 * once the server has it (or the visitor removed it).
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

/** The stored parts besides the token and the queue, each under `<key>#<field>`. */
const FIELDS = ['open', 'conversationId', 'lastSeenId', 'lastAnnouncedId', 'contactQueue', 'prechatDone', 'offlineEmail'] as const;
type Field = (typeof FIELDS)[number];

function validItem(p: unknown): p is PendingItem {
  return typeof (p as PendingItem | null)?.clientId === 'string' && typeof (p as PendingItem).text === 'string';
}

/** Reads and writes the persisted state; falls back to memory where storage is blocked. */
export class Storage {
  /** The entry holding the token (`{ token }`); the other parts are `<key>#...`. */
  readonly key: string;
  private readonly itemPrefix: string;
  private memory: Persisted;
  private listener: ((before: Persisted) => void) | null = null;
  /** The last read found parts in the key's own entry, as widgets before per-part entries kept them. */
  private legacy = false;

  constructor(server: string) {
    this.key = `chatbridge:v1:${server}`;
    this.itemPrefix = `${this.key}#pending:`;
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
   * Applies a change to what is stored now and writes the parts it changes. Pending messages
   * change by client id (pass a function of the stored state): only the items the change adds,
   * alters or removes are written, so another tab's items are never dropped.
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
    this.write(stored, next);
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
      const next = { ...stored, token };
      this.write(stored, next);
      this.memory = { ...next, open: this.memory.open };
      return token;
    }
    this.memory = { ...stored, open: this.memory.open };
    return stored.token;
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
    if (e.key !== null && e.key !== this.key && !e.key.startsWith(`${this.key}#`)) return;
    const before = this.memory;
    this.refresh();
    this.listener?.(before);
  };

  private fallback: Persisted | null = null;

  /** Writes the entries in which `next` differs from `stored` (what was read just before). */
  private write(stored: Persisted, next: Persisted): void {
    if (this.fallback) {
      this.fallback = next;
      return;
    }
    try {
      const legacy = this.legacy;
      const changed = (a: unknown, b: unknown) => legacy || JSON.stringify(a) !== JSON.stringify(b);
      for (const field of FIELDS) {
        if (changed(stored[field], next[field])) localStorage.setItem(`${this.key}#${field}`, JSON.stringify(next[field]));
      }
      const before = new Map(stored.pending.map((p) => [p.clientId, p]));
      for (const p of next.pending) {
        if (changed(before.get(p.clientId), p)) localStorage.setItem(this.itemPrefix + p.clientId, JSON.stringify(p));
        before.delete(p.clientId);
      }
      for (const clientId of before.keys()) localStorage.removeItem(this.itemPrefix + clientId);
      // Last: the old single entry loses its other parts only once each has an entry of its own.
      if (legacy || stored.token !== next.token) localStorage.setItem(this.key, JSON.stringify({ token: next.token }));
      this.legacy = false;
    } catch {
      // Private mode or a full quota: keep going in memory.
      this.fallback = next;
    }
  }

  private read(): Persisted {
    if (this.fallback) return { ...this.fallback };
    try {
      const raw = localStorage.getItem(this.key);
      const main = (raw ? JSON.parse(raw) : {}) as Partial<Persisted>;
      const value: Persisted = { ...EMPTY, token: typeof main.token === 'string' ? main.token : null };
      this.legacy = Object.keys(main).some((k) => k !== 'token');
      const fields = value as unknown as Record<Field, unknown>;
      for (const field of FIELDS) {
        const own = localStorage.getItem(`${this.key}#${field}`);
        if (own !== null) fields[field] = JSON.parse(own);
        else if (main[field] !== undefined) fields[field] = main[field];
      }
      const items = new Map<string, PendingItem>();
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (!key?.startsWith(this.itemPrefix)) continue;
        try {
          const item = JSON.parse(localStorage.getItem(key) ?? 'null') as unknown;
          if (validItem(item) && this.itemPrefix + item.clientId === key) items.set(item.clientId, item);
        } catch {
          // Not ours, or cut short: skipped.
        }
      }
      if (Array.isArray(main.pending)) for (const p of main.pending as unknown[]) if (validItem(p) && !items.has(p.clientId)) items.set(p.clientId, p);
      // In the order typed (each tab queues after what it knows of: see ChatWidget.queue).
      value.pending = [...items.values()].sort((a, b) => a.createdAt - b.createdAt || (a.clientId < b.clientId ? -1 : 1));
      return value;
    } catch {
      return { ...EMPTY };
    }
  }
}
