/**
 * The frame around every page: the top bar (navigation, presence, sign out) and the banner shown
 * while the live connection is down.
 */
import { post } from '../api.js';
import { h, select } from '../dom.js';
import { PRESENCE_LABELS } from '../format.js';
import type { LinkState } from '../live.js';
import { showError } from '../notify.js';
import { app, isAdmin } from '../state.js';
import type { AgentStatus } from '../types.js';

export type PageName = 'inbox' | 'canned' | 'admin';

/** In-app pages by path; the knowledge base and reports are separate pages. */
export const PAGES: { name: PageName | 'kb' | 'reports'; label: string; href: string; admin?: boolean }[] = [
  { name: 'inbox', label: 'Inbox', href: '/console' },
  { name: 'canned', label: 'Canned responses', href: '/console/canned' },
  { name: 'kb', label: 'Knowledge base', href: '/console/kb' },
  { name: 'reports', label: 'Reports', href: '/console/reports' },
  { name: 'admin', label: 'Admin', href: '/console/admin', admin: true },
];

export interface Shell {
  el: HTMLElement;
  page: HTMLElement;
  setActive(page: PageName): void;
}

export function shellView(navigate: (href: string) => void, signOut: () => void): Shell {
  const links = PAGES.filter((p) => !p.admin || isAdmin()).map((p) =>
    h(
      'a',
      {
        href: p.href,
        dataset: { page: p.name },
        onclick: (e: MouseEvent) => {
          if (p.name === 'kb' || p.name === 'reports' || e.metaKey || e.ctrlKey) return; // their own pages
          e.preventDefault();
          navigate(p.href);
        },
      },
      p.label,
    ),
  );
  const presence = select(
    {
      'aria-label': 'Your status',
      dataset: { testid: 'presence' },
      class: `presence-select ${app.status}`,
      onchange: async (e: Event) => {
        const target = e.target as HTMLSelectElement;
        try {
          const res = await app.live.call<{ status: AgentStatus }>('presence:set', { status: target.value });
          app.status = res.status;
        } catch (err) {
          showError(err);
        }
        target.value = app.status;
        target.className = `presence-select ${app.status}`;
      },
    },
    (['online', 'away'] as const).map((s) => [s, PRESENCE_LABELS[s]]),
    app.status === 'offline' ? 'online' : app.status,
  );
  const banner = h('div', { class: 'banner', dataset: { testid: 'connection-banner' }, role: 'status', hidden: true }, 'Connection lost. Reconnecting…');
  app.live.onState((state: LinkState) => {
    banner.hidden = state === 'online' || state === 'connecting';
    banner.textContent = state === 'signed-out' ? 'You were signed out. Reload to sign in again.' : 'Connection lost. Reconnecting…';
  });
  app.events.on('presence', (p) => {
    if (p.agentId !== app.me?.id) return;
    app.status = p.status;
    if (p.status !== 'offline') presence.value = p.status;
    presence.className = `presence-select ${p.status}`;
  });

  const page = h('main', { id: 'page' });
  const el = h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '/console' }, h('span', { class: 'logo' }, 'cb'), 'chatbridge'),
      h('nav', { 'aria-label': 'Console' }, links),
      h('span', { class: 'spacer' }),
      presence,
      h('span', { class: 'me', title: app.me!.email }, app.me!.name, h('small', null, app.me!.role === 'admin' ? 'Admin' : 'Agent')),
      h('button', { type: 'button', class: 'ghost', dataset: { action: 'sign-out' }, onclick: signOut }, 'Sign out'),
    ),
    banner,
    page,
  );
  return {
    el,
    page,
    setActive(name) {
      for (const a of links) a.classList.toggle('active', a.dataset.page === name);
    },
  };
}

/** Signs out: offline for the others, session ended, back to the sign-in form. */
export async function signOutNow(): Promise<void> {
  try {
    await app.live.call('presence:set', { status: 'offline' });
  } catch {
    // Offline already or disconnected: signing out still works.
  }
  app.live.disconnect();
  await post('/api/auth/logout').catch(() => undefined);
  location.href = '/console';
}
