/**
 * The sections of the dashboard, built from one report: the four standards, the key figures (deflection, first-contact
 * resolution, response and resolution times, SLA, CSAT/CSI, repeat contacts), the charts, agent load and the unanswered
 * questions. Each section has its CSV download. Everything from the data goes in as text.
 */
import { csvUrl, type CsvSection, type Rate, type Report, type ReportQuery, type Standard } from './api.js';
import { bars, columns, empty, meter, type Datum } from './charts.js';
import { h, type Child } from './dom.js';
import { channelColor, channelLabel, DASH, day, duration, instant, num, pct } from './format.js';

const topicLabel = (topic: string): string => (topic === 'none' ? 'No topic' : topic);

function csvLink(section: CsvSection, q: ReportQuery, what: string): HTMLAnchorElement {
  return h('a', { class: 'csv', href: csvUrl(section, q), download: '', 'data-csv': section, title: `Download ${what} as CSV`, 'aria-label': `Download ${what} as CSV` }, '↓ CSV');
}

/** A titled section with its CSV link; `tiles` ones hold cards of their own, the others are one card. */
function section(id: string, title: string, csv: [CsvSection, ReportQuery] | null, hint: string | null, ...body: Child[]): HTMLElement {
  const tiles = id === 'standards' || id === 'summary';
  return h(
    'section',
    { class: tiles ? 'section tiles' : 'card section', 'data-section': id, 'aria-labelledby': `h-${id}` },
    h('header', { class: 'section-head' }, h('h2', { id: `h-${id}` }, title), hint ? h('span', { class: 'hint' }, hint) : null, h('span', { class: 'spacer' }), csv ? csvLink(csv[0], csv[1], title.toLowerCase()) : null),
    ...body,
  );
}

// ---- standards -------------------------------------------------------------------------------------------------

function standardCard(st: Standard): HTMLElement {
  const state = st.met === null ? 'none' : st.met ? 'met' : 'missed';
  const verdict = st.met === null ? 'No data' : st.met ? 'Met' : 'Not met';
  const icon = st.met === null ? '–' : st.met ? '✓' : '✕';
  return h(
    'article',
    { class: `standard ${state}`, 'data-standard': st.id, 'data-met': state },
    h('header', {}, h('h3', {}, st.title), h('span', { class: `verdict ${state}`, 'data-verdict': '' }, h('span', { 'aria-hidden': 'true' }, icon), ` ${verdict}`)),
    h('p', { class: 'figure' }, h('strong', { 'data-value': '' }, pct(st.value)), h('span', { class: 'goal', 'data-goal': '' }, `goal ≥ ${pct(st.goal)}`)),
    meter(st.value, st.goal, st.title),
    h('p', { class: 'detail' }, st.detail),
  );
}

function standards(r: Report, q: ReportQuery): HTMLElement {
  const met = r.standards.filter((x) => x.met === true).length;
  const judged = r.standards.filter((x) => x.met !== null).length;
  return section('standards', 'Support standards', ['standards', q], judged ? `${met} of ${judged} met` : 'nothing to judge in this range', h('div', { class: 'standards' }, r.standards.map(standardCard)));
}

// ---- key figures -----------------------------------------------------------------------------------------------

const of = (r: Rate, what: string): string => (r.of ? `${r.count} of ${r.of} ${what}` : `no ${what} in this range`);

function stat(id: string, label: string, value: string): HTMLElement {
  return h('div', { class: 'stat', 'data-stat': id }, h('dt', {}, label), h('dd', {}, value));
}

function metric(id: string, title: string, big: string, note: string | null, ...stats: HTMLElement[]): HTMLElement {
  return h(
    'article',
    { class: 'metric', 'data-metric': id },
    h('h3', {}, title),
    h('p', { class: 'big', 'data-value': '' }, big),
    note ? h('p', { class: 'note' }, note) : null,
    stats.length ? h('dl', {}, stats) : null,
  );
}

