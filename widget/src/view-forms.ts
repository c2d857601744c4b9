/**
 * The interactive pieces under the messages: quick-reply chips, the 1–5 rating, the offline
 * notice with its email field, and the pre-chat form.
 * @module
 */
import { h } from './dom.js';
import type { Texts } from './i18n.js';
import type { WireQuickReply } from './protocol.js';
import type { ViewHandlers, ViewState } from './view-state.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Chips or stars for the last message's quick replies. */
export class Replies {
  readonly el = h('div', { class: 'replies' });
  private signature = '';

  constructor(
    private readonly t: Texts,
    private readonly handlers: ViewHandlers,
  ) {}

  update(replies: ViewState['replies']): void {
    const signature = JSON.stringify(replies);
    if (signature === this.signature) return;
    this.signature = signature;
    if (!replies) return this.el.replaceChildren();
    if (replies.kind === 'rating') {
      const stars = h('div', { class: 'stars', role: 'group', 'aria-label': this.t.ratingPrompt });
      for (const reply of replies.items) {
        const n = Number(reply.id.slice(5));
        stars.append(this.button('star', '★', reply, this.t.ratingStar(n)));
      }
      this.el.replaceChildren(h('div', { class: 'rating' }, h('p', { 'aria-hidden': 'true' }, this.t.ratingPrompt), stars));
      return;
    }
    const chips = h('div', { class: 'chips' });
    for (const reply of replies.items) chips.append(this.button('chip', reply.label, reply));
    this.el.replaceChildren(chips);
  }

  private button(cls: string, text: string, reply: WireQuickReply, label?: string): HTMLButtonElement {
    const b = h('button', { type: 'button', class: cls, 'aria-label': label, 'data-reply-id': reply.id }, text);
    b.addEventListener('click', () => this.handlers.press(reply));
    return b;
  }
}

/** Nobody is online: the working hours and an optional email field. */
export class OfflineCard {
  readonly el = h('section', { class: 'card offline', 'aria-labelledby': 'cb-offline-title', hidden: true });
  private signature = '';

  constructor(
    private readonly t: Texts,
    private readonly handlers: ViewHandlers,
  ) {}

  update(offline: ViewState['offline']): void {
    const signature = JSON.stringify(offline);
    if (signature === this.signature) return;
    this.signature = signature;
    this.el.hidden = !offline;
    if (!offline) return this.el.replaceChildren();
    const parts: Node[] = [h('h3', { id: 'cb-offline-title' }, this.t.offlineTitle)];
    if (offline.hours) parts.push(h('p', {}, this.t.offlineHours(offline.hours)));
    if (offline.savedEmail) {
      parts.push(h('p', { role: 'status' }, this.t.emailSaved(offline.savedEmail)));
    } else {
      const input = h('input', { type: 'email', name: 'email', id: 'cb-offline-email', autocomplete: 'email', required: true, maxlength: 254, placeholder: 'you@example.com' });
      const error = h('p', { class: 'error', id: 'cb-offline-error', role: 'alert' });
      const form = h(
        'form',
        { novalidate: true },
        h('p', {}, this.t.offlineEmail),
        h('label', { class: 'field', for: 'cb-offline-email' }, this.t.email, input),
        error,
        h('button', { type: 'submit', class: 'primary' }, this.t.emailSubmit),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const email = input.value.trim();
        if (!EMAIL.test(email)) return invalid(input, error, this.t.badEmail);
        this.handlers.leaveEmail(email);
      });
      parts.push(form);
    }
    this.el.replaceChildren(...parts);
  }
}

/** Name and email before the first message, when the server asks for it. */
export class PrechatForm {
  readonly el = h('form', { class: 'prechat', 'aria-labelledby': 'cb-prechat-title', novalidate: true, hidden: true });
  private required: boolean | null = null;
  private readonly name = h('input', { type: 'text', name: 'name', id: 'cb-name', autocomplete: 'name', maxlength: 100 });
  private readonly email = h('input', { type: 'email', name: 'email', id: 'cb-email', autocomplete: 'email', maxlength: 254 });
  private readonly error = h('p', { class: 'error', id: 'cb-prechat-error', role: 'alert' });

  constructor(
    private readonly t: Texts,
    private readonly handlers: ViewHandlers,
  ) {
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = this.name.value.trim();
      const email = this.email.value.trim();
      this.name.removeAttribute('aria-invalid');
      this.email.removeAttribute('aria-invalid');
      if (this.required && !name) return invalid(this.name, this.error, t.badName);
      if ((this.required || email) && !EMAIL.test(email)) return invalid(this.email, this.error, t.badEmail);
      this.handlers.prechat({ name: name || undefined, email: email || undefined });
    });
  }

  /** The first field, to move focus to. */
  get first(): HTMLInputElement {
    return this.name;
  }

  update(prechat: ViewState['prechat']): void {
    this.el.hidden = !prechat;
    if (!prechat || prechat.required === this.required) return;
    this.required = prechat.required;
    const t = this.t;
    const mark = (el: HTMLInputElement) => {
      el.required = prechat.required;
      el.setAttribute('aria-required', String(prechat.required));
    };
    mark(this.name);
    mark(this.email);
    const suffix = prechat.required ? ` (${t.required})` : '';
    const buttons = h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t.start));
    if (!prechat.required) {
      const skip = h('button', { type: 'button', class: 'secondary' }, t.skip);
      skip.addEventListener('click', () => this.handlers.prechat(null));
      buttons.append(skip);
    }
    this.el.replaceChildren(
      h('h3', { id: 'cb-prechat-title' }, t.prechatTitle),
      h('p', {}, t.prechatIntro),
      h('label', { class: 'field', for: 'cb-name' }, t.name + suffix, this.name),
      h('label', { class: 'field', for: 'cb-email' }, t.email + suffix, this.email),
      this.error,
      buttons,
    );
  }
}

function invalid(input: HTMLInputElement, error: HTMLElement, message: string): void {
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', error.id || '');
  error.textContent = message;
  input.focus();
}
