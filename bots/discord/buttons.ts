/**
 * Quick-reply ids ↔ Discord custom_ids. An id of up to 100 characters is used as it is; a longer
 * one (Discord's limit is 100) is replaced by a hash and remembered in the settings, so the press
 * still routes after a restart.
 * @module
 */
import { createHash } from 'node:crypto';
import type { KeyValue } from './threads.js';

const MAX_CUSTOM_ID = 100;
/** Marks a hashed custom_id; no id the router makes starts with it. */
const HASHED = '#';

export class ButtonIds {
  private readonly memory = new Map<string, string>();

  constructor(private readonly settings: KeyValue) {}

  /** The custom_id to put on the button for quick reply `id`. */
  async encode(id: string): Promise<string> {
    if (id.length <= MAX_CUSTOM_ID && !id.startsWith(HASHED)) return id;
    const customId = HASHED + createHash('sha256').update(id).digest('base64url').slice(0, 32);
    if (this.memory.get(customId) !== id) {
      await this.settings.set(`discord.button.${customId}`, id);
      this.memory.set(customId, id);
    }
    return customId;
  }

  /** The quick reply id behind a pressed custom_id, or null for one this bot never made. */
  async decode(customId: string): Promise<string | null> {
    if (!customId.startsWith(HASHED)) return customId;
    return this.memory.get(customId) ?? (await this.settings.get(`discord.button.${customId}`));
  }
}
