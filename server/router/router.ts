/**
 * The conversation router: every customer message and every agent action goes through here.
 * Lifecycle: bot → queued → assigned → resolved → closed (and reopen). Each transition appends
 * an event in the same transaction as the change.
 * @module
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import type { ChannelName, InboundMessage, QuickReply, ReceiveResult } from '../channels/contract.js';
import { toLanguage } from '../channels/contract.js';
import type { Config } from '../config/config.js';
import { isHumanRequest } from '../kb/human-request.js';
import { detectLanguage } from '../kb/matcher/text.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { KbEntry, Language } from '../kb/types.js';
import type { Agent, Conversation, ConversationStatus, Message, Store } from '../store/types.js';
import type { ConversationPatch } from '../store/types.js';
import { Buttons, texts } from './texts.js';

export interface Presence {
  /** Agents with a live console connection. */
  onlineAgentIds(): number[];
}

export interface RouterDeps {
  store: Store;
  kb: KnowledgeBase;
  bus: Bus;
  presence: Presence;
  config: Pick<Config, 'maxMessageLength' | 'escalateAfterMisses' | 'workingHours'>;
  log: Logger;
  /** Wakes the outbox worker after something was queued. */
  wakeOutbox(): void;
  /** Routing (server/routing): classifies and assigns a conversation that was just queued. */
  escalation?: EscalationHook;
  /** The working hours in words for the offline notice (default: config.workingHours). */
  workingHours?: (language: Language) => Promise<string>;
  now?: () => number;
}

/** Called after a hand-off; may return what to tell the customer instead of the default text. */
export interface EscalationHook {
  queued(conversation: Conversation, language: Language): Promise<string | null>;
}

/** A refusal with a stable code, sent back to the client that asked. */
export class RouterError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'forbidden' | 'invalid' | 'too_long',
    message: string,
  ) {
    super(message);
    this.name = 'RouterError';
  }
}

const OPEN: ConversationStatus[] = ['bot', 'queued', 'assigned'];
/** Longest snooze an agent may set. */
const MAX_SNOOZE_MS = 90 * 24 * 3600_000;

export class ConversationRouter {
  private readonly now: () => number;

