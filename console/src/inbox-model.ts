/**
 * Which conversations an inbox view shows, and in what order. The same rules as the server's
 * `/api/console/inbox`, applied to live pushes so the lists change without a reload.
 */
import type { ConversationView, Priority, Status } from './types.js';

export type ViewName = 'queue' | 'mine' | 'snoozed' | 'all' | 'resolved';

export const VIEWS: { name: ViewName; label: string; hint: string }[] = [
  { name: 'queue', label: 'Queue', hint: 'Waiting for a person, longest first' },
  { name: 'mine', label: 'Mine', hint: 'Assigned to you' },
  { name: 'snoozed', label: 'Snoozed', hint: 'Yours, back later' },
  { name: 'all', label: 'All open', hint: 'Every open conversation' },
  { name: 'resolved', label: 'Resolved', hint: 'Resolved and closed' },
];

export interface Filters {
  channel?: string;
  status?: Status;
  teamId?: string;
  topic?: string;
  tag?: string;
  agentId?: string;
  priority?: Priority;
}

const OPEN: Status[] = ['bot', 'queued', 'assigned'];

const isSnoozed = (c: ConversationView, now: number) => c.snoozedUntil !== null && c.snoozedUntil > now;

/** Does the conversation belong in the view? The queue view also holds the bot's conversations (its second section). */
export function inView(c: ConversationView, view: ViewName, meId: number, now: number): boolean {
  switch (view) {
    case 'queue':
      return c.status === 'queued' || c.status === 'bot';
    case 'mine':
      return c.status === 'assigned' && c.assignedAgentId === meId && !isSnoozed(c, now);
    case 'snoozed':
      return c.status === 'assigned' && c.assignedAgentId === meId && isSnoozed(c, now);
    case 'all':
      return OPEN.includes(c.status);
    case 'resolved':
      return c.status === 'resolved' || c.status === 'closed';
  }
}

/** Does it pass every filter set? */
export function passes(c: ConversationView, f: Filters): boolean {
  if (f.channel && c.channel !== f.channel) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.topic && c.topic !== f.topic) return false;
  if (f.priority && c.priority !== f.priority) return false;
  if (f.tag && !c.tags.some((t) => t.toLowerCase() === f.tag!.toLowerCase())) return false;
  if (f.teamId && (f.teamId === 'none' ? c.teamId !== null : String(c.teamId) !== f.teamId)) return false;
  if (f.agentId && (f.agentId === 'none' ? c.assignedAgentId !== null : String(c.assignedAgentId) !== f.agentId)) return false;
  return true;
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Waiting first by priority, then the longest wait; elsewhere the latest activity first. */
export function sortFor(view: ViewName, list: ConversationView[]): ConversationView[] {
  if (view === 'queue') {
    return [...list].sort(
      (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt) || a.id - b.id,
    );
  }
  if (view === 'snoozed') return [...list].sort((a, b) => (a.snoozedUntil ?? 0) - (b.snoozedUntil ?? 0));
  return [...list].sort((a, b) => b.lastMessageAt - a.lastMessageAt || b.id - a.id);
}

/** The filters as the REST query takes them. */
export function filterQuery(f: Filters): Record<string, string | undefined> {
  return { channel: f.channel, status: f.status, teamId: f.teamId, topic: f.topic, tag: f.tag, agentId: f.agentId, priority: f.priority };
}
