/**
 * The host page's events: `message`, `open`, `close`, `unread`, `ready`.
 * @module
 */

export type WidgetEvent = 'message' | 'open' | 'close' | 'unread' | 'ready';
type Listener = (payload?: unknown) => void;

export class Emitter {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, fn: Listener): () => void {
    if (typeof fn !== 'function') return () => undefined;
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  off(event: string, fn: Listener): void {
    this.listeners.get(event)?.delete(fn);
  }

  /** Calls every listener; one that throws does not stop the others (or the widget). */
  emit(event: WidgetEvent, payload?: unknown): void {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        console.error('chatbridge widget: an event listener failed', err);
      }
    }
  }
}
