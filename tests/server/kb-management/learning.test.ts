import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKbPath } from '../../../server/kb/format.js';
import { groupMisses } from '../../../server/kb/learning.js';
import type { KbMiss } from '../../../server/store/types.js';
import { connectAgent, connectVisitor, signIn, type AgentClient } from '../../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { apiClient, askBot, signInPlainAgent, SMALL_KB, waitForOpenMisses } from './helpers.js';

function misses(texts: string[]): KbMiss[] {
  return texts.map((text, i) => ({
    id: i + 1,
    conversationId: null,
    messageId: null,
    text,
    language: 'ru',
    bestEntryId: null,
    bestConfidence: null,
    status: 'open',
    entryId: null,
    createdAt: 1_000 + i,
  }));
}

describe('grouping missed messages into gaps', () => {
  it('groups word forms, word order and typos; keeps different questions apart; biggest group first', async () => {
    const background = (await loadKbPath(SMALL_KB)).flatMap((e) => e.questions);
    const groups = groupMisses(
      misses([
        'Делаете гравировку на серьгах?',
        'как вернуть деньги за серьги',
        'гравировку на серьги делаете?',
        'можно сделать гравировку на серьгах',
        'Делаете гравировку на серьгах?',
        'как оплатить серьги криптой',
        'доствка в казахстан есть?',
        'доставка в Казахстан',
        'ок',
      ]),
      { background },
    );
    const texts = groups.map((g) => g.texts.map((t) => t.text).sort());
    expect(groups[0]!.members).toHaveLength(4);
    expect(texts[0]).toEqual(['Делаете гравировку на серьгах?', 'гравировку на серьги делаете?', 'можно сделать гравировку на серьгах']);
    // The most frequent text leads its group, with how often it was sent.
    expect(groups[0]!.texts[0]).toEqual({ text: 'Делаете гравировку на серьгах?', count: 2, missIds: [5, 1] });
    expect(texts).toContainEqual(['доставка в Казахстан', 'доствка в казахстан есть?']);
    // Same words "как ... серьги", different questions.
    expect(texts).toContainEqual(['как вернуть деньги за серьги']);
    expect(texts).toContainEqual(['как оплатить серьги криптой']);
    expect(texts).toContainEqual(['ок']);
    expect(groups).toHaveLength(5);
    // Keys name the group's first miss, so they stay put while the group grows.
    expect(groups[0]!.key).toBe('g1');
  });

  it('ignores order numbers and politeness when grouping thousands of misses', () => {
    const base = ['где мой заказ', 'не пришел заказ', 'гравировка на серьгах', 'пирсинг для носа', 'доставка в казахстан', 'оплата криптой'];
    const many = misses(Array.from({ length: 3000 }, (_, i) => `${base[i % base.length]} ${['', 'срочно', 'пожалуйста', 'вот', `номер ${i}`][i % 5]}`));
    const groups = groupMisses(many);
    expect(groups.map((g) => g.members.length)).toEqual([500, 500, 500, 500, 500, 500]);
    expect(groups.map((g) => g.texts[0]!.count)).toEqual([100, 100, 100, 100, 100, 100]);
  });
});

