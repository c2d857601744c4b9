/**
 * The widget's brain: the conversation as the visitor sees it, the queue of messages not yet
 * acknowledged (sent one at a time, in order, each with its client id until the server says it
 * has it), and what the view should show.
 * @module
 */
import { Connection, type ConnectionState } from './connection.js';
import { Emitter } from './emitter.js';
import { TEXTS, type Texts } from './i18n.js';
import type { WidgetOptions } from './options.js';
import {
  PERMANENT_ERRORS,
  type ContactAck,
  type HandshakeAuth,
  type PrechatMode,
  type ReadyPayload,
  type SendAck,
  type StatusPayload,
  type WireMessage,
  type WireQuickReply,
  type WireStatus,
} from './protocol.js';
import { Storage, type PendingItem, type Persisted } from './storage.js';
import { View } from './view.js';
import type { Entry, ViewHandlers, ViewState } from './view-state.js';

interface ConversationState {
  id: number;
  status: WireStatus;
  agentName: string | null;
}

/** A shop's user as passed to `identify`. */
export interface Identity {
  userId: string;
  hmac: string;
  name?: string;
  email?: string;
}

/** Retry delays after a refusal worth retrying (ms). */
const RETRY_MS: Record<string, number> = { rate_limited: 3000, internal: 2000, timeout: 500 };
/** How long "connecting…" may last before the visitor is told. */
const CONNECTING_NOTICE_MS = 1500;
/** The server's MAX_MESSAGE_LENGTH until its `ready` says otherwise (the server's default). */
const DEFAULT_MAX_LENGTH = 4000;

