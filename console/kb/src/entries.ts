/**
 * Entries: the searchable list, and the create / edit / delete form with each validation error shown next to its
 * field. Plain agents see entries read-only and may add a phrasing.
 */
import { api, type Entry, type FieldError } from './api.js';
import { byId, fill, h } from './dom.js';
import { announceChange, changes, flash, isAdmin, showTab, state } from './state.js';

interface Draft {
  entry: Entry;
  /** Editing an existing entry (its id is fixed), or creating one. */
  existing: boolean;
  /** Missed messages the new entry answers (created from a gap). */
  fromMisses?: number[];
}

let topics: string[] = [];
let searchTimer: ReturnType<typeof setTimeout> | undefined;

export function initEntries(): { openDraft(entry: Partial<Entry>, fromMisses?: number[]): void } {
  byId<HTMLInputElement>('kb-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void refreshList(), 150);
  });
  byId<HTMLSelectElement>('kb-topic').addEventListener('change', () => void refreshList());
  byId('kb-new').addEventListener('click', () => openForm({ entry: { id: '', questions: [''], answer: { ru: '', en: '' } }, existing: false }));
  changes.addEventListener('kb-changed', () => void refreshList());
  void refreshList();
  return {
    openDraft(entry, fromMisses) {
      showTab('entries');
      openForm({ entry: { id: '', questions: [''], answer: { ru: '', en: '' }, ...entry }, existing: false, fromMisses });
    },
  };
}

async function refreshList(): Promise<void> {
  const q = byId<HTMLInputElement>('kb-search').value;
  const topic = byId<HTMLSelectElement>('kb-topic').value;
  const res = await api.list(q, topic);
  if (!res.ok) return flash(res.error.message, 'error');
  if (!q && !topic) state.entries = res.data.entries.map((e) => ({ id: e.id, question: e.questions[0] ?? '' }));
  if (res.data.topics.join() !== topics.join()) {
    topics = res.data.topics;
    const select = byId<HTMLSelectElement>('kb-topic');
    fill(select, h('option', { value: '' }, 'All topics'), ...topics.map((t) => h('option', { value: t, selected: t === topic }, t)));
    fill(byId('kb-topics'), ...topics.map((t) => h('option', { value: t })));
  }
  fill(byId('entry-ids'), ...state.entries.map((e) => h('option', { value: e.id }, e.question)));
  byId('kb-count').textContent = `${res.data.total} ${res.data.total === 1 ? 'entry' : 'entries'}`;
  fill(
    byId('kb-list'),
    ...res.data.entries.map((entry) =>
      h(
        'tr',
        { 'data-entry-id': entry.id, tabindex: 0, onclick: () => openForm({ entry, existing: true }), onkeydown: (e: KeyboardEvent) => e.key === 'Enter' && openForm({ entry, existing: true }) },
        h('td', { className: 'mono' }, entry.id),
        h('td', {}, entry.topic ?? ''),
        h('td', {}, entry.questions[0] ?? ''),
        h('td', { className: 'num' }, entry.questions.length),
      ),
    ),
  );
  byId('kb-empty').hidden = res.data.entries.length > 0;
}

function answerParts(answer: Entry['answer']): { single: boolean; text: string; ru: string; en: string } {
  if (typeof answer === 'string') return { single: true, text: answer, ru: '', en: '' };
  return { single: false, text: '', ru: answer.ru ?? '', en: answer.en ?? '' };
}

function errorSlot(field: string): HTMLParagraphElement {
  return h('p', { className: 'field-error', 'data-error-for': field, role: 'alert' });
}

