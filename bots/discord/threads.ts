/**
 * Which private support thread belongs to which customer. Kept in the core's settings (a
 * key-value table in the database), so after a restart a message in a thread still routes to its
 * customer and a customer with an open conversation is sent back to the same thread.
 * @module
 */

/** The slice of the core's settings the adapter uses. */
export interface KeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

export interface SupportThread {
  threadId: string;
  /** The customer the thread was opened for; only their messages and presses count. */
  userId: string;
  guildId: string;
  parentId: string;
  createdAt: number;
}

/** Bounded in-memory cache in front of the settings; entries are small and never change. */
const CACHE_LIMIT = 10_000;

export class ThreadDirectory {
  private readonly byThread = new Map<string, SupportThread | null>();

  constructor(private readonly settings: KeyValue) {}

  /** The support thread with this id, or null when it is not one of ours. */
  async get(threadId: string): Promise<SupportThread | null> {
    if (this.byThread.has(threadId)) return this.byThread.get(threadId)!;
    const raw = await this.settings.get(`discord.thread.${threadId}`);
    const thread = raw ? (JSON.parse(raw) as SupportThread) : null;
    this.cache(threadId, thread);
    return thread;
  }

  /** The thread last opened for the customer in this guild (open or not: the caller checks). */
  async latestFor(guildId: string, userId: string): Promise<string | null> {
    return (await this.settings.get(`discord.user-thread.${guildId}.${userId}`)) || null;
  }

  async remember(thread: SupportThread): Promise<void> {
    await this.settings.set(`discord.thread.${thread.threadId}`, JSON.stringify(thread));
    await this.settings.set(`discord.user-thread.${thread.guildId}.${thread.userId}`, thread.threadId);
    this.cache(thread.threadId, thread);
  }

  /** The customer's thread is gone (deleted by a moderator): the next message opens a new one. */
  async forget(guildId: string, userId: string): Promise<void> {
    await this.settings.set(`discord.user-thread.${guildId}.${userId}`, '');
  }

  private cache(threadId: string, thread: SupportThread | null): void {
    if (this.byThread.size >= CACHE_LIMIT) this.byThread.delete(this.byThread.keys().next().value!);
    this.byThread.set(threadId, thread);
  }
}