describe('the learning loop on a running server', () => {
  let server: TestServer;
  let admin: ReturnType<typeof apiClient>;
  let agent: ReturnType<typeof apiClient>;
  let agentSocket: AgentClient;
  let missesSoFar = 0;
  const miss = async (text: string) => {
    await askBot(server, text);
    await waitForOpenMisses(server, ++missesSoFar);
  };
  const gaps = async () => (await agent('GET', '/api/kb/gaps')).body as { open: number; groups: any[] };

  beforeAll(async () => {
    server = await startTestServer({ env: { KB_PATH: SMALL_KB } });
    admin = apiClient(server.url, await signIn(server.url));
    const agentCookie = await signInPlainAgent(server);
    agent = apiClient(server.url, agentCookie);
    agentSocket = await connectAgent(server.url, agentCookie);
  });
  afterAll(async () => {
    agentSocket?.close();
    await server?.stop();
  });

  it('keeps every unanswered message and shows them as gaps with counts, examples and a suggested entry', async () => {
    // Words the knowledge base does not have: no sane matcher answers these.
    for (const text of ['Бартер с блогерами возможен?', 'Возможен бартер с блогерами?', 'Бартер с блогерами возможен?', 'Продаёте пирсинг для носа?', 'пирсинг в нос продаёте', 'фывапролд']) {
      await miss(text);
    }
    const body = await gaps();
    expect(body.open).toBe(6);
    const [bloggers, piercing, noise] = body.groups;
    expect(bloggers).toMatchObject({ count: 3, label: 'Бартер с блогерами возможен?', languages: ['ru'], answeredNow: false, suggestion: { entryId: expect.any(String), question: expect.any(String) } });
    expect(bloggers.examples).toEqual([
      { text: 'Бартер с блогерами возможен?', count: 2, missIds: expect.any(Array) },
      { text: 'Возможен бартер с блогерами?', count: 1, missIds: expect.any(Array) },
    ]);
    expect(piercing.count).toBe(2);
    expect(noise).toMatchObject({ count: 1, label: 'фывапролд' });
    expect(body.groups).toHaveLength(3);
  });

  it('an agent attaches a gap to an entry as phrasings; the bot then answers them and the gap is gone', async () => {
    const partnersAnswer = 'Напишите нам на partners@lumi.example';
    expect((await askBot(server, 'Возможен бартер с блогерами?')).reply).not.toContain(partnersAnswer);
    await waitForOpenMisses(server, ++missesSoFar);
    const bloggers = (await gaps()).groups.find((g) => /блогерами/.test(g.label));
    expect(bloggers.count).toBe(4);

    const res = await agent('POST', '/api/kb/entries/partnership/phrasings', { missIds: bloggers.missIds, texts: ['Бартер с блогерами возможен?', 'Возможен бартер с блогерами?'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ added: ['Бартер с блогерами возможен?', 'Возможен бартер с блогерами?'], attached: 4 });
    expect(res.body.entry.questions.slice(-2)).toEqual(['Бартер с блогерами возможен?', 'Возможен бартер с блогерами?']);

    expect((await askBot(server, 'Бартер с блогерами возможен?')).reply).toContain(partnersAnswer);
    expect((await askBot(server, 'Возможен бартер с блогерами?')).reply).toContain(partnersAnswer);
    expect((await gaps()).groups.map((g) => g.label)).not.toContain('Бартер с блогерами возможен?');
    const stored = await server.chatbridge.store.getMisses(bloggers.missIds);
    expect(stored.every((m) => m.status === 'attached' && m.entryId === 'partnership')).toBe(true);

    // Adding a phrasing the entry has already is not an error, and adds nothing.
    const again = await agent('POST', '/api/kb/entries/partnership/phrasings', { texts: ['бартер с блогерами возможен'] });
    expect(again.body.added).toEqual([]);

    // A phrasing of another entry is refused, and nothing is marked.
    const piercing = (await gaps()).groups.find((g) => g.label.includes('пирсинг'));
    const clash = await agent('POST', '/api/kb/entries/materials/phrasings', { missIds: piercing.missIds, texts: ['Где мой заказ?'] });
    expect(clash.status).toBe(422);
    expect(clash.body.error.fields[0]).toMatchObject({ field: 'texts[0]', message: expect.stringContaining('entry "order-status"') });
    expect((await server.chatbridge.store.getMisses(piercing.missIds)).map((m) => m.status)).toEqual(['open', 'open']);
  });

  it('an admin creates an entry from a gap; a plain agent may not; dismissing takes noise off the list', async () => {
    const piercing = (await gaps()).groups.find((g) => g.label.includes('пирсинг'));
    const entry = {
      id: 'nose-piercing',
      topic: 'product',
      questions: piercing.examples.map((e: { text: string }) => e.text),
      answer: { ru: 'Да, пирсинг для носа из титана есть в разделе «Пирсинг».' },
      fromMisses: piercing.missIds,
    };
    expect((await agent('POST', '/api/kb/entries', entry)).status).toBe(403);
    const created = await admin('POST', '/api/kb/entries', entry);
    expect(created.status).toBe(201);
    expect((await askBot(server, 'Продаёте пирсинг для носа?')).reply).toContain('пирсинг для носа из титана');
    expect((await server.chatbridge.store.getMisses(piercing.missIds)).every((m) => m.status === 'attached' && m.entryId === 'nose-piercing')).toBe(true);

    const noise = (await gaps()).groups.find((g) => g.label === 'фывапролд');
    const dismissed = await agent('POST', '/api/kb/misses/dismiss', { missIds: noise.missIds });
    expect(dismissed.body).toEqual({ dismissed: 1 });
    expect((await gaps()).groups).toEqual([]);
    expect((await agent('POST', '/api/kb/misses/dismiss', { missIds: [999_999] })).status).toBe(404);
    expect((await agent('POST', '/api/kb/misses/dismiss', { missIds: [] })).status).toBe(400);
  });

  it("an agent's KB answer proposes the customer's question for that entry; accepting adds it, rejecting drops it", async () => {
    // The customer asks, the bot cannot tell, the customer asks for a person.
    const visitor = await connectVisitor(server.url);
    const asked = await visitor.send('серьги потемнели, что делать?');
    await visitor.waitForMessage((m) => m.author.type === 'bot', "the bot's reply");
    await visitor.send('позовите оператора');
    const conversationId = asked.conversationId!;
    await waitFor(async () => (await server.chatbridge.store.getConversation(conversationId))?.status === 'queued', 'the hand-off');

    // A bad kbEntryId sends nothing.
    const bad = await agentSocket.call('message:send', { conversationId, text: 'Ответ', kbEntryId: '../etc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });

    const reply = await agentSocket.call('message:send', { conversationId, text: 'Серьги из серебра 925 пробы: протрите их салфеткой для серебра.', kbEntryId: 'materials', clientId: 'kb-reply-1' });
    expect(reply.ok).toBe(true);
    await visitor.waitForMessage((m) => m.author.type === 'agent', "the agent's answer");
    // Sent again with the same clientId: one event, one proposal.
    await agentSocket.call('message:send', { conversationId, text: 'Серьги из серебра 925 пробы: протрите их салфеткой для серебра.', kbEntryId: 'materials', clientId: 'kb-reply-1' });
    const events = (await server.chatbridge.store.listEvents(conversationId)).filter((e) => e.type === 'kb_answer_used');
    expect(events.map((e) => e.data)).toEqual([{ kbEntryId: 'materials', messageId: reply.message.id }]);

    const proposals = (await agent('GET', '/api/kb/proposals')).body.proposals;
    expect(proposals).toEqual([
      expect.objectContaining({ text: 'серьги потемнели, что делать?', entryId: 'materials', conversationId, entry: { id: 'materials', question: 'Из чего сделаны серьги?', topic: 'product' } }),
    ]);
    // The question was a miss: it is now the proposal, not a gap as well.
    expect((await gaps()).groups.map((g) => g.label)).not.toContain('серьги потемнели, что делать?');

    const accepted = await agent('POST', `/api/kb/proposals/${proposals[0].id}/accept`, { text: 'Серьги потемнели, что делать?' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.added).toEqual(['Серьги потемнели, что делать?']);
    expect((await askBot(server, 'Серьги потемнели, что делать?')).reply).toContain('Серьги из серебра 925 пробы с позолотой.');
    expect((await agent('GET', '/api/kb/proposals')).body.proposals).toEqual([]);
    expect((await agent('POST', `/api/kb/proposals/${proposals[0].id}/accept`, {})).status).toBe(409);

    // A second one, rejected.
    const other = await connectVisitor(server.url);
    const second = await other.send('можно сделать гравировку');
    await other.waitForMessage((m) => m.author.type === 'bot', "the bot's reply");
    await agentSocket.call('message:send', { conversationId: second.conversationId, text: 'Гравировку не делаем, извините.', kbEntryId: 'materials' });
    const [proposal] = (await agent('GET', '/api/kb/proposals')).body.proposals;
    expect(proposal.text).toBe('можно сделать гравировку');
    expect((await agent('POST', `/api/kb/proposals/${proposal.id}/reject`, {})).status).toBe(200);
    expect((await agent('GET', '/api/kb/proposals')).body.proposals).toEqual([]);
    expect((await admin('GET', '/api/kb/entries/materials')).body.entry.questions).not.toContain('можно сделать гравировку');
    visitor.close();
    other.close();
  });
});
