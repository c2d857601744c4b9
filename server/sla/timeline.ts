/**
 * The SLA clocks of one conversation, computed from its timestamps and messages: when each
 * target started, when it is due, when to warn and when it stopped. Pure, so the monitor, the
 * console view and the reports all agree, and tests can drive it with any clock.
 * @module
 */
import { addBusinessTime, type BusinessHours } from '../routing/business-hours.js';
import type { Conversation, MessageStamp } from '../store/types.js';
import type { SlaMetric, SlaPolicy } from './policies.js';

export interface SlaTarget {
  metric: SlaMetric;
  startedAt: number;
  /** Null when the business hours never open (no due time can be given). */
  dueAt: number | null;
  warnAt: number | null;
  /** When the clock stopped (the reply or the resolution came); null while it runs. */
  stoppedAt: number | null;
}

export type SlaState = 'running' | 'warning' | 'breached' | 'met' | 'missed';

type Timed = Pick<Conversation, 'queuedAt' | 'firstResponseAt' | 'resolvedAt'>;

/** When `minutes` of the policy's clock have passed since `start`. */
export function dueAfter(policy: SlaPolicy, hours: BusinessHours, start: number, minutes: number): number | null {
  const ms = minutes * 60_000;
  return policy.hours === 'always' ? start + ms : addBusinessTime(hours, start, ms);
}

function target(metric: SlaMetric, minutes: number, policy: SlaPolicy, hours: BusinessHours, startedAt: number, stoppedAt: number | null): SlaTarget {
  const warnMinutes = minutes - policy.warnBeforeMinutes;
  return {
    metric,
    startedAt,
    dueAt: dueAfter(policy, hours, startedAt, minutes),
    warnAt: policy.warnBeforeMinutes > 0 ? dueAfter(policy, hours, startedAt, Math.max(0, warnMinutes)) : null,
    stoppedAt,
  };
}

/** A customer message counts for "next response"; an agent's reply stops the clock. */
const isCustomer = (m: MessageStamp) => m.direction === 'in' && m.authorType === 'contact';
const isAgentReply = (m: MessageStamp) => m.direction === 'out' && m.authorType === 'agent';

/**
 * Every SLA target of a conversation under a policy.
 * - first response: from the hand-off (`queuedAt`) to the first agent reply;
 * - next response: after the first response, from the first customer message an agent has not
 *   answered yet to the agent's next reply (one target per such wait; a resolve stops it);
 * - resolution: from the hand-off to `resolvedAt`.
 * Conversations the bot handled alone (never queued) have no targets.
 * @param stamps the conversation's messages, oldest first (others are ignored).
 */
export function slaTargets(conversation: Timed, stamps: MessageStamp[], policy: SlaPolicy, hours: BusinessHours): SlaTarget[] {
  const targets: SlaTarget[] = [];
  const { queuedAt, firstResponseAt, resolvedAt } = conversation;
  if (queuedAt === null) return targets;
  if (policy.firstResponseMinutes !== null) {
    targets.push(target('first_response', policy.firstResponseMinutes, policy, hours, queuedAt, firstResponseAt));
  }
  if (policy.nextResponseMinutes !== null && firstResponseAt !== null) {
    let waitingSince: number | null = null;
    for (const m of stamps) {
      if (m.createdAt <= firstResponseAt) continue;
      if (resolvedAt !== null && m.createdAt >= resolvedAt) break;
      if (isCustomer(m) && waitingSince === null) waitingSince = m.createdAt;
      else if (isAgentReply(m) && waitingSince !== null) {
        targets.push(target('next_response', policy.nextResponseMinutes, policy, hours, waitingSince, m.createdAt));
        waitingSince = null;
      }
    }
    if (waitingSince !== null) targets.push(target('next_response', policy.nextResponseMinutes, policy, hours, waitingSince, resolvedAt));
  }
  if (policy.resolutionMinutes !== null) {
    targets.push(target('resolution', policy.resolutionMinutes, policy, hours, queuedAt, resolvedAt));
  }
  return targets;
}

/** Where a target stands at `now`. */
export function slaState(t: SlaTarget, now: number): SlaState {
  if (t.stoppedAt !== null) return t.dueAt === null || t.stoppedAt <= t.dueAt ? 'met' : 'missed';
  if (t.dueAt !== null && now >= t.dueAt) return 'breached';
  if (t.warnAt !== null && now >= t.warnAt) return 'warning';
  return 'running';
}
