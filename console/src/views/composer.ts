/**
 * The reply box: reply to the customer or write a private note; `/shortcut` inserts a canned
 * response; answers from the knowledge base for the customer's last message are one click away.
 * Enter sends, Shift+Enter starts a new line. Selectors `[data-testid=reply-input]` and
 * `[data-testid=reply-send]` are relied on by tests.
 */
import { h, replace } from '../dom.js';
import { app } from '../state.js';
import type { Canned, ConversationView, MessageView, Suggestion } from '../types.js';

const SLASH = /(^|\s)\/([\p{L}\p{N}_-]*)$/u;

/** Fills a canned response's placeholders: {{name}} (the customer's first name) and {{agent}}. */
export function expandCanned(text: string, customer: string | null, agent: string): string {
  const first = customer?.trim().split(/\s+/)[0] ?? '';
  return text
    .replace(/\{\{\s*name\s*\}\}/gi, first)
    .replace(/\{\{\s*agent\s*\}\}/gi, agent)
    .replace(/ +([,!?.])/g, '$1')
    .replace(/,([!?.])/g, '$1');
}

export class Composer {
  readonly el: HTMLElement;
  private mode: 'reply' | 'note' = 'reply';
  private conversation: ConversationView | null = null;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly modeButtons: Record<'reply' | 'note', HTMLButtonElement>;
  private readonly popup: HTMLUListElement;
  private readonly suggestionsEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private matches: Canned[] = [];
  private active = 0;
  /** The KB entry whose answer was inserted, sent along so the KB learns from it. */
  private kbEntry: { id: string; answer: string } | null = null;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private suggestionsFor: number | null = null;

