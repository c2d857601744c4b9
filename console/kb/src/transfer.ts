/**
 * Import and export. Export: three download links. Import (admins): pick a YAML, JSON or CSV file and a mode,
 * "Check file" runs a dry run that lists what would change and every problem; "Import" applies that same file.
 */
import { api, type ImportReport } from './api.js';
import { byId, fill, h } from './dom.js';
import { announceChange, flash, isAdmin } from './state.js';

const MAX_BYTES = 5 * 1024 * 1024;

export function initTransfer(): void {
  const file = byId<HTMLInputElement>('import-file');
  const check = byId<HTMLButtonElement>('import-check');
  const apply = byId<HTMLButtonElement>('import-apply');
  const preview = byId('import-preview');
  byId('import-section').hidden = !isAdmin();
  byId('import-admins-only').hidden = isAdmin();

  /** The file and mode the last clean dry run was for: Import applies only those. */
  let checked: { content: string; filename: string; mode: 'merge' | 'replace' } | null = null;
  const mode = (): 'merge' | 'replace' => (document.querySelector<HTMLInputElement>('input[name=mode]:checked')?.value === 'replace' ? 'replace' : 'merge');
  const reset = () => {
    checked = null;
    apply.disabled = true;
    preview.replaceChildren();
  };
  file.addEventListener('change', reset);
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=mode]')) radio.addEventListener('change', reset);

  check.addEventListener('click', async () => {
    reset();
    const picked = file.files?.[0];
    if (!picked) return fill(preview, h('p', { className: 'field-error' }, 'Choose a .yaml, .yml, .json or .csv file first.'));
    if (picked.size > MAX_BYTES) return fill(preview, h('p', { className: 'field-error' }, 'The file is larger than 5 MB.'));
    const request = { content: await picked.text(), filename: picked.name, mode: mode() };
    const res = await api.importFile({ ...request, dryRun: true });
    if (!res.ok) return fill(preview, h('p', { className: 'field-error' }, res.error.message));
    render(res.data, preview);
    if (res.data.valid) {
      checked = request;
      apply.disabled = false;
    }
  });

  apply.addEventListener('click', async () => {
    if (!checked) return;
    apply.disabled = true;
    const res = await api.importFile({ ...checked, dryRun: false });
    if (!res.ok) {
      fill(preview, h('p', { className: 'field-error' }, res.error.message));
      return;
    }
    const r = res.data;
    flash(`Imported ${plural(r.total, 'entry', 'entries')}: ${r.created.length} new, ${r.updated.length} changed, ${r.unchanged.length} unchanged${r.deleted.length ? `, ${r.deleted.length} deleted` : ''}. The bot uses them now.`);
    fill(preview, h('p', { className: 'ok' }, 'Imported.'));
    checked = null;
    file.value = '';
    announceChange();
  });
}

function render(r: ImportReport, preview: HTMLElement): void {
  const list = (title: string, ids: string[], testid: string) =>
    h('li', { 'data-testid': testid }, `${title}: ${ids.length}`, ids.length ? h('span', { className: 'ids mono' }, ` ${ids.slice(0, 30).join(', ')}${ids.length > 30 ? ', …' : ''}`) : null);
  if (!r.valid) {
    fill(
      preview,
      h('p', { className: 'field-error' }, `Nothing can be imported: ${plural(r.errors.length, 'problem')} (${r.format.toUpperCase()}, ${plural(r.total, 'entry', 'entries')}).`),
      h('ol', { className: 'import-errors' },
        ...r.errors.map((e) =>
          h('li', { className: 'import-error' }, e.index >= 0 ? `Entry #${e.index + 1}${e.id ? ` (${e.id})` : ''} · ${e.field}: ` : 'File: ', e.message))),
    );
    return;
  }
  fill(
    preview,
    h('p', { className: 'ok' }, `The file is valid: ${plural(r.total, 'entry', 'entries')} (${r.format.toUpperCase()}, ${r.mode}). Importing would change:`),
    h('ul', {}, list('New', r.created, 'import-created'), list('Changed', r.updated, 'import-updated'), list('Unchanged', r.unchanged, 'import-unchanged'), r.mode === 'replace' ? list('Deleted', r.deleted, 'import-deleted') : null),
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
