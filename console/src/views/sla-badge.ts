/**
 * The SLA countdown pill on inbox rows and in the open conversation's header. Each pill keeps its
 * target in data attributes; one ticker rewrites every pill on the page every few seconds, and
 * the server's SLA pushes rewrite them at once (see `slaAlert`). Nothing is shown when no SLA
 * target is running.
 */
import { h } from '../dom.js';
import { fullTime } from '../format.js';
import { countdownText, noteServerTime, serverNow, SLA_METRIC_LABELS, slaDisplay, slaLevel, type SlaLevel } from '../sla.js';
import type { ConversationView, SlaAlert, SlaMetric } from '../types.js';

const TICK_MS = 5000;
const LEVEL_HINT: Record<SlaLevel, string> = { running: 'on time', warning: 'due soon', breached: 'breached' };
let ticker: ReturnType<typeof setInterval> | undefined;

/** The pill for a conversation (null when no SLA runs). `long` adds the target's name ("First response: 12 min left"). */
export function slaBadge(c: ConversationView, long = false): HTMLElement | null {
  const d = slaDisplay(c.sla);
  if (!d) return null;
  ticker ??= setInterval(refreshSlaBadges, TICK_MS);
  const el = h('span', {
    class: 'pill sla',
    dataset: {
      testid: 'sla',
      slaFor: c.id,
      due: d.dueAt,
      warn: d.warnAt ?? '',
      reported: d.reported ?? '',
      metric: d.metric,
      long: long ? '1' : '',
    },
  });
  paint(el, serverNow());
  return el;
}

function paint(el: HTMLElement, now: number): void {
  const due = Number(el.dataset.due);
  const warn = el.dataset.warn ? Number(el.dataset.warn) : null;
  const level = slaLevel(due, warn, (el.dataset.reported || null) as SlaLevel | null, now);
  const metric = SLA_METRIC_LABELS[el.dataset.metric as SlaMetric] ?? 'SLA';
  const text = countdownText(due, now);
  el.className = `pill sla ${level}`;
  el.dataset.level = level;
  el.textContent = el.dataset.long ? `${metric}: ${text}` : text;
  el.title = `${metric} ${level === 'breached' ? 'was due' : 'due'} ${fullTime(due)} (SLA ${LEVEL_HINT[level]})`;
  el.setAttribute('aria-label', `SLA ${metric.toLowerCase()}: ${text}`);
}

/** Rewrites every countdown on the page against the server's clock. */
export function refreshSlaBadges(): void {
  const now = serverNow();
  for (const el of document.querySelectorAll<HTMLElement>('.sla[data-due]')) paint(el, now);
}

/**
 * A `sla:warning` / `sla:breached` push: the clock difference is re-measured from it, and the
 * conversation's pills take the reported level straight away (its updated view follows).
 */
export function slaAlert(alert: SlaAlert): void {
  noteServerTime(alert.at);
  const reported: SlaLevel = alert.kind === 'breached' ? 'breached' : 'warning';
  for (const el of document.querySelectorAll<HTMLElement>(`.sla[data-sla-for="${alert.conversationId}"]`)) {
    if (Number(el.dataset.due) === alert.dueAt && el.dataset.metric === alert.metric && el.dataset.reported !== 'breached') el.dataset.reported = reported;
  }
  refreshSlaBadges();
}
