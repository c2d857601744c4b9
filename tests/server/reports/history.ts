/**
 * A known event history for report tests and the dashboard: nine conversations in the week of
 * Monday 5 May 2025 (UTC), written straight to the store with exact timestamps. Every figure the
 * tests expect is worked out by hand in reports.test.ts from the table below.
 *
 * | #  | created (UTC)   | channel  | topic    | what happened                                                      |
 * | C1 | Mon 05 10:00    | webchat  | delivery | bot answers, "helpful" → resolved by the bot (contact X1)          |
 * | C2 | Mon 05 11:00    | telegram | returns  | queued 11:02, Anna 11:05, replies 11:12 + 11:30, resolved 12:02, ★5 (X2, who wrote on Sat 03) |
 * | C3 | Tue 06 09:00    | webchat  | delivery | X1 again; urgent, queued 09:01, Boris 09:03, reply 09:31, resolved 10:01, ★4 |
 * | C4 | Wed 07 22:00    | discord  | payment  | urgent, queued 22:00, Anna 22:10, reply 23:30, resolved Thu 01:00, ★2 |
 * | C5 | Thu 08 03:00    | telegram | —        | urgent, queued 03:00, Boris 03:05, reply 03:20, customer 03:30, reply 04:00, resolved 04:30 |
 * | C6 | Fri 09 14:00    | webchat  | returns  | queued 14:05, Anna 14:06, reply 14:16, resolved 14:36, reopened 15:00, resolved 16:00, ★5 |
 * | C7 | Sat 10 12:00    | webchat  | delivery | bot answers, "not helpful" → queued 12:05, never answered          |
 * | C8 | Sun 11 20:00    | webchat  | —        | bot only, abandoned                                                |
 * | C9 | Mon 05 11:30    | webchat  | returns  | queued 11:31, Anna 11:32, reply 11:40, resolved 11:50 (team Returns, as is C2) |
 */
import type { Agent, Conversation, Store } from '../../../server/store/types.js';

export const at = (utc: string): number => Date.parse(`${utc}:00Z`);
/** The report range: the week Monday 5 May 00:00 to Monday 12 May 00:00 UTC; "now" is 12 May noon. */
export const RANGE = { from: at('2025-05-05T00:00'), to: at('2025-05-12T00:00'), now: at('2025-05-12T12:00') };

export interface History {
  anna: Agent;
  boris: Agent;
  teamId: number;
  c: Record<'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c7' | 'c8' | 'c9', Conversation>;
}

let unique = 0;

