/**
 * The contact panel: who the customer is, their tags, the channels they wrote from, their past
 * conversations, notes about them, and merging a duplicate contact into this one.
 */
import { del, get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { channelLabel, fullTime, initial, STATUS_LABELS, when } from '../format.js';
import { showError } from '../notify.js';
import { app, isAdmin } from '../state.js';
import type { ContactPanel as PanelData } from '../types.js';
import { ContactTags } from './contact-tags.js';
import { mergeDialog } from './dialogs.js';

export class ContactPanel {
  private data: PanelData | null = null;
  private currentConversationId: number | null = null;
  private editing = false;
  private readonly tags = new ContactTags();

  constructor(
    private readonly el: HTMLElement,
    private readonly openConversation: (id: number) => void,
    /** The contact changed (merged, renamed): the conversation view reloads its history. */
    private readonly onChanged: () => void,
  ) {}

  async load(contactId: number, currentConversationId: number): Promise<void> {
    this.currentConversationId = currentConversationId;
    void this.tags.load(contactId);
    try {
      this.data = await get<PanelData>(`/api/console/contacts/${contactId}`);
    } catch (err) {
      showError(err);
      return;
    }
    this.render();
  }

  /** How many conversations the customer has had (for the "whole history" switch). */
  conversationCount(): number {
    return this.data?.conversations.length ?? 0;
  }

  clear(): void {
    this.data = null;
    this.tags.clear();
    replace(this.el);
  }

  private render(): void {
    const d = this.data;
    if (!d) return;
    const c = d.contact;
    const name = c.name ?? (c.username ? `@${c.username}` : `Visitor ${c.id}`);
    const past = d.conversations.filter((x) => x.id !== this.currentConversationId);
    replace(
      this.el,
      h(
        'section',
        { class: 'card contact-card', dataset: { testid: 'contact-card', contactId: c.id } },
        h('div', { class: 'contact-head' }, h('span', { class: 'avatar big' }, initial(name)), h('div', null, h('h3', null, name), c.email && h('div', { class: 'muted' }, c.email))),
        c.unreachableReason && h('p', { class: 'warning' }, `Unreachable: ${c.unreachableReason}`),
        this.editing ? this.editForm() : h('button', { type: 'button', class: 'link', onclick: () => ((this.editing = true), this.render()) }, 'Edit details'),
      ),
      this.tags.el,
      h(
        'section',
        { class: 'card' },
        h('h4', null, 'Channels'),
        h(
          'ul',
          { class: 'identities', dataset: { testid: 'identities' } },
          d.identities.map((i) => h('li', { dataset: { channel: i.channel } }, h('span', { class: `badge ch-${i.channel}` }, channelLabel(i.channel)), h('code', null, i.externalUserId))),
        ),
        h('button', { type: 'button', class: 'secondary small', dataset: { action: 'merge' }, onclick: () => mergeDialog(c, () => this.merged()) }, 'Merge with another contact…'),
      ),
      h(
        'section',
        { class: 'card' },
        h('h4', null, `Conversations (${d.conversations.length})`),
        past.length
          ? h(
              'ul',
              { class: 'past', dataset: { testid: 'past-conversations' } },
              past.map((p) =>
                h(
                  'li',
                  null,
                  h(
                    'button',
                    { type: 'button', class: 'past-item', dataset: { pastConversationId: p.id }, onclick: () => this.openConversation(p.id) },
                    h('span', { class: `badge ch-${p.channel}` }, channelLabel(p.channel)),
                    h('span', null, ` #${p.id} · ${STATUS_LABELS[p.status]} · ${when(p.lastMessageAt)}`),
                    p.lastMessage && h('div', { class: 'muted preview' }, p.lastMessage.text),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'This is the first conversation.'),
      ),
      this.notes(),
    );
  }

  private editForm(): HTMLElement {
    const c = this.data!.contact;
    const name = h('input', { name: 'name', value: c.name ?? '', maxlength: 100 });
    const email = h('input', { name: 'email', type: 'email', value: c.email ?? '', maxlength: 200 });
    return h(
      'form',
      {
        class: 'stack',
        onsubmit: async (e: SubmitEvent) => {
          e.preventDefault();
          try {
            this.data = await patch<PanelData>(`/api/console/contacts/${c.id}`, { name: name.value, email: email.value });
            this.editing = false;
            this.render();
          } catch (err) {
            showError(err);
          }
        },
      },
      h('label', null, 'Name', name),
      h('label', null, 'Email', email),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary small' }, 'Save'), h('button', { type: 'button', class: 'ghost small', onclick: () => ((this.editing = false), this.render()) }, 'Cancel')),
    );
  }

  private notes(): HTMLElement {
    const d = this.data!;
    const text = h('textarea', { rows: 2, placeholder: 'A note about this customer (agents only)', 'aria-label': 'Contact note', dataset: { testid: 'contact-note-input' } });
    return h(
      'section',
      { class: 'card' },
      h('h4', null, 'Notes'),
      h(
        'form',
        {
          class: 'stack',
          onsubmit: async (e: SubmitEvent) => {
            e.preventDefault();
            if (!text.value.trim()) return;
            try {
              await post(`/api/console/contacts/${d.contact.id}/notes`, { text: text.value });
              await this.load(d.contact.id, this.currentConversationId!);
            } catch (err) {
              showError(err);
            }
          },
        },
        text,
        h('button', { type: 'submit', class: 'secondary small' }, 'Add note'),
      ),
      h(
        'ul',
        { class: 'notes', dataset: { testid: 'contact-notes' } },
        d.notes.map((n) =>
          h(
            'li',
            null,
            h('div', { class: 'text' }, n.text),
            h(
              'div',
              { class: 'muted' },
              `${n.agentName ?? 'Someone'} · `,
              h('time', { title: fullTime(n.createdAt) }, when(n.createdAt)),
              (n.agentId === app.me!.id || isAdmin()) &&
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link danger',
                    onclick: async () => {
                      try {
                        await del(`/api/console/contacts/${d.contact.id}/notes/${n.id}`);
                        await this.load(d.contact.id, this.currentConversationId!);
                      } catch (err) {
                        showError(err);
                      }
                    },
                  },
                  'Delete',
                ),
            ),
          ),
        ),
      ),
    );
  }

  private merged(): void {
    void this.load(this.data!.contact.id, this.currentConversationId!).then(() => this.onChanged());
  }
}
