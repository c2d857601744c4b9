/**
 * The SLA part of a ConversationView: every target with its due time and state, and the one the
 * console should count down (the running target due soonest). The agents' views are built from
 * a store alone, so the SLA settings are registered per store.
 * @module
 */
import type { Conversation, Store } from '../store/types.js';
import type { SlaMetric } from './policies.js';
import type { SlaSettings } from './settings.js';
import { slaState, slaTargets, type SlaState } from './timeline.js';

export interface SlaTargetView {
  metric: SlaMetric;
  startedAt: number;
  dueAt: number | null;
  warnAt: number | null;
  stoppedAt: number | null;
  state: SlaState;
}

/** `state`, `metric`, `dueAt`, `warnAt` describe the running target due soonest (all null when none runs). */
export interface ConversationSla {
  state: 'running' | 'warning' | 'breached' | null;
  metric: SlaMetric | null;
  dueAt: number | null;
  warnAt: number | null;
  targets: SlaTargetView[];
}

const registry = new WeakMap<object, SlaSettings>();

/** Makes `slaView` work for conversations of this store. */
export function registerSlaView(store: Store, settings: SlaSettings): void {
  registry.set(store, settings);
}

/** The conversation's SLA clocks, or null when no SLA settings were registered for the store. */
export async function slaView(store: Store, c: Conversation): Promise<ConversationSla | null> {
  const settings = registry.get(store);
  if (!settings || c.queuedAt === null) return null;
  const [policies, hours] = await Promise.all([settings.policies.get(), settings.hours.get()]);
  const stamps = c.firstResponseAt !== null ? await store.messageStamps([c.id]) : [];
  const now = settings.now();
  const targets = slaTargets(c, stamps, policies[c.priority], hours).map((t) => ({ ...t, state: slaState(t, now) }));
  const running = targets
    .filter((t): t is SlaTargetView & { state: 'running' | 'warning' | 'breached' } => t.state === 'running' || t.state === 'warning' || t.state === 'breached')
    .sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity))[0];
  return {
    state: running?.state ?? null,
    metric: running?.metric ?? null,
    dueAt: running?.dueAt ?? null,
    warnAt: running?.warnAt ?? null,
    targets,
  };
}
