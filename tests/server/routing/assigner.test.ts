/**
 * Routing decisions on a real store: who gets a queued conversation in each case the issue names
 * (least loaded, idle longest, team rules incl. by KB topic, manual-pick teams, last agent, offline
 * and no-answer re-assignment, urgent first, priority rules incl. by contact tag; rules that could
 * never apply are refused).
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../../../server/bus.js';
import { Assigner } from '../../../server/routing/assigner.js';
import { JsonSetting } from '../../../server/routing/json-setting.js';
import { DEFAULT_ROUTING_SETTINGS, parseRoutingSettings, type RoutingSettings } from '../../../server/routing/rules.js';
import { SlaSettings } from '../../../server/sla/settings.js';
import { openSqliteStore } from '../../../server/store/sqlite.js';
import type { Agent, Conversation, Store } from '../../../server/store/types.js';
import { FakeClock, minutes, seedConversation } from './seed.js';

class FakePresence {
  readonly online = new Set<number>();
  onlineAgentIds = () => [...this.online];
}

describe('routing', () => {
  let store: Store;
  let clock: FakeClock;
  let presence: FakePresence;
  let routing: JsonSetting<RoutingSettings>;
  let assigner: Assigner;
  let bus: Bus;

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    clock = new FakeClock(Date.parse('2025-05-13T10:00:00Z'));
    presence = new FakePresence();
    bus = new Bus();
    const base = { ...structuredClone(DEFAULT_ROUTING_SETTINGS), autoAssign: true };
    routing = new JsonSetting(store, 'routing.settings', (raw) => parseRoutingSettings(raw, base), () => structuredClone(base));
    assigner = new Assigner({ store, bus, presence, settings: routing, sla: new SlaSettings(store, clock.now), log: pino({ level: 'silent' }) });
  });
  afterEach(async () => {
    await assigner.stop();
    await store.close();
  });

  let n = 0;
  async function agent(name: string, o: { capacity?: number; online?: boolean } = {}): Promise<Agent> {
    const a = await store.createAgent({ email: `${name.toLowerCase()}${++n}@test.local`, name, passwordHash: 'x', role: 'agent', active: true, capacity: o.capacity ?? 5 }, clock.ms);
    if (o.online !== false) presence.online.add(a.id);
    return a;
  }
  /** A conversation already assigned to an agent (its load). */
  async function busy(a: Agent, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const c = await seedConversation(store, { at: clock.ms - minutes(120) });
      await store.updateConversation(c.id, { status: 'assigned', assignedAgentId: a.id, queuedAt: clock.ms - minutes(120) }, null);
    }
  }
  async function queued(o: { text?: string; user?: string; language?: string; channel?: string; at?: number } = {}): Promise<Conversation> {
    const at = o.at ?? clock.ms;
    const c = await seedConversation(store, { at, text: o.text, user: o.user, language: o.language, channel: o.channel });
    return (await store.updateConversation(c.id, { status: 'queued', queuedAt: at, language: o.language ?? null }, null))!;
  }
  /** What the router does on a hand-off. */
  async function handOff(c: Conversation): Promise<Conversation> {
    await assigner.onQueued(c, 'ru');
    return (await store.getConversation(c.id))!;
  }
  const assignedEvent = async (id: number) => (await store.listEvents(id)).filter((e) => e.type === 'assigned').at(-1)?.data;

  it('gives the conversation to the least loaded agent with free capacity', async () => {
    const anna = await agent('Anna');
    const boris = await agent('Boris');
    const vera = await agent('Vera', { capacity: 1 });
    await busy(anna, 2);
    await busy(boris, 1);
    await busy(vera, 0);
    await agent('Offline Olga', { online: false });
    const c = await handOff(await queued());
    // Vera holds nothing (0 of 1): the least loaded.
    expect(c).toMatchObject({ status: 'assigned', assignedAgentId: vera.id });
    expect(await assignedEvent(c.id)).toMatchObject({ agentId: vera.id, by: 'routing', reason: 'least_loaded' });

    // Now Vera is full (1 of 1): Boris (1 of 5) beats Anna (2 of 5).
    const next = await handOff(await queued());
    expect(next.assignedAgentId).toBe(boris.id);
  });

  it('breaks a tie in load by giving it to the agent idle longest', async () => {
    const anna = await agent('Anna');
    const boris = await agent('Boris');
    const vera = await agent('Vera');
    await store.touchAgentActivity(anna.id, clock.ms - minutes(10));
    await store.touchAgentActivity(boris.id, clock.ms - minutes(90));
    await store.touchAgentActivity(vera.id, clock.ms - minutes(30));
    expect((await handOff(await queued())).assignedAgentId).toBe(boris.id);
    // Boris now has one and was just busy; Anna and Vera tie at 0: Vera has been idle longer.
    expect((await handOff(await queued())).assignedAgentId).toBe(vera.id);
  });

  it('leaves nothing assigned when every online agent is full or away, and keeps it queued', async () => {
    const anna = await agent('Anna', { capacity: 1 });
    await busy(anna, 1);
    const boris = await agent('Boris');
    await store.setAgentStatus(boris.id, 'away', false, clock.ms);
    const c = await handOff(await queued());
    expect(c).toMatchObject({ status: 'queued', assignedAgentId: null });
    // Boris comes back: the next sweep assigns it.
    await store.setAgentStatus(boris.id, 'online', false, clock.ms);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(boris.id);
  });

  it('routes to a team by rules (language, channel, tag, keywords), first match wins', async () => {
    const anna = await agent('Anna');
    const john = await agent('John');
    const vip = await agent('Vika');
    const english = await store.createTeam({ name: 'English', assignmentMode: 'auto' }, clock.ms);
    const vipTeam = await store.createTeam({ name: 'VIP', assignmentMode: 'auto' }, clock.ms);
    const billing = await store.createTeam({ name: 'Billing', assignmentMode: 'auto' }, clock.ms);
    await store.setTeamMembers(english.id, [john.id]);
    await store.setTeamMembers(vipTeam.id, [vip.id]);
    await store.setTeamMembers(billing.id, [anna.id]);
    await routing.set({
      teamRules: [
        { tag: 'vip', teamId: vipTeam.id },
        { language: 'en', teamId: english.id },
        { channel: 'telegram', keywords: ['оплат', 'счёт'], teamId: billing.id },
      ],
    });
    await busy(vip, 3); // the most loaded, but the only one in the VIP team

    const en = await handOff(await queued({ language: 'en', text: 'Where is my order?' }));
    expect(en).toMatchObject({ teamId: english.id, assignedAgentId: john.id });

    const vipCustomer = await queued({ user: 'vip-customer', language: 'en' });
    await store.setContactTags(vipCustomer.contactId, ['VIP'], clock.ms);
    expect(await handOff(vipCustomer)).toMatchObject({ teamId: vipTeam.id, assignedAgentId: vip.id });

    const pay = await handOff(await queued({ channel: 'telegram', text: 'Не проходит оплата картой' }));
    expect(pay).toMatchObject({ teamId: billing.id, assignedAgentId: anna.id });
    // The same words in the widget match no rule: any agent, the least loaded (Anna has 1, John 1, Vika 3 → Anna, idle longer than John).
    const other = await handOff(await queued({ channel: 'webchat', text: 'Не проходит оплата картой' }));
    expect(other.teamId).toBeNull();
    expect((await store.listEvents(pay.id)).find((e) => e.type === 'routed')?.data).toEqual({ teamId: billing.id, previousTeamId: null });
  });

  /**
   * What the router does when the bot answers from the knowledge base (server/router/router.ts,
   * `answer`): the conversation takes the topic of the matched entry.
   */
  async function botAnswered(c: Conversation, entry: { id: string; topic: string }): Promise<Conversation> {
    return (await store.updateConversation(
      c.id,
      { topic: entry.topic, botMisses: 0 },
      { conversationId: c.id, type: 'bot_answered', actor: 'bot', data: { entryId: entry.id, confidence: 0.9, via: 'match' } },
    ))!;
  }

  it('routes to a team by topic: the topic of the KB entry the bot answered with', async () => {
    const anna = await agent('Anna');
    const rita = await agent('Rita');
    const returns = await store.createTeam({ name: 'Returns', assignmentMode: 'auto' }, clock.ms);
    await store.setTeamMembers(returns.id, [rita.id]);
    await routing.set({ teamRules: [{ topic: 'Returns', teamId: returns.id }] }); // compared without case
    await busy(rita, 2); // more loaded than Anna, but the only one in the team

    // data/kb/shop.yaml: return-policy has topic "returns".
    const aboutReturns = await botAnswered(await queued({ text: 'Как вернуть товар?' }), { id: 'return-policy', topic: 'returns' });
    expect(await handOff(aboutReturns)).toMatchObject({ topic: 'returns', teamId: returns.id, assignedAgentId: rita.id });
    expect((await store.listEvents(aboutReturns.id)).find((e) => e.type === 'routed')?.data).toEqual({ teamId: returns.id, previousTeamId: null });

    // Another topic, or none (the bot never answered): no team, the least loaded agent.
    const aboutDelivery = await botAnswered(await queued({ text: 'Сколько идёт доставка?' }), { id: 'delivery-time', topic: 'delivery' });
    expect(await handOff(aboutDelivery)).toMatchObject({ teamId: null, assignedAgentId: anna.id });
    // The word alone is not the topic: a topic rule looks at what the bot matched, not at the text.
    const saidReturns = await handOff(await queued({ text: 'returns' }));
    expect(saidReturns).toMatchObject({ topic: null, teamId: null });
  });

  it('leaves conversations of a manual-pick team in the queue for its agents to pick', async () => {
    await agent('Anna');
    const team = await store.createTeam({ name: 'Wholesale', assignmentMode: 'manual' }, clock.ms);
    await routing.set({ teamRules: [{ keywords: ['опт'], teamId: team.id }] });
    const c = await handOff(await queued({ text: 'Хочу купить оптом' }));
    expect(c).toMatchObject({ status: 'queued', teamId: team.id, assignedAgentId: null });
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.status).toBe('queued');
  });

  it("prefers the agent who last helped this contact when they are available", async () => {
    const anna = await agent('Anna');
    const boris = await agent('Boris');
    await busy(anna, 3);
    const first = await queued({ user: 'returning' });
    await store.updateConversation(first.id, { status: 'closed', assignedAgentId: anna.id, resolvedAt: clock.ms, closedAt: clock.ms }, null);
    const again = await handOff(await queued({ user: 'returning' }));
    expect(again.assignedAgentId).toBe(anna.id);
    expect(await assignedEvent(again.id)).toMatchObject({ reason: 'last_agent' });

    // When Anna is offline, the least loaded agent gets the next one.
    presence.online.delete(anna.id);
    await store.updateConversation(again.id, { status: 'closed', closedAt: clock.ms }, null);
    const third = await handOff(await queued({ user: 'returning' }));
    expect(third.assignedAgentId).toBe(boris.id);
  });

  it('moves conversations of an agent offline longer than the grace period, or back to the queue', async () => {
    await routing.set({ offlineGraceMinutes: 2 });
    const anna = await agent('Anna');
    const c = await handOff(await queued());
    expect(c.assignedAgentId).toBe(anna.id);
    const boris = await agent('Boris', { online: false });

    presence.online.delete(anna.id); // a reload or a lost connection
    await assigner.sweep();
    clock.advance(1);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(anna.id); // within the grace period

    clock.advance(1);
    await assigner.sweep(); // nobody else online: back to the queue
    expect(await store.getConversation(c.id)).toMatchObject({ status: 'queued', assignedAgentId: null });
    expect((await store.listEvents(c.id)).at(-1)).toMatchObject({ type: 'unassigned', data: { agentId: anna.id, reason: 'agent_offline' } });

    presence.online.add(boris.id);
    await assigner.sweep();
    expect(await store.getConversation(c.id)).toMatchObject({ status: 'assigned', assignedAgentId: boris.id });

    // Boris drops; Anna is back: it moves straight to her after the grace period.
    presence.online.delete(boris.id);
    presence.online.add(anna.id);
    await assigner.sweep();
    clock.advance(2);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(anna.id);
    expect(await assignedEvent(c.id)).toMatchObject({ agentId: anna.id, previousAgentId: boris.id, trigger: 'agent_offline' });
  });

  it('re-assigns a routed conversation whose agent has not answered within N minutes', async () => {
    await routing.set({ reassignAfterMinutes: 10 });
    const anna = await agent('Anna');
    const c = await handOff(await queued());
    const boris = await agent('Boris');
    expect(c.assignedAgentId).toBe(anna.id);

    clock.advance(9);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(anna.id);
    clock.advance(1);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(boris.id);
    expect(await assignedEvent(c.id)).toMatchObject({ agentId: boris.id, previousAgentId: anna.id, trigger: 'no_answer' });

    // Boris answers in time: the conversation stays with him.
    const fresh = (await store.getConversation(c.id))!;
    const { message } = await store.addMessage({ conversationId: c.id, direction: 'out', authorType: 'agent', agentId: boris.id, text: 'Hi!', at: clock.ms + minutes(2) }, false);
    bus.emit('message', fresh, message);
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(30);
    await assigner.sweep();
    expect((await store.getConversation(c.id))!.assignedAgentId).toBe(boris.id);
  });

  it('serves urgent conversations first, then the longest waiting', async () => {
    const anna = await agent('Anna', { capacity: 2 });
    await routing.set({ autoAssign: false });
    const older = await queued({ at: clock.ms - minutes(30), text: 'Где мой заказ?' });
    const urgent = await handOff(await queued({ at: clock.ms - minutes(5), text: 'Срочно! Списали деньги дважды' }));
    const oldest = await queued({ at: clock.ms - minutes(60), text: 'Вопрос по доставке' });
    expect(urgent.priority).toBe('urgent'); // the default keyword rule
    await routing.set({ autoAssign: true });
    const assigned = await assigner.assignQueue();
    expect(assigned.map((c) => c.id)).toEqual([urgent.id, oldest.id]);
    expect((await store.getConversation(older.id))!.status).toBe('queued');
    expect(assigned.every((c) => c.assignedAgentId === anna.id)).toBe(true);
  });

  it('sets priority by rules (keywords, topic, contact tag), only upwards, and never over an agent', async () => {
    await routing.set({
      priorityRules: [
        { keywords: ['срочн'], priority: 'urgent' },
        { topic: 'returns', priority: 'high' },
      ],
    });
    const byTopic = await queued();
    await store.updateConversation(byTopic.id, { topic: 'returns' }, null);
    expect((await handOff((await store.getConversation(byTopic.id))!)).priority).toBe('high');

    const tagged = await queued({ user: 'big-buyer' });
    await store.setContactTags(tagged.contactId, ['wholesale'], clock.ms);
    expect((await handOff(tagged)).priority).toBe('normal'); // no rule for this tag

    const anna = await agent('Anna', { online: false });
    const manual = await queued({ text: 'Срочно!' });
    await assigner.setPriority(anna, manual.id, 'low');
    expect((await handOff((await store.getConversation(manual.id))!)).priority).toBe('low');
    expect((await store.listEvents(manual.id)).find((e) => e.type === 'priority_changed')?.data).toEqual({ from: 'normal', to: 'low', by: 'agent', agentId: anna.id });
  });

  it('raises the priority by a tag on the contact, and the highest matching rule wins', async () => {
    await routing.set({
      priorityRules: [
        { keywords: ['срочн'], priority: 'urgent' },
        { tag: 'vip', priority: 'high' },
      ],
    });
    const vip = await queued({ user: 'vip-contact', text: 'Где мой заказ?' });
    await store.setContactTags(vip.contactId, ['VIP', 'wholesale'], clock.ms); // tags compare without case
    const raised = await handOff(vip);
    expect(raised.priority).toBe('high');
    expect((await store.listEvents(vip.id)).find((e) => e.type === 'priority_changed')).toMatchObject({ actor: 'routing', data: { from: 'normal', to: 'high', by: 'rule' } });

    // The same question from a contact without the tag stays normal.
    expect((await handOff(await queued({ text: 'Где мой заказ?' }))).priority).toBe('normal');

    // A VIP who writes "срочно" matches both rules: the higher one, urgent.
    const both = await queued({ user: 'vip-in-a-hurry', text: 'Срочно нужен ответ' });
    await store.setContactTags(both.contactId, ['vip'], clock.ms);
    expect((await handOff(both)).priority).toBe('urgent');
  });

  it('refuses priority rules that could never apply (low, normal): rules only raise, conversations start at normal', async () => {
    await expect(routing.set({ priorityRules: [{ priority: 'low' }, { channel: 'webchat', priority: 'normal' }, { tag: 'vip', priority: 'high' }] })).rejects.toMatchObject({
      problems: [
        'priorityRules[0].priority must be high or urgent: rules only raise a priority, and conversations start at normal',
        'priorityRules[1].priority must be high or urgent: rules only raise a priority, and conversations start at normal',
      ],
    });
    // Nothing was saved: the default rule (urgent keywords) still applies.
    expect((await routing.get()).priorityRules).toEqual([{ keywords: ['срочн', 'немедленн', 'urgent', 'asap', 'emergency'], priority: 'urgent' }]);
  });

  it('refuses routing settings with unknown fields or bad values, naming each', async () => {
    await expect(routing.set({ teamRules: [{ teamId: 'x', color: 'red' }], reassignAfterMinutes: 0, sort: 'random' })).rejects.toMatchObject({
      problems: [
        'unknown field "sort"',
        'teamRules[0]: unknown field "color"',
        'teamRules[0].teamId must be a team id',
        'reassignAfterMinutes must be a whole number of minutes from 1 to 10080, or null to never re-assign',
      ],
    });
  });
});
