/**
 * Quick-reply ids ↔ Telegram callback_data (at most 64 bytes). Every button chatbridge makes is
 * marked with a prefix, so in forward mode (another bot owns the token) chatbridge can tell its
 * own buttons from that bot's. An id too long for the limit is replaced by a hash and remembered
 * in the settings, so a press still routes after a restart.
 * @module
 */
import { createHash } from 'node:crypto';

/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_DATA = 64;
const PLAIN = 'cb|';
const HASHED = 'cb#';

/** Where long ids are remembered: the core's settings table. */
export interface KeyValue {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}

export class CallbackData {
  private readonly memory = new Map<string, string>();

  constructor(private readonly settings: KeyValue) {}

  /** The callback_data for quick reply `id`. */
  async encode(id: string): Promise<string> {
    const plain = PLAIN + id;
    if (Buffer.byteLength(plain, 'utf8') <= MAX_CALLBACK_DATA) return plain;
    const data = HASHED + createHash('sha256').update(id).digest('base64url').slice(0, 32);
    if (this.memory.get(data) !== id) {
      await this.settings.set(`telegram.button.${data}`, id);
      this.memory.set(data, id);
    }
    return data;
  }

  /** Whether chatbridge made this callback_data (in forward mode the rest belongs to the other bot). */
  static isOurs(data: string | undefined): data is string {
    return !!data && (data.startsWith(PLAIN) || data.startsWith(HASHED));
  }

  /** The quick-reply id behind a pressed button, or null for one this server does not know. */
  async decode(data: string | undefined): Promise<string | null> {
    if (!CallbackData.isOurs(data)) return null;
    if (data.startsWith(PLAIN)) return data.slice(PLAIN.length) || null;
    return this.memory.get(data) ?? (await this.settings.get(`telegram.button.${data}`));
  }
}
