/**
 * Checks what a visitor sends before anything is stored. Every refusal carries a stable code and
 * a sentence for people (docs/protocol.md lists the codes).
 * @module
 */
import type { ContactDetails } from '../../server/channels/contract.js';
import type { WireError } from './protocol.js';

export const CLIENT_ID = /^[\w.:-]{1,64}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,63}$/;
// Letters, digits, spaces and ordinary punctuation; no control or bidi-override characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const MAX_NAME_LENGTH = 100;
export const MAX_EMAIL_LENGTH = 254;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: WireError };

const refuse = (code: string, message: string): { ok: false; error: WireError } => ({ ok: false, error: { code, message } });

/** A name the visitor typed: trimmed, 1–100 characters. */
export function checkName(value: unknown): Checked<string> {
  if (typeof value !== 'string') return refuse('invalid_name', 'name must be a string.');
  const name = value.trim().replace(/\s+/g, ' ');
  if (!name || name.length > MAX_NAME_LENGTH || CONTROL.test(name)) {
    return refuse('invalid_name', `The name must be 1 to ${MAX_NAME_LENGTH} ordinary characters.`);
  }
  return { ok: true, value: name };
}

/** An email address: trimmed, lower-cased domain, at most 254 characters. */
export function checkEmail(value: unknown): Checked<string> {
  if (typeof value !== 'string') return refuse('invalid_email', 'email must be a string.');
  const email = value.trim();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return refuse('invalid_email', 'That does not look like an email address.');
  const at = email.lastIndexOf('@');
  return { ok: true, value: `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}` };
}

/** `{ name?, email? }` with at least one of them. */
export function checkContactDetails(payload: unknown): Checked<ContactDetails> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse('invalid_payload', 'Send an object: { name?: string, email?: string }.');
  }
  const p = payload as { name?: unknown; email?: unknown };
  const details: ContactDetails = {};
  if (p.name !== undefined && p.name !== null && p.name !== '') {
    const name = checkName(p.name);
    if (!name.ok) return name;
    details.name = name.value;
  }
  if (p.email !== undefined && p.email !== null && p.email !== '') {
    const email = checkEmail(p.email);
    if (!email.ok) return email;
    details.email = email.value;
  }
  if (details.name === undefined && details.email === undefined) return refuse('invalid_payload', 'Give a name, an email or both.');
  return { ok: true, value: details };
}
