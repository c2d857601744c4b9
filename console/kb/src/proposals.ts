/**
 * Proposals: when an agent answered a customer with a KB answer, the customer's question is proposed as a new
 * phrasing of that entry. Accept (optionally after editing the text) or reject.
 */
import { api, type Proposal } from './api.js';
import { ago, byId, fill, h } from './dom.js';
import { announceChange, changes, flash } from './state.js';

export function initProposals(): { refresh(): Promise<void> } {
  const refresh = async () => {
    const res = await api.proposals();
    if (!res.ok) return flash(res.error.message, 'error');
    const list = res.data.proposals;
    byId('proposals-summary').textContent = list.length
      ? `${list.length} phrasing${list.length === 1 ? '' : 's'} proposed from agents' answers.`
      : 'No proposals. They appear when an agent answers a customer by inserting a knowledge base answer.';
    fill(byId('proposals-list'), ...list.map((p) => card(p, refresh)));
  };
  changes.addEventListener('kb-changed', () => void refresh());
  return { refresh };
}

function card(p: Proposal, refresh: () => Promise<void>): HTMLElement {
  const text = h('input', { type: 'text', value: p.text, 'aria-label': 'Proposed phrasing', 'data-testid': 'proposal-text' });
  const error = h('p', { className: 'field-error', role: 'alert' });
  return h(
    'article',
    { className: 'proposal', 'data-proposal-id': p.id },
    h('p', {}, 'Customer asked: ', text),
    h('p', { className: 'meta' },
      p.entry ? `→ entry ${p.entry.id} — “${p.entry.question}”` : `→ entry ${p.entryId ?? '?'} (deleted since)`,
      p.conversationId ? ` · conversation #${p.conversationId}` : '',
      ` · ${ago(p.createdAt)}`),
    h('div', { className: 'actions' },
      h('button', { type: 'button', 'data-action': 'accept', className: 'primary', disabled: !p.entry, onclick: async () => {
        const res = await api.accept(p.id, text.value);
        if (!res.ok) {
          error.textContent = res.error.message;
          return;
        }
        flash(`Added “${text.value}” to "${p.entryId}".`);
        announceChange();
      } }, 'Accept'),
      h('button', { type: 'button', 'data-action': 'reject', onclick: async () => {
        const res = await api.reject(p.id);
        if (!res.ok) {
          error.textContent = res.error.message;
          return;
        }
        flash('Proposal rejected.');
        await refresh();
      } }, 'Reject')),
    error,
  );
}
