/**
 * Helpers for the knowledge-base management tests: a small KB, a JSON client with a session cookie, a second
 * (non-admin) agent, and asking the bot a question as a fresh website visitor.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../../../server/agents/passwords.js';
import { connectVisitor } from '../../helpers/clients.js';
import { signIn } from '../../helpers/clients.js';
import { waitFor, type TestServer } from '../../helpers/server.js';

/** Ten entries in Russian and English: the matcher rebuilds in well under a second. */
export const SMALL_KB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'kb.yaml');

export const AGENT_EMAIL = 'agent@test.local';
export const AGENT_PASSWORD = 'plain-agent-password';

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

/** A REST client bound to one session cookie (or none). */
export function apiClient(url: string, cookie?: string) {
  return async (method: string, route: string, body?: unknown): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
}

/** Adds a plain agent (role `agent`) and signs them in. */
export async function signInPlainAgent(server: TestServer): Promise<string> {
  const store = server.chatbridge.store;
  if (!(await store.findAgentByEmail(AGENT_EMAIL))) {
    await store.createAgent(
      { email: AGENT_EMAIL, name: 'Plain Agent', passwordHash: await hashPassword(AGENT_PASSWORD), role: 'agent', active: true, capacity: 5 },
      Date.now(),
    );
  }
  return signIn(server.url, AGENT_EMAIL, AGENT_PASSWORD);
}

/**
 * Asks the bot one question as a new visitor and returns the bot's first reply text, together with the
 * conversation id (for looking at the stored misses).
 */
export async function askBot(server: TestServer, question: string): Promise<{ reply: string; conversationId: number; quickReplies: string[] }> {
  const visitor = await connectVisitor(server.url);
  try {
    const sent = await visitor.send(question);
    if (!sent.ok) throw new Error(`the question was not accepted: ${JSON.stringify(sent)}`);
    const reply = await visitor.waitForMessage((m) => m.author.type === 'bot', `the bot's reply to "${question}"`);
    return { reply: reply.text, conversationId: sent.conversationId!, quickReplies: reply.quickReplies.map((q) => q.id) };
  } finally {
    visitor.close();
  }
}

/** Waits until the bot has recorded `n` open misses in total. */
export async function waitForOpenMisses(server: TestServer, n: number): Promise<void> {
  await waitFor(async () => (await server.chatbridge.store.countMisses()).open >= n, `${n} open misses`);
}
