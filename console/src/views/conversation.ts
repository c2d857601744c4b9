/**
 * The open conversation: header with its state and actions (claim, transfer, snooze, resolve,
 * reopen, priority, tags), the thread (or the customer's whole history), the reply box, and
 * the contact panel beside it. Everything follows live pushes.
 */
import { get } from '../api.js';
import { h, replace, select } from '../dom.js';
import { channelLabel, contactName, fullTime, PRIORITY_LABELS, STATUS_LABELS } from '../format.js';
import { seen, showError, toast } from '../notify.js';
import { agentName, app, teamName } from '../state.js';
import type { ConversationEvent, ConversationView, MessageView, Priority } from '../types.js';
import { Composer } from './composer.js';
import { ContactPanel } from './contact-panel.js';
import { snoozeDialog, transferDialog } from './dialogs.js';
import { slaBadge } from './sla-badge.js';
import { historyItems, messageEl, threadItems } from './thread.js';

interface Opened {
  conversation: ConversationView;
  messages: MessageView[];
  events: ConversationEvent[];
}

export class ConversationPane {
  private id: number | null = null;
  private data: Opened | null = null;
  private messages = new Map<number, MessageView>();
  private showHistory = false;
  private highlight: number | undefined;
  private readonly header = h('header', { class: 'pane-head' });
  private readonly threadEl = h('div', { class: 'thread', role: 'log', 'aria-live': 'polite', dataset: { testid: 'thread' } });
  private readonly typingEl = h('div', { class: 'typing', dataset: { testid: 'typing' }, hidden: true });
  private readonly composer: Composer;
  private readonly contact: ContactPanel;
  private readonly unsubscribe: (() => void)[] = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** The thread is scrolled to its end: it stays there when it gets shorter (suggestions appear above the reply box). */
  private pinned = true;
  private readonly resizes = new ResizeObserver(() => {
    if (this.pinned) this.threadEl.scrollTop = this.threadEl.scrollHeight;
  });

  constructor(
    private readonly el: HTMLElement,
    contactEl: HTMLElement,
    private readonly openConversation: (id: number) => void,
  ) {
    this.composer = new Composer((m) => this.add(m));
    this.contact = new ContactPanel(contactEl, openConversation, () => {
      if (this.data) void this.open(this.data.conversation.id);
    });
    this.empty();
    this.threadEl.addEventListener('scroll', () => (this.pinned = this.atBottom()), { passive: true });
    this.resizes.observe(this.threadEl);
    this.unsubscribe.push(
      app.events.on('conversation', (c) => {
        if (c.id !== this.id || !this.data) return;
        this.data.conversation = c;
        this.renderHeader();
        this.composer.setConversation(c);
      }),
      app.events.on('message', (m) => {
        if (m.conversationId !== this.id) return;
        this.add(m);
        if (m.direction === 'in') {
          this.setTyping(false);
          void this.composer.refreshSuggestions(true);
        }
      }),
      app.events.on('typing', (t) => t.conversationId === this.id && this.setTyping(t.typing)),
      app.events.on('resync', () => this.id !== null && void this.open(this.id)),
      app.events.on('deliveryFailed', (e) => {
        if (e.conversationId !== this.id) return;
        const m = this.messages.get(e.messageId);
        if (m) this.add({ ...m, delivery: 'failed' }, true);
      }),
    );
  }

  destroy(): void {
    this.resizes.disconnect();
    this.unsubscribe.forEach((u) => u());
  }

  private empty(): void {
    replace(this.el, h('div', { class: 'empty-pane' }, h('h2', null, 'Pick a conversation'), h('p', { class: 'muted' }, 'Use ↑ ↓ in the list and Enter to open, / to search.')));
    this.contact.clear();
  }

