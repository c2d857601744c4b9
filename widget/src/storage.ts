/**
 * What survives reloads and navigation, in localStorage: the visitor token, open/closed, what was
 * read, and messages not yet acknowledged by the server. One JSON value per server.
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
  pending: PendingItem[];
  /** Contact details waiting to be sent (pre-chat form, offline email). */
  contactQueue: { name?: string; email?: string } | null;
  prechatDone: boolean;
  /** The email left for the offline notice, and for which conversation. */
  offlineEmail: { conversationId: number; email: string } | null;
}

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
  private readonly key: string;
  private memory: Persisted;

  constructor(server: string) {
    this.key = `chatbridge:v1:${server}`;
    this.memory = this.read();
  }

  get(): Persisted {
    return this.memory;
  }

  /** Applies a change and writes it through. */
  update(change: Partial<Persisted>): Persisted {
    this.memory = { ...this.memory, ...change };
    try {
      localStorage.setItem(this.key, JSON.stringify(this.memory));
    } catch {
      // Private mode or a full quota: keep going in memory.
    }
    return this.memory;
  }

  private read(): Persisted {
    try {
      const raw = localStorage.getItem(this.key);
      if (!raw) return { ...EMPTY };
      const value = JSON.parse(raw) as Partial<Persisted>;
      const pending = Array.isArray(value.pending)
        ? value.pending
            .filter((p): p is PendingItem => typeof p?.clientId === 'string' && typeof p.text === 'string')
            // A send cut short by a reload is simply sent again (same client id, so only once).
            .map((p) => (p.state === 'sending' ? { ...p, state: 'waiting' as const } : p))
        : [];
      return { ...EMPTY, ...value, pending };
    } catch {
      return { ...EMPTY };
    }
  }
}
