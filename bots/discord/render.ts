/**
 * Turns the core's Outbound into Discord message payloads: text split under the 2000-character
 * limit, quick replies as buttons on the last part, an agent's name in front of their words.
 * @module
 */
import { ButtonStyle, ComponentType, escapeMarkdown, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow } from 'discord.js';
import type { Outbound } from '../../server/channels/contract.js';
import { splitText as splitShared } from '../shared/split-text.js';

/** Discord's limit on a message's content. */
export const MAX_CONTENT = 2000;
/** Discord's limits on buttons: 5 per row, 5 rows, 80-character labels. */
const PER_ROW = 5;
const MAX_ROWS = 5;
const MAX_LABEL = 80;

export interface MessagePayload {
  content: string;
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** Splits text under Discord's limit (see bots/shared/split-text.ts); an empty text is a zero-width space. */
export function splitText(text: string, limit = MAX_CONTENT): string[] {
  return splitShared(text, limit, '\u200b');
}

/** Lays buttons out in rows of five; what does not fit in five rows is dropped (and reported). */
export function buttonRows(buttons: { customId: string; label: string; id: string }[]): {
  rows: APIActionRowComponent<APIComponentInMessageActionRow>[];
  dropped: number;
} {
  const kept = buttons.slice(0, PER_ROW * MAX_ROWS);
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < kept.length; i += PER_ROW) {
    rows.push({
      type: ComponentType.ActionRow,
      components: kept.slice(i, i + PER_ROW).map(
        (b): APIButtonComponent => ({
          type: ComponentType.Button,
          custom_id: b.customId,
          label: truncate(b.label.trim() || b.id, MAX_LABEL),
          // "Talk to a person" stands apart from the answers.
          style: b.id === 'human' ? ButtonStyle.Secondary : ButtonStyle.Primary,
        }),
      ),
    });
  }
  return { rows, dropped: buttons.length - kept.length };
}

/** The text as the customer reads it: an agent's words carry the agent's name. */
export function displayText(outbound: Outbound): string {
  const text = outbound.text.trim() ? outbound.text : '…';
  if (outbound.author.type === 'agent' && outbound.author.name) return `**${escapeMarkdown(outbound.author.name)}:** ${text}`;
  return text;
}

/** The payloads for one outbound message; the buttons ride on the last part. */
export function renderParts(text: string, rows: MessagePayload['components']): MessagePayload[] {
  const parts: MessagePayload[] = splitText(text).map((content) => ({ content }));
  if (rows?.length) parts[parts.length - 1]!.components = rows;
  return parts;
}

/**
 * The rows of a message whose button was just pressed: every button disabled (so an answer or a
 * rating is given once), the pressed one in green so the customer sees what they chose.
 */
export function pressedRows(
  rows: readonly { type: number; components?: readonly unknown[] }[],
  pressedCustomId: string,
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  return rows
    .filter((row) => row.type === ComponentType.ActionRow)
    .map((row) => ({
      type: ComponentType.ActionRow,
      components: (row.components ?? []).map((raw) => {
        const c = raw as APIComponentInMessageActionRow;
        if (c.type !== ComponentType.Button || !('custom_id' in c)) return c;
        return { ...c, disabled: true, style: c.custom_id === pressedCustomId ? ButtonStyle.Success : ButtonStyle.Secondary };
      }),
    }));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