  /** Opens a conversation (scrolling to a message found by search). */
  async open(id: number, highlightMessageId?: number): Promise<void> {
    const switching = this.id !== id;
    this.id = id;
    this.highlight = highlightMessageId;
    if (switching) this.showHistory = false;
    let opened: Opened;
    try {
      opened = await app.live.call<Opened>('conversation:open', { conversationId: id });
    } catch (err) {
      showError(err);
      return;
    }
    if (this.id !== id) return; // another one was opened meanwhile
    this.data = opened;
    app.conversations.set(id, opened.conversation);
    this.messages = new Map(opened.messages.map((m) => [m.id, m]));
    seen(id);
    if (switching || !this.el.contains(this.threadEl)) {
      replace(this.el, this.header, this.threadEl, this.typingEl, this.composer.el);
    }
    this.renderHeader();
    this.composer.setConversation(opened.conversation);
    await this.renderThread();
    void this.composer.refreshSuggestions(switching);
    void this.contact.load(opened.conversation.contact.id, id).then(() => this.renderHeader());
    if (switching && !highlightMessageId) this.composer.focus();
  }

  private act(event: string, extra: Record<string, unknown> = {}) {
    return async () => {
      const id = this.id!;
      if (event === 'conversation:claim' || event === 'conversation:reopen') app.selfAssigned.add(id);
      try {
        const res = await app.live.call<{ conversation: ConversationView }>(event, { conversationId: id, ...extra });
        app.conversations.set(id, res.conversation);
        app.events.emit('conversation', res.conversation);
      } catch (err) {
        showError(err);
      }
    };
  }

  private renderHeader(): void {
    const c = this.data!.conversation;
    const open = c.status === 'bot' || c.status === 'queued' || c.status === 'assigned';
    const snoozed = c.snoozedUntil !== null && c.snoozedUntil > Date.now();
    const count = this.contact.conversationCount();
    const who =
      c.status === 'assigned' ? `Assigned to ${agentName(c.assignedAgentId)}` : c.status === 'queued' ? 'Waiting in the queue' : STATUS_LABELS[c.status];
    const priority = select(
      {
        'aria-label': 'Priority',
        dataset: { testid: 'priority' },
        onchange: (e: Event) => void this.act('conversation:priority', { priority: (e.target as HTMLSelectElement).value as Priority })(),
      },
      app.meta.priorities.map((p): [string, string] => [p, PRIORITY_LABELS[p]]),
      c.priority,
    );
    replace(
      this.header,
      h(
        'div',
        { class: 'title-row' },
        h('h2', { dataset: { testid: 'conversation-title' } }, contactName(c.contact)),
        h('span', { class: `badge ch-${c.channel}` }, channelLabel(c.channel)),
        h('span', { class: `pill status ${c.status}`, dataset: { testid: 'conversation-status' } }, STATUS_LABELS[c.status]),
        slaBadge(c, true),
        h('span', { class: 'muted' }, `#${c.id} · ${who}${c.teamId !== null ? ` · ${teamName(c.teamId)}` : ''}`),
        snoozed && h('span', { class: 'pill snoozed', title: fullTime(c.snoozedUntil!) }, `Snoozed until ${fullTime(c.snoozedUntil!)}`),
      ),
      h(
        'div',
        { class: 'actions' },
        (c.status === 'bot' || c.status === 'queued') && h('button', { type: 'button', class: 'primary', dataset: { action: 'claim' }, onclick: this.act('conversation:claim') }, 'Claim'),
        open && h('button', { type: 'button', dataset: { action: 'transfer' }, onclick: () => transferDialog(c) }, 'Transfer'),
        open && !snoozed && h('button', { type: 'button', dataset: { action: 'snooze' }, onclick: () => snoozeDialog(c) }, 'Snooze'),
        snoozed && h('button', { type: 'button', dataset: { action: 'wake' }, onclick: this.act('conversation:snooze', { until: null }) }, 'Wake up'),
        open && h('button', { type: 'button', class: 'success', dataset: { action: 'resolve' }, onclick: this.act('conversation:resolve') }, 'Resolve'),
        !open && h('button', { type: 'button', dataset: { action: 'reopen' }, onclick: this.act('conversation:reopen') }, 'Reopen'),
        h('label', { class: 'inline' }, 'Priority', priority),
      ),
      this.tagEditor(c),
      count > 1 &&
        h(
          'div',
          { class: 'history-switch', role: 'tablist' },
          h('button', { type: 'button', role: 'tab', 'aria-selected': String(!this.showHistory), onclick: () => this.toggleHistory(false) }, 'This conversation'),
          h(
            'button',
            { type: 'button', role: 'tab', 'aria-selected': String(this.showHistory), dataset: { testid: 'whole-history' }, onclick: () => this.toggleHistory(true) },
            `Whole history (${count} conversations)`,
          ),
        ),
    );
  }

