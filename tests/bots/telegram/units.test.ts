import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../bots/shared/serial.js';

/** A promise settled from outside, to hold a task for as long as a test wants. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** `promise`, or a failure naming `what` if it takes longer than `ms` (a task stuck behind another chat). */
function within<T>(promise: Promise<T>, what: string, ms = 1000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Lets every queued microtask and a macrotask run (so a task that could start, has). */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('SerialQueue: per-chat order of Telegram updates (what webhook mode relies on)', () => {
  it('runs the tasks of one chat one after another in the order they came, even when an earlier one is slow', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const slow = deferred();
    const first = queue.run('chat-1', async () => {
      log.push('start 1');
      await slow.promise;
      log.push('end 1');
      return 1;
    });
    const second = queue.run('chat-1', async () => {
      log.push('start 2');
      return 2;
    });
    const third = queue.run('chat-1', async () => {
      log.push('start 3');
      await new Promise((r) => setTimeout(r, 5));
      log.push('end 3');
      return 3;
    });
    await tick();
    await tick();
    // The fast ones wait behind the slow first one.
    expect(log).toEqual(['start 1']);
    slow.resolve();
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'start 3', 'end 3']);
  });

  it('runs different chats in parallel: a slow chat does not hold up another', async () => {
    const queue = new SerialQueue();
    const slow = deferred();
    let slowDone = false;
    const a = queue.run('chat-a', async () => {
      await slow.promise;
      slowDone = true;
      return 'a';
    });
    const started: string[] = [];
    const b1 = queue.run('chat-b', async () => {
      started.push('b1');
      return 'b1';
    });
    const b2 = queue.run('chat-b', async () => {
      started.push('b2');
      return 'b2';
    });
    expect(await within(Promise.all([b1, b2]), "chat-b's tasks")).toEqual(['b1', 'b2']);
    expect(started).toEqual(['b1', 'b2']);
    expect(slowDone).toBe(false);
    // Both chats' tasks can be in flight at once.
    const inFlight = deferred();
    let both = false;
    const c = queue.run('chat-c', async () => {
      await inFlight.promise;
      return 'c';
    });
    const d = queue.run('chat-d', async () => {
      both = true; // chat-c's task has not finished, and this one runs
      inFlight.resolve();
      return 'd';
    });
    expect(await within(Promise.all([c, d]), "chat-c's and chat-d's tasks")).toEqual(['c', 'd']);
    expect(both).toBe(true);
    slow.resolve();
    expect(await a).toBe('a');
  });

  it('a failing task rejects for its caller only; the next task of the same chat still runs', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const failing = queue.run('chat-1', async () => {
      log.push('1');
      throw new Error('could not store');
    });
    const next = queue.run('chat-1', async () => {
      log.push('2');
      return 'stored';
    });
    await expect(failing).rejects.toThrow('could not store');
    expect(await next).toBe('stored');
    // A task that throws synchronously (not an async function) does not block the chat either.
    const sync = queue.run('chat-1', () => {
      throw new Error('sync');
    });
    const after = queue.run('chat-1', async () => 'after');
    await expect(sync).rejects.toThrow('sync');
    expect(await after).toBe('after');
    expect(log).toEqual(['1', '2']);
  });

  it('forgets a chat once its tasks are done, and drain() waits for what is queued (up to a bound)', async () => {
    const queue = new SerialQueue();
    const tails = (queue as unknown as { tails: Map<string, unknown> }).tails;
    const hold = deferred();
    let finished = false;
    void queue.run('chat-1', async () => {
      await hold.promise;
      finished = true;
    });
    expect(tails.size).toBe(1);
    // drain() gives up after its bound while the task is still held...
    const started = Date.now();
    await queue.drain(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(finished).toBe(false);
    // ...and returns as soon as the task is done otherwise.
    setTimeout(() => hold.resolve(), 10);
    await queue.drain(5000);
    expect(finished).toBe(true);
    await tick();
    expect(tails.size).toBe(0);
  });
});
