/**
 * The four support standards the dashboard shows as met or not, and their goals (editable by an
 * admin): a first response within 1 hour for urgent requests, 80 % of requests solved by the
 * first answer, 24/7 availability for critical questions, satisfaction of at least 90 %.
 * "Within 1 hour" is read as a share of urgent requests (default goal 95 %); set the share to 1
 * for the strict reading.
 * @module
 */
import { asObject, assertNoProblems } from '../routing/settings-error.js';

export interface StandardsGoals {
  /** Urgent requests should get a first response within this many minutes (around the clock). */
  urgentFirstResponseMinutes: number;
  /** Share of urgent requests that must meet it. */
  urgentFirstResponseShare: number;
  /** Share of resolved requests that must be solved by the first answer. */
  firstContactResolutionShare: number;
  /** Share of urgent requests arriving outside business hours that must be answered within the same time. */
  criticalAfterHoursShare: number;
  /** Share of ratings that must be 4 or 5. */
  csatShare: number;
}

export const DEFAULT_STANDARDS: StandardsGoals = {
  urgentFirstResponseMinutes: 60,
  urgentFirstResponseShare: 0.95,
  firstContactResolutionShare: 0.8,
  criticalAfterHoursShare: 0.95,
  csatShare: 0.9,
};

/** @throws SettingsError listing every problem. */
export function parseStandards(input: unknown): StandardsGoals {
  const problems: string[] = [];
  const raw = asObject(input, 'standards', problems);
  const out = { ...DEFAULT_STANDARDS };
  for (const key of Object.keys(raw)) if (!(key in DEFAULT_STANDARDS)) problems.push(`unknown field "${key}"`);
  const minutes = raw.urgentFirstResponseMinutes;
  if (minutes !== undefined) {
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 10_080) problems.push('urgentFirstResponseMinutes must be a whole number of minutes from 1 to 10080');
    else out.urgentFirstResponseMinutes = minutes;
  }
  for (const key of ['urgentFirstResponseShare', 'firstContactResolutionShare', 'criticalAfterHoursShare', 'csatShare'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) problems.push(`${key} must be a share above 0 and at most 1 (0.9 = 90 %)`);
    else out[key] = v;
  }
  assertNoProblems(problems);
  return out;
}