  constructor(private readonly deps: RouterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Intake: store (idempotently), then classify and let the bot act. */
  async receive(inbound: InboundMessage): Promise<ReceiveResult> {
    const { store, bus } = this.deps;
    const text = inbound.text ?? '';
    if (text.length > this.deps.config.maxMessageLength) {
      throw new RouterError('too_long', `A message may be at most ${this.deps.config.maxMessageLength} characters long.`);
    }
    const isRating = inbound.buttonId?.startsWith('csat:') ?? false;
    const intake = await store.intake({
      channel: inbound.channel,
      externalChatId: inbound.externalChatId,
      externalUserId: inbound.externalUserId,
      externalMessageId: inbound.externalMessageId,
      clientId: inbound.clientId,
      text,
      attachments: inbound.attachments,
      buttonId: inbound.buttonId,
      profile: inbound.profile && { ...inbound.profile, language: toLanguage(inbound.profile.language) ?? inbound.profile.language },
      at: this.now(),
      attachToLatest: isRating,
    });
    const result = { messageId: intake.message.id, conversationId: intake.conversation.id, duplicate: intake.duplicate };
    if (intake.duplicate) {
      // Stored before a crash that came ahead of the bot's step: the redelivery finishes it.
      await this.finishBotStep(intake.message, inbound);
      return result;
    }

    const conversation = intake.conversation;
    if (intake.opened) bus.emit('conversation', conversation);
    bus.emit('message', conversation, intake.message);
    this.acting.add(intake.message.id);
    try {
      await this.botStep(conversation, intake.message, inbound);
    } finally {
      this.acting.delete(intake.message.id);
    }
    return result;
  }

  /**
   * After a crash between storing a customer's message and the bot's step (the message was already
   * acknowledged, so no client sends it again): lets the bot act on the newest message of every
   * bot conversation that has no answer yet. Runs at start; returns how many it finished.
   */
  async resumePendingBotSteps(maxAgeMs = 24 * 3600_000): Promise<number> {
    const { store } = this.deps;
    let finished = 0;
    for (const c of await store.listConversations({ statuses: ['bot'], limit: 5000 })) {
      const last = await store.lastMessage(c.id);
      if (!last || last.direction !== 'in' || this.now() - last.createdAt > maxAgeMs) continue;
      const inbound: InboundMessage = {
        channel: c.channel,
        externalChatId: c.externalChatId,
        externalUserId: c.externalUserId,
        externalMessageId: last.externalId ?? `resume-${last.id}`,
        text: last.text,
        attachments: last.attachments ?? undefined,
        buttonId: last.buttonId ?? undefined,
      };
      if (await this.finishBotStep(last, inbound)) finished++;
    }
    if (finished) this.deps.log.info({ finished }, 'answered messages stored before a restart');
    return finished;
  }

  /** Message ids whose bot step runs now (a redelivery meanwhile must not start a second one). */
  private readonly acting = new Set<number>();

  /** Runs the bot's step for a stored message if it never ran: still with the bot, and nothing after it. */
  private async finishBotStep(message: Message, inbound: InboundMessage): Promise<boolean> {
    if (message.direction !== 'in' || this.acting.has(message.id)) return false;
    this.acting.add(message.id); // before any await: a concurrent redelivery sees it
    try {
      const conversation = await this.deps.store.getConversation(message.conversationId);
      const last = conversation?.status === 'bot' ? await this.deps.store.lastMessage(conversation.id) : null;
      if (!conversation || last?.id !== message.id) return false;
      await this.botStep(conversation, message, inbound);
      return true;
    } finally {
      this.acting.delete(message.id);
    }
  }

  /** Classifies and lets the bot act; a failing step hands the conversation to a person (the message is stored). */
  private async botStep(conversation: Conversation, message: Message, inbound: InboundMessage): Promise<void> {
    if (inbound.storeOnly) return; // stored and shown to agents; the bot answers the whole message once
    try {
      await this.act(conversation, message, inbound);
    } catch (err) {
      this.deps.log.error({ err, conversationId: conversation.id }, 'bot step failed; escalating');
      conversation = (await this.deps.store.getConversation(conversation.id)) ?? conversation;
      if (conversation.status === 'bot') await this.escalate(conversation, 'bot_error');
    }
  }

  private async act(conversation: Conversation, message: Message, inbound: InboundMessage): Promise<void> {
    const language = this.languageOf(conversation, message.text, inbound);
    if (conversation.language !== language && conversation.status === 'bot') {
      conversation = (await this.deps.store.updateConversation(conversation.id, { language }, null)) ?? conversation;
    }
    const button = inbound.buttonId;
    if (button?.startsWith('csat:')) return this.rate(conversation, Number(button.slice(5)), language);
    if (conversation.status !== 'bot') return; // a person handles it: agents already see the message.

    if (button === Buttons.human || button === Buttons.helpfulNo) {
      return this.escalate(conversation, button === Buttons.human ? 'customer_request' : 'not_helpful');
    }
    if (button === Buttons.helpfulYes) return this.resolveByBot(conversation, language);
    if (button === Buttons.start) {
      const greeting = this.greeting(language);
      await this.sendBot(conversation, greeting.text, greeting.quickReplies);
      return;
    }
    if (button?.startsWith('topic:')) return this.offerTopic(conversation, button.slice(6), language);
    if (button?.startsWith('kb:')) {
      const entry = this.deps.kb.get(button.slice(3));
      if (entry) return this.answer(conversation, entry, language, 1, 'button');
    }
    if (isHumanRequest(message.text)) return this.escalate(conversation, 'customer_request');
    if (!message.text.trim()) {
      // An attachment with no words: a person should look at it.
      return this.escalate(conversation, 'attachment');
    }

    const started = performance.now();
    const match = this.deps.kb.match(message.text);
    const matchMs = performance.now() - started;
    this.deps.bus.emit('match', { ms: matchMs, decision: match.decision });
    const top = match.ranked[0];
    if (match.decision === 'answer' && top) {
      const entry = this.deps.kb.get(top.entryId);
      if (entry) return this.answer(conversation, entry, language, match.confidence, 'match', matchMs);
    }
    await this.deps.store.recordMiss({
      conversationId: conversation.id,
      messageId: message.id,
      text: message.text,
      language,
      bestEntryId: top?.entryId ?? null,
      bestConfidence: top?.confidence ?? null,
      createdAt: this.now(),
    });
    if (match.decision === 'suggest') {
      const t = texts[language];
      const quickReplies: QuickReply[] = [];
      for (const candidate of match.ranked.slice(0, 3)) {
        const entry = this.deps.kb.get(candidate.entryId);
        if (entry) quickReplies.push({ id: Buttons.kb(entry.id), label: truncate(this.deps.kb.questionText(entry, language), 60) });
      }
      quickReplies.push({ id: Buttons.human, label: t.talkToHuman });
      await this.deps.store.appendEvent(
        { conversationId: conversation.id, type: 'bot_suggested', actor: 'bot', data: { entries: match.ranked.slice(0, 3).map((c) => c.entryId) } },
        this.now(),
      );
      await this.sendBot(conversation, t.suggest, quickReplies);
      return;
    }
    const misses = conversation.botMisses + 1;
    const updated = await this.deps.store.updateConversation(
      conversation.id,
      { botMisses: misses },
      { conversationId: conversation.id, type: 'bot_missed', actor: 'bot', data: { misses, confidence: match.confidence } },
    );
    if (misses >= this.deps.config.escalateAfterMisses) return this.escalate(updated ?? conversation, 'kb_miss');
    const t = texts[language];
    await this.sendBot(conversation, t.notUnderstood, [{ id: Buttons.human, label: t.talkToHuman }]);
  }

  /** The greeting with the main FAQ topics as buttons (Telegram /start, the widget's first open). */
  greeting(language: Language, maxTopics = 6): { text: string; quickReplies: QuickReply[] } {
    const t = texts[language];
    const counts = new Map<string, number>();
    for (const entry of this.deps.kb.list()) if (entry.topic) counts.set(entry.topic, (counts.get(entry.topic) ?? 0) + 1);
    const topics = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, maxTopics).map(([topic]) => topic);
    return {
      text: t.greeting,
      quickReplies: [
        ...topics.map((topic) => ({ id: Buttons.topic(topic), label: t.topics[topic] ?? topic[0]!.toUpperCase() + topic.slice(1) })),
        { id: Buttons.human, label: t.talkToHuman },
      ],
    };
  }