function keyFigures(r: Report, q: ReportQuery): HTMLElement {
  const t = r.totals;
  const sla = r.sla;
  const slaLine = (label: string, x: Rate, id: string) => stat(id, label, x.of ? `${pct(x.rate)} (${x.count}/${x.of})` : DASH);
  const c = r.csat;
  return section(
    'summary',
    'Key figures',
    ['summary', q],
    null,
    h(
      'div',
      { class: 'metrics' },
      metric('conversations', 'Conversations', String(t.conversations), null, stat('escalated', 'Handed to agents', String(t.escalated)), stat('resolved', 'Resolved', String(t.resolved))),
      metric('deflection', 'Bot deflection', pct(r.deflection.rate), `${of(r.deflection, 'conversations')} solved by the bot alone`),
      metric('fcr', 'First-contact resolution', pct(r.firstContactResolution.rate), `${of(r.firstContactResolution, 'resolved requests')} solved by the first answer`),
      metric('repeat', 'Repeat contacts', pct(r.repeatContacts.rate), `${of(r.repeatContacts, 'conversations')} from someone who wrote in the 7 days before`),
      metric('first-response', 'First response time', duration(r.firstResponse.medianMs), 'median, hand-off to the first agent reply', stat('median', 'Median', duration(r.firstResponse.medianMs)), stat('p90', '90th percentile', duration(r.firstResponse.p90Ms)), stat('count', 'Answered', String(r.firstResponse.count))),
      metric('resolution', 'Time to resolve', duration(r.resolution.medianMs), 'median, hand-off to resolved', stat('median', 'Median', duration(r.resolution.medianMs)), stat('p90', '90th percentile', duration(r.resolution.p90Ms)), stat('mttr', 'MTTR (mean)', duration(r.resolution.mttrMs))),
      metric('sla', 'SLA compliance', pct(sla.overall.rate), sla.overall.of ? `${sla.overall.count} of ${sla.overall.of} targets met` : 'no SLA targets decided in this range', slaLine('First response', sla.firstResponse, 'first-response'), slaLine('Next response', sla.nextResponse, 'next-response'), slaLine('Resolution', sla.resolution, 'resolution')),
      metric('csat', 'CSAT', c.average === null ? DASH : `${num(c.average)} / 5`, c.responses ? `average of ${c.responses} ratings` : 'no ratings in this range', stat('satisfied', 'Rated 4–5', pct(c.satisfiedShare)), stat('response-rate', 'Response rate', c.asked ? `${pct(c.responseRate)} (${c.responses}/${c.asked})` : DASH), stat('csi', 'CSI', c.csi === null ? DASH : `${num(c.csi)} / 100`)),
    ),
  );
}

// ---- charts ----------------------------------------------------------------------------------------------------

function charts(r: Report, q: ReportQuery): HTMLElement[] {
  const byChannel: Datum[] = r.byChannel.map((x) => ({ label: channelLabel(x.channel), value: x.conversations, color: channelColor(x.channel) }));
  const byTopic: Datum[] = r.byTopic.map((x) => ({ label: topicLabel(x.topic), value: x.conversations, color: x.topic === 'none' ? '#9aa3b2' : undefined }));
  const byHour: Datum[] = r.byHour.map((x) => ({ label: String(x.hour).padStart(2, '0'), name: `${String(x.hour).padStart(2, '0')}:00`, value: x.conversations }));
  const long = r.byDay.length > 14;
  const byDay: Datum[] = r.byDay.map((x) => ({ label: day(x.date, false), name: day(x.date), value: x.conversations }));
  const ratings: Datum[] = [5, 4, 3, 2, 1].map((n) => ({ label: `${n} ★`, name: `${n} stars`, value: r.csat.distribution[n - 1] ?? 0, color: n >= 4 ? 'var(--ok)' : n === 3 ? '#d9a21b' : 'var(--danger)' }));
  const tz = `hour of day, ${r.range.timeZone}`;
  return [
    h(
      'div',
      { class: 'grid three' },
      section('channels', 'By channel', ['channels', q], null, bars('Conversations by channel', byChannel, { testid: 'channels', labelWidth: 100 })),
      section('topics', 'By topic', ['topics', q], null, bars('Conversations by topic', byTopic, { testid: 'topics', labelWidth: 130 })),
      section('ratings', 'Ratings', null, r.csat.responses ? `${r.csat.responses} ratings` : null, r.csat.responses ? bars('Customer ratings', ratings, { testid: 'ratings', unit: 'ratings', labelWidth: 60 }) : empty('No ratings in this range')),
    ),
    h(
      'div',
      { class: 'grid two' },
      section('hours', 'By hour', ['hours', q], tz, columns('Conversations by hour of day', byHour, { testid: 'hours' })),
      section('days', 'By day', ['days', q], long ? `${r.byDay.length} days` : null, columns('Conversations by day', byDay, { testid: 'days' })),
    ),
  ];
}

