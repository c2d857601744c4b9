/**
 * The SLA countdown, without the DOM: which target a conversation is racing, how it reads
 * ("12 min left", "due in 2 h", "overdue 5 min") and its colour (running, warning, breached).
 *
 * Due times are on the server's clock. The browser's clock may differ from it, so every SLA push
 * (`sla:warning`, `sla:breached`, which carry the server's time) re-measures the difference and
 * countdowns are taken against `serverNow()`. What the server last said about a target counts
 * too: a target it called breached is never shown as merely running.
 */
import type { ConversationSla, SlaMetric } from './types.js';

export type SlaLevel = 'running' | 'warning' | 'breached';

export const SLA_METRIC_LABELS: Record<SlaMetric, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

let offsetMs = 0;

/** The server's clock as best known: the browser's plus the last measured difference. */
export const serverNow = (): number => Date.now() + offsetMs;

/** Notes a server timestamp that was just taken (an SLA alert's `at`). */
export function noteServerTime(at: number): void {
  if (Number.isFinite(at)) offsetMs = at - Date.now();
}

const RANK: Record<SlaLevel, number> = { running: 0, warning: 1, breached: 2 };

/** The level at `now` for a target due at `dueAt`, never below what the server last reported. */
export function slaLevel(dueAt: number, warnAt: number | null, reported: SlaLevel | null, now: number): SlaLevel {
  const computed: SlaLevel = now >= dueAt ? 'breached' : warnAt !== null && now >= warnAt ? 'warning' : 'running';
  return reported && RANK[reported] > RANK[computed] ? reported : computed;
}

const MIN = 60_000;

/** "3 d", "5 h", "1 h 20 min", "12 min", for a positive span. */
function span(ms: number, round: (x: number) => number): string {
  const minutes = Math.max(1, round(ms / MIN));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} d`;
  const rest = minutes % 60;
  return hours < 10 && rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/**
 * The countdown words: "12 min left" under an hour, "due in 2 h" beyond, "overdue 5 min" once
 * past due. Time left rounds up (a target 30 s away still has "1 min left"); time overdue down.
 */
export function countdownText(dueAt: number, now: number): string {
  const left = dueAt - now;
  if (left > 0) {
    const minutes = Math.ceil(left / MIN);
    return minutes <= 60 ? `${minutes} min left` : `due in ${span(left, Math.floor)}`;
  }
  const over = now - dueAt;
  return over < MIN ? 'overdue <1 min' : `overdue ${span(over, Math.floor)}`;
}

export interface SlaDisplay {
  level: SlaLevel;
  metric: SlaMetric;
  dueAt: number;
  warnAt: number | null;
  reported: SlaLevel | null;
  text: string;
}

/** What to show for a conversation's SLA now, or null when no target is running (nothing to show). */
export function slaDisplay(sla: ConversationSla | null | undefined, now = serverNow()): SlaDisplay | null {
  if (!sla || sla.state === null || sla.metric === null || sla.dueAt === null) return null;
  return {
    level: slaLevel(sla.dueAt, sla.warnAt, sla.state, now),
    metric: sla.metric,
    dueAt: sla.dueAt,
    warnAt: sla.warnAt,
    reported: sla.state,
    text: countdownText(sla.dueAt, now),
  };
}
