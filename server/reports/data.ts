/**
 * Loads what a report needs from the store: the conversations created in the range (narrowed by
 * channel, team or agent), their events, message stamps and ratings, the same contacts' earlier
 * conversations, the knowledge-base misses and the agents.
 * @module
 */
import type { ConversationEvent, Store } from '../store/types.js';
import { REPEAT_WINDOW_MS, type ReportData } from './compute.js';

export interface ReportFilter {
  from: number;
  to: number;
  channel?: string;
  teamId?: number;
  /** Conversations this agent held at some point. */
  agentId?: number;
}

/** Agents a conversation's events gave it to. */
function agentsIn(events: ConversationEvent[]): Set<number> {
  const ids = new Set<number>();
  for (const e of events) {
    const id = e.type === 'transferred' ? e.data?.toAgentId : e.type === 'assigned' || e.type === 'reopened' ? e.data?.agentId : undefined;
    if (typeof id === 'number') ids.add(id);
  }
  return ids;
}

export async function loadReportData(store: Store, f: ReportFilter): Promise<ReportData> {
  let conversations = await store.conversationsCreatedBetween(f.from, f.to);
  if (f.channel) conversations = conversations.filter((c) => c.channel === f.channel);
  if (f.teamId !== undefined) conversations = conversations.filter((c) => c.teamId === f.teamId);
  let events = await store.eventsOf(conversations.map((c) => c.id));
  if (f.agentId !== undefined) {
    const byConversation = new Map<number, ConversationEvent[]>();
    for (const e of events) {
      const list = byConversation.get(e.conversationId!) ?? [];
      list.push(e);
      byConversation.set(e.conversationId!, list);
    }
    conversations = conversations.filter((c) => c.assignedAgentId === f.agentId || agentsIn(byConversation.get(c.id) ?? []).has(f.agentId!));
    const kept = new Set(conversations.map((c) => c.id));
    events = events.filter((e) => kept.has(e.conversationId!));
  }
  const ids = conversations.map((c) => c.id);
  const filtered = Boolean(f.channel || f.teamId !== undefined || f.agentId !== undefined);
  const kept = new Set(ids);
  const misses = (await store.missesBetween(f.from, f.to)).filter((m) => (m.conversationId === null ? !filtered : kept.has(m.conversationId)));
  return {
    conversations,
    events,
    stamps: await store.messageStamps(ids),
    csat: await store.csatOf(ids),
    contactHistory: await store.conversationsOfContacts([...new Set(conversations.map((c) => c.contactId))], f.from - REPEAT_WINDOW_MS, f.to),
    misses,
    agents: await store.listAgents(),
  };
}
