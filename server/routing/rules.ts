/**
 * Routing settings and the rules in them: which team a queued conversation goes to (channel,
 * language, topic, tag, keywords; the first matching rule wins) and which priority it gets (the
 * highest of all matching rules). Pure functions plus the validator for the settings form.
 * @module
 */
import { PRIORITIES, PRIORITY_RANK } from '../sla/policies.js';
import type { Priority } from '../store/types.js';
import { asObject, assertNoProblems } from './settings-error.js';

/** Conditions a rule may have; every condition given must hold, a rule with none matches everything. */
export interface RuleConditions {
  channel?: string;
  language?: string;
  topic?: string;
  /** A tag on the conversation or on the contact. */
  tag?: string;
  /** Any of these words (matched at a word start, so "срочн" matches "срочно" and "срочный"). */
  keywords?: string[];
}

export interface TeamRule extends RuleConditions {
  teamId: number;
}

export interface PriorityRule extends RuleConditions {
  priority: Priority;
}

export interface RoutingSettings {
  /**
   * Assign queued conversations to available agents automatically. Off: agents pick from the
   * queue (rules still set team and priority). The default comes from ROUTING_AUTO_ASSIGN.
   */
  autoAssign: boolean;
  teamRules: TeamRule[];
  priorityRules: PriorityRule[];
  /** Give a returning customer to the agent who helped them last, when that agent is available. */
  preferLastAgent: boolean;
  /** Hand a routed conversation to someone else when its agent has not answered in this many minutes; null: never. */
  reassignAfterMinutes: number | null;
  /** How long an agent may be offline (a reload, a lost connection) before their conversations move. */
  offlineGraceMinutes: number;
}

export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = {
  autoAssign: true,
  teamRules: [],
  priorityRules: [{ keywords: ['срочн', 'немедленн', 'urgent', 'asap', 'emergency'], priority: 'urgent' }],
  preferLastAgent: true,
  reassignAfterMinutes: 15,
  offlineGraceMinutes: 2,
};

