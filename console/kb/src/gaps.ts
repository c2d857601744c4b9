/**
 * Gaps: what customers asked that the bot could not answer, grouped, most frequent first. Each group can be added
 * to an entry as phrasings (the texts are editable: take out order numbers or names first), turned into a new
 * entry, or dismissed.
 */
import { api, type Gap } from './api.js';
import { ago, byId, fill, h } from './dom.js';
import { announceChange, changes, flash, isAdmin, state } from './state.js';

/** Below this matcher confidence the closest entry is only mentioned, not put in the picker. */
const PREFILL_CONFIDENCE = 0.25;

export function initGaps(openDraft: (entry: { questions: string[] }, fromMisses: number[]) => void): { refresh(): Promise<void> } {
  const refresh = async () => {
    const res = await api.gaps();
    if (!res.ok) return flash(res.error.message, 'error');
    const { groups, open, totalGroups } = res.data;
    byId('gaps-summary').textContent = open
      ? `${open} unanswered message${open === 1 ? '' : 's'} in ${totalGroups} group${totalGroups === 1 ? '' : 's'}${totalGroups > groups.length ? ` (the ${groups.length} biggest shown)` : ''}.`
      : 'No unanswered messages: the bot answered everything, or every gap has been handled.';
    fill(byId('gaps-list'), ...groups.map((g) => gapCard(g, refresh, openDraft)));
  };
  changes.addEventListener('kb-changed', () => void refresh());
  return { refresh };
}

function gapCard(gap: Gap, refresh: () => Promise<void>, openDraft: (entry: { questions: string[] }, fromMisses: number[]) => void): HTMLElement {
  const examples = gap.examples.map((ex, i) => {
    const check = h('input', { type: 'checkbox', checked: i === 0, 'aria-label': 'Use this text' });
    const text = h('input', { type: 'text', value: ex.text, 'data-testid': 'gap-example', 'aria-label': 'Phrasing to add' });
    return { check, text, row: h('li', {}, check, text, h('span', { className: 'count', title: 'times sent' }, `×${ex.count}`)) };
  });
  const picker = h('input', {
    name: 'entryId',
    list: 'entry-ids',
    // A weak guess is shown as a hint, not prefilled: attaching to the wrong entry teaches the bot a wrong answer.
    value: gap.suggestion && gap.suggestion.confidence >= PREFILL_CONFIDENCE ? gap.suggestion.entryId : '',
    placeholder: 'entry id',
    autocomplete: 'off',
    'aria-label': 'Entry to add the phrasings to',
    className: 'mono',
  });
  const error = h('p', { className: 'field-error', role: 'alert' });
  const chosen = () => examples.filter((e) => e.check.checked).map((e) => e.text.value).filter((t) => t.trim());

  const attach = async () => {
    error.textContent = '';
    const entryId = picker.value.trim();
    if (!entryId) {
      error.textContent = 'Pick the entry that answers these messages.';
      return picker.focus();
    }
    if (!state.entries.some((e) => e.id === entryId)) {
      error.textContent = `There is no entry "${entryId}"; pick one from the list, or create an entry.`;
      return picker.focus();
    }
    const texts = chosen();
    if (!texts.length) {
      error.textContent = 'Tick at least one text to add.';
      return;
    }
    const res = await api.addPhrasings(entryId, texts, gap.missIds);
    if (!res.ok) {
      error.textContent = res.error.message;
      return;
    }
    flash(`Added ${res.data.added.length || 'no new'} phrasing${res.data.added.length === 1 ? '' : 's'} to "${entryId}"; the bot answers ${texts.length === 1 ? 'it' : 'them'} from now on.`);
    announceChange();
  };

  const others = gap.missIds.length - gap.examples.reduce((n, e) => n + e.count, 0);
  return h(
    'article',
    { className: 'gap', 'data-gap-key': gap.key, 'aria-label': gap.label },
    h('header', {},
      h('strong', { className: 'label' }, gap.label),
      h('span', { className: 'badge', 'data-testid': 'gap-count', title: 'times asked' }, `×${gap.count}`),
      h('span', { className: 'meta' }, `${gap.languages.join(', ') || '—'} · last ${ago(gap.lastSeen)}`)),
    gap.answeredNow ? h('p', { className: 'note' }, 'The bot answers this by now (the knowledge base changed since); dismiss it unless the answer is wrong.') : null,
    gap.suggestion
      ? h('p', { className: 'meta', 'data-testid': 'gap-suggestion' }, `Closest entry: ${gap.suggestion.entryId} — “${gap.suggestion.question}” (${Math.round(gap.suggestion.confidence * 100)}% sure)`)
      : null,
    h('ul', { className: 'examples' }, ...examples.map((e) => e.row)),
    others > 0 ? h('p', { className: 'meta' }, `and ${others} more similar message${others === 1 ? '' : 's'}`) : null,
    h('div', { className: 'actions' },
      picker,
      h('button', { type: 'button', 'data-action': 'attach', className: 'primary', onclick: () => void attach() }, 'Add as phrasing to entry'),
      isAdmin() && h('button', { type: 'button', 'data-action': 'create', onclick: () => openDraft({ questions: chosen().length ? chosen() : [gap.label] }, gap.missIds) }, 'Create entry'),
      h('button', { type: 'button', 'data-action': 'dismiss', onclick: async () => {
        const res = await api.dismiss(gap.missIds);
        if (!res.ok) {
          error.textContent = res.error.message;
          return;
        }
        flash(`Dismissed ${res.data.dismissed} message${res.data.dismissed === 1 ? '' : 's'}.`);
        await refresh();
      } }, 'Dismiss')),
    error,
  );
}
