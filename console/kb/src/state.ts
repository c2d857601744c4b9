/** What the views of the page share: who is signed in, the entry ids (for pickers), the status line, tabs. */
import type { Agent } from './api.js';
import { byId } from './dom.js';

export const state = {
  agent: null as Agent | null,
  /** Every entry id with its first phrasing, for "add as phrasing to…" pickers. */
  entries: [] as { id: string; question: string }[],
};

export const isAdmin = (): boolean => state.agent?.role === 'admin';

/** Tells the other views the knowledge base changed (they reload what they show). */
export const changes = new EventTarget();
export function announceChange(): void {
  changes.dispatchEvent(new Event('kb-changed'));
}

/** The status line at the top: what just happened, or what went wrong. */
export function flash(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = byId('kb-status');
  el.textContent = message;
  el.dataset.kind = kind;
}

export type Tab = 'entries' | 'gaps' | 'proposals' | 'transfer';
const tabListeners: ((tab: Tab) => void)[] = [];

export function onTab(listener: (tab: Tab) => void): void {
  tabListeners.push(listener);
}

export function showTab(tab: Tab): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
    button.setAttribute('aria-selected', String(button.dataset.tab === tab));
  }
  for (const panel of document.querySelectorAll<HTMLElement>('[data-panel]')) panel.hidden = panel.dataset.panel !== tab;
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
  for (const l of tabListeners) l(tab);
}
