/**
 * The assigner: gives queued conversations to available agents and keeps them moving.
 * - On hand-off: classify (team and priority rules), then assign; outside business hours with
 *   nobody to take it, tell the customer when people are back (the conversation stays queued).
 * - The queue is served urgent first, then by waiting time. A team in manual mode is skipped:
 *   its agents pick conversations themselves.
 * - An agent is available when their console is connected, their status is "online" and they
 *   have free capacity. Routed conversations move on when their agent has been offline longer
 *   than the grace period, or has not answered within N minutes.
 * Every decision appends an event (`assigned` with `by: 'routing'`, `unassigned`, `routed`,
 * `priority_changed`). Decisions run one at a time so capacity is never overbooked.
 * @module
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import type { Language } from '../kb/types.js';
import type { Presence } from '../router/router.js';
import { texts } from '../router/texts.js';
import { PRIORITIES, PRIORITY_RANK } from '../sla/policies.js';
import type { SlaSettings } from '../sla/settings.js';
import type { Agent, Conversation, Priority, Store } from '../store/types.js';
import { formatOpening, isOpen, nextOpening } from './business-hours.js';
import { chooseAgent, type Choice } from './choose.js';
import type { JsonSetting } from './json-setting.js';
import { priorityFor, teamFor, type RoutingContext, type RoutingSettings } from './rules.js';

export interface AssignerDeps {
  store: Store;
  bus: Bus;
  presence: Presence;
  settings: JsonSetting<RoutingSettings>;
  /** Business hours and the clock. */
  sla: SlaSettings;
  log: Logger;
}

interface Availability {
  agents: Agent[];
  load: Map<number, number>;
  activity: Map<number, number>;
}

/** Refused agent action, with a code the HTTP layer maps to a status. */
export class RoutingError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}

export class Assigner {
  private chain: Promise<unknown> = Promise.resolve();
  private kickTimer: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** When each agent was first seen offline by a sweep. */
  private readonly offlineSince = new Map<number, number>();

  constructor(private readonly deps: AssignerDeps) {
    deps.bus.on('message', (c, m) => {
      if (m.direction === 'out' && m.authorType === 'agent' && m.agentId !== null) void this.safely(() => this.agentReplied(c, m.agentId!, m.createdAt));
      if (m.direction === 'in' && (c.status === 'queued' || c.status === 'assigned')) void this.safely(() => this.customerWrote(c.id, m.text));
    });
    deps.bus.on('conversation', (c) => {
      if (c.status === 'assigned' && c.assignedAgentId !== null) void this.safely(() => this.noteAssignment(c));
      // Capacity was freed: the next conversation in the queue can go.
      if (c.status === 'resolved' || c.status === 'closed') this.kick();
    });
  }

  private get now(): number {
    return this.deps.sla.now();
  }