  private async offerTopic(conversation: Conversation, topic: string, language: Language): Promise<void> {
    const t = texts[language];
    const entries = this.deps.kb.list().filter((e) => e.topic === topic).slice(0, 5);
    const quickReplies: QuickReply[] = entries.map((entry) => ({
      id: Buttons.kb(entry.id),
      label: truncate(this.deps.kb.questionText(entry, language), 60),
    }));
    quickReplies.push({ id: Buttons.human, label: t.talkToHuman });
    await this.sendBot(conversation, entries.length ? t.topicIntro : t.notUnderstood, quickReplies);
  }

  private languageOf(conversation: Conversation, text: string, inbound: InboundMessage): Language {
    const known = toLanguage(conversation.language ?? undefined) ?? toLanguage(inbound.profile?.language);
    // A customer whose app speaks neither (de, fr...) reads English better than Russian.
    const fallback = known ?? (conversation.language || inbound.profile?.language ? 'en' : 'ru');
    if (inbound.buttonId || !/\p{L}/u.test(text)) return fallback;
    return detectLanguage(text, fallback);
  }

  private async answer(
    conversation: Conversation,
    entry: KbEntry,
    language: Language,
    confidence: number,
    via: 'match' | 'button',
    matchMs?: number,
  ): Promise<void> {
    const t = texts[language];
    await this.deps.store.updateConversation(
      conversation.id,
      { topic: entry.topic ?? conversation.topic, botMisses: 0 },
      { conversationId: conversation.id, type: 'bot_answered', actor: 'bot', data: { entryId: entry.id, confidence, via, matchMs } },
    );
    const answer = this.deps.kb.answerText(entry, language);
    await this.sendBot(conversation, `${answer}\n\n${t.helpfulQuestion}`, [
      { id: Buttons.helpfulYes, label: t.helpfulYes },
      { id: Buttons.helpfulNo, label: t.helpfulNo },
    ]);
  }

