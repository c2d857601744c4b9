/**
 * The filter bar: the date range (with quick presets), channel, team and agent. Reads and writes the query the report
 * is built from, and tells the page when it changes. Options are filled from the console's APIs.
 */
import type { AgentSummary, ReportQuery, Team } from './api.js';
import { byId, h } from './dom.js';
import { channelLabel, lastDays } from './format.js';

const from = () => byId<HTMLInputElement>('from');
const to = () => byId<HTMLInputElement>('to');
const channel = () => byId<HTMLSelectElement>('channel');
const team = () => byId<HTMLSelectElement>('team');
const agent = () => byId<HTMLSelectElement>('agent');

/** Channels offered so far: the enabled ones, plus any a report has shown (history from channels since turned off). */
const knownChannels = new Set<string>();

export const DEFAULT_DAYS = 7;

export function readQuery(): ReportQuery {
  return { from: from().value, to: to().value, channel: channel().value, teamId: team().value, agentId: agent().value };
}

/** The query in the page's address (?from=…&to=…&channel=…), with the last 7 days by default. */
export function queryFromUrl(search: string): ReportQuery {
  const p = new URLSearchParams(search);
  const range = lastDays(DEFAULT_DAYS);
  return { from: p.get('from') ?? range.from, to: p.get('to') ?? range.to, channel: p.get('channel') ?? '', teamId: p.get('teamId') ?? '', agentId: p.get('agentId') ?? '' };
}

function ensureOption(select: HTMLSelectElement, value: string, label: string): void {
  if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value }, label));
}

export function writeQuery(q: ReportQuery): void {
  from().value = q.from;
  to().value = q.to;
  // A filter from the address that the lists do not know (yet) still shows, so the page says what it reports on.
  addChannels([q.channel]);
  ensureOption(team(), q.teamId, `Team #${q.teamId}`);
  ensureOption(agent(), q.agentId, `Agent #${q.agentId}`);
  channel().value = q.channel;
  team().value = q.teamId;
  agent().value = q.agentId;
  markPreset();
}

export function addChannels(channels: string[]): void {
  const select = channel();
  for (const c of channels) {
    if (!c || knownChannels.has(c)) continue;
    knownChannels.add(c);
    ensureOption(select, c, channelLabel(c));
  }
}

export function fillOptions(o: { channels: string[]; teams: Team[]; agents: AgentSummary[] }): void {
  const q = readQuery();
  addChannels(o.channels);
  team().replaceChildren(h('option', { value: '' }, 'All teams'), ...o.teams.map((t) => h('option', { value: String(t.id) }, t.name)));
  const agents = [...o.agents].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
  agent().replaceChildren(h('option', { value: '' }, 'All agents'), ...agents.map((a) => h('option', { value: String(a.id) }, a.active ? a.name : `${a.name} (inactive)`)));
  writeQuery(q);
}

/** Highlights the preset button that matches the range, if any. */
function markPreset(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-days]')) {
    const range = lastDays(Number(button.dataset.days));
    button.setAttribute('aria-pressed', String(range.from === from().value && range.to === to().value));
  }
}

export function onFiltersChange(listener: () => void): void {
  for (const el of [from(), to(), channel(), team(), agent()]) {
    el.addEventListener('change', () => {
      markPreset();
      listener();
    });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-days]')) {
    button.addEventListener('click', () => {
      const range = lastDays(Number(button.dataset.days));
      from().value = range.from;
      to().value = range.to;
      markPreset();
      listener();
    });
  }
  byId('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    listener();
  });
  byId('reset-filters').addEventListener('click', () => {
    channel().value = '';
    team().value = '';
    agent().value = '';
    listener();
  });
}
