/**
 * Every report figure, computed from the conversations of a date range (those created in it),
 * their events, message stamps and ratings. Pure: the same data gives the same report, which is
 * how the tests check each figure against hand-computed values. Definitions are in
 * docs/reports.md and in the comments below.
 * @module
 */
import { isOpen, localDay, localParts, type BusinessHours } from '../routing/business-hours.js';
import type { SlaPolicies } from '../sla/policies.js';
import { slaState, slaTargets } from '../sla/timeline.js';
import type { Agent, Conversation, ConversationEvent, CsatRecord, KbMiss, MessageStamp } from '../store/types.js';
import type { StandardsGoals } from './standards.js';
import { mean, ratio, summarize, type Summary } from './stats.js';

const DAY_MS = 86_400_000;
/** "The same contact back within 7 days". */
export const REPEAT_WINDOW_MS = 7 * DAY_MS;

export interface ReportData {
  /** The conversations reported on: created in the range, filters applied. */
  conversations: Conversation[];
  events: ConversationEvent[];
  stamps: MessageStamp[];
  csat: CsatRecord[];
  /** Conversations of the same contacts created from 7 days before the range (repeat contacts). */
  contactHistory: Conversation[];
  misses: KbMiss[];
  agents: Agent[];
}

export interface ReportOptions {
  from: number;
  to: number;
  now: number;
  /** Time zone for the by-hour and by-day figures. */
  timeZone: string;
  policies: SlaPolicies;
  hours: BusinessHours;
  goals: StandardsGoals;
}

export interface Rate {
  count: number;
  of: number;
  rate: number | null;
}

export interface AgentLoad {
  agentId: number;
  name: string;
  capacity: number;
  /** Conversations the agent had assigned at some point. */
  handled: number;
  /** Conversations the agent resolved. */
  resolved: number;
  /** Most conversations the agent held at the same time. */
  peakConcurrent: number;
  /** Conversations held on average over the range (up to now). */
  averageConcurrent: number;
  /** averageConcurrent / capacity. */
  utilisation: number | null;
}

export interface Standard {
  id: 'urgent_first_response' | 'first_contact_resolution' | 'critical_24_7' | 'csat';
  title: string;
  value: number | null;
  goal: number;
  /** null: no data in the range to judge by. */
  met: boolean | null;
  detail: string;
}

export interface Report {
  range: { from: number; to: number; timeZone: string };
  totals: { conversations: number; escalated: number; resolved: number; botResolved: number };
  byChannel: { channel: string; conversations: number }[];
  byTopic: { topic: string; conversations: number }[];
  byHour: { hour: number; conversations: number }[];
  byDay: { date: string; conversations: number }[];
  /** Solved with no human: resolved by the bot and never handed off, out of all conversations. */
  deflection: Rate;
  /** Resolved by the first answer (one bot answer or one agent reply, never reopened), out of resolved. */
  firstContactResolution: Rate;
  /** Hand-off to the first agent reply. */
  firstResponse: Summary;
  /** Hand-off to resolution; `meanMs` is the MTTR. */
  resolution: Summary & { mttrMs: number | null };
  sla: { firstResponse: Rate; nextResponse: Rate; resolution: Rate; overall: Rate };
  csat: {
    /** Conversations an agent resolved (the customer was asked to rate). */
    asked: number;
    responses: number;
    average: number | null;
    /** Share of ratings that are 4 or 5. */
    satisfiedShare: number | null;
    responseRate: number | null;
    /** Customer satisfaction index: average rating as a percentage of the best (5). */
    csi: number | null;
    distribution: [number, number, number, number, number];
  };
  /** Conversations whose contact had another conversation in the 7 days before. */
  repeatContacts: Rate;
  agents: AgentLoad[];
  /** Unanswered questions (open knowledge-base misses), most frequent first. */
  gaps: { text: string; count: number; lastAt: number }[];
  standards: Standard[];
}

