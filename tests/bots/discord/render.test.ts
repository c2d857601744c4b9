import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ButtonIds } from '../../../bots/discord/buttons.js';
import { deliveryResultFor } from '../../../bots/discord/delivery.js';
import { quote } from '../../../bots/discord/inbound.js';
import { inviteUrl, PERMISSIONS_INTEGER } from '../../../bots/discord/permissions.js';
import { buttonRows, displayText, pressedRows, renderParts, splitText } from '../../../bots/discord/render.js';
import { languageFor } from '../../../bots/discord/texts.js';

const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: {}, files: undefined });

describe('Discord rendering: the 2000-character limit and buttons', () => {
  it('keeps a short text whole and splits a long one at paragraph, line and word boundaries', () => {
    expect(splitText('hello')).toEqual(['hello']);
    const paragraphs = ['a'.repeat(1500), 'b'.repeat(1500), 'c'.repeat(100)].join('\n\n');
    expect(splitText(paragraphs)).toEqual(['a'.repeat(1500), 'b'.repeat(1500) + '\n\n' + 'c'.repeat(100)]);
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(' ');
    const parts = splitText(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000);
    expect(parts.join(' ')).toBe(words); // nothing lost, no word cut in two
  });

  it('cuts a text without spaces hard at 2000, never inside an emoji (surrogate pair)', () => {
    const text = 'x'.repeat(1999) + '😀' + 'y'.repeat(10);
    const parts = splitText(text);
    expect(parts[0]).toBe('x'.repeat(1999));
    expect(parts[1]).toBe('😀' + 'y'.repeat(10));
  });

  it('puts the buttons on the last part only, five to a row, labels within 80 characters', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ id: `kb:e${i}`, customId: `kb:e${i}`, label: i === 0 ? 'L'.repeat(120) : `Q${i}` }));
    const { rows, dropped } = buttonRows(buttons);
    expect(dropped).toBe(0);
    expect(rows.map((r) => r.components.length)).toEqual([5, 2]);
    const first = rows[0]!.components[0] as { label: string };
    expect(first.label).toHaveLength(80);
    const parts = renderParts('z'.repeat(4500), rows);
    expect(parts).toHaveLength(3);
    expect(parts.slice(0, 2).every((p) => p.components === undefined)).toBe(true);
    expect(parts[2]!.components).toBe(rows);
  });

  it('drops what does not fit in 25 buttons and says how many', () => {
    const buttons = Array.from({ length: 27 }, (_, i) => ({ id: `b${i}`, customId: `b${i}`, label: `B${i}` }));
    const { rows, dropped } = buttonRows(buttons);
    expect(rows).toHaveLength(5);
    expect(dropped).toBe(2);
  });

  it("names the agent in bold (escaped) and leaves the bot's text as it is", () => {
    const base = { messageId: 1, createdAt: 0 };
    expect(displayText({ ...base, text: 'Hi', author: { type: 'agent', name: 'Anna_*' } })).toBe('**Anna\\_\\*:** Hi');
    expect(displayText({ ...base, text: 'Answer', author: { type: 'bot' } })).toBe('Answer');
  });

  it('disables every button of a pressed message and marks the chosen one', () => {
    const { rows } = buttonRows([
      { id: 'csat:1', customId: 'csat:1', label: '1' },
      { id: 'csat:5', customId: 'csat:5', label: '5' },
    ]);
    const pressed = pressedRows(rows, 'csat:5');
    const buttons = pressed[0]!.components as { custom_id: string; disabled: boolean; style: number }[];
    expect(buttons.map((b) => [b.custom_id, b.disabled, b.style])).toEqual([
      ['csat:1', true, 2],
      ['csat:5', true, 3],
    ]);
  });

  it('quotes the customer for the thread and lists their files, within the room given', () => {
    expect(quote('line one\nline two', [{ kind: 'file', ref: 'u', name: 'a.pdf' }], 500)).toBe('> line one\n> line two\n📎 a.pdf');
    expect(quote('x'.repeat(3000), [], 100)).toHaveLength(100);
  });

  it('speaks Russian to a ru locale or Cyrillic text, English otherwise', () => {
    expect(languageFor(undefined, 'ru')).toBe('ru');
    expect(languageFor('Привет', undefined)).toBe('ru');
    expect(languageFor('Hello', 'de')).toBe('en');
    expect(languageFor('Hello', 'en-GB')).toBe('en');
  });
});

describe('Discord button ids', () => {
  const memory = () => {
    const map = new Map<string, string>();
    return { map, settings: { get: async (k: string) => map.get(k) ?? null, set: async (k: string, v: string) => void map.set(k, v) } };
  };

  it('uses ids up to 100 characters as custom_id and hashes longer ones, persistently', async () => {
    const { settings } = memory();
    const ids = new ButtonIds(settings);
    expect(await ids.encode('kb:delivery-time')).toBe('kb:delivery-time');
    const long = `kb:${'x'.repeat(120)}`;
    const custom = await ids.encode(long);
    expect(custom.length).toBeLessThanOrEqual(100);
    // A fresh instance (after a restart) still resolves it from the settings.
    expect(await new ButtonIds(settings).decode(custom)).toBe(long);
    expect(await new ButtonIds(settings).decode('#unknown')).toBeNull();
  });
});

describe('Discord delivery results', () => {
  it('hands a rate limit back with its retry-after', () => {
    const err = new RateLimitError({
      global: false,
      hash: 'h',
      limit: 5,
      majorParameter: '1',
      method: 'POST',
      retryAfter: 12_000,
      route: '/channels/:id/messages',
      scope: 'user',
      sublimitTimeout: 0,
      timeToReset: 12_000,
      url: 'u',
    });
    expect(deliveryResultFor(err)).toMatchObject({ status: 'retry', retryAfterMs: 12_000 });
  });

  it('gives up on closed DMs and deleted chats, marking the customer unreachable', () => {
    expect(deliveryResultFor(apiError(403, 50007, 'Cannot send messages to this user'))).toMatchObject({ status: 'failed', unreachable: true });
    expect(deliveryResultFor(apiError(404, 10003, 'Unknown Channel'))).toMatchObject({ status: 'failed', unreachable: true });
  });

  it('gives up without blaming the customer on missing permissions and other refusals', () => {
    const permissions = deliveryResultFor(apiError(403, 50013, 'Missing Permissions'));
    expect(permissions.status).toBe('failed');
    expect('unreachable' in permissions && permissions.unreachable).toBeFalsy();
    expect(deliveryResultFor(apiError(400, 50035, 'Invalid Form Body')).status).toBe('failed');
  });

  it('retries server errors, network errors and a refused token', () => {
    expect(deliveryResultFor(new HTTPError(502, 'Bad Gateway', 'POST', 'u', { body: {}, files: undefined })).status).toBe('retry');
    expect(deliveryResultFor(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).status).toBe('retry');
    expect(deliveryResultFor(apiError(401, 0, '401: Unauthorized')).status).toBe('retry');
  });
});

describe('Discord invite', () => {
  it('asks for exactly the permissions the README lists (343597460480) and the commands scope', () => {
    expect(PERMISSIONS_INTEGER).toBe(343597460480n);
    expect(inviteUrl('123')).toBe('https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=343597460480');
  });
});
