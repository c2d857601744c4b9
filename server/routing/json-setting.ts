/**
 * A validated JSON value kept in the store's settings table, cached in memory. Reads are hot
 * (every routing decision, every SLA view), writes are rare (an admin saves a form).
 * @module
 */
import type { Store } from '../store/types.js';

export class JsonSetting<T> {
  private cached: T | undefined;

  /**
   * @param parse validates raw JSON and returns the value, throwing a SettingsError otherwise.
   * @param fallback used while nothing was saved (and when a stored value no longer parses).
   */
  constructor(
    private readonly store: Pick<Store, 'getSetting' | 'setSetting'>,
    readonly key: string,
    private readonly parse: (raw: unknown) => T,
    private readonly fallback: () => T,
  ) {}

  async get(): Promise<T> {
    if (this.cached !== undefined) return this.cached;
    const raw = await this.store.getSetting(this.key);
    let value = this.fallback();
    if (raw !== null) {
      try {
        value = this.parse(JSON.parse(raw));
      } catch {
        // A value saved by an older version that no longer validates: serve the default rather than fail every request.
      }
    }
    this.cached = value;
    return value;
  }

  /** Validates and saves; returns the normalised value. */
  async set(raw: unknown): Promise<T> {
    const value = this.parse(raw);
    await this.store.setSetting(this.key, JSON.stringify(value));
    this.cached = value;
    return value;
  }
}