function newClientId(): string {
  // crypto.randomUUID needs a secure context; getRandomValues works on any shop page.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class ChatWidget {
  readonly events = new Emitter();
  private readonly t: Texts;
  private readonly storage: Storage;
  private readonly conn: Connection;
  private readonly view: View;
  private readonly messages = new Map<number, WireMessage>();
  private conversation: ConversationState | null = null;
  private notices: { key: string; text: string; afterId: number }[] = [];
  private agentsOnline = true;
  private workingHours = '';
  private prechatMode: PrechatMode = 'off';
  private greeting: { text: string; quickReplies: WireQuickReply[] } | null = null;
  private identity: Identity | null = null;
  private identified = false;
  private agentTyping = false;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private visitorTypingAt = 0;
  private visitorIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private pumping = false;
  private pumpAgain = false;
  /** The visitor token of the current connection (as sent, then as the server confirmed it). */
  private sentToken: string | null = null;
  private maxLength = DEFAULT_MAX_LENGTH;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private showConnecting = false;
  private connectingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages up to this id were announced before this page loaded. */
  private readonly announcedFloor: number;
  private readonly announced = new Set<number>();
  private readyOnce = false;
  private destroyed = false;

  constructor(private readonly opts: WidgetOptions) {
    this.t = TEXTS[opts.lang];
    this.storage = new Storage(opts.server);
    this.announcedFloor = this.storage.get().lastAnnouncedId;
    this.conn = new Connection(opts.server, () => this.auth(), {
      state: (state) => this.onConnectionState(state),
      ready: (payload) => this.onReady(payload),
      message: (message) => this.onMessage(message),
      status: (status) => this.onStatus(status),
      typing: (typing) => this.onAgentTyping(typing.typing),
    });
    this.view = new View(opts, this.t, this.handlers());
  }

  /** Puts the widget on the page; connects at once only if there is a conversation to continue. */
  mount(): void {
    this.view.mount();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.storage.watch(this.onStorage);
    const s = this.storage.get();
    if (s.open) this.setOpen(true, false);
    else if (s.pending.length || (s.token && s.conversationId)) this.connectSoon();
    this.render();
  }

  destroy(): void {
    this.destroyed = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.storage.unwatch();
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectingTimer);
    this.conn.stop();
    this.view.unmount();
  }

  get isOpen(): boolean {
    return this.storage.get().open;
  }

  setOpen(open: boolean, focus = true): void {
    if (open) {
      this.storage.update({ open: true });
      void this.conn.start();
      this.markSeen();
      this.render();
      if (focus) this.view.focusPanel();
      this.events.emit('open');
    } else {
      const hadFocus = this.view.hasFocus();
      this.storage.update({ open: false });
      this.render();
      // Back to the launcher only when the focus was in the panel: a page calling close() keeps its own.
      if (hadFocus) this.view.focusLauncher();
      this.events.emit('close');
    }
  }

  /** The shop's signed-in user: reconnects as them (their conversation on every device). */
  identify(identity: Identity): void {
    this.identity = identity;
    if (this.conn.started) this.conn.reconnect();
  }

  // ---- connection events ----------------------------------------------------------------

  private onConnectionState(state: ConnectionState): void {
    clearTimeout(this.connectingTimer);
    this.showConnecting = false;
    if (state === 'connecting' || state === 'loading') {
      this.connectingTimer = setTimeout(() => {
        this.showConnecting = true;
        this.render();
      }, CONNECTING_NOTICE_MS);
    }
    if (state !== 'online') this.setAgentTyping(false);
    this.render();
  }

  private onReady(p: ReadyPayload): void {
    // An identified visitor's token is not kept: without the shop's identity it opens nothing.
    // Another tab may have become a visitor while this one connected: the first stored wins, and
    // this tab reconnects as that visitor before showing or sending anything.
    if (!p.identified) {
      if (this.storage.setToken(p.token, this.sentToken) !== p.token) return this.conn.reconnect();
      this.sentToken = p.token;
    }
    this.identified = p.identified;
    if (this.identity && !p.identified) {
      console.warn('chatbridge widget: the identity was not accepted (the server log says why); chatting anonymously');
    }
    if (p.maxMessageLength > 0) this.maxLength = p.maxMessageLength;
    this.agentsOnline = p.agentsOnline;
    this.workingHours = p.workingHours;
    this.prechatMode = p.prechat;
    this.greeting = p.greeting;
    const firstEver = !this.readyOnce && this.storage.get().conversationId === null && this.announcedFloor === 0;
    this.readyOnce = true;
    const conv = p.conversation;
    if (!conv) {
      // The server knows no conversation for this visitor (a new identity, say): start clean.
      this.resetConversation();
    } else {
      // Another conversation than the one on screen (the visitor was identified, say): show that one.
      if (this.conversation && this.conversation.id !== conv.id && !conv.messages.some((m) => this.messages.has(m.id))) {
        this.resetConversation();
      }
      for (const m of conv.messages) this.messages.set(m.id, { ...m, conversationId: conv.id });
      this.conversation = { id: conv.id, status: conv.status, agentName: conv.agentName };
      this.storage.update({ conversationId: conv.id });
    }
    // Messages the server already has (the ack was lost on the way) are not pending any more.
    this.dropPending([...this.messages.values()].map((m) => m.clientId));
    if (firstEver) for (const id of this.messages.keys()) this.announced.add(id);
    this.announceNew();
    this.markSeen();
    this.render();
    this.events.emit('ready', { identified: p.identified });
    void this.pump();
  }

  private onMessage(m: WireMessage): void {
    if (this.messages.has(m.id)) return; // delivered again after a lost ack
    this.messages.set(m.id, m);
    // The visitor's own message, sent from another tab: stored, so no longer pending.
    this.dropPending([m.clientId]);
    if (m.conversationId && (!this.conversation || m.conversationId > this.conversation.id)) {
      this.conversation = { id: m.conversationId, status: 'bot', agentName: null };
      this.storage.update({ conversationId: m.conversationId });
    }
    if (m.author.type === 'agent') {
      this.setAgentTyping(false);
      if (this.conversation && m.author.name) this.conversation.agentName ??= m.author.name;
    }
    this.announceNew();
    this.markSeen();
    this.render();
  }

  private onStatus(s: StatusPayload): void {
    if (this.conversation && s.conversationId < this.conversation.id) return; // an older conversation
    const before = this.conversation;
    this.conversation = { id: s.conversationId, status: s.status, agentName: s.agentName };
    this.agentsOnline = s.agentsOnline;
    this.storage.update({ conversationId: s.conversationId });
    const joined = s.status === 'assigned' && s.agentName && (before?.status !== 'assigned' || before.agentName !== s.agentName);
    if (joined) this.notices.push({ key: `n:${s.conversationId}:${s.agentName}:${this.notices.length}`, text: this.t.agentJoined(s.agentName!), afterId: this.maxId() });
    if (s.status !== 'assigned') this.setAgentTyping(false);
    this.render();
  }

  private onAgentTyping(typing: boolean): void {
    this.setAgentTyping(typing);
    this.render();
  }

  private setAgentTyping(typing: boolean): void {
    this.agentTyping = typing;
    clearTimeout(this.agentTypingTimer);
    // A lost "stopped typing" must not leave the dots on forever.
    if (typing) this.agentTypingTimer = setTimeout(() => this.onAgentTyping(false), 8000);
  }

  // ---- sending ----------------------------------------------------------------------------

  private queue(item: Omit<PendingItem, 'clientId' | 'createdAt' | 'state'>): void {
    // After everything queued so far that this tab knows of: the queue is kept in that order.
    const createdAt = Math.max(Date.now(), ...this.storage.refresh().pending.map((p) => p.createdAt + 1));
    const pending: PendingItem = { clientId: newClientId(), createdAt, state: 'waiting', ...item };
    this.storage.update((s) => ({ pending: [...s.pending, pending] }));
    this.stopVisitorTyping();
    void this.conn.start();
    this.render();
    void this.pump();
  }

  /**
   * Sends what waits, one at a time and in order, while the connection lasts. The queue is every
   * tab's, so one tab at a time sends (a Web Lock; without one, the client ids keep it to once).
   */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    clearTimeout(this.retryTimer);
    try {
      do {
        this.pumpAgain = false;
        const locks = navigator.locks;
        if (locks) await locks.request(`${this.storage.key}:send`, () => this.sendQueued());
        else await this.sendQueued();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private async sendQueued(): Promise<void> {
    while (this.conn.ready && !this.prechatNeeded()) {
      // What any tab queued, sent or removed until now.
      const s = this.storage.refresh();
      if (s.contactQueue) {
        const sent = s.contactQueue;
        const ack = await this.conn.request<ContactAck>('contact', sent);
        if (ack.ok || PERMANENT_ERRORS.includes(ack.error.code)) {
          // Unless a tab queued other details meanwhile.
          this.storage.update((st) => ({ contactQueue: JSON.stringify(st.contactQueue) === JSON.stringify(sent) ? null : st.contactQueue }));
          continue;
        }
        this.retryLater(ack.error.code);
        break;
      }
      const item = s.pending.find((p) => p.state !== 'failed');
      if (!item) break;
      if (!item.buttonId && item.text.length > this.maxLength) {
        // Typed before the server said its limit (or under a larger one): it would be refused.
        this.setPending(item.clientId, { state: 'failed', errorCode: 'too_long' });
        continue;
      }
      this.setPending(item.clientId, { state: 'sending' });
      const payload = item.buttonId ? { clientId: item.clientId, buttonId: item.buttonId, label: item.text } : { clientId: item.clientId, text: item.text };
      const ack = await this.conn.request<SendAck>(item.buttonId ? 'button' : 'message', payload);
      if (ack.ok) {
        this.confirm(item, ack);
        continue;
      }
      if (PERMANENT_ERRORS.includes(ack.error.code)) {
        this.setPending(item.clientId, { state: 'failed', errorCode: ack.error.code });
        continue;
      }
      this.setPending(item.clientId, { state: 'waiting' });
      this.retryLater(ack.error.code);
      break;
    }
  }

  private retryLater(code: string): void {
    const ms = RETRY_MS[code];
    clearTimeout(this.retryTimer);
    // Offline: `ready` starts the pump again.
    if (ms !== undefined) this.retryTimer = setTimeout(() => void this.pump(), ms);
  }

  private setPending(clientId: string, change: Partial<PendingItem>): void {
    this.storage.update((s) => ({ pending: s.pending.map((p) => (p.clientId === clientId ? { ...p, ...change } : p)) }));
    this.render();
  }

  /** Takes messages the server has stored off the queue (no render: the caller does). */
  private dropPending(clientIds: (string | null)[]): void {
    const ids = new Set(clientIds.filter(Boolean));
    if (this.storage.get().pending.some((p) => ids.has(p.clientId))) this.storage.update((s) => ({ pending: s.pending.filter((p) => !ids.has(p.clientId)) }));
  }

  private confirm(item: PendingItem, ack: { id: number; conversationId: number }): void {
    this.messages.set(ack.id, {
      id: ack.id,
      conversationId: ack.conversationId,
      direction: 'in',
      author: { type: 'contact' },
      text: item.text,
      quickReplies: [],
      attachments: [],
      clientId: item.clientId,
      createdAt: item.createdAt,
    });
    if (!this.conversation || ack.conversationId > this.conversation.id) {
      this.conversation = { id: ack.conversationId, status: 'bot', agentName: null };
    }
    const conversationId = this.conversation.id;
    this.storage.update((s) => ({ conversationId, pending: s.pending.filter((p) => p.clientId !== item.clientId) }));
    this.announceNew();
    this.render();
  }

  // ---- visitor actions --------------------------------------------------------------------

  private handlers(): ViewHandlers {
    return {
      toggle: () => this.setOpen(!this.isOpen),
      close: () => this.setOpen(false),
      send: (text) => {
        const trimmed = text.trim();
        if (trimmed) this.queue({ text: trimmed });
      },
      press: (reply) => {
        const rating = /^csat:([1-5])$/.exec(reply.id);
        this.queue({ text: rating ? this.t.ratingSent(Number(rating[1])) : reply.label, buttonId: reply.id });
      },
      typing: () => this.visitorTyping(),
      retry: (clientId) => {
        this.setPending(clientId, { state: 'waiting', errorCode: undefined });
        void this.pump();
      },
      remove: (clientId) => {
        this.storage.update((s) => ({ pending: s.pending.filter((p) => p.clientId !== clientId) }));
        this.render();
      },
      leaveEmail: (email) => {
        if (!this.conversation) return;
        const conversationId = this.conversation.id;
        this.storage.update((s) => ({ contactQueue: { ...s.contactQueue, email }, offlineEmail: { conversationId, email } }));
        this.render();
        void this.pump();
      },
      prechat: (details) => {
        this.storage.update((s) => ({ prechatDone: true, contactQueue: details ? { ...details } : s.contactQueue }));
        this.render();
        this.view.focusPanel();
        void this.pump();
      },
    };
  }

  private visitorTyping(): void {
    const now = Date.now();
    if (now - this.visitorTypingAt > 2000) {
      this.visitorTypingAt = now;
      this.conn.signal('typing', { typing: true });
    }
    clearTimeout(this.visitorIdleTimer);
    this.visitorIdleTimer = setTimeout(() => this.stopVisitorTyping(), 3000);
  }

  private stopVisitorTyping(): void {
    clearTimeout(this.visitorIdleTimer);
    if (this.visitorTypingAt === 0) return;
    this.visitorTypingAt = 0;
    this.conn.signal('typing', { typing: false });
  }

  // ---- derived state ----------------------------------------------------------------------

  private auth(): HandshakeAuth {
    const auth: HandshakeAuth = { language: this.opts.lang };
    // Read now, not at page load: another tab may have become the visitor since.
    const token = this.storage.refresh().token;
    this.sentToken = token;
    if (token) auth.token = token;
    if (this.identity) auth.identity = { ...this.identity };
    return auth;
  }

  private prechatNeeded(): boolean {
    const s = this.storage.get();
    return this.prechatMode !== 'off' && !s.prechatDone && !this.identified && !this.conversation && this.messages.size === 0;
  }

  private maxId(): number {
    let max = 0;
    for (const id of this.messages.keys()) max = Math.max(max, id);
    return max;
  }

  private resetConversation(): void {
    const shown = this.conversation?.id ?? null;
    this.messages.clear();
    this.notices = [];
    this.conversation = null;
    // Only the conversation this tab showed: another tab may have just started one this tab's
    // `ready` did not know of yet.
    if (shown !== null) this.storage.update((s) => (s.conversationId === shown ? { conversationId: null } : {}));
  }

  private unread(): number {
    const seen = this.storage.get().lastSeenId;
    let n = 0;
    for (const m of this.messages.values()) if (m.direction === 'out' && m.id > seen) n++;
    return n;
  }

  private markSeen(): void {
    if (!this.isOpen || document.visibilityState === 'hidden') return;
    const max = this.maxId();
    if (max > this.storage.get().lastSeenId) this.storage.update({ lastSeenId: max });
  }

  /** Another tab changed the shared state: its messages, what was read, maybe the visitor. */
  private readonly onStorage = (before: Persisted): void => {
    const s = this.storage.get();
    // Every tab is the same visitor, so every tab shows one conversation (and gets its replies);
    // a tab that learns of a conversation under way connects, as it would on load.
    if (s.token && s.token !== this.sentToken && !this.identified && this.conn.started) this.conn.reconnect();
    else if (s.token && s.conversationId && !this.conn.started) void this.conn.start();
    this.render();
    // A message another tab just queued: this tab may be the one online. Only new ones: another
    // tab's state changes (sending, waiting again after a refusal) must not start a send here,
    // or two tabs would wake each other out of their back-off.
    const known = new Set(before.pending.map((p) => p.clientId));
    if (s.pending.some((p) => p.state === 'waiting' && !known.has(p.clientId))) void this.pump();
  };

  private readonly onVisibility = (): void => {
    this.markSeen();
    this.render();
  };

  /** Tells the page about messages it has not heard of (live, or caught up after a reconnect). */
  private announceNew(): void {
    const fresh = [...this.messages.values()].filter((m) => m.id > this.announcedFloor && !this.announced.has(m.id)).sort((a, b) => a.id - b.id);
    for (const m of fresh) {
      this.announced.add(m.id);
      this.events.emit('message', { id: m.id, direction: m.direction, author: { ...m.author }, text: m.text, createdAt: m.createdAt });
    }
    if (fresh.length && fresh[fresh.length - 1]!.id > this.storage.get().lastAnnouncedId) {
      this.storage.update({ lastAnnouncedId: fresh[fresh.length - 1]!.id });
    }
  }

  private connectSoon(): void {
    // After the page has loaded and settled: the chat never competes with the shop's own content.
    const go = () => !this.destroyed && void this.conn.start();
    const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    const later = () => (idle ? idle(go, { timeout: 3000 }) : setTimeout(go, 200));
    if (document.readyState === 'complete') later();
    else window.addEventListener('load', later, { once: true });
  }

  private lastUnread = -1;

  private render(): void {
    const state = this.viewState();
    this.view.render(state);
    if (state.unread !== this.lastUnread) {
      this.lastUnread = state.unread;
      this.events.emit('unread', state.unread);
    }
  }

  private viewState(): ViewState {
    const t = this.t;
    const s = this.storage.get();
    const c = this.conversation;
    const entries: Entry[] = [];
    const greetingText = this.opts.greeting ?? this.greeting?.text;
    if (greetingText) {
      entries.push({ kind: 'message', key: 'greeting', id: null, clientId: null, side: 'out', authorType: 'bot', who: t.bot, speaker: t.bot, text: greetingText, time: '', state: 'sent' });
    }
    const sorted = [...this.messages.values()].sort((a, b) => a.id - b.id);
    let lastWho = greetingText ? t.bot : '';
    const notices = [...this.notices];
    const pushNotices = (upTo: number) => {
      while (notices.length && notices[0]!.afterId <= upTo) {
        const n = notices.shift()!;
        entries.push({ kind: 'notice', key: n.key, text: n.text });
        lastWho = '';
      }
    };
    for (const m of sorted) {
      pushNotices(m.id - 1);
      const speaker = this.speaker(m.author);
      entries.push({
        kind: 'message',
        key: m.clientId ? `c:${m.clientId}` : `m:${m.id}`,
        id: m.id,
        clientId: m.clientId,
        side: m.direction,
        authorType: m.author.type,
        who: speaker !== lastWho && m.direction === 'out' ? speaker : null,
        speaker,
        text: m.text,
        time: new Date(m.createdAt).toLocaleTimeString(this.opts.lang, { hour: '2-digit', minute: '2-digit' }),
        state: 'sent',
      });
      lastWho = m.direction === 'out' ? speaker : '';
    }
    pushNotices(Number.MAX_SAFE_INTEGER);
    for (const p of s.pending) {
      entries.push({
        kind: 'message',
        key: `c:${p.clientId}`,
        id: null,
        clientId: p.clientId,
        side: 'in',
        authorType: 'contact',
        who: null,
        speaker: t.you,
        text: p.text,
        time: '',
        state: p.state,
        error: p.errorCode === 'too_long' ? t.tooLong(this.maxLength) : p.errorCode ? (t.errors[p.errorCode] ?? p.errorCode) : undefined,
      });
    }

    const last = sorted[sorted.length - 1];
    let replies: ViewState['replies'] = null;
    if (!s.pending.length) {
      const items = last ? (last.direction === 'out' ? last.quickReplies : []) : (this.greeting?.quickReplies ?? []);
      if (items.length) replies = { kind: items.every((q) => q.id.startsWith('csat:')) ? 'rating' : 'chips', items };
    }

    const state = this.conn.state;
    let banner: string | null = null;
    if (state === 'refused') banner = t.unavailable;
    else if (state === 'offline') banner = t.noConnection;
    else if ((state === 'connecting' || state === 'loading') && this.showConnecting) banner = t.connecting;

    const offline = c?.status === 'queued' && !this.agentsOnline;
    return {
      open: s.open,
      unread: this.unread(),
      title: this.opts.title ?? t.title,
      subtitle: state === 'refused' ? t.unavailableShort : this.subtitle(),
      banner,
      entries,
      replies,
      typing: this.agentTyping ? t.typing(c?.agentName ?? null) : null,
      offline: offline && c ? { hours: this.workingHours, savedEmail: s.offlineEmail?.conversationId === c.id ? s.offlineEmail.email : null } : null,
      prechat: this.prechatNeeded() ? { required: this.prechatMode === 'required' } : null,
      maxLength: this.maxLength,
    };
  }

  private speaker(author: WireMessage['author']): string {
    const t = this.t;
    if (author.type === 'contact') return t.you;
    if (author.type === 'agent') return author.name ?? t.agent;
    return author.type === 'bot' ? t.bot : t.system;
  }

  private subtitle(): string {
    const c = this.conversation;
    const t = this.t;
    if (!c) return t.subtitleBot;
    if (c.status === 'assigned') return t.subtitleAssigned(c.agentName ?? t.agent);
    if (c.status === 'queued') return this.agentsOnline ? t.subtitleQueued : t.subtitleOffline;
    if (c.status === 'resolved' || c.status === 'closed') return t.subtitleResolved;
    return t.subtitleBot;
  }
}
