/**
 * The SLA monitor: looks at every conversation waiting for people, and raises a warning before a
 * target is breached and a breach when it is. Each alert fires once (kept in the store, so also
 * across restarts) and is appended to the events log (`sla_warning`, `sla_breached`), which is
 * what webhooks and reports read. Time comes from the injected clock; `check()` is the whole job,
 * so tests call it at chosen fake times and production calls it on an interval.
 * @module
 */
import type { Logger } from 'pino';
import type { Conversation, MessageStamp, Priority, Store } from '../store/types.js';
import type { SlaMetric } from './policies.js';
import type { SlaSettings } from './settings.js';
import { slaState, slaTargets } from './timeline.js';

export interface SlaAlert {
  kind: 'warning' | 'breached';
  conversationId: number;
  metric: SlaMetric;
  priority: Priority;
  startedAt: number;
  dueAt: number;
  at: number;
}

export interface SlaMonitorDeps {
  store: Store;
  settings: SlaSettings;
  log: Logger;
  /** Called once per new alert, after it was stored. */
  onAlert(alert: SlaAlert, conversation: Conversation): void;
}

const WAITING = ['queued', 'assigned'] as const;

export class SlaMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SlaAlert[]> | null = null;

  constructor(private readonly deps: SlaMonitorDeps) {}

  /** Raises the alerts due at the clock's current time; returns the new ones. */
  check(): Promise<SlaAlert[]> {
    // One pass at a time: an interval tick during a slow pass joins it instead of doubling alerts.
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<SlaAlert[]> {
    const { store, settings } = this.deps;
    const now = settings.now();
    const [policies, hours] = await Promise.all([settings.policies.get(), settings.hours.get()]);
    const conversations = await store.listConversations({ statuses: [...WAITING], limit: 10_000 });
    const stamps = await store.messageStamps(conversations.filter((c) => c.firstResponseAt !== null).map((c) => c.id));
    const byConversation = new Map<number, MessageStamp[]>();
    for (const s of stamps) {
      let list = byConversation.get(s.conversationId);
      if (!list) byConversation.set(s.conversationId, (list = []));
      list.push(s);
    }
    const alerts: SlaAlert[] = [];
    for (const c of conversations) {
      for (const t of slaTargets(c, byConversation.get(c.id) ?? [], policies[c.priority], hours)) {
        // Past due the state is 'breached', so a target that jumped past its warning gets the breach alone.
        const state = slaState(t, now);
        if ((state !== 'warning' && state !== 'breached') || t.dueAt === null) continue;
        const alert: SlaAlert = { kind: state, conversationId: c.id, metric: t.metric, priority: c.priority, startedAt: t.startedAt, dueAt: t.dueAt, at: now };
        if (!(await store.recordSlaAlert({ conversationId: c.id, metric: t.metric, kind: state, dueAt: t.dueAt, createdAt: now }))) continue;
        await store.appendEvent(
          { conversationId: c.id, type: state === 'warning' ? 'sla_warning' : 'sla_breached', actor: 'sla', data: { metric: t.metric, priority: c.priority, startedAt: t.startedAt, dueAt: t.dueAt } },
          now,
        );
        alerts.push(alert);
        try {
          this.deps.onAlert(alert, c);
        } catch (err) {
          this.deps.log.error({ err, alert }, 'SLA alert listener failed');
        }
      }
    }
    return alerts;
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.deps.log.error({ err }, 'SLA check failed'));
    }, intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