export async function seedHistory(store: Store): Promise<History> {
  const anna = await store.createAgent({ email: `anna.${++unique}@shop.test`, name: 'Anna', passwordHash: 'x', role: 'agent', active: true, capacity: 4 }, RANGE.from);
  const boris = await store.createAgent({ email: `boris.${unique}@shop.test`, name: 'Boris', passwordHash: 'x', role: 'agent', active: true, capacity: 2 }, RANGE.from);
  const team = await store.createTeam({ name: `Returns ${unique}`, assignmentMode: 'auto' }, RANGE.from);
  let n = 0;

  const say = async (channel: string, user: string, when: string, text = 'Здравствуйте') =>
    (await store.intake({ channel, externalChatId: user, externalUserId: user, externalMessageId: `h-${unique}-${++n}`, text, profile: { name: user }, at: at(when), attachToLatest: false })).conversation;
  const event = (c: Conversation, type: string, when: string, data: Record<string, unknown> = {}, actor = 'system') => store.appendEvent({ conversationId: c.id, type, actor, data }, at(when));
  const out = (c: Conversation, when: string, authorType: 'bot' | 'agent', agent?: Agent) =>
    store.addMessage({ conversationId: c.id, direction: 'out', authorType, agentId: agent?.id ?? null, text: authorType === 'bot' ? 'Ответ из базы знаний' : 'Ответ оператора', at: at(when) }, false);
  const patch = async (c: Conversation, p: Parameters<Store['updateConversation']>[1]) => (await store.updateConversation(c.id, p, null))!;
  const queue = (c: Conversation, when: string, priority: Conversation['priority'], topic: string | null) =>
    Promise.all([patch(c, { status: 'queued', queuedAt: at(when), priority, topic }), event(c, 'escalated', when, { reason: 'customer_request' }, 'bot')]);
  const assign = (c: Conversation, agent: Agent, when: string) => Promise.all([patch(c, { status: 'assigned', assignedAgentId: agent.id }), event(c, 'assigned', when, { agentId: agent.id, by: 'routing' }, 'routing')]);
  const reply = async (c: Conversation, agent: Agent, when: string, first = false) => {
    await out(c, when, 'agent', agent);
    if (first) {
      await patch(c, { firstResponseAt: at(when) });
      await event(c, 'first_response', when, { agentId: agent.id }, `agent:${agent.id}`);
    }
  };
  const resolve = async (c: Conversation, agent: Agent, when: string) => {
    await patch(c, { status: 'resolved', resolvedAt: at(when) });
    await event(c, 'resolved', when, { by: 'agent', agentId: agent.id }, `agent:${agent.id}`);
  };
  const rate = async (c: Conversation, rating: number, when: string) => {
    await store.recordCsat(c.id, rating, at(when));
    await patch(c, { status: 'closed', closedAt: at(when) });
    await event(c, 'csat', when, { rating }, 'contact');
  };

  // An earlier conversation of X2 (before the range): C2 is a repeat contact.
  const c0 = await say('telegram', 'x2', '2025-05-03T10:00');
  await patch(c0, { status: 'closed', closedAt: at('2025-05-03T10:30') });

  const c1 = await say('webchat', 'x1', '2025-05-05T10:00', 'Сколько идёт доставка?');
  await event(c1, 'bot_answered', '2025-05-05T10:00', { entryId: 'delivery-time' }, 'bot');
  await out(c1, '2025-05-05T10:00', 'bot');
  await patch(c1, { status: 'closed', topic: 'delivery', resolvedAt: at('2025-05-05T10:01'), closedAt: at('2025-05-05T10:01') });
  await event(c1, 'resolved', '2025-05-05T10:01', { by: 'bot' }, 'bot');

  const c2 = await say('telegram', 'x2', '2025-05-05T11:00', 'Хочу вернуть серьги');
  await event(c2, 'bot_missed', '2025-05-05T11:00', { misses: 1 }, 'bot');
  await say('telegram', 'x2', '2025-05-05T11:01', 'позовите оператора');
  await queue(c2, '2025-05-05T11:02', 'normal', 'returns');
  await patch(c2, { teamId: team.id });
  await assign(c2, anna, '2025-05-05T11:05');
  await reply(c2, anna, '2025-05-05T11:12', true);
  await say('telegram', 'x2', '2025-05-05T11:20', 'А чек нужен?');
  await reply(c2, anna, '2025-05-05T11:30');
  await resolve(c2, anna, '2025-05-05T12:02');
  await rate(c2, 5, '2025-05-05T12:03');

  const c9 = await say('webchat', 'x8', '2025-05-05T11:30', 'Как оформить возврат?');
  await queue(c9, '2025-05-05T11:31', 'normal', 'returns');
  await patch(c9, { teamId: team.id });
  await assign(c9, anna, '2025-05-05T11:32');
  await reply(c9, anna, '2025-05-05T11:40', true);
  await resolve(c9, anna, '2025-05-05T11:50');

  const c3 = await say('webchat', 'x1', '2025-05-06T09:00', 'Курьер не приехал, срочно');
  await queue(c3, '2025-05-06T09:01', 'urgent', 'delivery');
  await assign(c3, boris, '2025-05-06T09:03');
  await reply(c3, boris, '2025-05-06T09:31', true);
  await resolve(c3, boris, '2025-05-06T10:01');
  await rate(c3, 4, '2025-05-06T10:05');

  const c4 = await say('discord', 'x5', '2025-05-07T22:00', 'Списали деньги дважды!');
  await queue(c4, '2025-05-07T22:00', 'urgent', 'payment');
  await assign(c4, anna, '2025-05-07T22:10');
  await reply(c4, anna, '2025-05-07T23:30', true);
  await resolve(c4, anna, '2025-05-08T01:00');
  await rate(c4, 2, '2025-05-08T01:10');

  const c5 = await say('telegram', 'x6', '2025-05-08T03:00', 'Срочно, заказ не тот');
  await queue(c5, '2025-05-08T03:00', 'urgent', null);
  await assign(c5, boris, '2025-05-08T03:05');
  await reply(c5, boris, '2025-05-08T03:20', true);
  await say('telegram', 'x6', '2025-05-08T03:30', 'Когда привезут правильный?');
  await reply(c5, boris, '2025-05-08T04:00');
  await resolve(c5, boris, '2025-05-08T04:30');

  const c6 = await say('webchat', 'x7', '2025-05-09T14:00', 'Можно обменять размер?');
  await queue(c6, '2025-05-09T14:05', 'normal', 'returns');
  await assign(c6, anna, '2025-05-09T14:06');
  await reply(c6, anna, '2025-05-09T14:16', true);
  await resolve(c6, anna, '2025-05-09T14:36');
  await patch(c6, { status: 'assigned', assignedAgentId: anna.id, resolvedAt: null });
  await event(c6, 'reopened', '2025-05-09T15:00', { agentId: anna.id }, `agent:${anna.id}`);
  await resolve(c6, anna, '2025-05-09T16:00');
  await rate(c6, 5, '2025-05-09T16:05');

  const c7 = await say('webchat', 'x3', '2025-05-10T12:00', 'Где мой заказ?');
  await event(c7, 'bot_answered', '2025-05-10T12:00', { entryId: 'order-status' }, 'bot');
  await out(c7, '2025-05-10T12:00', 'bot');
  await queue(c7, '2025-05-10T12:05', 'normal', 'delivery');

  const c8 = await say('webchat', 'x4', '2025-05-11T20:00', 'Привет');
  await out(c8, '2025-05-11T20:00', 'bot');

  // Unanswered questions: two phrasings of one, one other, one formula-looking one; a dismissed one and one outside the range do not count.
  const miss = (text: string, when: string, c: Conversation) =>
    store.recordMiss({ conversationId: c.id, messageId: null, text, language: 'ru', bestEntryId: null, bestConfidence: null, createdAt: at(when) });
  await miss('Можно ли оплатить криптовалютой?', '2025-05-06T12:00', c8);
  await miss('  можно ли оплатить КРИПТОВАЛЮТОЙ ', '2025-05-09T12:00', c7);
  await miss('Do you ship to Mars?', '2025-05-07T12:00', c7);
  await miss('=SUM(A1:A9) как оплатить?', '2025-05-08T12:00', c7);
  await miss('Есть ли подарочная упаковка?', '2025-05-08T13:00', c7);
  await miss('Есть ли подарочная упаковка?', '2025-05-13T13:00', c7);
  const dismissed = (await store.listMisses('open', 100)).find((m) => m.createdAt === at('2025-05-08T13:00'))!;
  await store.setMissStatus([dismissed.id], 'dismissed', null);

  const fresh = async (c: Conversation) => (await store.getConversation(c.id))!;
  return {
    anna,
    boris,
    teamId: team.id,
    c: { c1: await fresh(c1), c2: await fresh(c2), c3: await fresh(c3), c4: await fresh(c4), c5: await fresh(c5), c6: await fresh(c6), c7: await fresh(c7), c8: await fresh(c8), c9: await fresh(c9) },
  };
}
