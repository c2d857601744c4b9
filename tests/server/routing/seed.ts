/**
 * Test helpers without a server: a clock the test moves by hand, and conversations and
 * messages written straight to the store at chosen times.
 */
import type { Conversation, Store } from '../../../server/store/types.js';

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public ms: number) {}
  now = (): number => this.ms;
  set(iso: string | number): void {
    this.ms = typeof iso === 'number' ? iso : Date.parse(iso);
  }
  advance(minutes: number): void {
    this.ms += minutes * 60_000;
  }
}

let seq = 0;
/** A customer conversation written straight to the store at `at` (no bot involved). */
export async function seedConversation(
  store: Store,
  o: { at: number; user?: string; channel?: string; text?: string; language?: string },
): Promise<Conversation> {
  const n = ++seq;
  const user = o.user ?? `user-${n}`;
  const intake = await store.intake({
    channel: o.channel ?? 'webchat',
    externalChatId: `chat-${user}`,
    externalUserId: user,
    externalMessageId: `seed-${n}-${Math.random()}`,
    text: o.text ?? 'help me please',
    profile: { name: `Customer ${n}`, language: o.language },
    at: o.at,
    attachToLatest: false,
  });
  return intake.conversation;
}

/** A customer message at `at` in the contact's open conversation. */
export async function seedCustomerMessage(store: Store, conversation: Conversation, at: number, text = 'any news?'): Promise<void> {
  await store.intake({
    channel: conversation.channel,
    externalChatId: conversation.externalChatId,
    externalUserId: conversation.externalUserId,
    externalMessageId: `seed-msg-${++seq}-${Math.random()}`,
    text,
    at,
    attachToLatest: false,
  });
}

export const minutes = (n: number): number => n * 60_000;
