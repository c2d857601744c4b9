/**
 * The console's conversation shape: the agents-namespace `ConversationView` plus what the console
 * keeps beside a conversation (tags, snooze). Pushed in `conversation:updated` and returned by the
 * console REST routes. docs/protocol.md.
 * @module
 */
import { conversationView, type ConversationView } from '../agents/views.js';
import type { Conversation, Store } from '../store/types.js';

export interface ConsoleConversationView extends ConversationView {
  tags: string[];
  /** Hidden from the agent's inbox until then (UTC ms); null when not snoozed. */
  snoozedUntil: number | null;
}

/** One conversation's console view. */
export async function consoleConversationView(store: Store, c: Conversation): Promise<ConsoleConversationView> {
  return (await consoleConversationViews(store, [c]))[0]!;
}

/** Many at once: the tags and snoozes of all of them come in one query. */
export async function consoleConversationViews(store: Store, list: Conversation[]): Promise<ConsoleConversationView[]> {
  const meta = await store.consoleMeta(list.map((c) => c.id));
  return Promise.all(
    list.map(async (c) => {
      const m = meta.get(c.id);
      return { ...(await conversationView(store, c)), tags: m?.tags ?? [], snoozedUntil: m?.snoozedUntil ?? null };
    }),
  );
}