/** What rules look at. `text` is what the customer wrote in this conversation. */
export interface RoutingContext {
  channel: string;
  language: string | null;
  topic: string | null;
  tags: string[];
  text: string;
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when the keyword starts a word of the text (case, ё/е and Unicode forms folded). */
export function hasKeyword(text: string, keyword: string): boolean {
  const k = fold(keyword.trim());
  if (!k) return false;
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escape(k)}`, 'u').test(fold(text));
}

export function matches(rule: RuleConditions, ctx: RoutingContext): boolean {
  const same = (a: string | null, b: string) => a !== null && fold(a) === fold(b);
  if (rule.channel && !same(ctx.channel, rule.channel)) return false;
  if (rule.language && !same(ctx.language, rule.language)) return false;
  if (rule.topic && !same(ctx.topic, rule.topic)) return false;
  if (rule.tag && !ctx.tags.some((t) => same(t, rule.tag!))) return false;
  if (rule.keywords?.length && !rule.keywords.some((k) => hasKeyword(ctx.text, k))) return false;
  return true;
}

/** The team of the first matching rule, or null (any available agent). */
export function teamFor(rules: TeamRule[], ctx: RoutingContext): number | null {
  return rules.find((r) => matches(r, ctx))?.teamId ?? null;
}

/** The highest priority among matching rules, or null when none matches. */
export function priorityFor(rules: PriorityRule[], ctx: RoutingContext): Priority | null {
  let best: Priority | null = null;
  for (const r of rules) if (matches(r, ctx) && (best === null || PRIORITY_RANK[r.priority] > PRIORITY_RANK[best])) best = r.priority;
  return best;
}

function conditions(o: Record<string, unknown>, where: string, problems: string[]): RuleConditions {
  const out: RuleConditions = {};
  for (const key of ['channel', 'language', 'topic', 'tag'] as const) {
    const v = o[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || v.trim().length > 100) problems.push(`${where}.${key} must be text of at most 100 characters`);
    else out[key] = v.trim();
  }
  if (o.keywords !== undefined && o.keywords !== null) {
    const list = Array.isArray(o.keywords) ? o.keywords : null;
    if (!list || list.length > 100 || list.some((k) => typeof k !== 'string' || !k.trim() || k.length > 100)) {
      problems.push(`${where}.keywords must be a list of up to 100 non-empty words`);
    } else if (list.length) out.keywords = (list as string[]).map((k) => k.trim());
  }
  return out;
}

const KNOWN = new Set(['channel', 'language', 'topic', 'tag', 'keywords']);

/**
 * Validates routing settings from JSON; fields left out keep their defaults.
 * Team ids are checked against the store by the caller.
 * @throws SettingsError listing every problem.
 */
export function parseRoutingSettings(input: unknown, base: RoutingSettings = DEFAULT_ROUTING_SETTINGS): RoutingSettings {
  const problems: string[] = [];
  const raw = asObject(input, 'routing settings', problems);
  for (const key of Object.keys(raw)) if (!(key in DEFAULT_ROUTING_SETTINGS)) problems.push(`unknown field "${key}"`);
  const list = (key: string): Record<string, unknown>[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > 200) {
      problems.push(`${key} must be a list of at most 200 rules`);
      return [];
    }
    return v.map((item, i) => asObject(item, `${key}[${i}]`, problems));
  };
  const teamRules: TeamRule[] = list('teamRules').map((o, i) => {
    for (const k of Object.keys(o)) if (!KNOWN.has(k) && k !== 'teamId') problems.push(`teamRules[${i}]: unknown field "${k}"`);
    if (typeof o.teamId !== 'number' || !Number.isInteger(o.teamId) || o.teamId < 1) problems.push(`teamRules[${i}].teamId must be a team id`);
    return { ...conditions(o, `teamRules[${i}]`, problems), teamId: o.teamId as number };
  });
  const priorityRules: PriorityRule[] =
    raw.priorityRules === undefined
      ? structuredClone(base.priorityRules)
      : list('priorityRules').map((o, i) => {
          for (const k of Object.keys(o)) if (!KNOWN.has(k) && k !== 'priority') problems.push(`priorityRules[${i}]: unknown field "${k}"`);
          if (!PRIORITIES.includes(o.priority as Priority)) problems.push(`priorityRules[${i}].priority must be one of ${PRIORITIES.join(', ')}`);
          // Conversations start at normal and rules only raise: a low or normal rule could never apply.
          else if (o.priority === 'low' || o.priority === 'normal') {
            problems.push(`priorityRules[${i}].priority must be high or urgent: rules only raise a priority, and conversations start at normal`);
          }
          return { ...conditions(o, `priorityRules[${i}]`, problems), priority: o.priority as Priority };
        });
  const autoAssign = raw.autoAssign === undefined ? base.autoAssign : raw.autoAssign;
  if (typeof autoAssign !== 'boolean') problems.push('autoAssign must be true or false');
  const preferLastAgent = raw.preferLastAgent === undefined ? base.preferLastAgent : raw.preferLastAgent;
  if (typeof preferLastAgent !== 'boolean') problems.push('preferLastAgent must be true or false');
  const reassign = raw.reassignAfterMinutes === undefined ? base.reassignAfterMinutes : raw.reassignAfterMinutes;
  if (reassign !== null && (typeof reassign !== 'number' || !Number.isInteger(reassign) || reassign < 1 || reassign > 10_080)) {
    problems.push('reassignAfterMinutes must be a whole number of minutes from 1 to 10080, or null to never re-assign');
  }
  const grace = raw.offlineGraceMinutes === undefined ? base.offlineGraceMinutes : raw.offlineGraceMinutes;
  if (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0 || grace > 1440) problems.push('offlineGraceMinutes must be a whole number of minutes from 0 to 1440');
  assertNoProblems(problems);
  return {
    autoAssign: autoAssign as boolean,
    teamRules,
    priorityRules,
    preferLastAgent: preferLastAgent as boolean,
    reassignAfterMinutes: reassign as number | null,
    offlineGraceMinutes: grace as number,
  };
}
