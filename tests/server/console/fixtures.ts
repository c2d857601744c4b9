/**
 * Helpers for the console tests: customers writing in through the real router, REST calls with a
 * session cookie, extra agents.
 */
import { randomUUID } from 'node:crypto';
import { Sessions } from '../../../server/agents/sessions.js';
import { signIn } from '../../helpers/clients.js';
import { waitFor, type TestServer } from '../../helpers/server.js';

export interface Customer {
  channel: string;
  userId: string;
  /** Sends a message as this customer; resolves to the conversation id. */
  say(text: string): Promise<number>;
}

/** A customer on a channel (webchat by default), written in through the router like an adapter would. */
export function customer(server: TestServer, name: string, channel = 'webchat', userId = `u-${randomUUID()}`): Customer {
  return {
    channel,
    userId,
    async say(text: string) {
      const result = await server.chatbridge.router.receive({
        channel,
        externalChatId: userId,
        externalUserId: userId,
        externalMessageId: randomUUID(),
        text,
        profile: { name, language: 'ru' },
      });
      return result.conversationId;
    },
  };
}

/** A customer asks for a person: the conversation lands in the queue. */
export async function handOff(server: TestServer, name: string, question: string, channel = 'webchat'): Promise<{ customer: Customer; conversationId: number }> {
  const c = customer(server, name, channel);
  await c.say(question);
  const conversationId = await c.say('позовите оператора, пожалуйста');
  await waitFor(async () => (await server.chatbridge.store.getConversation(conversationId))?.status === 'queued', 'the hand-off');
  return { customer: c, conversationId };
}

export interface Api {
  cookie: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<any>;
}

/**
 * A session cookie for an agent without going through the sign-in form (which allows 10 tries a
 * minute per address): the same kind of session the login route creates.
 */
export async function sessionCookie(server: TestServer, agentId: number): Promise<string> {
  const { token } = await new Sessions(server.chatbridge.store, 3600_000).create(agentId);
  return `cb_session=${token}`;
}

/** REST calls as a signed-in agent (the admin by default, through the real login); `get` throws unless 200. */
export async function api(server: TestServer, as?: { agentId: number } | { email: string; password: string }): Promise<Api> {
  const cookie =
    as && 'agentId' in as ? await sessionCookie(server, as.agentId) : await signIn(server.url, as?.email, as?.password);
  return apiWithCookie(server, cookie);
}

export function apiWithCookie(server: TestServer, cookie: string): Api {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // an HTML page or an empty body
    }
    return { status: res.status, body: parsed as any };
  };
  return {
    cookie,
    call,
    async get(path) {
      const r = await call('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/** Creates an agent through the admin API and returns their REST client. */
export async function newAgent(admin: Api, server: TestServer, name: string, extra: Record<string, unknown> = {}): Promise<{ id: number; email: string; password: string; api: Api }> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@test.local`;
  const password = 'agent-password-1';
  const created = await admin.call('POST', '/api/console/agents', { email, name, password, ...extra });
  if (created.status !== 201) throw new Error(`agent not created: ${JSON.stringify(created.body)}`);
  return { id: created.body.agent.id, email, password, api: await api(server, { agentId: created.body.agent.id }) };
}
