/**
 * The admin page, in tabs: agents and teams; routing and SLA settings; webhooks with their
 * delivery log; API tokens. The tab is in the address (`/console/admin#webhooks`). The server
 * refuses all of it to non-admins (and serves them a 403 page); the page says so too.
 */
import { h, replace } from '../dom.js';
import { isAdmin } from '../state.js';
import { peopleSection } from './admin-people.js';
import { routingSlaSection } from './admin-routing-sla.js';
import type { AdminSection } from './admin-section.js';
import { tokensSection } from './admin-tokens.js';
import { webhooksSection } from './admin-webhooks.js';

export { loadPeople } from './admin-people.js';

const TABS = [
  { id: 'people', label: 'Agents & teams', make: peopleSection },
  { id: 'routing', label: 'Routing & SLA', make: routingSlaSection },
  { id: 'webhooks', label: 'Webhooks', make: webhooksSection },
  { id: 'tokens', label: 'API tokens', make: tokensSection },
] as const;
type TabId = (typeof TABS)[number]['id'];

const tabFromHash = (): TabId => TABS.find((t) => `#${t.id}` === location.hash)?.id ?? 'people';

export function adminPage(container: HTMLElement): () => void {
  if (!isAdmin()) {
    replace(container, h('div', { class: 'page narrow', dataset: { testid: 'forbidden' } }, h('h1', null, 'Admins only'), h('p', null, 'This page is for administrators.')));
    return () => {};
  }
  /** Sections are built when first opened and kept (with what was typed) while the page is open. */
  const built = new Map<TabId, AdminSection>();
  const body = h('div', { class: 'admin-body' });
  let current: TabId | null = null;

  const buttons = TABS.map((t) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `admin-tab-${t.id}`,
        'aria-controls': `admin-panel-${t.id}`,
        dataset: { adminTab: t.id },
        onclick: () => open(t.id),
      },
      t.label,
    ),
  );

  function open(id: TabId): void {
    if (current === id) return;
    if (current) {
      const old = built.get(current)!;
      old.el.hidden = true;
      old.hide?.();
    }
    current = id;
    let section = built.get(id);
    if (!section) {
      section = TABS.find((t) => t.id === id)!.make();
      section.el.id = `admin-panel-${id}`;
      section.el.setAttribute('role', 'tabpanel');
      section.el.setAttribute('aria-labelledby', `admin-tab-${id}`);
      built.set(id, section);
      body.append(section.el);
    }
    section.el.hidden = false;
    section.show?.();
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.adminTab === id));
    const hash = id === 'people' ? '' : `#${id}`;
    if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${hash}`);
  }

  replace(container, h('div', { class: 'page' }, h('h1', null, 'Admin'), h('nav', { class: 'admin-tabs', role: 'tablist', 'aria-label': 'Admin sections' }, buttons), body));
  open(tabFromHash());
  const onHash = () => open(tabFromHash());
  window.addEventListener('hashchange', onHash);
  return () => {
    window.removeEventListener('hashchange', onHash);
    for (const s of built.values()) {
      s.hide?.();
      s.destroy?.();
    }
  };
}