function groupBy<T>(items: T[], key: (t: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}

const rate = (count: number, of: number): Rate => ({ count, of, rate: ratio(count, of) });

function counted<K extends string>(keys: K[], name: string): { [P in string]: string | number }[] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => ({ [name]: k, conversations: n }));
}

/** Who held a conversation when: [agentId, start, end) from its events. */
function holdIntervals(c: Conversation, events: ConversationEvent[], end: number): { agentId: number; start: number; end: number }[] {
  const out: { agentId: number; start: number; end: number }[] = [];
  let holder: { agentId: number; start: number } | null = null;
  const release = (at: number) => {
    if (holder && at > holder.start) out.push({ ...holder, end: at });
    holder = null;
  };
  for (const e of events) {
    const agentId = e.type === 'transferred' ? (e.data?.toAgentId as number | null | undefined) : (e.data?.agentId as number | undefined);
    if (e.type === 'assigned' || e.type === 'reopened' || e.type === 'transferred') {
      release(e.createdAt);
      if (typeof agentId === 'number') holder = { agentId, start: e.createdAt };
    } else if (e.type === 'unassigned' || e.type === 'resolved' || e.type === 'closed') release(e.createdAt);
  }
  if (holder && c.status === 'assigned') release(end);
  return out;
}

function normalizeQuestion(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е').replace(/[\s]+/g, ' ').replace(/[\s.!?…,;:]+$/u, '').trim();
}

