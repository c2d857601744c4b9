/**
 * The reports page of the console (/console/reports): the four support standards, key figures, charts, agent load and
 * unanswered questions over a date range, filtered by channel, team and agent, each section downloadable as CSV.
 * Signs in with the console's session cookie; shows its own sign-in form when there is no session.
 */
import { api, queryString, whenSignedOut, type Agent, type ReportQuery } from './api.js';
import { byId, fill } from './dom.js';
import { addChannels, fillOptions, onFiltersChange, queryFromUrl, readQuery, writeQuery } from './filters.js';
import { day } from './format.js';
import { dashboard } from './sections.js';

let me: Agent | null = null;
let started = false;
/** Only the answer to the latest request is shown (filters may change faster than reports load). */
let latest = 0;

function showLogin(message = ''): void {
  byId('app').hidden = true;
  byId('login-page').hidden = false;
  byId('login-error').textContent = message;
  byId<HTMLInputElement>('email').focus();
}

function status(message: string, kind: 'info' | 'error' = 'info'): void {
  const el = byId('report-status');
  el.textContent = message;
  el.dataset.kind = kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function rangeLabel(q: ReportQuery, timeZone: string): string {
  const dates = q.from && q.to ? `${day(q.from)} – ${day(q.to)}` : q.to ? `7 days up to ${day(q.to)}` : q.from ? `from ${day(q.from)}` : 'the last 7 days';
  return `${dates} · ${timeZone}`;
}

async function load(): Promise<void> {
  const q = readQuery();
  const qs = queryString(q);
  const mine = ++latest;
  history.replaceState(null, '', `${location.pathname}?${qs}`);
  const report = byId('report');
  report.setAttribute('aria-busy', 'true');
  report.dataset.state = 'loading';
  status('Loading…');
  const res = await api.report(q);
  if (mine !== latest) return;
  report.removeAttribute('aria-busy');
  if (!res.ok) {
    if (res.status === 401) return;
    report.dataset.state = 'error';
    report.dataset.query = qs;
    fill(report);
    byId('range-label').textContent = '';
    status(res.error.message, 'error');
    return;
  }
  const r = res.data.report;
  addChannels(r.byChannel.map((c) => c.channel));
  fill(report, dashboard(r, q));
  byId('range-label').textContent = rangeLabel(q, r.range.timeZone);
  report.dataset.state = 'ready';
  report.dataset.query = qs;
  status('');
}

async function start(): Promise<void> {
  byId('login-page').hidden = true;
  byId('app').hidden = false;
  byId('me-name').textContent = me!.name;
  byId('me-role').textContent = me!.role === 'admin' ? 'Admin' : 'Agent';
  byId('me').title = me!.email;
  document.body.dataset.role = me!.role;
  if (!started) {
    started = true;
    writeQuery(queryFromUrl(location.search));
    onFiltersChange(() => void load());
  }
  const [meta, teams, agents] = await Promise.all([api.meta(), api.teams(), api.agents()]);
  fillOptions({ channels: meta.ok ? meta.data.channels : [], teams: teams.ok ? teams.data.teams : [], agents: agents.ok ? agents.data.agents : [] });
  await load();
}

whenSignedOut(() => showLogin('Your session has ended; sign in again.'));

byId('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const submit = byId<HTMLButtonElement>('login-submit');
  submit.disabled = true;
  byId('login-error').textContent = '';
  const res = await api.login(byId<HTMLInputElement>('email').value.trim(), byId<HTMLInputElement>('password').value);
  submit.disabled = false;
  if (!res.ok) return showLogin(res.error.message);
  me = res.data.agent;
  byId<HTMLInputElement>('password').value = '';
  void start();
});

byId('logout').addEventListener('click', async () => {
  await api.logout();
  me = null;
  location.href = '/console';
});

void api.me().then((res) => {
  if (res.ok) {
    me = res.data.agent;
    void start();
  } else showLogin();
});
