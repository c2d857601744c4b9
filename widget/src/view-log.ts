/**
 * The message list: one element per entry, kept by key, so a pending bubble turns into a sent
 * one in place and a re-render never rebuilds (or re-announces) what is already there.
 * @module
 */
import { h, icon, ICONS, linkified, setAttrs } from './dom.js';
import type { Texts } from './i18n.js';
import type { Entry, MessageEntry, ViewHandlers } from './view-state.js';

export class MessageLog {
  readonly el: HTMLDivElement;
  private readonly nodes = new Map<string, { el: HTMLElement; signature: string; entry: Entry }>();

  constructor(
    private readonly t: Texts,
    private readonly handlers: ViewHandlers,
  ) {
    this.el = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.log });
  }

  /** Brings the list in line with `entries`; returns true when something was added. */
  update(entries: Entry[]): boolean {
    const wanted: HTMLElement[] = [];
    const keys = new Set<string>();
    let added = false;
    for (const entry of entries) {
      keys.add(entry.key);
      const signature = JSON.stringify(entry);
      const known = this.nodes.get(entry.key);
      if (known && known.signature === signature) {
        wanted.push(known.el);
        continue;
      }
      let el: HTMLElement;
      if (known && known.entry.kind === 'message' && entry.kind === 'message' && known.entry.text === entry.text && known.entry.who === entry.who) {
        // Same words, new state (pending → sent): patch in place so screen readers do not hear it twice.
        el = known.el;
        this.patch(el, entry);
      } else {
        el = entry.kind === 'notice' ? h('p', { class: 'notice' }, entry.text) : this.message(entry);
        if (known) known.el.replaceWith(el);
        else added = true;
      }
      this.nodes.set(entry.key, { el, signature, entry });
      wanted.push(el);
    }
    for (const [key, node] of this.nodes) {
      if (!keys.has(key)) {
        node.el.remove();
        this.nodes.delete(key);
      }
    }
    const current = [...this.el.children];
    const inOrder = current.length <= wanted.length && current.every((el, i) => el === wanted[i]);
    if (inOrder) this.el.append(...wanted.slice(current.length));
    else this.el.replaceChildren(...wanted);
    return added;
  }

  private message(m: MessageEntry): HTMLElement {
    const el = h('div');
    if (m.who) el.append(h('span', { class: 'who', 'aria-hidden': 'true' }, m.who));
    el.append(h('div', { class: 'bubble' }, h('span', { class: 'sr' }, `${m.speaker}: `), ...linkified(m.text, this.t.newTab)));
    el.append(h('div', { class: 'meta' }));
    this.patch(el, m);
    return el;
  }

  /** Sets the state-dependent parts: classes, data attributes and the line under the bubble. */
  private patch(el: HTMLElement, m: MessageEntry): void {
    el.className = `msg ${m.side} ${m.authorType} ${m.state}`;
    setAttrs(el, {
      'data-author': m.authorType,
      'data-state': m.state,
      'data-message-id': m.id ?? undefined,
      'data-client-id': m.clientId ?? undefined,
    });
    // The time is not worth announcing; "waiting to be sent" and "not sent" are.
    const meta = h('div', { class: 'meta', 'aria-hidden': m.state === 'sent' ? 'true' : undefined });
    el.querySelector('.meta')!.replaceWith(meta);
    if (m.state === 'waiting' || m.state === 'sending') {
      meta.append(icon(ICONS.clock, 12), m.state === 'waiting' ? this.t.pending : this.t.sending);
    } else if (m.state === 'failed') {
      const clientId = m.clientId!;
      meta.append(
        icon(ICONS.alert, 12),
        `${this.t.failed}${m.error ? `: ${m.error}` : ''}`,
        actionButton(this.t.retry, () => this.handlers.retry(clientId)),
        actionButton(this.t.remove, () => this.handlers.remove(clientId)),
      );
    } else {
      meta.append(h('time', {}, m.time));
    }
  }
}

function actionButton(label: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'act' }, label);
  b.addEventListener('click', onClick);
  return b;
}
