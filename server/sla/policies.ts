/**
 * SLA policies, one per priority: targets for the first response, each next response and the
 * resolution, counted in business hours or around the clock, and how long before a breach the
 * team is warned.
 * @module
 */
import { asObject, assertNoProblems } from '../routing/settings-error.js';
import type { Priority } from '../store/types.js';

export const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
/** Higher is more urgent: the queue is served in this order. */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 3, high: 2, normal: 1, low: 0 };

export type SlaMetric = 'first_response' | 'next_response' | 'resolution';
export const SLA_METRICS: SlaMetric[] = ['first_response', 'next_response', 'resolution'];

export interface SlaPolicy {
  /** Minutes from hand-off (queued) to the first agent reply; null: no target. */
  firstResponseMinutes: number | null;
  /** Minutes from a customer message to the agent's next reply, after the first response. */
  nextResponseMinutes: number | null;
  /** Minutes from hand-off to resolution. */
  resolutionMinutes: number | null;
  /** `business`: only open hours count; `always`: round the clock (24/7). */
  hours: 'business' | 'always';
  /** Warn this many minutes (of the same clock) before a breach; 0: no warning. */
  warnBeforeMinutes: number;
}

export type SlaPolicies = Record<Priority, SlaPolicy>;

/**
 * Defaults built around the support standards: urgent requests get a first answer within one
 * hour around the clock (24/7 for critical questions); the rest count business hours.
 */
export const DEFAULT_SLA_POLICIES: SlaPolicies = {
  urgent: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 480, hours: 'always', warnBeforeMinutes: 15 },
  high: { firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 720, hours: 'business', warnBeforeMinutes: 20 },
  normal: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440, hours: 'business', warnBeforeMinutes: 30 },
  low: { firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2880, hours: 'business', warnBeforeMinutes: 60 },
};

const MAX_MINUTES = 60 * 24 * 365;

/**
 * Validates policies from JSON; priorities left out keep their defaults.
 * @throws SettingsError listing every problem.
 */
export function parseSlaPolicies(input: unknown): SlaPolicies {
  const problems: string[] = [];
  const raw = asObject(input, 'SLA policies', problems);
  for (const key of Object.keys(raw)) if (!PRIORITIES.includes(key as Priority)) problems.push(`unknown priority "${key}" (use ${PRIORITIES.join(', ')})`);
  const result = {} as SlaPolicies;
  for (const priority of PRIORITIES) {
    const base = DEFAULT_SLA_POLICIES[priority];
    if (raw[priority] === undefined) {
      result[priority] = { ...base };
      continue;
    }
    const p = asObject(raw[priority], priority, problems);
    const minutes = (key: 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'): number | null => {
      const v = p[key] === undefined ? base[key] : p[key];
      if (v === null) return null;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_MINUTES) {
        problems.push(`${priority}.${key} must be a whole number of minutes from 1 to ${MAX_MINUTES}, or null for no target; got ${JSON.stringify(v)}`);
        return base[key];
      }
      return v;
    };
    const hours = p.hours === undefined ? base.hours : p.hours;
    if (hours !== 'business' && hours !== 'always') problems.push(`${priority}.hours must be "business" or "always", got ${JSON.stringify(hours)}`);
    const warn = p.warnBeforeMinutes === undefined ? base.warnBeforeMinutes : p.warnBeforeMinutes;
    if (typeof warn !== 'number' || !Number.isInteger(warn) || warn < 0 || warn > MAX_MINUTES) {
      problems.push(`${priority}.warnBeforeMinutes must be a whole number of minutes (0 for no warning), got ${JSON.stringify(warn)}`);
    }
    result[priority] = {
      firstResponseMinutes: minutes('firstResponseMinutes'),
      nextResponseMinutes: minutes('nextResponseMinutes'),
      resolutionMinutes: minutes('resolutionMinutes'),
      hours: hours === 'always' ? 'always' : 'business',
      warnBeforeMinutes: typeof warn === 'number' && Number.isInteger(warn) && warn >= 0 ? warn : base.warnBeforeMinutes,
    };
  }
  assertNoProblems(problems);
  return result;
}
