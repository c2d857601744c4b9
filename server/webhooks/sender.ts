/**
 * Delivers queued webhook rows: POSTs the stored body, signed, to the endpoint. A 2xx is
 * delivered; anything else (an error status, a timeout, a refused connection) is retried with
 * exponential back-off (honouring Retry-After), and given up on after `maxAttempts`. Every
 * attempt is logged for the console. Redirects are not followed: the signed body goes only to
 * the URL the admin configured.
 * @module
 */
import type { Logger } from 'pino';
import type { Store, WebhookDelivery } from '../store/types.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './signature.js';

export interface WebhookSenderOptions {
  /** How often to look for due rows when nothing woke the sender (ms). */
  pollMs?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts?: number;
  /** Per-request time limit (ms). */
  timeoutMs?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
}

export interface DeliveryOutcome {
  deliveryId: number;
  outcome: 'delivered' | 'retry' | 'failed';
  httpStatus: number | null;
}

export class WebhookSender {
  private readonly opts: Required<WebhookSenderOptions>;
  private readonly inflight = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
    options: WebhookSenderOptions = {},
    private readonly onOutcome: (outcome: DeliveryOutcome) => void = () => undefined,
  ) {
    this.opts = { pollMs: 1000, baseDelayMs: 10_000, maxDelayMs: 3_600_000, maxAttempts: 8, timeoutMs: 10_000, concurrency: 8, ...options };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + 2000;
    while (this.inflight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Back-off before attempt `attempts + 1`: base · 2^(attempts − 1), capped. */
  delayAfter(attempts: number, retryAfterMs: number | null): number {
    const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.min(this.opts.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let nextIn = this.opts.pollMs;
    try {
      do {
        this.again = false;
        const free = this.opts.concurrency - this.inflight.size;
        if (free <= 0) break;
        const due = (await this.store.dueWebhookDeliveries(this.now(), this.opts.concurrency * 2)).filter((d) => !this.inflight.has(d.id)).slice(0, free);
        for (const d of due) {
          this.inflight.add(d.id);
          void this.deliver(d)
            .catch((err: unknown) => this.log.error({ err, deliveryId: d.id }, 'webhook delivery crashed'))
            .finally(() => {
              this.inflight.delete(d.id);
              this.wake();
            });
        }
      } while (this.again && !this.stopped);
      // A retry due sooner than the next poll (short back-offs in tests, 429s) should not wait for it.
      const pending = await this.store.dueWebhookDeliveries(this.now() + this.opts.pollMs, 1);
      if (pending[0]) nextIn = Math.max(0, Math.min(nextIn, pending[0].nextAttemptAt - this.now()));
    } catch (err) {
      this.log.error({ err }, 'webhook sender run failed');
    } finally {
      this.running = false;
      this.schedule(this.again ? 0 : nextIn);
    }
  }

  private async deliver(d: WebhookDelivery): Promise<void> {
    const webhook = await this.store.getWebhook(d.webhookId);
    const started = performance.now();
    const finish = async (outcome: DeliveryOutcome['outcome'], httpStatus: number | null, error: string | null, retryAfterMs: number | null = null) => {
      const at = this.now();
      const attempts = d.attempts + 1;
      const final = outcome === 'retry' && attempts >= this.opts.maxAttempts ? 'failed' : outcome;
      await this.store.recordWebhookAttempt(d.id, {
        outcome: final,
        httpStatus,
        error,
        durationMs: performance.now() - started,
        at,
        nextAttemptAt: final === 'retry' ? at + this.delayAfter(attempts, retryAfterMs) : undefined,
      });
      this.onOutcome({ deliveryId: d.id, outcome: final, httpStatus });
    };
    if (!webhook?.active) return finish('failed', null, 'the webhook was disabled or deleted');
    const timestamp = Math.floor(this.now() / 1000);
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'chatbridge-webhooks/1',
          [EVENT_HEADER]: d.eventType,
          [DELIVERY_HEADER]: String(d.id),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(webhook.secret, timestamp, d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = (await res.text().catch(() => '')).slice(0, 200);
      if (res.status >= 200 && res.status < 300) return finish('delivered', res.status, null);
      const retryAfter = Number(res.headers.get('retry-after'));
      return finish('retry', res.status, `HTTP ${res.status}${text ? `: ${text}` : ''}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
    } catch (err) {
      const message = err instanceof Error ? (err.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (err.cause as Error | undefined)?.message ?? err.message) : String(err);
      return finish('retry', null, message.slice(0, 200));
    }
  }
}