  private tagEditor(c: ConversationView): HTMLElement {
    const save = (tags: string[]) => void this.act('conversation:tags', { tags })();
    const input = h('input', {
      list: 'known-tags',
      placeholder: 'Add tag',
      'aria-label': 'Add tag',
      dataset: { testid: 'tag-input' },
      onkeydown: (e: KeyboardEvent) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        const tag = input.value.trim();
        if (tag && !c.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) save([...c.tags, tag]);
        input.value = '';
      },
    });
    return h(
      'div',
      { class: 'tags-row', dataset: { testid: 'tags' } },
      c.tags.map((t) =>
        h('span', { class: 'tag' }, t, h('button', { type: 'button', 'aria-label': `Remove tag ${t}`, onclick: () => save(c.tags.filter((x) => x !== t)) }, '×')),
      ),
      input,
      h('datalist', { id: 'known-tags' }, app.meta.tags.map((t) => h('option', { value: t.tag }))),
    );
  }

  private async toggleHistory(on: boolean): Promise<void> {
    this.showHistory = on;
    this.renderHeader();
    await this.renderThread();
  }

  private async renderThread(): Promise<void> {
    const d = this.data!;
    if (this.showHistory) {
      try {
        const res = await get<{ messages: MessageView[]; conversations: ConversationView[] }>(`/api/console/contacts/${d.conversation.contact.id}/history`);
        replace(this.threadEl, historyItems(res.messages, res.conversations, contactName(d.conversation.contact)));
      } catch (err) {
        showError(err);
      }
    } else {
      replace(this.threadEl, threadItems(d.conversation, [...this.messages.values()], d.events, this.highlight));
    }
    const target = this.highlight !== undefined ? this.threadEl.querySelector(`[data-message-id="${this.highlight}"]`) : null;
    this.pinned = !target;
    if (target) target.scrollIntoView({ block: 'center' });
    else this.threadEl.scrollTop = this.threadEl.scrollHeight;
  }

  private atBottom(): boolean {
    return this.threadEl.scrollHeight - this.threadEl.scrollTop - this.threadEl.clientHeight < 80;
  }

  /** Adds or updates one message in place (pushes and acks may both bring it). */
  private add(m: MessageView, replaceExisting = false): void {
    if (!this.data || m.conversationId !== this.id) return;
    const known = this.messages.get(m.id);
    if (known && !replaceExisting && known.delivery === m.delivery) return;
    this.messages.set(m.id, m);
    const el = messageEl(m, contactName(this.data.conversation.contact));
    const old = this.threadEl.querySelector(`[data-message-id="${m.id}"]`);
    const atBottom = this.atBottom();
    if (old) old.replaceWith(el);
    else this.threadEl.append(el);
    if (atBottom || m.direction !== 'in') this.threadEl.scrollTop = this.threadEl.scrollHeight;
    if (m.private && m.agentId !== app.me?.id && known === undefined) toast(`${agentName(m.agentId)} added a note`);
  }

  private setTyping(typing: boolean): void {
    clearTimeout(this.typingTimer);
    this.typingEl.hidden = !typing;
    if (typing && this.data) {
      this.typingEl.textContent = `${contactName(this.data.conversation.contact)} is typing…`;
      // A lost "stopped typing" must not leave the indicator on forever.
      this.typingTimer = setTimeout(() => (this.typingEl.hidden = true), 8000);
    }
  }
}