/** The full report. */
export function computeReport(data: ReportData, o: ReportOptions): Report {
  const conversations = data.conversations;
  const eventsBy = groupBy(data.events, (e) => e.conversationId ?? -1);
  const stampsBy = groupBy(data.stamps, (s) => s.conversationId);
  const has = (c: Conversation, type: string, test: (e: ConversationEvent) => boolean = () => true) => (eventsBy.get(c.id) ?? []).some((e) => e.type === type && test(e));
  const count = (c: Conversation, type: string) => (eventsBy.get(c.id) ?? []).filter((e) => e.type === type).length;

  const escalated = conversations.filter((c) => c.queuedAt !== null);
  const resolved = conversations.filter((c) => has(c, 'resolved'));
  const botResolved = conversations.filter((c) => c.queuedAt === null && has(c, 'resolved', (e) => e.data?.by === 'bot'));

  const firstContact = resolved.filter((c) => {
    const agentReplies = (stampsBy.get(c.id) ?? []).filter((s) => s.direction === 'out' && s.authorType === 'agent').length;
    return count(c, 'bot_answered') + agentReplies === 1 && !has(c, 'reopened');
  });

  // Measured from the first hand-off in the events log: a reopened conversation is queued again later, and its
  // first response came before that.
  const handedOffAt = (c: Conversation): number => (eventsBy.get(c.id) ?? []).find((e) => e.type === 'escalated')?.createdAt ?? c.queuedAt!;
  const firstResponse = summarize(escalated.filter((c) => c.firstResponseAt !== null).map((c) => Math.max(0, c.firstResponseAt! - handedOffAt(c))));
  const resolution = summarize(escalated.filter((c) => c.resolvedAt !== null).map((c) => Math.max(0, c.resolvedAt! - handedOffAt(c))));

  // SLA: a target counts once decided (stopped, or past due); targets still running are left out.
  const sla = { first_response: [0, 0], next_response: [0, 0], resolution: [0, 0] } as Record<string, [number, number]>;
  for (const c of escalated) {
    for (const t of slaTargets(c, stampsBy.get(c.id) ?? [], o.policies[c.priority], o.hours)) {
      const state = slaState(t, o.now);
      if (state === 'met') sla[t.metric]![0]++;
      else if (state === 'missed' || state === 'breached') sla[t.metric]![1]++;
    }
  }
  const slaRate = (metric: string): Rate => rate(sla[metric]![0], sla[metric]![0] + sla[metric]![1]);
  const metAll = Object.values(sla).reduce((a, [m]) => a + m, 0);
  const decidedAll = Object.values(sla).reduce((a, [m, x]) => a + m + x, 0);

  const asked = conversations.filter((c) => has(c, 'resolved', (e) => e.data?.by === 'agent')).length;
  const ids = new Set(conversations.map((c) => c.id));
  const ratings = data.csat.filter((r) => ids.has(r.conversationId)).map((r) => r.rating);
  const average = mean(ratings);
  const distribution = [1, 2, 3, 4, 5].map((n) => ratings.filter((r) => r === n).length) as [number, number, number, number, number];

  const historyBy = groupBy(data.contactHistory, (c) => c.contactId);
  const repeats = conversations.filter((c) =>
    (historyBy.get(c.contactId) ?? []).some((p) => p.id !== c.id && p.createdAt < c.createdAt && c.createdAt - p.createdAt <= REPEAT_WINDOW_MS),
  );

  // Agent load over the range up to now: intervals of holding a conversation, clipped to the range.
  const end = Math.min(o.to, o.now);
  const span = Math.max(1, end - o.from);
  const intervals = conversations.flatMap((c) =>
    holdIntervals(c, eventsBy.get(c.id) ?? [], end)
      .map((i) => ({ ...i, conversationId: c.id, start: Math.max(i.start, o.from), end: Math.min(i.end, end) }))
      .filter((i) => i.end > i.start),
  );
  // Conversations each agent resolved (one resolved twice after a reopen counts once).
  const resolvedBy = new Map<number, Set<number>>();
  for (const e of data.events) {
    if (e.type !== 'resolved' || e.data?.by !== 'agent' || typeof e.data.agentId !== 'number') continue;
    const set = resolvedBy.get(e.data.agentId) ?? new Set<number>();
    set.add(e.conversationId!);
    resolvedBy.set(e.data.agentId, set);
  }
  const agentIds = new Set([...intervals.map((i) => i.agentId), ...resolvedBy.keys()]);
  const agents: AgentLoad[] = data.agents
    .filter((a) => agentIds.has(a.id))
    .map((a) => {
      const mine = intervals.filter((i) => i.agentId === a.id);
      const points = mine.flatMap((i) => [
        [i.start, 1],
        [i.end, -1],
      ]) as [number, number][];
      points.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      let level = 0;
      let peak = 0;
      for (const [, d] of points) peak = Math.max(peak, (level += d));
      const averageConcurrent = mine.reduce((s, i) => s + (i.end - i.start), 0) / span;
      return {
        agentId: a.id,
        name: a.name,
        capacity: a.capacity,
        handled: new Set(mine.map((i) => i.conversationId)).size,
        resolved: resolvedBy.get(a.id)?.size ?? 0,
        peakConcurrent: peak,
        averageConcurrent,
        utilisation: ratio(averageConcurrent, a.capacity),
      };
    });

  const gapMap = new Map<string, { text: string; count: number; lastAt: number }>();
  for (const m of data.misses) {
    if (m.status !== 'open') continue;
    const key = normalizeQuestion(m.text);
    if (!key) continue;
    const g = gapMap.get(key);
    if (g) {
      g.count++;
      g.lastAt = Math.max(g.lastAt, m.createdAt);
    } else gapMap.set(key, { text: m.text.trim(), count: 1, lastAt: m.createdAt });
  }
  const gaps = [...gapMap.values()].sort((a, b) => b.count - a.count || b.lastAt - a.lastAt).slice(0, 20);

  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, conversations: 0 }));
  for (const c of conversations) byHour[localParts(c.createdAt, o.timeZone).hour]!.conversations++;
  const firstDay = localDay(o.from, o.timeZone);
  const lastDay = localDay(o.to - 1, o.timeZone);
  const perDay = new Map<number, number>();
  for (const c of conversations) {
    const d = localDay(c.createdAt, o.timeZone);
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const byDay: Report['byDay'] = [];
  for (let d = firstDay; d <= lastDay && byDay.length < 400; d++) byDay.push({ date: new Date(d * DAY_MS).toISOString().slice(0, 10), conversations: perDay.get(d) ?? 0 });

  const fcr = rate(firstContact.length, resolved.length);
  const csat = {
    asked,
    responses: ratings.length,
    average,
    satisfiedShare: ratio(ratings.filter((r) => r >= 4).length, ratings.length),
    responseRate: ratio(ratings.length, asked),
    csi: average === null ? null : (average / 5) * 100,
    distribution,
  };

  return {
    range: { from: o.from, to: o.to, timeZone: o.timeZone },
    totals: { conversations: conversations.length, escalated: escalated.length, resolved: resolved.length, botResolved: botResolved.length },
    byChannel: counted(conversations.map((c) => c.channel), 'channel') as Report['byChannel'],
    byTopic: counted(conversations.map((c) => c.topic ?? 'none'), 'topic') as Report['byTopic'],
    byHour,
    byDay,
    deflection: rate(botResolved.length, conversations.length),
    firstContactResolution: fcr,
    firstResponse,
    resolution: { ...resolution, mttrMs: resolution.meanMs },
    sla: { firstResponse: slaRate('first_response'), nextResponse: slaRate('next_response'), resolution: slaRate('resolution'), overall: rate(metAll, decidedAll) },
    csat,
    repeatContacts: rate(repeats.length, conversations.length),
    agents,
    gaps,
    standards: standards(escalated, o, fcr, csat.satisfiedShare, ratings.length),
  };
}