  constructor(private readonly onSent: (m: MessageView) => void) {
    this.input = h('textarea', {
      rows: 3,
      'aria-label': 'Reply',
      placeholder: 'Reply to the customer… (/ for canned responses)',
      dataset: { testid: 'reply-input' },
      oninput: () => this.changed(),
      onkeydown: (e: KeyboardEvent) => this.keydown(e),
      // Closed a moment after the box loses focus (a click on a popup item lands first), unless the agent is back in the box
      // by then: a late timer must not close a popup opened after the blur.
      onblur: () => setTimeout(() => document.activeElement !== this.input && this.closePopup(), 150),
    });
    this.sendButton = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'reply-send' } }, 'Send');
    this.modeButtons = {
      reply: h('button', { type: 'button', role: 'tab', dataset: { testid: 'mode-reply' }, onclick: () => this.setMode('reply') }, 'Reply'),
      note: h('button', { type: 'button', role: 'tab', dataset: { testid: 'mode-note' }, onclick: () => this.setMode('note') }, 'Private note'),
    };
    this.popup = h('ul', { class: 'canned-popup', role: 'listbox', hidden: true, dataset: { testid: 'canned-popup' } });
    this.suggestionsEl = h('div', { class: 'suggestions', dataset: { testid: 'kb-suggestions' }, hidden: true });
    this.errorEl = h('p', { class: 'error', role: 'alert' });
    this.el = h(
      'form',
      { class: 'composer', onsubmit: (e: SubmitEvent) => (e.preventDefault(), void this.send()) },
      this.suggestionsEl,
      h('div', { class: 'modes', role: 'tablist' }, this.modeButtons.reply, this.modeButtons.note, h('span', { class: 'hint' }, 'Enter to send · Shift+Enter for a new line')),
      h('div', { class: 'compose-row' }, this.popup, this.input, this.sendButton),
      this.errorEl,
    );
    this.setMode('reply');
  }

  setConversation(c: ConversationView): void {
    const changed = this.conversation?.id !== c.id;
    this.conversation = c;
    if (changed) {
      this.input.value = '';
      this.kbEntry = null;
      this.errorEl.textContent = '';
      this.suggestionsFor = null;
      this.setMode('reply');
    }
    const closed = c.status === 'closed';
    this.modeButtons.reply.disabled = closed;
    if (closed && this.mode === 'reply') this.setMode('note');
    this.input.placeholder = closed ? 'Closed — reopen it to reply, or add a private note' : this.placeholder();
  }

  focus(): void {
    this.input.focus();
  }

  /** Asks the knowledge base about the customer's last message (again when a new one comes in). */
  async refreshSuggestions(force = false): Promise<void> {
    const c = this.conversation;
    if (!c || (!force && this.suggestionsFor === c.id)) return;
    this.suggestionsFor = c.id;
    let suggestions: Suggestion[] = [];
    try {
      suggestions = (await app.live.call<{ suggestions: Suggestion[] }>('kb:suggest', { conversationId: c.id })).suggestions;
    } catch {
      // Suggestions are a help, not a must: without them the box works the same.
    }
    if (this.conversation?.id !== c.id) return;
    this.suggestionsEl.hidden = suggestions.length === 0 || c.status === 'closed';
    replace(
      this.suggestionsEl,
      h('span', { class: 'label' }, 'From the knowledge base:'),
      suggestions.map((s) =>
        h(
          'button',
          {
            type: 'button',
            class: 'suggestion',
            title: s.answer,
            dataset: { testid: 'kb-suggestion', entryId: s.entryId },
            onclick: () => this.insertAnswer(s),
          },
          h('span', null, s.question),
          h('small', null, `${Math.round(s.confidence * 100)}%`),
        ),
      ),
    );
  }

  private insertAnswer(s: Suggestion): void {
    this.setMode('reply');
    this.input.value = this.input.value.trim() ? `${this.input.value.trimEnd()}\n${s.answer}` : s.answer;
    this.kbEntry = { id: s.entryId, answer: s.answer };
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }

  private placeholder(): string {
    return this.mode === 'note' ? 'A private note: only agents see it' : 'Reply to the customer… (/ for canned responses)';
  }

  private setMode(mode: 'reply' | 'note'): void {
    this.mode = mode;
    this.el.classList.toggle('note-mode', mode === 'note');
    for (const [m, b] of Object.entries(this.modeButtons)) b.setAttribute('aria-selected', String(m === mode));
    this.sendButton.textContent = mode === 'note' ? 'Add note' : 'Send';
    this.input.placeholder = this.placeholder();
  }

  private changed(): void {
    this.errorEl.textContent = '';
    if (this.kbEntry && !this.input.value.includes(this.kbEntry.answer.slice(0, 40))) this.kbEntry = null;
    this.updatePopup();
    if (this.mode === 'reply' && this.conversation) this.typing();
  }

  /** Tells the customer's channel the agent is typing, at most every few seconds; stops after a pause. */
  private typing(): void {
    const id = this.conversation!.id;
    if (Date.now() - this.typingSentAt > 2500) {
      this.typingSentAt = Date.now();
      app.live.send('typing', { conversationId: id, typing: true });
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(id), 3000);
  }

  private stopTyping(id: number): void {
    clearTimeout(this.typingTimer);
    if (this.typingSentAt) app.live.send('typing', { conversationId: id, typing: false });
    this.typingSentAt = 0;
  }

  private updatePopup(): void {
    const before = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    const m = SLASH.exec(before);
    if (!m) return this.closePopup();
    const word = m[2]!.toLowerCase();
    this.matches = app.canned
      .filter((c) => c.shortcut.startsWith(word) || (word.length > 1 && c.title.toLowerCase().includes(word)))
      .sort((a, b) => Number(b.scope === 'personal') - Number(a.scope === 'personal') || a.shortcut.localeCompare(b.shortcut))
      .slice(0, 8);
    if (!this.matches.length) return this.closePopup();
    this.active = Math.min(this.active, this.matches.length - 1);
    this.popup.hidden = false;
    replace(
      this.popup,
      this.matches.map((c, i) =>
        h(
          'li',
          {
            role: 'option',
            'aria-selected': String(i === this.active),
            class: i === this.active ? 'active' : '',
            dataset: { shortcut: c.shortcut },
            onmousedown: (e: MouseEvent) => (e.preventDefault(), this.insertCanned(c)),
          },
          h('strong', null, `/${c.shortcut}`),
          h('span', null, c.title),
          h('small', null, c.scope === 'personal' ? 'personal' : 'shared'),
          h('div', { class: 'muted' }, c.text.slice(0, 90)),
        ),
      ),
    );
  }

  private closePopup(): void {
    this.popup.hidden = true;
    this.matches = [];
    this.active = 0;
  }

  private insertCanned(c: Canned): void {
    const caret = this.input.selectionStart ?? this.input.value.length;
    const before = this.input.value.slice(0, caret);
    const after = this.input.value.slice(caret);
    // Only a real name: "Здравствуйте, Visitor 12!" reads worse than "Здравствуйте!".
    const text = expandCanned(c.text, this.conversation?.contact.name || null, app.me!.name);
    const start = before.replace(SLASH, (_all, space: string) => space);
    this.input.value = start + text + after;
    const at = (start + text).length;
    this.input.setSelectionRange(at, at);
    this.closePopup();
    this.input.focus();
  }

  private keydown(e: KeyboardEvent): void {
    // "/sho" + Enter inserts the canned response even when the popup was closed a moment ago (a blur, a re-render):
    // the raw shortcut is never sent to the customer by accident.
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && this.popup.hidden) this.updatePopup();
    if (!this.popup.hidden && this.matches.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.matches.length - 1)) % this.matches.length;
        this.updatePopup();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        this.insertCanned(this.matches[this.active]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closePopup();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void this.send();
    }
  }

  private async send(): Promise<void> {
    const c = this.conversation;
    const text = this.input.value.trim();
    if (!c || !text || this.sendButton.disabled) return;
    this.sendButton.disabled = true;
    this.errorEl.textContent = '';
    try {
      const payload: Record<string, unknown> = { conversationId: c.id, text, clientId: crypto.randomUUID() };
      let message: MessageView;
      if (this.mode === 'note') {
        message = (await app.live.call<{ message: MessageView }>('note:add', payload)).message;
      } else {
        if (this.kbEntry && text.includes(this.kbEntry.answer.slice(0, 40))) payload.kbEntryId = this.kbEntry.id;
        if (c.status === 'bot' || c.status === 'queued') app.selfAssigned.add(c.id); // replying takes it
        message = (await app.live.call<{ message: MessageView }>('message:send', payload)).message;
        this.stopTyping(c.id);
      }
      if (this.conversation?.id === c.id) {
        this.input.value = '';
        this.kbEntry = null;
      }
      this.onSent(message);
    } catch (err) {
      // The text stays in the box: nothing the agent wrote is lost.
      this.errorEl.textContent = err instanceof Error ? err.message : String(err);
    } finally {
      this.sendButton.disabled = false;
    }
  }
}
