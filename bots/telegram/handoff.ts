/**
 * For teams that already run their own grammy bot on the token: a middleware that hands
 * conversations to chatbridge without giving up the bot. Run chatbridge with TELEGRAM_MODE=forward
 * (it then never calls getUpdates or setWebhook), add the middleware first, and every update goes
 * to chatbridge's `/telegram/forward` first: chatbridge takes what is its own (its buttons,
 * /human, and the messages of customers who are with an agent) and the rest goes on to your bot.
 *
 * Self-contained (grammy and fetch only), so it can be copied into another project.
 *
 * @example
 * const support = chatbridgeHandoff({ url: 'https://support.example.com', secret: process.env.CHATBRIDGE_SECRET! });
 * bot.use(support.middleware());
 * bot.command('support', (ctx) => support.handOff(ctx));
 * @module
 */
import type { Context, MiddlewareFn } from 'grammy';

export interface HandoffOptions {
  /** chatbridge's base URL (PUBLIC_URL), without the path. */
  url: string;
  /** The same value as chatbridge's TELEGRAM_FORWARD_SECRET. */
  secret: string;
  /** How long to wait for chatbridge before your bot handles the update itself. */
  timeoutMs?: number;
  /** Called when chatbridge could not be reached (the update then goes on to your bot). */
  onError?: (err: unknown) => void;
}

export interface Handoff {
  /** Forwards each update; calls `next()` for the ones chatbridge leaves to your bot. */
  middleware(): MiddlewareFn<Context>;
  /** Hands this customer to an agent now (for your own "talk to support" button or command). True when chatbridge took it. */
  handOff(ctx: Context): Promise<boolean>;
}

export function chatbridgeHandoff(options: HandoffOptions): Handoff {
  const endpoint = `${options.url.replace(/\/+$/, '')}/telegram/forward`;
  const forward = async (ctx: Context, handOff: boolean): Promise<boolean> => {
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.secret}` },
        body: JSON.stringify(handOff ? { update: ctx.update, handOff: true } : ctx.update),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`chatbridge answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { handled?: unknown };
      return body.handled === true;
    } catch (err) {
      options.onError?.(err);
      return false;
    }
  };
  return {
    middleware: () => async (ctx, next) => {
      if (await forward(ctx, false)) return;
      await next();
    },
    handOff: (ctx) => forward(ctx, true),
  };
}
