/**
 * Runs tasks one after another per key (a Telegram chat, a Discord user), so a customer's messages
 * reach the core in the order they wrote them even when updates arrive in parallel (webhook
 * requests; two quick messages in a Discord support channel that must share one thread).
 * @module
 */
import { settlesWithin } from './settles-within.js';

export class SerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after the key's earlier tasks; its result or error goes to the caller only. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => task());
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Waits for everything queued so far (on stop), at most `ms`. */
  async drain(ms: number): Promise<void> {
    await settlesWithin(Promise.all([...this.tails.values()]), ms);
  }
}
