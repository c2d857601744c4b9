/**
 * Modal dialogs on the native <dialog> element (focus kept inside, Esc closes), and the
 * transfer, snooze and merge dialogs built on it.
 */
import { get, post, query } from '../api.js';
import { h, replace, select } from '../dom.js';
import { channelLabel, PRESENCE_LABELS } from '../format.js';
import { showError } from '../notify.js';
import { app } from '../state.js';
import type { Contact, ConversationView, Identity } from '../types.js';

/** Opens a modal; resolves when it closes. `onSubmit` returning false keeps it open. */
export function openDialog(options: {
  title: string;
  body: HTMLElement[];
  submit?: string;
  testid?: string;
  /** A wider dialog (for bodies of JSON, tables). */
  wide?: boolean;
  /** The label of the button that closes without submitting. */
  cancel?: string;
  onSubmit?: () => Promise<boolean | void> | boolean | void;
}): { close(): void; error(message: string): void } {
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = options.submit ? h('button', { type: 'submit', class: 'primary' }, options.submit) : null;
  const dialog = h(
    'dialog',
    { class: options.wide ? 'dialog wide' : 'dialog', dataset: { testid: options.testid ?? 'dialog' }, 'aria-label': options.title },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (e: SubmitEvent) => {
          e.preventDefault();
          if (!options.onSubmit) return dialog.close();
          error.textContent = '';
          if (submit) submit.disabled = true;
          try {
            if ((await options.onSubmit()) !== false) dialog.close();
          } catch (err) {
            error.textContent = err instanceof Error ? err.message : String(err);
          } finally {
            if (submit) submit.disabled = false;
          }
        },
      },
      h('h2', null, options.title),
      ...options.body,
      error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'ghost', onclick: () => dialog.close() }, options.cancel ?? 'Cancel'), submit),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return { close: () => dialog.close(), error: (m) => (error.textContent = m) };
}

/** Transfer to an agent (with their status and load) or a team, with a note for the next agent. */
export function transferDialog(c: ConversationView): void {
  const agents = [...app.agents.values()].filter((a) => a.active && a.id !== c.assignedAgentId);
  const agentSelect = select(
    { name: 'agent', dataset: { testid: 'transfer-agent' } },
    [
      ['', '— no one: back to the queue —'],
      ...agents.map((a): [string, string] => [String(a.id), `${a.name} · ${PRESENCE_LABELS[a.status]} · ${a.load}/${a.capacity} chats`]),
    ],
    '',
  );
  const teamSelect = select(
    { name: 'team', dataset: { testid: 'transfer-team' } },
    [['', '— keep the team —'], ...[...app.teams.values()].map((t): [string, string] => [String(t.id), t.name])],
    '',
  );
  const note = h('textarea', { name: 'note', rows: 3, placeholder: 'What the next agent should know (only agents see it)', dataset: { testid: 'transfer-note' } });
  openDialog({
    title: `Transfer conversation #${c.id}`,
    testid: 'transfer-dialog',
    submit: 'Transfer',
    body: [h('label', null, 'To an agent', agentSelect), h('label', null, 'To a team', teamSelect), h('label', null, 'Note', note)],
    onSubmit: async () => {
      if (!agentSelect.value && !teamSelect.value) throw new Error('Choose an agent or a team.');
      await app.live.call('conversation:transfer', {
        conversationId: c.id,
        toAgentId: agentSelect.value ? Number(agentSelect.value) : undefined,
        toTeamId: teamSelect.value ? Number(teamSelect.value) : undefined,
        note: note.value.trim() || undefined,
      });
    },
  });
}

/** Ready-made snooze times, counted from now. */
function snoozeChoices(now = new Date()): [label: string, at: number][] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d.getTime();
  };
  const monday = (8 - now.getDay()) % 7 || 7;
  return [
    ['1 hour', now.getTime() + 3600_000],
    ['3 hours', now.getTime() + 3 * 3600_000],
    ['Tomorrow 9:00', at(1, 9)],
    ['Next Monday 9:00', at(monday, 9)],
  ];
}

/** Snooze until a chosen time; it comes back then, or when the customer writes. */
export function snoozeDialog(c: ConversationView): void {
  const custom = h('input', { type: 'datetime-local', name: 'until', dataset: { testid: 'snooze-until' } });
  const go = async (until: number) => {
    try {
      await app.live.call('conversation:snooze', { conversationId: c.id, until });
      dialog.close();
    } catch (err) {
      dialog.error(err instanceof Error ? err.message : String(err));
    }
  };
  const dialog = openDialog({
    title: 'Snooze until…',
    testid: 'snooze-dialog',
    submit: 'Snooze',
    body: [
      h('div', { class: 'choice-row' }, ...snoozeChoices().map(([label, at]) => h('button', { type: 'button', onclick: () => void go(at) }, label))),
      h('label', null, 'Or pick a time', custom),
      h('p', { class: 'muted' }, 'It comes back to your inbox then, or as soon as the customer writes.'),
    ],
    onSubmit: async () => {
      const until = new Date(custom.value).getTime();
      if (!custom.value || !Number.isFinite(until)) throw new Error('Pick a date and time.');
      await app.live.call('conversation:snooze', { conversationId: c.id, until });
    },
  });
}

/** Finds another contact and merges it into this one (identities, conversations, notes). */
export function mergeDialog(target: Contact, onMerged: () => void): void {
  const results = h('ul', { class: 'pick-list', dataset: { testid: 'merge-results' } });
  const input = h('input', { type: 'search', placeholder: 'Name, username, email or channel id', dataset: { testid: 'merge-search' }, autofocus: true });
  let picked: number | null = null;
  const search = async () => {
    const q = input.value.trim();
    if (!q) return replace(results);
    try {
      const res = await get<{ contacts: { contact: Contact; identities: Identity[] }[] }>(`/api/console/contacts${query({ q })}`);
      const others = res.contacts.filter((r) => r.contact.id !== target.id);
      replace(
        results,
        others.length
          ? others.map((r) =>
              h(
                'li',
                null,
                h(
                  'label',
                  null,
                  h('input', { type: 'radio', name: 'merge', value: String(r.contact.id), onchange: () => (picked = r.contact.id) }),
                  h('strong', null, r.contact.name ?? `Contact ${r.contact.id}`),
                  h('span', { class: 'muted' }, ` · ${r.identities.map((i) => channelLabel(i.channel)).join(', ')} · #${r.contact.id}`),
                ),
              ),
            )
          : h('li', { class: 'muted' }, 'No other contact matches.'),
      );
    } catch (err) {
      showError(err);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(), 200);
  });
  openDialog({
    title: `Merge into ${target.name ?? `contact ${target.id}`}`,
    testid: 'merge-dialog',
    submit: 'Merge contacts',
    body: [
      h('p', { class: 'muted' }, 'The other contact’s channels, conversations and notes move here. This cannot be undone.'),
      input,
      results,
    ],
    onSubmit: async () => {
      if (picked === null) throw new Error('Pick the contact to merge.');
      await post(`/api/console/contacts/${target.id}/merge`, { contactId: picked });
      onMerged();
    },
  });
}
