import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { startDiscordHarness, type DiscordHarness } from './harness.js';

const MAX_MESSAGE_LENGTH = 1000;
const MAX_DOWNLOAD_BYTES = 64 * 1024;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);

describe("Discord customers' files and long messages (real discord.js against a fake Discord)", () => {
  let h: DiscordHarness;
  let agent: AgentClient;

  beforeAll(async () => {
    h = await startDiscordHarness({ env: { MAX_MESSAGE_LENGTH: String(MAX_MESSAGE_LENGTH) }, overrides: { maxDownloadBytes: MAX_DOWNLOAD_BYTES } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  const inbound = async (conversationId: number) =>
    (await h.server.chatbridge.store.listMessages(conversationId)).filter((m) => m.direction === 'in');
  const download = (messageId: number, index = 0) =>
    fetch(`${h.server.url}/api/messages/${messageId}/attachments/${index}`, { headers: { cookie: agent.cookie } });
  const refreshCalls = () => h.fake.calls.filter((c) => c.method === 'POST' && c.path === '/attachments/refresh-urls');
  const cdnCalls = () => h.fake.calls.filter((c) => c.path.startsWith('/cdn/'));

  /** A DM with files; resolves to the stored message once it is in the store. */
  async function dmWithFiles(username: string, text: string, attachments: unknown[]) {
    const user = h.fake.user(username);
    const id = h.fake.sendDm(user, text, { attachments });
    return waitFor(async () => {
      const c = await h.conversationOf(user.id);
      return c ? (await inbound(c.id)).find((m) => m.externalId === id) : undefined;
    }, `${username}'s message`);
  }

  it("an agent downloads a customer's file after its CDN link expired: the link is refreshed through Discord, then the file fetched", async () => {
    const file = h.fake.attachment('receipt.png', PNG, 'image/png', { expiresAt: Date.now() - 60_000 });
    // The link kept with the message no longer answers, as on Discord a day later.
    expect((await fetch(file.url)).status).toBe(404);

    const message = await dmWithFiles('lena', 'Here is my receipt', [file]);
    expect(message.attachments).toEqual([{ kind: 'photo', ref: file.url, url: file.url, name: 'receipt.png', size: PNG.length, mimeType: 'image/png' }]);

    const cdnBefore = cdnCalls().length;
    const res = await download(message.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);

    // One refresh, as Discord's client does it: the bot's token, the stored link in, a fresh one out.
    const [refresh] = refreshCalls();
    expect(refreshCalls()).toHaveLength(1);
    expect(refresh!.body).toEqual({ attachment_urls: [file.url] });
    expect(refresh!.headers.authorization).toBe(`Bot ${h.fake.token}`);
    // An expired signature is not even tried: the one CDN request is the refreshed link, without the token.
    const fetched = cdnCalls().slice(cdnBefore);
    expect(fetched.map((c) => c.status)).toEqual([200]);
    expect(fetched[0]!.query.get('hm')).not.toBe(new URL(file.url).searchParams.get('hm'));
    expect(fetched[0]!.headers.authorization).toBeUndefined();

    // Agents only.
    expect((await fetch(`${h.server.url}/api/messages/${message.id}/attachments/0`)).status).toBe(401);
  });

  it('uses a link that is still good as it is; a file Discord no longer has, or one over the size limit, is a 404; Discord down is a 502', async () => {
    const fresh = h.fake.attachment('label.png', PNG, 'image/png');
    const gone = h.fake.attachment('old.pdf', Buffer.from('%PDF-1.4 old'), 'application/pdf', { expiresAt: Date.now() - 1000 });
    const big = h.fake.attachment('video.mp4', Buffer.alloc(MAX_DOWNLOAD_BYTES + 1, 7), 'video/mp4');
    // Declared small (as a client might), but more bytes arrive: the download stops at the limit.
    const understated = { ...h.fake.attachment('photo.webp', Buffer.alloc(MAX_DOWNLOAD_BYTES + 1, 9), 'image/webp'), size: 100 };
    const message = await dmWithFiles('artem', 'Files for my order', [fresh, gone, big, understated]);
    expect(message.attachments!.map((a) => a.name)).toEqual(['label.png', 'old.pdf', 'video.mp4', 'photo.webp']);

    const refreshesBefore = refreshCalls().length;
    const ok = await download(message.id, 0);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(PNG);
    expect(refreshCalls()).toHaveLength(refreshesBefore);

    h.fake.removeFile(gone.url);
    const missing = await download(message.id, 1);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/no longer has/);
    expect(refreshCalls()).toHaveLength(refreshesBefore + 1);

    const cdnBefore = cdnCalls().length;
    expect((await download(message.id, 2)).status).toBe(404);
    // Known to be too big from its size: not downloaded at all.
    expect(cdnCalls()).toHaveLength(cdnBefore);
    expect((await download(message.id, 3)).status).toBe(404);

    // Discord not answering the refresh (5xx, also on discord.js's own retry): the console is told to try later.
    const later = h.fake.attachment('later.png', PNG, 'image/png', { expiresAt: Date.now() - 1000 });
    const second = await dmWithFiles('sofia', 'One more', [later]);
    h.fake.inject({ method: 'POST', path: /^\/attachments\/refresh-urls$/, times: 2, status: 502, body: { message: 'Bad Gateway', code: 0 } });
    const unavailable = await download(second.id);
    expect(unavailable.status).toBe(502);
    // Once Discord is back, the same file comes.
    const retried = await download(second.id);
    expect(retried.status).toBe(200);
    expect(Buffer.from(await retried.arrayBuffer())).toEqual(PNG);
  });

  it('stores a DM longer than MAX_MESSAGE_LENGTH in parts, in order, none lost, with no refusal', async () => {
    const nina = h.fake.user('nina');
    const dm = h.fake.dmChannel(nina);
    const text = 'My parcel came back to the warehouse twice and nobody could tell me why it happened. '.repeat(22).trim();
    expect(text.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);
    expect(text.length).toBeLessThanOrEqual(2000); // what any Discord user may send
    const id = h.fake.sendDm(nina, text);
    const conversation = await waitFor(() => h.conversationOf(nina.id), 'the conversation');
    const parts = await waitFor(async () => {
      const list = await inbound(conversation.id);
      return list.length >= 2 ? list : null;
    }, 'the parts');
    expect(parts.map((p) => p.externalId)).toEqual([id, `${id}:2`]);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(parts.map((p) => p.text).join(' ')).toBe(text);
    // Stored, so nothing tells the customer it was not.
    await waitFor(async () => (await h.server.chatbridge.store.lastMessage(conversation.id))?.direction === 'out', "the bot's reply");
    expect(h.fake.messagesIn(dm.id).filter((m) => /too long|split it up|couldn't take/i.test(m.content))).toEqual([]);
  });

  it('a long question in the support channel goes into the private thread in parts, and the public copy is removed', async () => {
    const oleg = h.fake.user('oleg');
    const text = 'Я заказал куртку размера M, а пришла размера S, и на коробке другой номер заказа. '.repeat(20).trim();
    expect(text.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);
    const asked = h.fake.sendInGuild(oleg, h.fake.supportChannelId, text);
    await waitFor(() => h.fake.deleted.find((d) => d.messageId === asked), 'the public copy removed');
    const conversation = (await h.conversationOf(oleg.id))!;
    const thread = h.fake.channels.get(conversation.externalChatId)!;
    expect(thread).toMatchObject({ type: 12, parent_id: h.fake.supportChannelId });
    const parts = await inbound(conversation.id);
    expect(parts.map((p) => p.externalId)).toEqual([asked, `${asked}:2`]);
    expect(parts.map((p) => p.text).join(' ')).toBe(text);
  });

  it('a long question gets one answer: every part is stored, the bot acts on the last one only', async () => {
    const receive = vi.spyOn(h.server.chatbridge.router, 'receive');
    try {
      const kira = h.fake.user('kira');
      const dm = h.fake.dmChannel(kira);
      const text = 'How long does delivery take to Kazan? '.repeat(45).trim();
      expect(text.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);
      h.fake.sendDm(kira, text);
      const conversation = await waitFor(() => h.conversationOf(kira.id), 'the conversation');
      // Settled: both parts stored and the newest message is the bot's (steps run one after another).
      const messages = await waitFor(async () => {
        const list = await h.server.chatbridge.store.listMessages(conversation.id);
        return list.filter((m) => m.direction === 'in').length === 2 && list.at(-1)?.direction === 'out' ? list : null;
      }, 'both parts and the answer');
      const replies = messages.filter((m) => m.direction === 'out');
      expect(replies).toHaveLength(1);
      expect(replies[0]!.id).toBeGreaterThan(messages.filter((m) => m.direction === 'in').at(-1)!.id);
      await waitFor(async () => (await h.server.chatbridge.store.getMessage(replies[0]!.id))?.delivery === 'sent', 'the answer delivered');
      expect(h.fake.messagesIn(dm.id)).toHaveLength(1);
      expect((await h.conversationOf(kira.id))?.botMisses).toBe(0);

      // What the adapter handed over: the first part marked storeOnly, the last one not.
      const parts = receive.mock.calls.map(([m]) => m as { externalMessageId: string; storeOnly?: boolean }).filter((m) => m.externalMessageId.startsWith(messages[0]!.externalId!));
      expect(parts.map((p) => p.storeOnly ?? false)).toEqual([true, false]);
    } finally {
      receive.mockRestore();
    }
  });
});
