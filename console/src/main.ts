/**
 * The agent console: sign in, then the inbox, canned responses and admin pages around one live
 * connection. Speaks the agents namespace and REST API in docs/protocol.md. Text is only ever set
 * as text (textContent / text nodes), never parsed as HTML.
 */
import { get, whenUnauthorized } from './api.js';
import { replace } from './dom.js';
import { contactName } from './format.js';
import { newAssignment, resetTitle, toast, unlockAudioOnFirstGesture } from './notify.js';
import { app } from './state.js';
import { SLA_METRIC_LABELS } from './sla.js';
import { installStyles } from './styles.js';
import type { AgentStatus, ConversationView, Counts, Me, Meta, MessageView, SlaAlert } from './types.js';
import { adminPage, loadPeople } from './views/admin.js';
import { cannedPage, loadCanned } from './views/canned.js';
import { inboxPage } from './views/inbox.js';
import { loginView } from './views/login.js';
import { slaAlert } from './views/sla-badge.js';
import { shellView, signOutNow, type PageName, type Shell } from './views/shell.js';

const root = document.getElementById('root')!;
let shell: Shell | null = null;
let unmount: () => void = () => {};

function pageFor(path: string): PageName {
  if (path.startsWith('/console/admin')) return 'admin';
  if (path.startsWith('/console/canned')) return 'canned';
  return 'inbox';
}

function showPage(): void {
  if (!shell) return;
  unmount();
  const page = pageFor(location.pathname);
  shell.setActive(page);
  unmount = page === 'admin' ? adminPage(shell.page) : page === 'canned' ? cannedPage(shell.page) : inboxPage(shell.page);
}

function navigate(href: string): void {
  if (href !== location.pathname + location.hash) history.pushState(null, '', href);
  showPage();
}

function showLogin(): void {
  unmount();
  unmount = () => {};
  shell = null;
  app.live.disconnect();
  resetTitle();
  replace(root, loginView(() => void start()));
}

let countsTimer: ReturnType<typeof setTimeout> | undefined;
/** Reloads the view counts soon (a burst of changes costs one request). */
function refreshCounts(): void {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(async () => {
    try {
      app.counts = (await get<{ counts: Counts }>('/api/console/counts')).counts;
      app.events.emit('counts', app.counts);
    } catch {
      // The next change tries again.
    }
  }, 250);
}

async function loadMeta(): Promise<void> {
  app.meta = await get<Meta>('/api/console/meta');
}

/** A pushed conversation: kept, shown, and an alert if someone else just gave it to me. */
function conversationPushed(c: ConversationView): void {
  const before = app.conversations.get(c.id);
  app.conversations.set(c.id, c);
  const me = app.me!.id;
  const mineNow = c.status === 'assigned' && c.assignedAgentId === me;
  const mineBefore = before?.status === 'assigned' && before.assignedAgentId === me;
  if (mineNow && !mineBefore && !app.selfAssigned.has(c.id)) {
    newAssignment(c.id, `New conversation for you: ${contactName(c.contact)}`, () => navigate(`/console#mine/${c.id}`));
  }
  // Once it is no longer mine, a later hand-back to me is news again.
  if (!mineNow) app.selfAssigned.delete(c.id);
  if (mineNow && before?.snoozedUntil && c.snoozedUntil === null) toast(`Back from snooze: ${contactName(c.contact)}`);
  app.events.emit('conversation', c);
  refreshCounts();
}

let connectedOnce = false;
function connect(): void {
  app.live.connect((hello) => {
    if (hello.status) app.status = hello.status as AgentStatus;
    app.events.emit('presence', { agentId: app.me!.id, status: app.status });
    // Every reconnect catches up on what happened while the link was down.
    if (connectedOnce) {
      void Promise.all([loadPeople(), loadMeta()]).catch(() => undefined);
      app.events.emit('resync', undefined);
    }
    connectedOnce = true;
    refreshCounts();
  });
  app.live.onState((state) => {
    if (state === 'signed-out') void get('/api/auth/me').catch(() => undefined); // a 401 shows the sign-in form
  });
}

let wired = false;
function wireLive(): void {
  if (wired) return;
  wired = true;
  app.live.on<ConversationView>('conversation:updated', conversationPushed);
  app.live.on<MessageView>('message:new', (m) => app.events.emit('message', m));
  app.live.on<{ conversationId: number; typing: boolean }>('typing', (t) => app.events.emit('typing', t));
  app.live.on<{ agentId: number; status: AgentStatus }>('presence', (p) => {
    const agent = app.agents.get(p.agentId);
    if (agent && p.status) agent.status = p.status;
    if (p.status) app.events.emit('presence', { agentId: p.agentId, status: p.status });
  });
  app.live.on<{ conversationId: number; messageId: number; reason: string }>('delivery:failed', (e) => {
    toast(`A message in #${e.conversationId} could not be delivered: ${e.reason}`, { kind: 'error' });
    app.events.emit('deliveryFailed', e);
  });
  const onSla = (alert: SlaAlert) => {
    slaAlert(alert);
    app.events.emit('sla', alert);
    // Everyone's countdowns change colour; only the agent holding it gets a toast as well.
    const c = app.conversations.get(alert.conversationId);
    if (c?.status === 'assigned' && c.assignedAgentId === app.me?.id) {
      const what = `${SLA_METRIC_LABELS[alert.metric]} for ${contactName(c.contact)}`;
      toast(alert.kind === 'breached' ? `SLA breached: ${what}` : `SLA due soon: ${what}`, {
        kind: alert.kind === 'breached' ? 'error' : 'info',
        action: ['Open', () => navigate(`/console#mine/${c.id}`)],
      });
    }
  };
  app.live.on<SlaAlert>('sla:warning', onSla);
  app.live.on<SlaAlert>('sla:breached', onSla);
}

async function start(): Promise<void> {
  try {
    app.me = (await get<{ agent: Me }>('/api/auth/me')).agent;
    await Promise.all([loadPeople(), loadCanned(), loadMeta()]);
  } catch {
    return showLogin();
  }
  wireLive();
  connect();
  shell = shellView(navigate, () => void signOutNow());
  replace(root, shell.el);
  showPage();
}

installStyles();
unlockAudioOnFirstGesture();
whenUnauthorized(showLogin);
window.addEventListener('popstate', () => showPage());
void start();