  private async resolveByBot(conversation: Conversation, language: Language): Promise<void> {
    const now = this.now();
    const updated = await this.deps.store.updateConversation(
      conversation.id,
      { status: 'closed', resolvedAt: now, closedAt: now },
      { conversationId: conversation.id, type: 'resolved', actor: 'bot', data: { by: 'bot' } },
      ['bot'],
    );
    if (!updated) return;
    await this.sendBot(updated, texts[language].gladToHelp);
    this.deps.bus.emit('conversation', updated);
  }

  /** Hands the conversation to people: it joins the queue, and the customer is told what happens next. */
  async escalate(conversation: Conversation, reason: string): Promise<void> {
    const updated = await this.deps.store.updateConversation(
      conversation.id,
      { status: 'queued', queuedAt: this.now() },
      { conversationId: conversation.id, type: 'escalated', actor: reason === 'agent' ? 'agent' : 'bot', data: { reason } },
      ['bot'],
    );
    if (!updated) return;
    const language = replyLanguage(updated);
    const t = texts[language];
    this.deps.bus.emit('conversation', updated);
    // Routing assigns it now if it can; outside business hours it says when people are back.
    const notice = await this.escalationNotice(updated, language);
    const online = this.deps.presence.onlineAgentIds().length > 0;
    await this.sendBot(updated, notice ?? (online ? t.escalatedOnline : t.escalatedOffline(await this.workingHours(language))));
  }

  private async workingHours(language: Language): Promise<string> {
    try {
      if (this.deps.workingHours) return await this.deps.workingHours(language);
    } catch (err) {
      this.deps.log.warn({ err }, 'working hours text not available');
    }
    return this.deps.config.workingHours;
  }

  private async escalationNotice(conversation: Conversation, language: Language): Promise<string | null> {
    if (!this.deps.escalation) return null;
    try {
      return await this.deps.escalation.queued(conversation, language);
    } catch (err) {
      // The conversation is queued either way; a routing failure must not lose the hand-off.
      this.deps.log.error({ err, conversationId: conversation.id }, 'routing after hand-off failed');
      return null;
    }
  }

