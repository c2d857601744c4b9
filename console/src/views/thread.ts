/**
 * The thread: every message with who wrote it, through which channel, when, and whether it was
 * delivered; private notes marked as such; what happened to the conversation in between.
 */
import { h } from '../dom.js';
import { channelLabel, contactName, fullTime, PRIORITY_LABELS, STATUS_LABELS, when } from '../format.js';
import { agentName, teamName } from '../state.js';
import { SLA_METRIC_LABELS } from '../sla.js';
import type { ConversationEvent, ConversationView, MessageView, SlaMetric } from '../types.js';

const ESCALATION_REASONS: Record<string, string> = {
  customer_request: 'the customer asked for a person',
  not_helpful: 'the answer did not help',
  kb_miss: 'the bot could not answer',
  attachment: 'the customer sent a file',
  bot_error: 'the bot ran into a problem',
};

const actorName = (actor: string | null): string => {
  const m = /^agent:(\d+)$/.exec(actor ?? '');
  return m ? agentName(Number(m[1])) : actor === 'bot' ? 'The bot' : 'The system';
};

/** One line for a lifecycle event, or null for those not worth showing in the thread. */
export function eventText(e: ConversationEvent): string | null {
  const d = e.data ?? {};
  const who = actorName(e.actor);
  switch (e.type) {
    case 'created':
      return `Conversation started on ${channelLabel(String(d.channel ?? ''))}${d.repeatOf ? ` (follows #${String(d.repeatOf)})` : ''}`;
    case 'escalated':
      return `Handed to the queue: ${ESCALATION_REASONS[String(d.reason)] ?? String(d.reason ?? '')}`;
    case 'assigned':
      return d.by === 'claim' ? `${who} took it` : `Assigned to ${agentName(Number(d.agentId))}`;
    case 'transferred': {
      const to = [d.toAgentId ? agentName(Number(d.toAgentId)) : null, d.toTeamId ? `team ${teamName(Number(d.toTeamId))}` : null].filter(Boolean).join(', ');
      return `${who} transferred it to ${to || 'the queue'}`;
    }
    case 'unassigned':
      return d.reason === 'agent_offline'
        ? `Back in the queue: ${agentName(Number(d.agentId))} went offline`
        : d.reason === 'agent_deactivated'
          ? `Back in the queue: ${agentName(Number(d.agentId))} was deactivated`
          : 'Back in the queue';
    case 'resolved':
      return d.by === 'bot' ? 'Resolved by the bot' : `Resolved by ${who}`;
    case 'reopened':
      return `Reopened by ${who}`;
    case 'closed':
      return 'Closed';
    case 'snoozed':
      return `${who} snoozed it until ${fullTime(Number(d.until))}`;
    case 'unsnoozed':
      return d.reason === 'customer' ? 'Back from snooze: the customer wrote' : d.reason === 'timer' ? 'Back from snooze' : `${who} woke it up`;
    case 'csat':
      return `The customer rated the help ${String(d.rating)}/5`;
    case 'priority_changed':
      return `${who} set the priority to ${PRIORITY_LABELS[d.to as keyof typeof PRIORITY_LABELS] ?? String(d.to)}`;
    case 'contact_merged':
      return 'Contacts merged';
    case 'sla_warning':
    case 'sla_breached': {
      const metric = SLA_METRIC_LABELS[d.metric as SlaMetric] ?? String(d.metric ?? 'SLA');
      return e.type === 'sla_warning' ? `SLA: ${metric.toLowerCase()} due soon (by ${fullTime(Number(d.dueAt))})` : `SLA breached: ${metric.toLowerCase()} was due ${fullTime(Number(d.dueAt))}`;
    }
    case 'delivery_failed':
      return `A message could not be delivered: ${String(d.reason ?? '')}`;
    default:
      return null;
  }
}

function authorLabel(m: MessageView, customer: string): string {
  if (m.authorType === 'contact') return customer;
  if (m.authorType === 'bot') return 'Bot';
  if (m.authorType === 'system') return 'System';
  return agentName(m.agentId);
}

const DELIVERY: Record<string, [string, string]> = {
  pending: ['Sending…', '◷'],
  sent: ['Delivered', '✓'],
  failed: ['Not delivered', '⚠'],
};

/** One message bubble. */
export function messageEl(m: MessageView, customer: string, highlight = false): HTMLElement {
  const kind = m.private ? 'internal' : m.direction;
  const delivery = m.direction === 'out' && m.delivery ? DELIVERY[m.delivery] : undefined;
  return h(
    'article',
    {
      class: `msg ${kind} author-${m.authorType}${highlight ? ' highlight' : ''}`,
      dataset: { messageId: m.id, direction: m.direction, private: String(m.private) },
    },
    h(
      'header',
      null,
      h('strong', null, authorLabel(m, customer)),
      m.private && h('span', { class: 'pill note' }, 'Private note'),
      h('span', { class: `badge ch-${m.channel}`, title: 'Channel' }, channelLabel(m.channel)),
      h('time', { title: fullTime(m.createdAt) }, when(m.createdAt)),
      delivery && h('span', { class: `delivery ${m.delivery}`, title: delivery[0], 'aria-label': delivery[0] }, delivery[1]),
    ),
    h('div', { class: 'text' }, m.text || (m.buttonId ? `[pressed ${m.buttonId}]` : '')),
    m.attachments?.length ? h('div', { class: 'attachments' }, m.attachments.map((a, i) => attachmentLink(m.id, i, a))) : null,
    m.quickReplies?.length ? h('div', { class: 'chips' }, m.quickReplies.map((q) => h('span', { class: 'chip' }, q.label))) : null,
  );
}

/** The whole thread: messages and events in time order. */
export function threadItems(c: ConversationView, messages: MessageView[], events: ConversationEvent[], highlightId?: number): HTMLElement[] {
  const customer = contactName(c.contact);
  const rows: { at: number; order: number; el: HTMLElement }[] = [];
  for (const m of messages) rows.push({ at: m.createdAt, order: 1, el: messageEl(m, customer, m.id === highlightId) });
  for (const e of events) {
    const text = eventText(e);
    if (text) rows.push({ at: e.createdAt, order: 0, el: h('div', { class: 'event', dataset: { event: e.type } }, text, ' · ', when(e.createdAt)) });
  }
  return rows.sort((a, b) => a.at - b.at || a.order - b.order).map((r) => r.el);
}

/** The whole customer history across conversations, with a divider for each conversation. */
export function historyItems(messages: MessageView[], conversations: ConversationView[], customer: string): HTMLElement[] {
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const out: HTMLElement[] = [];
  let current: number | null = null;
  for (const m of messages) {
    if (m.conversationId !== current) {
      current = m.conversationId;
      const c = byId.get(current);
      out.push(
        h(
          'div',
          { class: 'divider', dataset: { conversationId: current } },
          `Conversation #${current}`,
          c ? ` · ${channelLabel(c.channel)} · ${STATUS_LABELS[c.status]} · ${when(c.createdAt)}` : '',
        ),
      );
    }
    out.push(messageEl(m, customer));
  }
  return out;
}

/**
 * A customer's file: a link the agent opens in a new tab, always through the server
 * (GET /api/messages/:id/attachments/:index), which fetches it with the channel's token: Telegram's
 * file_id, and Discord's signed links, which expire after about a day.
 */
function attachmentLink(messageId: number, index: number, a: { kind: string; name?: string; size?: number }): HTMLElement {
  const href = `/api/messages/${messageId}/attachments/${index}`;
  const size = typeof a.size === 'number' ? ` · ${a.size < 1024 * 1024 ? `${Math.max(1, Math.round(a.size / 1024))} KB` : `${(a.size / 1024 / 1024).toFixed(1)} MB`}` : '';
  return h('a', { class: 'pill attachment', href, target: '_blank', rel: 'noopener noreferrer', dataset: { testid: 'attachment' } }, `📎 ${a.name ?? a.kind}${size}`);
}
