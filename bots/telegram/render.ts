/**
 * Turns the core's Outbound into sendMessage calls: text split under Telegram's 4096-character
 * limit, an agent's name in bold in front of their words (as an entity, so no parse mode can
 * break on a stray "<" or "*"), quick replies as an inline keyboard on the last part.
 * @module
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import type { Outbound, QuickReply } from '../../server/channels/contract.js';
import { splitText as splitShared } from '../shared/split-text.js';

/** Telegram's limit on a message's text (UTF-16 units, counted after entities are parsed). */
export const MAX_TEXT = 4096;
/** Longest button label kept; Telegram shows long ones cut anyway. */
const MAX_LABEL = 64;

export interface MessagePart {
  text: string;
  entities?: MessageEntity[];
  reply_markup?: InlineKeyboardMarkup;
}

/** Splits text under Telegram's limit (see bots/shared/split-text.ts). */
export function splitText(text: string, limit = MAX_TEXT): string[] {
  return splitShared(text, limit);
}

/**
 * Lays quick replies out as Telegram users expect: ratings (1–5) in one row, short topics two to a
 * row, long suggestions one to a row, and "talk to a person" on a row of its own at the end.
 */
export function keyboardRows(buttons: { reply: QuickReply; data: string }[]): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  let perRow = 0;
  const flush = () => {
    if (row.length) rows.push(row);
    row = [];
  };
  for (const { reply, data } of buttons) {
    const label = truncate(reply.label.trim() || reply.id, MAX_LABEL);
    const fits = reply.id === 'human' ? 1 : label.length <= 3 ? 5 : label.length <= 16 ? 2 : 1;
    if (fits !== perRow || row.length >= fits) flush();
    perRow = fits;
    row.push({ text: label, callback_data: data });
    if (reply.id === 'human') {
      flush();
      perRow = 0;
    }
  }
  flush();
  return rows;
}

/** The parts of one outbound message; `keyboard` rides on the last part. */
export function renderParts(outbound: Outbound, keyboard?: InlineKeyboardButton[][]): MessagePart[] {
  const body = outbound.text.trim() ? outbound.text : '…';
  const name = outbound.author.type === 'agent' && outbound.author.name ? `${outbound.author.name.trim()}:` : '';
  // The name goes before the first part; split so that part still fits with it.
  const texts = name ? splitText(body, MAX_TEXT - name.length - 1) : splitText(body);
  const parts: MessagePart[] = texts.map((text) => ({ text }));
  if (name) {
    parts[0] = { text: `${name} ${parts[0]!.text}`, entities: [{ type: 'bold', offset: 0, length: name.length }] };
  }
  if (keyboard?.length) parts[parts.length - 1]!.reply_markup = { inline_keyboard: keyboard };
  return parts;
}

/** The label of the button whose callback_data was pressed, from the message's keyboard. */
export function pressedLabel(markup: InlineKeyboardMarkup | undefined, data: string): string | undefined {
  for (const row of markup?.inline_keyboard ?? []) {
    for (const button of row) if ('callback_data' in button && button.callback_data === data) return button.text;
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