  private async rate(conversation: Conversation, rating: number, language: Language): Promise<void> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) return;
    if (conversation.status !== 'resolved' && conversation.status !== 'closed') return;
    const now = this.now();
    const recorded = await this.deps.store.recordCsat(conversation.id, rating, now);
    if (!recorded) return; // rated already: the first rating counts.
    const updated = await this.deps.store.updateConversation(
      conversation.id,
      conversation.status === 'resolved' ? { status: 'closed', closedAt: now } : {},
      { conversationId: conversation.id, type: 'csat', actor: 'contact', data: { rating } },
    );
    await this.sendBot(updated ?? conversation, texts[language].ratingThanks);
    if (updated) this.deps.bus.emit('conversation', updated);
  }

  private async sendBot(conversation: Conversation, text: string, quickReplies?: QuickReply[]): Promise<Message> {
    return this.deliver(conversation, { authorType: 'bot', text, quickReplies });
  }

  private async deliver(
    conversation: Conversation,
    m: { authorType: 'bot' | 'agent' | 'system'; text: string; quickReplies?: QuickReply[]; agentId?: number; clientId?: string },
  ): Promise<Message> {
    const { message, duplicate } = await this.deps.store.addMessage(
      { conversationId: conversation.id, direction: 'out', at: this.now(), ...m },
      true,
    );
    if (!duplicate) {
      this.deps.bus.emit('message', conversation, message);
      this.deps.wakeOutbox();
    }
    return message;
  }

  // ---- agent actions -------------------------------------------------------------------------

  private async conversationFor(id: number): Promise<Conversation> {
    const conversation = Number.isInteger(id) ? await this.deps.store.getConversation(id) : null;
    if (!conversation) throw new RouterError('not_found', `Conversation ${id} does not exist.`);
    return conversation;
  }

  /** An agent takes a queued conversation (or one still with the bot). */
  async claim(agent: Agent, conversationId: number): Promise<Conversation> {
    const conversation = await this.conversationFor(conversationId);
    if (conversation.status === 'assigned' && conversation.assignedAgentId === agent.id) return conversation;
    const updated = await this.deps.store.updateConversation(
      conversationId,
      { status: 'assigned', assignedAgentId: agent.id, queuedAt: conversation.queuedAt ?? this.now() },
      { conversationId, type: 'assigned', actor: `agent:${agent.id}`, data: { agentId: agent.id, by: 'claim' } },
      ['bot', 'queued'],
    );
    if (!updated) throw new RouterError('conflict', `Conversation ${conversationId} is ${conversation.status}; it cannot be claimed.`);
    this.deps.bus.emit('conversation', updated);
    return updated;
  }

  /** An agent's reply: stored, then delivered through the outbox. A repeated clientId is not sent twice. */
  async reply(agent: Agent, conversationId: number, text: string, clientId?: string): Promise<Message> {
    this.checkText(text);
    let conversation = await this.conversationFor(conversationId);
    if (conversation.status === 'closed') {
      throw new RouterError('conflict', `Conversation ${conversationId} is closed; reopen it to reply.`);
    }
    if (conversation.status === 'bot' || conversation.status === 'queued') {
      conversation = await this.claim(agent, conversationId);
    } else if (conversation.assignedAgentId !== agent.id && agent.role !== 'admin') {
      throw new RouterError('forbidden', `Conversation ${conversationId} is assigned to another agent.`);
    }
    const message = await this.deliver(conversation, { authorType: 'agent', agentId: agent.id, text, clientId });
    if (conversation.firstResponseAt === null) {
      const updated = await this.deps.store.updateConversation(
        conversationId,
        { firstResponseAt: message.createdAt },
        { conversationId, type: 'first_response', actor: `agent:${agent.id}`, data: { agentId: agent.id } },
      );
      if (updated) this.deps.bus.emit('conversation', updated);
    }
    return message;
  }

  /** A private note: agents see it, the customer never does. */
  async note(agent: Agent, conversationId: number, text: string, clientId?: string): Promise<Message> {
    this.checkText(text);
    const conversation = await this.conversationFor(conversationId);
    const { message, duplicate } = await this.deps.store.addMessage(
      { conversationId, direction: 'internal', authorType: 'agent', agentId: agent.id, text, clientId, at: this.now() },
      false,
    );
    if (!duplicate) this.deps.bus.emit('message', conversation, message);
    return message;
  }

  /** Resolves and asks the customer for a 1–5 rating. */
  async resolve(agent: Agent, conversationId: number): Promise<Conversation> {
    const conversation = await this.conversationFor(conversationId);
    if (conversation.status !== 'bot' && conversation.assignedAgentId !== agent.id && conversation.assignedAgentId !== null && agent.role !== 'admin') {
      throw new RouterError('forbidden', `Conversation ${conversationId} is assigned to another agent.`);
    }
    const updated = await this.deps.store.updateConversation(
      conversationId,
      { status: 'resolved', resolvedAt: this.now() },
      { conversationId, type: 'resolved', actor: `agent:${agent.id}`, data: { by: 'agent', agentId: agent.id } },
      OPEN,
    );
    if (!updated) throw new RouterError('conflict', `Conversation ${conversationId} is ${conversation.status}; it cannot be resolved.`);
    const t = texts[replyLanguage(updated)];
    await this.deliver(updated, {
      authorType: 'system',
      text: `${t.resolvedByAgent}\n\n${t.ratingQuestion}`,
      quickReplies: [1, 2, 3, 4, 5].map((n) => ({ id: Buttons.rating(n), label: String(n) })),
    });
    this.deps.bus.emit('conversation', updated);
    return updated;
  }

  /** Back to the agent who reopens it. */
  async reopen(agent: Agent, conversationId: number): Promise<Conversation> {
    const conversation = await this.conversationFor(conversationId);
    const updated = await this.deps.store.updateConversation(
      conversationId,
      { status: 'assigned', assignedAgentId: agent.id, resolvedAt: null, closedAt: null },
      { conversationId, type: 'reopened', actor: `agent:${agent.id}`, data: { agentId: agent.id } },
      ['resolved', 'closed'],
    );
    if (!updated) throw new RouterError('conflict', `Conversation ${conversationId} is ${conversation.status}; only resolved or closed ones reopen.`);
    this.deps.bus.emit('conversation', updated);
    return updated;
  }

  // ---- console: transfer and snooze ----------------------------------------------------------

  /**
   * Hands an open conversation to another agent (assigned to them at once) or to a team (back in
   * the queue, for that team), with an optional note only agents see. An assigned conversation may
   * be transferred by its agent or an admin; an agent at capacity is refused.
   */
  async transfer(agent: Agent, conversationId: number, to: { agentId?: number; teamId?: number; note?: string }): Promise<Conversation> {
    const { store } = this.deps;
    const conversation = await this.conversationFor(conversationId);
    if (!OPEN.includes(conversation.status)) {
      throw new RouterError('conflict', `Conversation ${conversationId} is ${conversation.status}; reopen it before transferring.`);
    }
    if (conversation.status === 'assigned' && conversation.assignedAgentId !== agent.id && agent.role !== 'admin') {
      throw new RouterError('forbidden', `Conversation ${conversationId} is assigned to another agent.`);
    }
    if (to.agentId === undefined && to.teamId === undefined) throw new RouterError('invalid', 'Name an agent or a team to transfer to.');
    const note = to.note?.trim() ? to.note.trim() : undefined;
    if (note !== undefined) this.checkText(note);

    let target: Agent | null = null;
    if (to.agentId !== undefined) {
      target = await store.getAgent(to.agentId);
      if (!target?.active) throw new RouterError('not_found', `There is no active agent ${to.agentId}.`);
      if (conversation.status === 'assigned' && conversation.assignedAgentId === target.id) {
        throw new RouterError('conflict', `Conversation ${conversationId} is already with ${target.name}.`);
      }
      const load = (await store.openLoadByAgent()).get(target.id) ?? 0;
      if (load >= target.capacity) throw new RouterError('conflict', `${target.name} is at capacity (${load} of ${target.capacity} chats).`);
    }
    const team = to.teamId === undefined ? null : await store.getTeam(to.teamId);
    if (to.teamId !== undefined && !team) throw new RouterError('not_found', `There is no team ${to.teamId}.`);

    const now = this.now();
    const patch: ConversationPatch = target
      ? { status: 'assigned', assignedAgentId: target.id, teamId: team?.id ?? conversation.teamId, queuedAt: conversation.queuedAt ?? now }
      : { status: 'queued', assignedAgentId: null, teamId: team!.id, queuedAt: conversation.queuedAt ?? now }; // the customer has waited since the hand-off
    const updated = await store.updateConversation(
      conversationId,
      patch,
      {
        conversationId,
        type: 'transferred',
        actor: `agent:${agent.id}`,
        data: { fromAgentId: conversation.assignedAgentId, toAgentId: target?.id ?? null, toTeamId: team?.id ?? null, note: note ?? null },
      },
      OPEN,
    );
    if (!updated) throw new RouterError('conflict', `Conversation ${conversationId} changed meanwhile; try again.`);
    // A transferred chat must not stay hidden from its new owner.
    const current = (await store.consoleMeta([conversationId])).get(conversationId)?.snoozedUntil
      ? ((await store.setSnooze(conversationId, null, null, now)) ?? updated)
      : updated;
    if (note !== undefined) {
      const whom = [target?.name, team && `team ${team.name}`].filter(Boolean).join(', ');
      const { message } = await store.addMessage(
        { conversationId, direction: 'internal', authorType: 'agent', agentId: agent.id, text: `Transferred to ${whom}: ${note}`, at: now },
        false,
      );
      this.deps.bus.emit('message', current, message);
    }
    this.deps.bus.emit('conversation', current);
    return current;
  }

  /**
   * Hides an open conversation from the agent's inbox until `until` (UTC ms); it comes back then,
   * or as soon as the customer writes. A queued conversation is claimed first. `null` wakes it now.
   */
  async snooze(agent: Agent, conversationId: number, until: number | null): Promise<Conversation> {
    let conversation = await this.conversationFor(conversationId);
    if (until === null) return this.unsnooze(conversationId, 'agent', agent);
    const now = this.now();
    if (!Number.isFinite(until) || until <= now) throw new RouterError('invalid', 'Snooze until a time in the future.');
    if (until > now + MAX_SNOOZE_MS) throw new RouterError('invalid', 'A conversation can be snoozed for at most 90 days.');
    if (!OPEN.includes(conversation.status)) throw new RouterError('conflict', `Conversation ${conversationId} is ${conversation.status}; only open ones snooze.`);
    if (conversation.status === 'bot' || conversation.status === 'queued') conversation = await this.claim(agent, conversationId);
    else if (conversation.assignedAgentId !== agent.id && agent.role !== 'admin') {
      throw new RouterError('forbidden', `Conversation ${conversationId} is assigned to another agent.`);
    }
    const updated = await this.deps.store.setSnooze(
      conversationId,
      until,
      { conversationId, type: 'snoozed', actor: `agent:${agent.id}`, data: { until } },
      now,
    );
    if (!updated) throw new RouterError('not_found', `Conversation ${conversationId} does not exist.`);
    this.deps.bus.emit('conversation', updated);
    return updated;
  }

  /** Ends a snooze: its time came, the customer wrote, or an agent woke it. No-op when not snoozed. */
  async unsnooze(conversationId: number, reason: 'timer' | 'customer' | 'agent', agent?: Agent): Promise<Conversation> {
    const conversation = await this.conversationFor(conversationId);
    if (!(await this.deps.store.consoleMeta([conversationId])).get(conversationId)?.snoozedUntil) return conversation;
    const updated = await this.deps.store.setSnooze(
      conversationId,
      null,
      { conversationId, type: 'unsnoozed', actor: agent ? `agent:${agent.id}` : 'system', data: { reason } },
      this.now(),
    );
    if (updated) this.deps.bus.emit('conversation', updated);
    return updated ?? conversation;
  }

  /** Wakes every conversation whose snooze ran out. Returns how many woke. */
  async wakeSnoozed(): Promise<number> {
    const due = await this.deps.store.dueSnoozes(this.now());
    for (const id of due) await this.unsnooze(id, 'timer');
    return due.length;
  }

  agentTyping(agent: Agent, conversationId: number, typing: boolean): void {
    this.deps.bus.emit('typing', { conversationId, who: 'agent', agentId: agent.id, typing: Boolean(typing) });
  }

  async customerTyping(channel: ChannelName, externalUserId: string, typing: boolean): Promise<void> {
    const conversation = await this.deps.store.latestConversation(channel, externalUserId);
    if (conversation && OPEN.includes(conversation.status)) {
      this.deps.bus.emit('typing', { conversationId: conversation.id, who: 'contact', typing: Boolean(typing) });
    }
  }

  private checkText(text: unknown): asserts text is string {
    if (typeof text !== 'string' || !text.trim()) throw new RouterError('invalid', 'The message text must be a non-empty string.');
    if (text.length > this.deps.config.maxMessageLength) {
      throw new RouterError('too_long', `A message may be at most ${this.deps.config.maxMessageLength} characters long.`);
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The language the bot writes to a conversation in: its own if it is one the texts have, else English for another known language, else Russian. */
function replyLanguage(conversation: Conversation): Language {
  return toLanguage(conversation.language ?? undefined) ?? (conversation.language ? 'en' : 'ru');
}