function standards(escalated: Conversation[], o: ReportOptions, fcr: Rate, satisfied: number | null, ratings: number): Standard[] {
  const g = o.goals;
  const limit = g.urgentFirstResponseMinutes * 60_000;
  // An urgent request is judged once answered, or once its hour has run out unanswered.
  const judge = (list: Conversation[]) => {
    const decided = list.filter((c) => c.firstResponseAt !== null || o.now - c.queuedAt! > limit);
    const within = decided.filter((c) => c.firstResponseAt !== null && c.firstResponseAt - c.queuedAt! <= limit);
    return rate(within.length, decided.length);
  };
  const urgent = escalated.filter((c) => c.priority === 'urgent');
  const all = judge(urgent);
  const afterHours = judge(urgent.filter((c) => !isOpen(o.hours, c.queuedAt!)));
  const verdict = (value: number | null, goal: number) => (value === null ? null : value >= goal);
  const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
  return [
    {
      id: 'urgent_first_response',
      title: `First response within ${g.urgentFirstResponseMinutes} min for urgent requests`,
      value: all.rate,
      goal: g.urgentFirstResponseShare,
      met: verdict(all.rate, g.urgentFirstResponseShare),
      detail: `${all.count} of ${all.of} urgent requests answered in time (goal ${pct(g.urgentFirstResponseShare)})`,
    },
    {
      id: 'first_contact_resolution',
      title: 'Requests solved by the first answer',
      value: fcr.rate,
      goal: g.firstContactResolutionShare,
      met: verdict(fcr.rate, g.firstContactResolutionShare),
      detail: `${fcr.count} of ${fcr.of} resolved requests (goal ${pct(g.firstContactResolutionShare)})`,
    },
    {
      id: 'critical_24_7',
      title: 'Critical questions answered 24/7',
      value: afterHours.rate,
      goal: g.criticalAfterHoursShare,
      met: verdict(afterHours.rate, g.criticalAfterHoursShare),
      detail: `${afterHours.count} of ${afterHours.of} urgent requests outside business hours answered within ${g.urgentFirstResponseMinutes} min (goal ${pct(g.criticalAfterHoursShare)})`,
    },
    {
      id: 'csat',
      title: 'Customer satisfaction',
      value: satisfied,
      goal: g.csatShare,
      met: verdict(satisfied, g.csatShare),
      detail: `${satisfied === null ? 0 : Math.round(satisfied * ratings)} of ${ratings} ratings are 4 or 5 (goal ${pct(g.csatShare)})`,
    },
  ];
}
