/**
 * Which of my conversations have a customer message I have not looked at: the customer wrote last,
 * after the last time I had that conversation open. Kept in this browser (localStorage, per agent)
 * as conversation id → the server time of the last message seen, so a reload keeps it.
 */
import type { ConversationView } from './types.js';

/** Entries kept; the oldest are dropped beyond it. */
const LIMIT = 500;
let agentId: number | null = null;
let seenAt = new Map<number, number>();

const storageKey = (id: number) => `chatbridge.console.read.${id}`;

function forAgent(id: number): Map<number, number> {
  if (agentId === id) return seenAt;
  agentId = id;
  seenAt = new Map();
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(id)) ?? '[]') as unknown;
    if (Array.isArray(raw)) for (const e of raw) if (Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'number') seenAt.set(e[0], e[1]);
  } catch {
    // Unreadable or no storage: everything counts as not seen yet.
  }
  return seenAt;
}

/** A conversation assigned to me whose last message is the customer's and newer than what I saw. */
export function isUnread(c: ConversationView, meId: number): boolean {
  if (c.status !== 'assigned' || c.assignedAgentId !== meId || c.lastMessage?.authorType !== 'contact') return false;
  return c.lastMessage.createdAt > (forAgent(meId).get(c.id) ?? 0);
}

/** I have the conversation open: everything in it so far is seen. */
export function markRead(c: ConversationView, meId: number): void {
  const map = forAgent(meId);
  const at = c.lastMessage?.createdAt ?? c.lastMessageAt;
  if ((map.get(c.id) ?? 0) >= at) return;
  map.delete(c.id);
  map.set(c.id, at);
  while (map.size > LIMIT) map.delete(map.keys().next().value!);
  try {
    localStorage.setItem(storageKey(meId), JSON.stringify([...map]));
  } catch {
    // Storage full or off: it lasts until the page is closed.
  }
}
