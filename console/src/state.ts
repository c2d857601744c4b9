/**
 * The console's shared state: who is signed in, the other agents, teams, canned responses, filter
 * choices, and every conversation seen so far (kept fresh by live pushes). Views subscribe to the
 * changes they show.
 */
import { Live } from './live.js';
import type { AgentSummary, Canned, ConversationView, Counts, Me, Meta, MessageView, SlaAlert, Team } from './types.js';

export interface AppEvents {
  conversation: ConversationView;
  message: MessageView;
  typing: { conversationId: number; typing: boolean };
  presence: { agentId: number; status: AgentSummary['status'] };
  counts: Counts;
  agents: void;
  canned: void;
  /** The live link came back (or came up): views reload what they show. */
  resync: void;
  deliveryFailed: { conversationId: number; messageId: number; reason: string };
  /** The server raised an SLA warning or breach. */
  sla: SlaAlert;
}

type Listener<T> = (payload: T) => void;

class Emitter {
  private readonly listeners = new Map<keyof AppEvents, Set<Listener<any>>>();
  on<K extends keyof AppEvents>(event: K, listener: Listener<AppEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
  emit<K extends keyof AppEvents>(event: K, payload: AppEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(err);
      }
    }
  }
}

/** The one app state object. */
export const app = {
  me: null as Me | null,
  status: 'online' as AgentSummary['status'],
  agents: new Map<number, AgentSummary>(),
  teams: new Map<number, Team>(),
  canned: [] as Canned[],
  meta: { channels: [], topics: [], tags: [], priorities: ['low', 'normal', 'high', 'urgent'] } as Meta,
  counts: { queue: 0, mine: 0, snoozed: 0, all: 0, bot: 0 } as Counts,
  conversations: new Map<number, ConversationView>(),
  /** Conversations this agent took themselves: no "new assignment" alert for those. */
  selfAssigned: new Set<number>(),
  live: new Live(),
  events: new Emitter(),
};

export const isAdmin = (): boolean => app.me?.role === 'admin';

/** An agent's display name. */
export function agentName(id: number | null): string {
  if (id === null) return 'Nobody';
  if (id === app.me?.id) return 'You';
  return app.agents.get(id)?.name ?? `Agent ${id}`;
}

export const teamName = (id: number | null): string | null => (id === null ? null : (app.teams.get(id)?.name ?? `Team ${id}`));
