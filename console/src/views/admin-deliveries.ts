/**
 * A webhook endpoint's delivery log (admin): each event sent or being sent, its status, attempts,
 * the last HTTP status or error and when the next retry is due; a retry button for pending and
 * failed ones; one delivery in detail (the signed body and every attempt). Refreshed every few
 * seconds while shown, since deliveries move on the server on their own.
 */
import { get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { fullTime, relative, when } from '../format.js';
import { showError, toast } from '../notify.js';
import type { DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery } from '../ops-types.js';
import { openDialog } from './dialogs.js';

const POLL_MS = 2500;
const STATUS: Record<DeliveryStatus, [label: string, pill: string]> = {
  delivered: ['Delivered', 'ok'],
  pending: ['Pending', 'wait'],
  failed: ['Failed', 'bad'],
};

const statusPill = (s: DeliveryStatus) => h('span', { class: `pill ${STATUS[s][1]}`, dataset: { testid: 'delivery-status' } }, STATUS[s][0]);

/** "HTTP 200", "HTTP 500: receiver is down", "connect ECONNREFUSED …", or "—" before the first try. */
function lastResult(d: Pick<WebhookDelivery, 'lastStatus' | 'lastError' | 'attempts'>): HTMLElement {
  if (d.attempts === 0) return h('span', { class: 'muted' }, 'not tried yet');
  // The sender's error for a bad status already starts with "HTTP 500": the status is not repeated.
  const status = d.lastStatus !== null && !d.lastError?.startsWith(`HTTP ${d.lastStatus}`) ? h('strong', null, `HTTP ${d.lastStatus}`) : null;
  return h(
    'span',
    null,
    status,
    d.lastError ? h('span', { class: `error-text${status ? ' sub' : ''}`, dataset: { testid: 'delivery-error' } }, d.lastError) : null,
    d.lastStatus === null && !d.lastError ? '—' : null,
  );
}

async function retry(d: Pick<WebhookDelivery, 'id' | 'eventType'>): Promise<boolean> {
  try {
    await post(`/api/webhook-deliveries/${d.id}/retry`);
    toast(`Sending ${d.eventType} again.`);
    return true;
  } catch (err) {
    showError(err);
    return false;
  }
}

/** One delivery: what was sent (pretty-printed) and every attempt. */
export async function deliveryDialog(id: number, onRetried: () => void): Promise<void> {
  let data: { delivery: WebhookDelivery; attempts: WebhookAttempt[] };
  try {
    data = await get(`/api/webhook-deliveries/${id}`);
  } catch (err) {
    return showError(err);
  }
  const d = data.delivery;
  let body = d.payload ?? '';
  try {
    body = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // Shown as stored.
  }
  const canRetry = d.status !== 'delivered';
  openDialog({
    title: `Delivery #${d.id}: ${d.eventType}`,
    testid: 'delivery-dialog',
    wide: true,
    cancel: 'Close',
    submit: canRetry ? 'Retry now' : undefined,
    onSubmit: async () => {
      if (await retry(d)) onRetried();
      else return false;
    },
    body: [
      h(
        'dl',
        { class: 'kv' },
        h('dt', null, 'Status'),
        h('dd', null, statusPill(d.status)),
        h('dt', null, 'Event id'),
        h('dd', null, h('code', { class: 'code' }, d.eventId)),
        h('dt', null, 'Queued'),
        h('dd', null, fullTime(d.createdAt)),
        d.deliveredAt !== null && [h('dt', null, 'Delivered'), h('dd', null, fullTime(d.deliveredAt))],
        d.status === 'pending' && [h('dt', null, 'Next attempt'), h('dd', null, `${fullTime(d.nextAttemptAt)} (${relative(d.nextAttemptAt)})`)],
      ),
      h('h4', null, `Attempts (${data.attempts.length})`),
      data.attempts.length
        ? h(
            'table',
            { class: 'table', dataset: { testid: 'delivery-attempts' } },
            h('thead', null, h('tr', null, ...['#', 'When', 'Result', 'Took'].map((t) => h('th', null, t)))),
            h(
              'tbody',
              null,
              data.attempts.map((a) =>
                h(
                  'tr',
                  { dataset: { attempt: a.attempt } },
                  h('td', null, String(a.attempt)),
                  h('td', { class: 'nowrap' }, fullTime(a.at)),
                  h('td', { class: 'wrap' }, lastResult({ lastStatus: a.httpStatus, lastError: a.error, attempts: 1 })),
                  h('td', { class: 'nowrap' }, `${Math.round(a.durationMs)} ms`),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'Not tried yet.'),
      h('h4', null, 'Body (signed and sent as is)'),
      h('pre', { class: 'payload', dataset: { testid: 'delivery-body' } }, body),
    ],
  });
}

export interface DeliveryLog {
  el: HTMLElement;
  /** Shows the log of this endpoint (null: none picked). */
  setWebhook(webhook: Webhook | null): void;
  refresh(): Promise<void>;
  /** Something was just sent: refresh a few times over the next seconds. */
  soon(): void;
  start(): void;
  stop(): void;
}

export function deliveryLog(): DeliveryLog {
  let webhook: Webhook | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let last = '';
  let failing = false;
  const title = h('h2', null, 'Delivery log');
  const rows = h('tbody');
  const el = h(
    'section',
    { class: 'card', dataset: { testid: 'delivery-log' } },
    h(
      'div',
      { class: 'section-head' },
      title,
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted' }, 'Updates by itself'),
      h('button', { type: 'button', class: 'small', onclick: () => void refresh() }, 'Refresh'),
    ),
    h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, ...['Event', 'Status', 'Attempts', 'Last result', 'Next retry', 'Queued', ''].map((t) => h('th', null, t)))),
      rows,
    ),
  );

  function row(d: WebhookDelivery): HTMLElement {
    return h(
      'tr',
      { dataset: { deliveryId: d.id, status: d.status } },
      h('td', null, h('code', null, d.eventType), h('span', { class: 'sub' }, d.eventId)),
      h('td', null, statusPill(d.status)),
      h('td', { dataset: { testid: 'delivery-attempts-count' } }, String(d.attempts)),
      h('td', { class: 'wrap' }, lastResult(d)),
      h(
        'td',
        { class: 'nowrap', dataset: { testid: 'delivery-next' } },
        d.status === 'pending' ? h('span', { title: fullTime(d.nextAttemptAt) }, `${when(d.nextAttemptAt)} · ${relative(d.nextAttemptAt)}`) : h('span', { class: 'muted' }, '—'),
      ),
      h('td', { class: 'nowrap' }, h('span', { title: fullTime(d.createdAt) }, when(d.createdAt))),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'actions-cell' },
          h('button', { type: 'button', class: 'ghost small', dataset: { action: 'details' }, onclick: () => void deliveryDialog(d.id, soon) }, 'Details'),
          d.status !== 'delivered' &&
            h('button', { type: 'button', class: 'small', dataset: { action: 'retry' }, onclick: async () => (await retry(d)) && soon() }, 'Retry now'),
        ),
      ),
    );
  }

  async function refresh(): Promise<void> {
    if (!webhook) {
      last = '';
      replace(title, 'Delivery log');
      replace(rows, h('tr', { class: 'empty-row' }, h('td', { colspan: 7 }, 'Add an endpoint to see what is sent to it.')));
      return;
    }
    const id = webhook.id;
    try {
      const { deliveries } = await get<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${id}/deliveries?limit=50`);
      if (webhook?.id !== id) return;
      // Redrawn only when something changed (or a minute passed, for "in 3 min"), so a button is not swapped under the pointer.
      const key = `${Math.floor(Date.now() / 60_000)}:${JSON.stringify(deliveries)}`;
      if (key === last) return;
      last = key;
      failing = false;
      replace(rows, deliveries.length ? deliveries.map(row) : h('tr', { class: 'empty-row' }, h('td', { colspan: 7 }, 'Nothing sent yet. “Send test” queues a signed ping.')));
    } catch (err) {
      // Said once; the next poll tries again.
      if (!failing) showError(err);
      failing = true;
    }
  }

  let soonTimers: ReturnType<typeof setTimeout>[] = [];
  /** After an action (a test ping, a retry) the outcome usually lands within a second: look sooner than the next poll. */
  function soon(): void {
    soonTimers.forEach(clearTimeout);
    soonTimers = [300, 1000, 2000].map((ms) => setTimeout(() => void refresh(), ms));
  }

  function start(): void {
    stop();
    timer = setInterval(() => void refresh(), POLL_MS);
    void refresh();
  }
  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    soonTimers.forEach(clearTimeout);
  }

  return {
    el,
    setWebhook(w) {
      const changed = w?.id !== webhook?.id;
      webhook = w;
      replace(title, 'Delivery log', w ? h('span', { class: 'muted' }, ` · ${w.url}`) : null);
      if (changed) {
        last = '';
        replace(rows);
      }
      void refresh();
    },
    refresh,
    soon,
    start,
    stop,
  };
}
