/**
 * Picking an agent: the contact's last agent when available, else the least loaded agent with
 * free capacity, ties going to the one idle longest (then the lowest id, so the choice is stable).
 * @module
 */

export interface Candidate {
  agentId: number;
  /** Conversations assigned to the agent right now. */
  load: number;
  capacity: number;
  /** When the agent last got a conversation or replied; 0 when never. */
  lastActivityAt: number;
}

export interface Choice {
  agentId: number;
  reason: 'last_agent' | 'least_loaded';
}

/** The agent to give the conversation to, or null when nobody has free capacity. */
export function chooseAgent(candidates: Candidate[], preferredAgentId: number | null = null): Choice | null {
  const free = candidates.filter((c) => c.load < c.capacity);
  if (preferredAgentId !== null && free.some((c) => c.agentId === preferredAgentId)) return { agentId: preferredAgentId, reason: 'last_agent' };
  const best = free.sort((a, b) => a.load - b.load || a.lastActivityAt - b.lastActivityAt || a.agentId - b.agentId)[0];
  return best ? { agentId: best.agentId, reason: 'least_loaded' } : null;
}
