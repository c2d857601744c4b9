/**
 * The knowledge base page of the console (/console/kb): entries, gaps, proposals, import and export.
 * Signs in with the console's session cookie; shows its own sign-in form when there is no session.
 * Talks to the REST API in docs/knowledge-base.md; sets text with textContent / value only.
 */
import { api, whenSignedOut } from './api.js';
import { byId } from './dom.js';
import { initEntries } from './entries.js';
import { initGaps } from './gaps.js';
import { initProposals } from './proposals.js';
import { changes, flash, onTab, showTab, state, type Tab } from './state.js';
import { initTransfer } from './transfer.js';

const TABS: Tab[] = ['entries', 'gaps', 'proposals', 'transfer'];
let started = false;

function showLogin(message = ''): void {
  byId('app').hidden = true;
  byId('login').hidden = false;
  byId('login-error').textContent = message;
  byId<HTMLInputElement>('email').focus();
}

async function refreshSummary(): Promise<void> {
  const res = await api.summary();
  if (!res.ok) return;
  const { entries, phrasings, misses } = res.data;
  byId('kb-summary').textContent = `${entries} entries · ${phrasings} phrasings`;
  byId('gaps-badge').textContent = misses.open ? String(misses.open) : '';
  byId('proposals-badge').textContent = misses.proposed ? String(misses.proposed) : '';
}

function start(): void {
  byId('login').hidden = true;
  byId('app').hidden = false;
  const agent = state.agent!;
  byId('who').textContent = `${agent.name} (${agent.role})`;
  document.body.dataset.role = agent.role;
  if (started) return void refreshSummary();
  started = true;
  const entries = initEntries();
  const gaps = initGaps((entry, missIds) => entries.openDraft(entry, missIds));
  const proposals = initProposals();
  initTransfer();
  changes.addEventListener('kb-changed', () => void refreshSummary());
  onTab((tab) => {
    flash('');
    if (tab === 'gaps') void gaps.refresh();
    if (tab === 'proposals') void proposals.refresh();
    void refreshSummary();
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
    button.addEventListener('click', () => showTab(button.dataset.tab as Tab));
  }
  const wanted = location.hash.slice(1) as Tab;
  showTab(TABS.includes(wanted) ? wanted : 'entries');
}

whenSignedOut(() => showLogin('Your session has ended; sign in again.'));

byId('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await api.login(byId<HTMLInputElement>('email').value, byId<HTMLInputElement>('password').value);
  if (!res.ok) return showLogin(res.error.message);
  state.agent = res.data.agent;
  byId<HTMLInputElement>('password').value = '';
  start();
});

byId('logout').addEventListener('click', async () => {
  await api.logout();
  state.agent = null;
  showLogin();
});

void api.me().then((res) => {
  if (res.ok) {
    state.agent = res.data.agent;
    start();
  } else showLogin();
});
