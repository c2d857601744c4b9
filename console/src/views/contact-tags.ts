/**
 * The customer's own tags in the contact panel (not the conversation's): pills with ×, and a box
 * that adds one on Enter. Routing and priority rules can match them (`vip` → a team, urgent:
 * docs/routing-and-sla.md). The whole list is saved with PUT /api/routing/contacts/:id/tags,
 * which every agent may call; what the server refuses is shown as it says it.
 */
import { ApiError, get, put } from '../api.js';
import { h, replace } from '../dom.js';
import { showError } from '../notify.js';

/** The server's validation wording names the field (`body/tags/2 must NOT have more than 50 characters`): name the tag instead. */
function explain(err: unknown, tags: string[]): Error {
  if (!(err instanceof ApiError)) return err instanceof Error ? err : new Error(String(err));
  const message = err.message
    .replace(/\bbody\/tags\/(\d+)/g, (_, i: string) => {
      const tag = tags[Number(i)] ?? '';
      return `The tag “${tag.length > 24 ? `${tag.slice(0, 24)}…` : tag}”`;
    })
    .replace(/\bbody\/tags\b/g, 'The list of tags');
  return new Error(`Customer tags not saved: ${message}`);
}

export class ContactTags {
  readonly el = h('section', { class: 'card contact-tags', dataset: { testid: 'contact-tags' } });
  private contactId: number | null = null;
  private tags: string[] = [];
  private saving = false;
  private readonly input = h('input', {
    placeholder: 'Add a tag',
    'aria-label': 'Add a customer tag',
    autocomplete: 'off',
    dataset: { testid: 'contact-tag-input' },
    onkeydown: (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.isComposing) return;
      e.preventDefault();
      void this.add();
    },
    oninput: () => this.input.removeAttribute('aria-invalid'),
  });
  /** The pills; re-rendered alone, so the box keeps its focus and text. */
  private readonly pills = h('span', { class: 'pills', dataset: { testid: 'contact-tag-list' } });

  constructor() {
    replace(
      this.el,
      h('h4', null, 'Customer tags'),
      h('div', { class: 'tags-row' }, this.pills, this.input),
      h('p', { class: 'muted hint' }, 'Kept on the customer; routing rules can match them.'),
    );
  }

  /** Shows the contact's tags (a different contact starts with an empty box). */
  async load(contactId: number): Promise<void> {
    if (contactId !== this.contactId) {
      this.contactId = contactId;
      this.tags = [];
      this.input.value = '';
      this.input.removeAttribute('aria-invalid');
      this.render();
    }
    try {
      const res = await get<{ tags: string[] }>(`/api/routing/contacts/${contactId}/tags`);
      if (this.contactId !== contactId) return; // another contact was opened meanwhile
      this.tags = res.tags;
    } catch (err) {
      showError(err);
    }
    this.render();
  }

  clear(): void {
    this.contactId = null;
    this.tags = [];
    this.input.value = '';
  }

  private async add(): Promise<void> {
    const tag = this.input.value.trim();
    if (!tag || this.saving) return;
    if (this.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) {
      this.input.value = '';
      return;
    }
    if (await this.save([...this.tags, tag])) this.input.value = '';
    else this.input.setAttribute('aria-invalid', 'true');
    this.input.focus();
  }

  /** Saves the whole list; false (and the server's reason in a toast) when it was refused. */
  private async save(tags: string[]): Promise<boolean> {
    const contactId = this.contactId;
    if (contactId === null || this.saving) return false;
    this.saving = true;
    this.input.readOnly = true;
    try {
      const res = await put<{ tags: string[] }>(`/api/routing/contacts/${contactId}/tags`, { tags });
      if (this.contactId === contactId) this.tags = res.tags;
      return true;
    } catch (err) {
      showError(explain(err, tags));
      return false;
    } finally {
      this.saving = false;
      this.input.readOnly = false;
      this.render();
    }
  }

  private render(): void {
    replace(
      this.pills,
      this.tags.map((t) =>
        h(
          'span',
          { class: 'tag', dataset: { tag: t } },
          t,
          h('button', { type: 'button', 'aria-label': `Remove customer tag ${t}`, onclick: () => void this.save(this.tags.filter((x) => x !== t)) }, '×'),
        ),
      ),
    );
  }
}
