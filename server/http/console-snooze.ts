/**
 * Brings snoozed conversations back: when their time comes (checked every second) and as soon as
 * the customer writes.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from './console-common.js';

export function startSnoozeWaker(app: FastifyInstance, deps: ConsoleDeps, everyMs = 1000): void {
  const { store, router, bus, log } = deps;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    router
      .wakeSnoozed()
      .catch((err: unknown) => log.error({ err }, 'waking snoozed conversations failed'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  bus.on('message', (conversation, message) => {
    if (message.direction !== 'in') return;
    void store
      .consoleMeta([conversation.id])
      .then((meta) => (meta.get(conversation.id)?.snoozedUntil ? router.unsnooze(conversation.id, 'customer') : undefined))
      .catch((err: unknown) => log.error({ err, conversationId: conversation.id }, 'unsnooze on customer message failed'));
  });
}
