/**
 * Canned responses: every agent keeps personal ones; admins keep the shared ones. Typed as
 * `/shortcut` in the reply box. `{{name}}` becomes the customer's first name, `{{agent}}` yours.
 */
import { del, get, patch, post } from '../api.js';
import { h, replace, select } from '../dom.js';
import { showError, toast } from '../notify.js';
import { app, isAdmin } from '../state.js';
import type { Canned } from '../types.js';

/** Reloads the canned responses into the shared state (the reply box uses them). */
export async function loadCanned(): Promise<void> {
  app.canned = (await get<{ canned: Canned[] }>('/api/console/canned')).canned;
  app.events.emit('canned', undefined);
}

export function cannedPage(container: HTMLElement): () => void {
  let editing: Canned | null = null;
  const listEl = h('div', { class: 'card-list', dataset: { testid: 'canned-list' } });
  const formEl = h('div');

  function form(): HTMLElement {
    const shortcut = h('input', { name: 'shortcut', required: true, maxlength: 33, placeholder: 'thanks', value: editing?.shortcut ?? '', dataset: { testid: 'canned-shortcut' } });
    const title = h('input', { name: 'title', maxlength: 100, placeholder: 'Thank you for waiting', value: editing?.title ?? '', dataset: { testid: 'canned-title' } });
    const text = h('textarea', { name: 'text', required: true, rows: 4, maxlength: 4000, placeholder: 'Спасибо, {{name}}! …', dataset: { testid: 'canned-text' } });
    text.value = editing?.text ?? '';
    const scope = select({ name: 'scope', dataset: { testid: 'canned-scope' }, disabled: !isAdmin() || editing !== null }, [
      ['personal', 'Personal (only you)'],
      ...(isAdmin() ? ([['shared', 'Shared with every agent']] as [string, string][]) : []),
    ], editing?.scope ?? 'personal');
    return h(
      'form',
      {
        class: 'card stack',
        dataset: { testid: 'canned-form' },
        onsubmit: async (e: SubmitEvent) => {
          e.preventDefault();
          try {
            if (editing) await patch(`/api/console/canned/${editing.id}`, { shortcut: shortcut.value, title: title.value, text: text.value });
            else await post('/api/console/canned', { shortcut: shortcut.value, title: title.value || undefined, text: text.value, scope: scope.value });
            toast(editing ? 'Saved.' : `Added /${shortcut.value.replace(/^\//, '').toLowerCase()}.`);
            editing = null;
            await refresh();
          } catch (err) {
            showError(err);
          }
        },
      },
      h('h3', null, editing ? `Edit /${editing.shortcut}` : 'New canned response'),
      h('div', { class: 'row' }, h('label', null, 'Shortcut', shortcut), h('label', { class: 'grow' }, 'Title', title), h('label', null, 'Who sees it', scope)),
      h('label', null, 'Text', text),
      h('p', { class: 'muted' }, 'In a reply, type / and the shortcut. {{name}} becomes the customer’s first name, {{agent}} yours.'),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Add'),
        editing && h('button', { type: 'button', class: 'ghost', onclick: () => ((editing = null), render()) }, 'Cancel'),
      ),
    );
  }

  function row(c: Canned): HTMLElement {
    const mayEdit = c.scope === 'personal' || isAdmin();
    return h(
      'article',
      { class: 'card canned-row', dataset: { shortcut: c.shortcut } },
      h('div', { class: 'row' }, h('strong', null, `/${c.shortcut}`), h('span', null, c.title), h('span', { class: `pill ${c.scope}` }, c.scope === 'shared' ? 'Shared' : 'Personal')),
      h('p', { class: 'canned-text' }, c.text),
      mayEdit &&
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'ghost small', onclick: () => ((editing = c), render(), formEl.scrollIntoView()) }, 'Edit'),
          h(
            'button',
            {
              type: 'button',
              class: 'ghost small danger',
              onclick: async () => {
                if (!confirm(`Delete /${c.shortcut}?`)) return;
                try {
                  await del(`/api/console/canned/${c.id}`);
                  await refresh();
                } catch (err) {
                  showError(err);
                }
              },
            },
            'Delete',
          ),
        ),
    );
  }

  function render(): void {
    replace(formEl, form());
    const shared = app.canned.filter((c) => c.scope === 'shared');
    const mine = app.canned.filter((c) => c.scope === 'personal');
    replace(
      listEl,
      h('h3', null, `Yours (${mine.length})`),
      mine.length ? mine.map(row) : h('p', { class: 'muted' }, 'None yet.'),
      h('h3', null, `Shared (${shared.length})`),
      shared.length ? shared.map(row) : h('p', { class: 'muted' }, isAdmin() ? 'None yet.' : 'None yet; admins add them.'),
    );
  }

  async function refresh(): Promise<void> {
    try {
      await loadCanned();
    } catch (err) {
      showError(err);
    }
    render();
  }

  replace(container, h('div', { class: 'page narrow' }, h('h1', null, 'Canned responses'), formEl, listEl));
  render();
  void refresh();
  return () => {};
}
