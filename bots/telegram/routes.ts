/**
 * The HTTP side of the adapter, on the server's own fastify: the webhook Telegram posts updates to
 * (checked against X-Telegram-Bot-Api-Secret-Token) and, in forward mode, the endpoint another
 * bot forwards updates to (checked against a bearer secret). Secrets are compared in constant time.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';

/** What handling an update came to. `taken`: chatbridge handled it; `passed`: not chatbridge's (forward mode). */
export type UpdateOutcome = 'taken' | 'passed' | 'duplicate';

/** Handles one update; rejects only when it could not be stored (the sender should deliver it again). */
export type UpdateHandler = (update: Update, options: { handOff: boolean; forwarded: boolean }) => Promise<UpdateOutcome>;

/** The path forwarded updates go to (forward mode). */
export const FORWARD_PATH = '/telegram/forward';

/** Equal-length digests, so the comparison time says nothing about the secret. */
export function secretsMatch(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function isUpdate(body: unknown): body is Update {
  return typeof body === 'object' && body !== null && Number.isSafeInteger((body as { update_id?: unknown }).update_id);
}

/**
 * `POST <path>` for Telegram's webhook. 401 without the right secret (nothing is read further);
 * 200 once the update is stored; 500 when it could not be, so Telegram delivers it again.
 */
export function registerWebhookRoute(app: FastifyInstance, path: string, secret: string, handle: UpdateHandler): void {
  app.post(path, async (request, reply) => {
    if (!secretsMatch(request.headers['x-telegram-bot-api-secret-token'] as string | undefined, secret)) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'The secret token is wrong.' } });
    }
    if (!isUpdate(request.body)) {
      return reply.code(400).send({ error: { code: 'invalid', message: 'The body must be a Telegram Update with an update_id.' } });
    }
    await handle(request.body, { handOff: false, forwarded: false });
    return reply.code(200).send();
  });
}

/**
 * `POST /telegram/forward` for another bot that owns the token (see handoff.ts). Body: an Update,
 * or `{ update, handOff: true }` to start a hand-off. Answers `{ handled }`: when false, the other
 * bot handles the update itself.
 */
export function registerForwardRoute(app: FastifyInstance, secret: string, handle: UpdateHandler): void {
  app.post(FORWARD_PATH, async (request, reply) => {
    const auth = request.headers.authorization;
    const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!secretsMatch(given, secret)) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <TELEGRAM_FORWARD_SECRET>.' } });
    }
    const body = request.body as { update?: unknown; handOff?: unknown } | undefined;
    const update = isUpdate(body) ? body : isUpdate(body?.update) ? body.update : null;
    if (!update) {
      return reply.code(400).send({ error: { code: 'invalid', message: 'The body must be a Telegram Update, or { update, handOff }.' } });
    }
    const outcome = await handle(update, { handOff: body?.handOff === true, forwarded: true });
    return { handled: outcome !== 'passed' };
  });
}
