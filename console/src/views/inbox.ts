/**
 * The inbox page: views (queue, mine, snoozed, all, resolved) with counts, filters, message
 * search, the conversation list, and the open conversation beside it. Lists follow live pushes.
 */
import { get, query } from '../api.js';
import { h, replace, select } from '../dom.js';
import { channelLabel, contactName, duration, fullTime, initial, PRIORITY_LABELS, STATUS_LABELS, when } from '../format.js';
import { filterQuery, inView, passes, sortFor, VIEWS, type Filters, type ViewName } from '../inbox-model.js';
import { seen, showError } from '../notify.js';
import { isUnread, markRead } from '../read-state.js';
import { agentName, app, teamName } from '../state.js';
import type { ConversationView, SearchHit, Status } from '../types.js';
import { ConversationPane } from './conversation.js';
import { slaBadge } from './sla-badge.js';

interface InboxState {
  view: ViewName;
  filters: Filters;
  selectedId: number | null;
  /** Search mode: the query and its hits; null shows the view's list. */
  search: { q: string; hits: SearchHit[] } | null;
}

/** `#mine/12` → view mine, conversation 12. */
function readHash(): { view: ViewName; id: number | null } {
  const [view, id] = location.hash.replace(/^#/, '').split('/');
  return { view: VIEWS.some((v) => v.name === view) ? (view as ViewName) : 'queue', id: id && /^\d+$/.test(id) ? Number(id) : null };
}

export function inboxPage(container: HTMLElement): () => void {
  const initial_ = readHash();
  const state: InboxState = { view: initial_.view, filters: {}, selectedId: initial_.id, search: null };
  const disposers: (() => void)[] = [];

  const viewButtons = new Map<ViewName, { el: HTMLButtonElement; count: HTMLElement }>();
  const viewNav = h(
    'nav',
    { class: 'views', 'aria-label': 'Inbox views' },
    VIEWS.map((v) => {
      const count = h('span', { class: 'count' });
      const el = h('button', { type: 'button', title: v.hint, dataset: { view: v.name }, onclick: () => setView(v.name) }, h('span', null, v.label), count);
      viewButtons.set(v.name, { el, count });
      return el;
    }),
  );
  const filtersEl = h('div', { class: 'filters' });
  const searchInput = h('input', {
    type: 'search',
    placeholder: 'Search all messages…',
    'aria-label': 'Search messages',
    dataset: { testid: 'search-input' },
    onkeydown: (e: KeyboardEvent) => {
      if (e.key === 'Enter') void runSearch(searchInput.value);
      if (e.key === 'Escape') clearSearch();
    },
    onsearch: () => !searchInput.value && clearSearch(),
  });
  const listTitle = h('h2', { class: 'list-title' });
  const listEl = h('ul', { class: 'conversation-list', dataset: { testid: 'conversation-list' }, 'aria-label': 'Conversations', onkeydown: listKeys });
  const paneEl = h('section', { class: 'pane', 'aria-label': 'Conversation' });
  const contactEl = h('aside', { class: 'contact-panel', 'aria-label': 'Customer' });
  const pane = new ConversationPane(paneEl, contactEl, (id) => select_(id));

  replace(
    container,
    h(
      'div',
      { class: 'inbox' },
      h('aside', { class: 'sidebar' }, viewNav, h('h3', null, 'Filters'), filtersEl),
      h('section', { class: 'list' }, h('div', { class: 'list-head' }, searchInput, listTitle), listEl),
      paneEl,
      contactEl,
    ),
  );

  function renderFilters(): void {
    const f = state.filters;
    const set = (key: keyof Filters) => (e: Event) => {
      const value = (e.target as HTMLSelectElement).value;
      if (value) (f as Record<string, string>)[key] = value;
      else delete f[key];
      void load();
    };
    const none = (label: string): [string, string] => ['', label];
    replace(
      filtersEl,
      select({ 'aria-label': 'Channel', dataset: { filter: 'channel' }, onchange: set('channel') }, [none('Any channel'), ...app.meta.channels.map((c): [string, string] => [c, channelLabel(c)])], f.channel ?? ''),
      select(
        { 'aria-label': 'Status', dataset: { filter: 'status' }, onchange: set('status') },
        [none('Any status'), ...(Object.keys(STATUS_LABELS) as Status[]).map((s): [string, string] => [s, STATUS_LABELS[s]])],
        f.status ?? '',
      ),
      select(
        { 'aria-label': 'Team', dataset: { filter: 'team' }, onchange: set('teamId') },
        [none('Any team'), ['none', 'No team'], ...[...app.teams.values()].map((t): [string, string] => [String(t.id), t.name])],
        f.teamId ?? '',
      ),
      select(
        { 'aria-label': 'Agent', dataset: { filter: 'agent' }, onchange: set('agentId') },
        [none('Any agent'), ['none', 'Unassigned'], ...[...app.agents.values()].map((a): [string, string] => [String(a.id), a.id === app.me!.id ? `${a.name} (you)` : a.name])],
        f.agentId ?? '',
      ),
      select({ 'aria-label': 'Topic', dataset: { filter: 'topic' }, onchange: set('topic') }, [none('Any topic'), ...app.meta.topics.map((t): [string, string] => [t, t])], f.topic ?? ''),
      select({ 'aria-label': 'Tag', dataset: { filter: 'tag' }, onchange: set('tag') }, [none('Any tag'), ...app.meta.tags.map((t): [string, string] => [t.tag, `${t.tag} (${t.count})`])], f.tag ?? ''),
      select(
        { 'aria-label': 'Priority', dataset: { filter: 'priority' }, onchange: set('priority') },
        [none('Any priority'), ...app.meta.priorities.map((p): [string, string] => [p, PRIORITY_LABELS[p]])],
        f.priority ?? '',
      ),
      Object.keys(f).length ? h('button', { type: 'button', class: 'link', onclick: () => ((state.filters = {}), void load()) }, 'Clear filters') : null,
    );
  }

  function renderCounts(): void {
    const c = app.counts;
    const counts: Partial<Record<ViewName, number>> = { queue: c.queue, mine: c.mine, snoozed: c.snoozed, all: c.all };
    for (const [name, { el, count }] of viewButtons) {
      el.classList.toggle('active', name === state.view && !state.search);
      el.setAttribute('aria-current', name === state.view && !state.search ? 'page' : 'false');
      count.textContent = counts[name] ? String(counts[name]) : '';
    }
  }

  /** Loads the view's conversations from the server into the shared cache. */
  async function load(): Promise<void> {
    renderFilters();
    try {
      const q = filterQuery(state.filters);
      const lists = await Promise.all(
        (state.view === 'queue' ? ['queue', 'bot'] : [state.view]).map((view) =>
          get<{ conversations: ConversationView[] }>(`/api/console/inbox${query({ view, ...q })}`),
        ),
      );
      for (const list of lists) for (const c of list.conversations) app.conversations.set(c.id, c);
    } catch (err) {
      showError(err);
    }
    render();
  }

  function visible(): { waiting: ConversationView[]; bot: ConversationView[] } {
    const now = Date.now();
    const all = [...app.conversations.values()].filter(
      (c) => (inView(c, state.view, app.me!.id, now) && passes(c, state.filters)) || c.id === state.selectedId,
    );
    const sorted = sortFor(state.view, all);
    if (state.view !== 'queue') return { waiting: sorted, bot: [] };
    return {
      waiting: sorted.filter((c) => c.status !== 'bot'),
      bot: sortFor('all', sorted.filter((c) => c.status === 'bot')),
    };
  }

  function item(c: ConversationView, now: number): HTMLElement {
    const name = contactName(c.contact);
    const waiting = c.status === 'queued' && c.queuedAt !== null;
    const snoozed = c.snoozedUntil !== null && c.snoozedUntil > now;
    const unread = c.id !== state.selectedId && isUnread(c, app.me!.id);
    return h(
      'li',
      {
        class: `conversation-item${c.id === state.selectedId ? ' selected' : ''}${unread ? ' unread' : ''} priority-${c.priority}`,
        tabindex: 0,
        role: 'button',
        'aria-label': `${name}, ${STATUS_LABELS[c.status]}${unread ? ', new message' : ''}`,
        dataset: { conversationId: c.id, status: c.status },
        onclick: () => select_(c.id),
      },
      h('span', { class: `avatar ch-${c.channel}`, 'aria-hidden': 'true' }, initial(name)),
      h(
        'div',
        { class: 'item-body' },
        h(
          'div',
          { class: 'item-top' },
          h('strong', { class: 'name' }, name),
          unread && h('span', { class: 'unread-dot', title: 'New message from the customer' }),
          waiting
            ? h('span', { class: 'wait', title: `In the queue since ${fullTime(c.queuedAt!)}`, dataset: { since: c.queuedAt! } }, `waiting ${duration(now - c.queuedAt!)}`)
            : h('time', { class: 'time', title: fullTime(c.lastMessageAt) }, when(c.lastMessageAt, now)),
        ),
        h('div', { class: 'preview' }, c.lastMessage ? `${c.lastMessage.authorType === 'agent' ? 'Agent: ' : c.lastMessage.authorType === 'bot' ? 'Bot: ' : ''}${c.lastMessage.text}` : '—'),
        h(
          'div',
          { class: 'item-meta' },
          // The channel sits here rather than beside the name, which keeps the room to show it whole.
          h('span', { class: `badge ch-${c.channel}` }, channelLabel(c.channel)),
          slaBadge(c),
          c.priority !== 'normal' && h('span', { class: `pill priority ${c.priority}` }, PRIORITY_LABELS[c.priority]),
          c.status === 'assigned' && h('span', { class: 'pill' }, agentName(c.assignedAgentId)),
          c.teamId !== null && h('span', { class: 'pill' }, teamName(c.teamId)),
          snoozed && h('span', { class: 'pill snoozed' }, `until ${when(c.snoozedUntil!, now)}`),
          c.status === 'resolved' || c.status === 'closed' ? h('span', { class: 'pill' }, STATUS_LABELS[c.status]) : null,
          ...c.tags.map((t) => h('span', { class: 'tag' }, t)),
        ),
      ),
    );
  }

  let frame = 0;
  /** Re-renders on the next frame (many pushes in a burst cost one render). */
  function render(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderNow();
    });
  }

  function renderNow(): void {
    renderCounts();
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.conversationId;
    const now = Date.now();
    if (state.search) {
      listTitle.textContent = `${state.search.hits.length} message${state.search.hits.length === 1 ? '' : 's'} found for “${state.search.q}”`;
      replace(listEl, state.search.hits.length ? state.search.hits.map((hit) => hitItem(hit, now)) : h('li', { class: 'empty' }, 'No message matches. Try fewer or shorter words.'));
      return;
    }
    const { waiting, bot } = visible();
    const view = VIEWS.find((v) => v.name === state.view)!;
    listTitle.textContent = view.hint;
    const empty = {
      queue: 'Nobody is waiting. Nice!',
      mine: 'Nothing assigned to you. Take one from the queue.',
      snoozed: 'No snoozed conversations.',
      all: 'No open conversations.',
      resolved: 'Nothing resolved yet.',
    }[state.view];
    replace(
      listEl,
      waiting.length ? waiting.map((c) => item(c, now)) : h('li', { class: 'empty' }, empty),
      bot.length ? [h('li', { class: 'section' }, `With the bot (${bot.length})`), ...bot.map((c) => item(c, now))] : null,
    );
    if (focusedId) (listEl.querySelector(`[data-conversation-id="${focusedId}"]`) as HTMLElement | null)?.focus();
  }

  function hitItem(hit: SearchHit, now: number): HTMLElement {
    const c = hit.conversation;
    const name = c ? contactName(c.contact) : `Conversation ${hit.conversationId}`;
    return h(
      'li',
      {
        class: `conversation-item hit${hit.conversationId === state.selectedId ? ' selected' : ''}`,
        tabindex: 0,
        role: 'button',
        dataset: { conversationId: hit.conversationId, status: c?.status ?? '', messageId: hit.messageId, testid: 'search-hit' },
        onclick: () => select_(hit.conversationId, hit.messageId),
      },
      h('span', { class: `avatar ch-${hit.channel}`, 'aria-hidden': 'true' }, initial(name)),
      h(
        'div',
        { class: 'item-body' },
        h(
          'div',
          { class: 'item-top' },
          h('strong', { class: 'name' }, name),
          h('span', { class: `badge ch-${hit.channel}` }, channelLabel(hit.channel)),
          h('time', { class: 'time', title: fullTime(hit.createdAt) }, when(hit.createdAt, now)),
        ),
        h(
          'div',
          { class: 'snippet' },
          hit.private && h('span', { class: 'pill note' }, 'Note'),
          ...hit.snippet.map((s) => (s.match ? h('mark', null, s.text) : s.text)),
        ),
      ),
    );
  }

  async function runSearch(q: string): Promise<void> {
    if (!q.trim()) return clearSearch();
    try {
      const res = await get<{ hits: SearchHit[] }>(`/api/console/search${query({ q })}`);
      state.search = { q, hits: res.hits };
    } catch (err) {
      showError(err);
    }
    render();
  }

  function clearSearch(): void {
    searchInput.value = '';
    state.search = null;
    render();
  }

  function setView(view: ViewName): void {
    state.view = view;
    state.search = null;
    searchInput.value = '';
    history.replaceState(null, '', `#${view}${state.selectedId ? `/${state.selectedId}` : ''}`);
    void load();
  }

  function select_(id: number, messageId?: number): void {
    state.selectedId = id;
    history.replaceState(null, '', `#${state.view}/${id}`);
    seen(id);
    readNow(id);
    render();
    void pane.open(id, messageId).then(() => (readNow(id), render()));
  }

  /** The open conversation's messages so far count as read. */
  function readNow(id: number): void {
    const c = app.conversations.get(id);
    if (c && id === state.selectedId) markRead(c, app.me!.id);
  }

  /** Arrow keys (or j/k) move through the list; Enter opens. */
  function listKeys(e: KeyboardEvent): void {
    const items = [...listEl.querySelectorAll<HTMLElement>('[data-conversation-id]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Enter' && at >= 0) {
      e.preventDefault();
      items[at]!.click();
    } else if (e.key === 'ArrowDown' || e.key === 'j') {
      e.preventDefault();
      items[Math.min(at + 1, items.length - 1)]?.focus();
    } else if (e.key === 'ArrowUp' || e.key === 'k') {
      e.preventDefault();
      items[Math.max(at - 1, 0)]?.focus();
    }
  }

  // Wait times tick without a reload.
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const el of listEl.querySelectorAll<HTMLElement>('.wait[data-since]')) el.textContent = `waiting ${duration(now - Number(el.dataset.since))}`;
  }, 15_000);
  // "/" jumps to search from anywhere outside a text field.
  const onKey = (e: KeyboardEvent) => {
    const typing = (e.target as HTMLElement).closest('input, textarea, select, [contenteditable]');
    if (!typing && e.key === '/' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      searchInput.focus();
    }
  };
  document.addEventListener('keydown', onKey);

  disposers.push(
    app.events.on('conversation', (c) => (readNow(c.id), render())),
    app.events.on('counts', () => renderCounts()),
    app.events.on('agents', () => (renderFilters(), render())),
    app.events.on('resync', () => {
      void load();
      if (state.search) void runSearch(state.search.q);
    }),
    () => clearInterval(ticker),
    () => document.removeEventListener('keydown', onKey),
    () => pane.destroy(),
  );

  void load().then(() => {
    if (state.selectedId !== null) select_(state.selectedId);
  });
  return () => disposers.forEach((d) => d());
}