function openForm(draft: Draft): void {
  const editable = isAdmin();
  const panel = byId('entry-editor');
  panel.hidden = false;
  const parts = answerParts(draft.entry.answer);
  const questionRows = h('div', { className: 'questions' });
  const addQuestion = (text: string) => {
    const input = h('input', { type: 'text', value: text, disabled: !editable, 'aria-label': 'Phrasing', className: 'question' });
    const row = h(
      'div',
      { className: 'question-row' },
      input,
      editable && h('button', { type: 'button', className: 'icon', title: 'Remove this phrasing', 'aria-label': 'Remove this phrasing', onclick: () => { row.remove(); renumber(); } }, '×'),
      errorSlot(''),
    );
    questionRows.append(row);
    renumber();
    return input;
  };
  const renumber = () => {
    [...questionRows.querySelectorAll<HTMLDivElement>('.question-row')].forEach((row, i) => {
      row.querySelector('input')!.name = `questions[${i}]`;
      row.querySelector<HTMLElement>('.field-error')!.dataset.errorFor = `questions[${i}]`;
    });
  };
  for (const q of draft.entry.questions.length ? draft.entry.questions : ['']) addQuestion(q);

  const single = h('input', { type: 'checkbox', name: 'answerSingle', checked: parts.single, disabled: !editable });
  const singleBox = h('div', { className: 'answer-single', hidden: !parts.single },
    h('label', {}, 'Answer (any language)', h('textarea', { name: 'answer', rows: 4, value: parts.text, disabled: !editable })));
  const perLanguage = h('div', { className: 'answer-languages', hidden: parts.single },
    h('label', {}, 'Answer in Russian', h('textarea', { name: 'answer.ru', rows: 4, value: parts.ru, disabled: !editable, lang: 'ru' })),
    errorSlot('answer.ru'),
    h('label', {}, 'Answer in English', h('textarea', { name: 'answer.en', rows: 4, value: parts.en, disabled: !editable, lang: 'en' })),
    errorSlot('answer.en'));
  single.addEventListener('change', () => {
    singleBox.hidden = !single.checked;
    perLanguage.hidden = single.checked;
  });

  const form = h(
    'form',
    { id: 'entry-form', novalidate: true, 'aria-label': draft.existing ? `Entry ${draft.entry.id}` : 'New entry' },
    h('h2', {}, draft.existing ? `Entry ${draft.entry.id}` : 'New entry'),
    draft.fromMisses?.length ? h('p', { className: 'note' }, `From a gap of ${draft.fromMisses.length} missed message${draft.fromMisses.length === 1 ? '' : 's'}: saving marks them as answered by this entry.`) : null,
    !editable ? h('p', { className: 'note' }, 'Only admins edit entries. You can add a phrasing below.') : null,
    h('label', {}, 'Id', h('input', { name: 'id', value: draft.entry.id, readOnly: draft.existing, disabled: !editable, placeholder: 'delivery-time', autocomplete: 'off', className: 'mono' })),
    errorSlot('id'),
    h('div', { className: 'row' },
      h('label', {}, 'Topic', h('input', { name: 'topic', value: draft.entry.topic ?? '', list: 'kb-topics', disabled: !editable, autocomplete: 'off' })),
      h('label', {}, 'Tags (comma-separated)', h('input', { name: 'tags', value: (draft.entry.tags ?? []).join(', '), disabled: !editable, autocomplete: 'off' }))),
    errorSlot('topic'),
    errorSlot('tags'),
    h('fieldset', {},
      h('legend', {}, 'Phrasings: how customers ask it'),
      questionRows,
      errorSlot('questions'),
      editable && h('button', { type: 'button', 'data-action': 'add-question', onclick: () => addQuestion('').focus() }, 'Add phrasing')),
    h('fieldset', {},
      h('legend', {}, 'Answer'),
      h('label', { className: 'inline' }, single, ' One answer for every language'),
      singleBox,
      perLanguage,
      errorSlot('answer')),
    h('p', { className: 'field-error', id: 'entry-form-error', 'data-error-for': 'entry', role: 'alert' }),
    h('div', { className: 'actions' },
      editable && h('button', { type: 'submit', 'data-testid': 'entry-save', className: 'primary' }, draft.existing ? 'Save changes' : 'Create entry'),
      h('button', { type: 'button', 'data-action': 'close', onclick: () => closeForm() }, 'Close'),
      editable && draft.existing && h('button', { type: 'button', 'data-testid': 'entry-delete', className: 'danger', onclick: () => askDelete() }, 'Delete…'),
      h('span', { id: 'delete-confirm', hidden: true },
        `Delete "${draft.entry.id}"? The bot stops answering it at once. `,
        h('button', { type: 'button', 'data-testid': 'entry-delete-confirm', className: 'danger', onclick: () => void doDelete() }, 'Yes, delete'),
        h('button', { type: 'button', onclick: () => (byId('delete-confirm').hidden = true) }, 'Keep it'))),
    !editable && draft.existing ? phrasingAdder(draft.entry.id) : null,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
  fill(panel, form);
  form.querySelector<HTMLInputElement>(draft.existing ? 'input.question' : 'input[name=id]')?.focus();

  const value = (name: string) => form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!.value;

  function collect(): Entry {
    const entry: Entry = {
      id: value('id').trim(),
      questions: [...questionRows.querySelectorAll<HTMLInputElement>('input.question')].map((i) => i.value),
      answer: single.checked ? value('answer') : {},
    };
    if (!single.checked) {
      const answer: { ru?: string; en?: string } = {};
      // An empty language box means "no text in that language", not an empty text.
      if (value('answer.ru').trim()) answer.ru = value('answer.ru');
      if (value('answer.en').trim()) answer.en = value('answer.en');
      entry.answer = answer;
    }
    if (value('topic').trim()) entry.topic = value('topic').trim();
    const tags = value('tags').split(',').map((t) => t.trim()).filter(Boolean);
    if (tags.length) entry.tags = tags;
    return entry;
  }

  function showErrors(fields: FieldError[], fallback: string): void {
    for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) slot.textContent = '';
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    const general: string[] = [];
    for (const f of fields) {
      let field = f.field.replace(/^tags\[\d+\]$/, 'tags');
      if (single.checked && field.startsWith('answer.')) field = 'answer';
      const slot = form.querySelector<HTMLElement>(`.field-error[data-error-for="${CSS.escape(field)}"]`);
      if (!slot || field === 'entry') {
        general.push(f.message);
        continue;
      }
      slot.textContent = slot.textContent ? `${slot.textContent} ${f.message}` : f.message;
      const input = slot.parentElement?.querySelector(`[name="${CSS.escape(field)}"]`) ?? form.querySelector(`[name="${CSS.escape(field)}"]`);
      input?.setAttribute('aria-invalid', 'true');
    }
    if (!fields.length) general.push(fallback);
    byId('entry-form-error').textContent = general.join(' ');
  }

  async function save(): Promise<void> {
    const entry = collect();
    const res = draft.existing ? await api.update(draft.entry.id, entry) : await api.create(entry, draft.fromMisses);
    if (!res.ok) {
      showErrors(res.error.fields ?? [], res.error.message);
      flash(draft.existing ? 'Not saved: fix the fields marked below.' : 'Not created: fix the fields marked below.', 'error');
      return;
    }
    closeForm();
    flash(`${draft.existing ? 'Saved' : 'Created'} "${res.data.entry.id}". The bot answers with it from now on.`);
    announceChange();
  }

  function askDelete(): void {
    byId('delete-confirm').hidden = false;
  }

  async function doDelete(): Promise<void> {
    const res = await api.remove(draft.entry.id);
    if (!res.ok) return flash(res.error.message, 'error');
    closeForm();
    flash(`Deleted "${draft.entry.id}". The bot no longer gives that answer.`);
    announceChange();
  }
}

/** For plain agents: add one phrasing to an entry they are looking at. */
function phrasingAdder(entryId: string): HTMLElement {
  const input = h('input', { type: 'text', name: 'new-phrasing', placeholder: 'Another way customers ask this', 'aria-label': 'New phrasing' });
  const error = h('p', { className: 'field-error', role: 'alert' });
  return h('div', { className: 'adder' }, input,
    h('button', { type: 'button', 'data-action': 'add-phrasing', onclick: async () => {
      const res = await api.addPhrasings(entryId, [input.value]);
      if (!res.ok) {
        error.textContent = res.error.fields?.[0]?.message ?? res.error.message;
        return;
      }
      closeForm();
      flash(res.data.added.length ? `Added the phrasing to "${entryId}".` : `"${entryId}" already has that phrasing.`);
      announceChange();
    } }, 'Add phrasing'),
    error);
}

function closeForm(): void {
  const panel = byId('entry-editor');
  panel.hidden = true;
  panel.replaceChildren();
}