  private async safely(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.deps.log.error({ err }, 'routing step failed');
    }
  }

  /** Runs decisions one after another. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Serve the queue soon (coalesced). */
  kick(): void {
    if (this.kickTimer) return;
    this.kickTimer = setImmediate(() => {
      this.kickTimer = null;
      void this.safely(() => this.assignQueue());
    });
  }

  /**
   * The router's hand-off hook: classify, try to assign, and return what to tell the customer
   * when the default texts would be wrong (closed, with nobody online), or null.
   */
  async onQueued(conversation: Conversation, language: Language): Promise<string | null> {
    await this.classify(conversation);
    await this.assignQueue();
    const fresh = await this.deps.store.getConversation(conversation.id);
    if (!fresh || fresh.status !== 'queued') return null;
    // Someone on duty outside business hours (24/7 for critical questions) will see it: the usual text is right.
    if ((await this.availability()).agents.length > 0) return null;
    const hours = await this.deps.sla.hours.get();
    if (isOpen(hours, this.now)) return null;
    const back = nextOpening(hours, this.now);
    return back === null ? null : texts[language].escalatedClosed(formatOpening(back, hours, language));
  }

  /** What the rules look at for a conversation; `text` defaults to everything the customer wrote. */
  private async context(c: Conversation, text?: string): Promise<RoutingContext> {
    const { store } = this.deps;
    const meta = await store.consoleMeta([c.id]);
    const tags = [...(meta.get(c.id)?.tags ?? []), ...(await store.contactTags(c.contactId))];
    const said =
      text ??
      (await store.listMessages(c.id))
        .filter((m) => m.direction === 'in')
        .map((m) => m.text)
        .join('\n');
    return { channel: c.channel, language: c.language, topic: c.topic, tags, text: said };
  }

  private async prioritySetByAgent(conversationId: number): Promise<boolean> {
    return (await this.deps.store.listEvents(conversationId)).some((e) => e.type === 'priority_changed' && e.data?.by === 'agent');
  }

  /** Applies team and priority rules. Priority only rises, and never overrides an agent's choice. */
  async classify(c: Conversation): Promise<Conversation> {
    const { store, bus } = this.deps;
    const rules = await this.deps.settings.get();
    const ctx = await this.context(c);
    const teamId = teamFor(rules.teamRules, ctx);
    const priority = priorityFor(rules.priorityRules, ctx);
    let current = c;
    if (teamId !== null && teamId !== c.teamId && (await store.getTeam(teamId))) {
      current =
        (await store.updateConversation(c.id, { teamId }, { conversationId: c.id, type: 'routed', actor: 'routing', data: { teamId, previousTeamId: c.teamId } })) ?? current;
    }
    if (priority && PRIORITY_RANK[priority] > PRIORITY_RANK[current.priority] && !(await this.prioritySetByAgent(c.id))) {
      current =
        (await store.updateConversation(
          c.id,
          { priority },
          { conversationId: c.id, type: 'priority_changed', actor: 'routing', data: { from: current.priority, to: priority, by: 'rule' } },
        )) ?? current;
    }
    if (current !== c) bus.emit('conversation', current);
    return current;
  }

  private async customerWrote(conversationId: number, text: string): Promise<void> {
    const c = await this.deps.store.getConversation(conversationId);
    if (!c || (c.status !== 'queued' && c.status !== 'assigned')) return;
    const rules = await this.deps.settings.get();
    const priority = priorityFor(rules.priorityRules, await this.context(c, text));
    if (!priority || PRIORITY_RANK[priority] <= PRIORITY_RANK[c.priority] || (await this.prioritySetByAgent(c.id))) return;
    const updated = await this.deps.store.updateConversation(
      c.id,
      { priority },
      { conversationId: c.id, type: 'priority_changed', actor: 'routing', data: { from: c.priority, to: priority, by: 'rule' } },
    );
    if (updated) this.deps.bus.emit('conversation', updated);
    this.kick();
  }

  /** An agent sets the priority by hand; rules no longer change it. */
  async setPriority(agent: Agent, conversationId: number, priority: Priority): Promise<Conversation> {
    if (!PRIORITIES.includes(priority)) throw new RoutingError('invalid', `priority must be one of ${PRIORITIES.join(', ')}.`);
    const c = await this.deps.store.getConversation(conversationId);
    if (!c) throw new RoutingError('not_found', `Conversation ${conversationId} does not exist.`);
    const updated = await this.deps.store.updateConversation(
      c.id,
      { priority },
      { conversationId: c.id, type: 'priority_changed', actor: `agent:${agent.id}`, data: { from: c.priority, to: priority, by: 'agent', agentId: agent.id } },
    );
    if (!updated) throw new RoutingError('not_found', `Conversation ${conversationId} does not exist.`);
    this.deps.bus.emit('conversation', updated);
    this.kick();
    return updated;
  }

  private async availability(): Promise<Availability> {
    const { store, presence } = this.deps;
    const online = new Set(presence.onlineAgentIds());
    const statuses = new Map((await store.listAgentStatuses()).map((s) => [s.agentId, s.status]));
    const agents = (await store.listAgents()).filter((a) => a.active && online.has(a.id) && (statuses.get(a.id) ?? 'online') === 'online');
    return { agents, load: await store.openLoadByAgent(), activity: await store.agentActivity() };
  }

  private async isOffline(agentId: number): Promise<boolean> {
    if (!this.deps.presence.onlineAgentIds().includes(agentId)) return true;
    return (await this.deps.store.getAgentStatus(agentId))?.status === 'offline';
  }

  /** Who should get the conversation (null: nobody now, or its team picks by hand). */
  private async choose(c: Conversation, available: Availability, exclude: Set<number>): Promise<Choice | null> {
    const { store } = this.deps;
    let members: Set<number> | null = null;
    if (c.teamId !== null) {
      const team = await store.getTeam(c.teamId);
      if (team?.assignmentMode === 'manual') return null;
      if (team) members = new Set(team.memberIds);
    }
    const candidates = available.agents
      .filter((a) => !exclude.has(a.id) && (!members || members.has(a.id)))
      .map((a) => ({ agentId: a.id, load: available.load.get(a.id) ?? 0, capacity: a.capacity, lastActivityAt: available.activity.get(a.id) ?? 0 }));
    const rules = await this.deps.settings.get();
    const preferred = rules.preferLastAgent ? await store.lastAgentOfContact(c.contactId, c.id) : null;
    return chooseAgent(candidates, preferred);
  }

  private async give(c: Conversation, choice: Choice, available: Availability, extra: Record<string, unknown> = {}): Promise<Conversation | null> {
    const { store, bus } = this.deps;
    const now = this.now;
    const updated = await store.updateConversation(
      c.id,
      { status: 'assigned', assignedAgentId: choice.agentId },
      { conversationId: c.id, type: 'assigned', actor: 'routing', data: { agentId: choice.agentId, by: 'routing', reason: choice.reason, teamId: c.teamId, ...extra } },
      [c.status],
    );
    if (!updated) return null;
    await store.recordAssignment({ conversationId: c.id, agentId: choice.agentId, assignedAt: now, by: 'routing' });
    await store.touchAgentActivity(choice.agentId, now);
    available.load.set(choice.agentId, (available.load.get(choice.agentId) ?? 0) + 1);
    if (c.assignedAgentId !== null) available.load.set(c.assignedAgentId, Math.max(0, (available.load.get(c.assignedAgentId) ?? 1) - 1));
    available.activity.set(choice.agentId, now);
    bus.emit('conversation', updated);
    return updated;
  }

  /** Assigns what it can from the queue, urgent first, then longest waiting. Returns the assigned ones. */
  assignQueue(): Promise<Conversation[]> {
    return this.exclusive(async () => {
      if (!(await this.deps.settings.get()).autoAssign) return [];
      const queued = (await this.deps.store.listConversations({ statuses: ['queued'], limit: 10_000 })).sort(
        (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt) || a.id - b.id,
      );
      if (queued.length === 0) return [];
      const available = await this.availability();
      const assigned: Conversation[] = [];
      for (const c of queued) {
        if (available.agents.length === 0) break;
        const choice = await this.choose(c, available, new Set());
        const updated = choice && (await this.give(c, choice, available));
        if (updated) assigned.push(updated);
      }
      return assigned;
    });
  }

  /**
   * The periodic job: move conversations of agents offline past the grace period and routed
   * conversations nobody answered in time, then serve the queue.
   */
  async sweep(): Promise<void> {
    await this.exclusive(async () => {
      const { store, bus } = this.deps;
      const rules = await this.deps.settings.get();
      if (!rules.autoAssign) return;
      const now = this.now;
      const available = await this.availability();
      const assigned = await store.listConversations({ statuses: ['assigned'], limit: 10_000 });
      const agentsWithWork = new Set(assigned.map((c) => c.assignedAgentId).filter((id): id is number => id !== null));
      for (const agentId of [...this.offlineSince.keys()]) if (!agentsWithWork.has(agentId)) this.offlineSince.delete(agentId);
      for (const agentId of agentsWithWork) {
        if (!(await this.isOffline(agentId))) {
          this.offlineSince.delete(agentId);
          continue;
        }
        const since = this.offlineSince.get(agentId) ?? now;
        this.offlineSince.set(agentId, since);
        if (now - since < rules.offlineGraceMinutes * 60_000) continue;
        for (const c of assigned.filter((x) => x.assignedAgentId === agentId)) {
          const choice = await this.choose(c, available, new Set([agentId]));
          if (choice && (await this.give(c, choice, available, { previousAgentId: agentId, trigger: 'agent_offline' }))) continue;
          const back = await store.updateConversation(
            c.id,
            { status: 'queued', assignedAgentId: null },
            { conversationId: c.id, type: 'unassigned', actor: 'routing', data: { agentId, reason: 'agent_offline' } },
            ['assigned'],
          );
          if (back) {
            available.load.set(agentId, Math.max(0, (available.load.get(agentId) ?? 1) - 1));
            bus.emit('conversation', back);
          }
        }
      }
      if (rules.reassignAfterMinutes !== null) {
        for (const a of await store.unansweredAssignments(now - rules.reassignAfterMinutes * 60_000)) {
          const c = await store.getConversation(a.conversationId);
          if (!c || c.status !== 'assigned' || c.assignedAgentId !== a.agentId) continue;
          // Only when someone else can take it: moving it back to the queue would not get it answered sooner.
          const choice = await this.choose(c, available, new Set([a.agentId]));
          if (choice) await this.give(c, choice, available, { previousAgentId: a.agentId, trigger: 'no_answer' });
        }
      }
    });
    await this.assignQueue();
  }

  private async agentReplied(c: Conversation, agentId: number, at: number): Promise<void> {
    const { store } = this.deps;
    const assignment = await store.getAssignment(c.id);
    if (assignment) await store.markAssignmentAnswered(c.id, assignment.agentId, at);
    await store.touchAgentActivity(agentId, at);
  }

  /** A person assigned it (claim, reopen, transfer): remember it, so the no-answer rule leaves it alone. */
  private async noteAssignment(c: Conversation): Promise<void> {
    const { store } = this.deps;
    const current = await store.getAssignment(c.id);
    if (current && current.agentId === c.assignedAgentId) return;
    await store.recordAssignment({ conversationId: c.id, agentId: c.assignedAgentId!, assignedAt: this.now, by: 'agent' });
    await store.touchAgentActivity(c.assignedAgentId!, this.now);
  }

  start(intervalMs: number): void {
    this.stopTimer();
    this.timer = setInterval(() => void this.safely(() => this.sweep()), intervalMs);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async stop(): Promise<void> {
    this.stopTimer();
    if (this.kickTimer) clearImmediate(this.kickTimer);
    this.kickTimer = null;
    await this.chain.catch(() => undefined);
  }
}