// ---- agents and gaps ---------------------------------------------------------------------------------------------

function agents(r: Report, q: ReportQuery): HTMLElement {
  const rows = r.agents.map((a) =>
    h(
      'tr',
      { 'data-agent-id': a.agentId },
      h('th', { scope: 'row' }, a.name),
      h('td', { class: 'num', 'data-col': 'handled' }, String(a.handled)),
      h('td', { class: 'num', 'data-col': 'resolved' }, String(a.resolved)),
      h('td', { class: 'num', 'data-col': 'peak' }, String(a.peakConcurrent)),
      h('td', { class: 'num', 'data-col': 'average' }, num(a.averageConcurrent, 2)),
      h('td', { class: 'num', 'data-col': 'capacity' }, String(a.capacity)),
      h(
        'td',
        { class: 'num util', 'data-col': 'utilisation' },
        h('span', { class: 'util-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.min(100, Math.round((a.utilisation ?? 0) * 100))}%` })),
        pct(a.utilisation),
      ),
    ),
  );
  return section(
    'agents',
    'Agent load',
    ['agents', q],
    'concurrent = conversations held at the same time; utilisation = average held ÷ capacity',
    rows.length
      ? h(
          'table',
          { class: 'table', 'aria-label': 'Agent load' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Agent'), ...['Handled', 'Resolved', 'Peak concurrent', 'Avg concurrent', 'Capacity', 'Utilisation'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
          h('tbody', {}, rows),
        )
      : empty('No agent held a conversation in this range'),
  );
}

function gaps(r: Report, q: ReportQuery): HTMLElement {
  const rows = r.gaps.map((g) =>
    h('tr', {}, h('td', { class: 'question' }, g.text), h('td', { class: 'num', 'data-col': 'count' }, String(g.count)), h('td', { class: 'num muted' }, instant(g.lastAt, r.range.timeZone))),
  );
  return section(
    'gaps',
    'Unanswered questions',
    ['gaps', q],
    'what the bot could not answer, most asked first',
    rows.length
      ? [
          h('table', { class: 'table', 'aria-label': 'Unanswered questions' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Question'), h('th', { scope: 'col', class: 'num' }, 'Times asked'), h('th', { scope: 'col', class: 'num' }, 'Last asked'))), h('tbody', {}, rows)),
          h('p', { class: 'more' }, h('a', { href: '/console/kb#gaps' }, 'Answer them in the knowledge base →')),
        ]
      : empty('No unanswered questions in this range'),
  );
}

/** The whole dashboard for one report. */
export function dashboard(r: Report, q: ReportQuery): HTMLElement[] {
  const nothing = r.totals.conversations === 0;
  return [
    nothing ? h('p', { class: 'notice', role: 'note', 'data-testid': 'no-data' }, 'No data in this range: no conversations started between these dates with these filters. Pick another range above.') : null,
    standards(r, q),
    keyFigures(r, q),
    ...charts(r, q),
    agents(r, q),
    gaps(r, q),
  ].filter((x): x is HTMLElement => x !== null);
}
