/**
 * Webhooks (admin): endpoints (URL, events, on/off), adding one (its signing secret is shown
 * once), rotating the secret, a signed test ping, deleting; below, the delivery log of the
 * endpoint picked. docs/webhooks-and-api.md has the body and how receivers verify the signature.
 */
import { del, get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { fullTime, when } from '../format.js';
import { showError, toast } from '../notify.js';
import type { Webhook } from '../ops-types.js';
import { deliveryLog } from './admin-deliveries.js';
import type { AdminSection } from './admin-section.js';
import { formErrors } from './form-errors.js';
import { showSecretOnce } from './secret-dialog.js';

const EVENT_HINTS: Record<string, string> = {
  'conversation.created': 'a customer starts a conversation',
  'conversation.escalated': 'handed to the queue',
  'conversation.assigned': 'an agent gets it',
  'conversation.resolved': 'resolved',
  'message.created': 'every message (not private notes)',
  'sla.warning': 'an SLA target is due soon',
  'sla.breached': 'an SLA target was missed',
  'csat.received': 'the customer rated the help',
};

const VERIFY_HINT =
  'Each POST carries X-Chatbridge-Signature: sha256=HMAC-SHA256(secret, "<X-Chatbridge-Timestamp>.<body>"). Verify it, and refuse old timestamps, before trusting the body.';

export function webhooksSection(): AdminSection {
  let hooks: Webhook[] = [];
  let events: string[] = [];
  let selected: number | null = null;
  const log = deliveryLog();
  const rows = h('tbody');
  const errors = formErrors('webhook-errors');
  const url = h('input', { type: 'url', name: 'url', placeholder: 'https://crm.example.com/hooks/chatbridge', 'aria-label': 'Endpoint URL', dataset: { testid: 'webhook-url', problem: 'url' } });
  const description = h('input', { name: 'description', placeholder: 'Description (optional)', maxlength: 200, 'aria-label': 'Description', dataset: { problem: 'description' } });
  const checks = h('div', { class: 'event-checks', dataset: { testid: 'webhook-events', problem: 'events' } });
  const form = h(
    'form',
    { class: 'add-box', novalidate: true, dataset: { testid: 'new-webhook' }, onsubmit: (e: SubmitEvent) => (e.preventDefault(), void add()) },
    h('h3', null, 'Add an endpoint'),
    h('div', { class: 'row' }, url, description),
    h('div', null, h('span', { class: 'muted' }, 'Events to send '), h('button', { type: 'button', class: 'link', onclick: () => setAll(true) }, 'all'), h('button', { type: 'button', class: 'link', onclick: () => setAll(false) }, 'none')),
    checks,
    errors.el,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Add endpoint')),
  );
  const el = h(
    'div',
    { class: 'admin-panel', dataset: { testid: 'admin-webhooks' } },
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Webhook endpoints'),
      h('p', { class: 'hint' }, 'chatbridge POSTs events as JSON to these URLs and retries with growing pauses until the receiver answers 2xx. ', VERIFY_HINT),
      h('table', { class: 'table' }, h('thead', null, h('tr', null, ...['Endpoint', 'Events', 'Active', 'Secret', ''].map((t) => h('th', null, t)))), rows),
      form,
    ),
    log.el,
  );

  function setAll(on: boolean): void {
    for (const box of checks.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = on;
  }

  function renderChecks(): void {
    replace(
      checks,
      events.map((e) =>
        h('label', { class: 'check', title: EVENT_HINTS[e] ?? '' }, h('input', { type: 'checkbox', value: e, dataset: { event: e } }), e),
      ),
    );
  }

  const act = (what: () => Promise<unknown>) => async () => {
    try {
      await what();
    } catch (err) {
      showError(err);
    }
    await load();
  };

  function row(w: Webhook): HTMLElement {
    const active = h('input', {
      type: 'checkbox',
      checked: w.active,
      'aria-label': `${w.active ? 'Disable' : 'Enable'} ${w.url}`,
      dataset: { action: 'toggle' },
      onchange: act(async () => {
        await patch(`/api/webhooks/${w.id}`, { active: !w.active });
        toast(w.active ? 'Endpoint disabled: nothing is sent to it.' : 'Endpoint enabled.');
      }),
    });
    return h(
      'tr',
      { class: `${w.active ? '' : 'inactive'}${w.id === selected ? ' selected' : ''}`, dataset: { webhookId: w.id } },
      h('td', { class: 'wrap' }, h('strong', { dataset: { testid: 'webhook-row-url' } }, w.url), w.description && h('span', { class: 'sub' }, w.description), h('span', { class: 'sub', title: fullTime(w.createdAt) }, `added ${when(w.createdAt)}`)),
      h('td', null, h('div', { class: 'events' }, w.events.map((e) => h('span', { class: 'pill', title: EVENT_HINTS[e] ?? '' }, e)))),
      h('td', null, h('label', { class: 'check' }, active, w.active ? 'On' : 'Off')),
      h('td', { class: 'nowrap' }, h('code', null, w.secretHint)),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'actions-cell' },
          h('button', { type: 'button', class: 'small', dataset: { action: 'log' }, disabled: w.id === selected, onclick: () => pick(w.id) }, 'Delivery log'),
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              dataset: { action: 'test' },
              disabled: !w.active,
              title: w.active ? 'Queue a signed ping' : 'Enable it first',
              onclick: act(async () => {
                await post(`/api/webhooks/${w.id}/test`);
                toast('Test ping queued: watch the delivery log.');
                pick(w.id);
                log.soon();
              }),
            },
            'Send test',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'ghost small',
              dataset: { action: 'rotate' },
              onclick: act(async () => {
                if (!confirm(`Replace the signing secret of ${w.url}? The receiver must switch to the new one: deliveries are signed with it from now on.`)) return;
                const res = await post<{ webhook: Webhook }>(`/api/webhooks/${w.id}/rotate-secret`);
                showSecretOnce({ title: 'New signing secret', testid: 'webhook-secret', secret: res.webhook.secret!, lines: [VERIFY_HINT] });
              }),
            },
            'Rotate secret',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'ghost small danger',
              dataset: { action: 'delete' },
              onclick: act(async () => {
                if (!confirm(`Delete the endpoint ${w.url} and its delivery log?`)) return;
                await del(`/api/webhooks/${w.id}`);
                toast('Endpoint deleted.');
              }),
            },
            'Delete',
          ),
        ),
      ),
    );
  }

  function pick(id: number | null): void {
    selected = id;
    render();
  }

  function render(): void {
    if (selected !== null && !hooks.some((w) => w.id === selected)) selected = null;
    selected ??= hooks[0]?.id ?? null;
    replace(rows, hooks.length ? hooks.map(row) : h('tr', { class: 'empty-row' }, h('td', { colspan: 5 }, 'No endpoints yet. Add one below to send events to a CRM, a chat or a script.')));
    log.setWebhook(hooks.find((w) => w.id === selected) ?? null);
  }

  async function load(): Promise<void> {
    try {
      hooks = (await get<{ webhooks: Webhook[] }>('/api/webhooks')).webhooks;
      render();
    } catch (err) {
      showError(err);
    }
  }

  async function add(): Promise<void> {
    errors.clear(form);
    const chosen = [...checks.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((b) => b.value);
    try {
      const res = await post<{ webhook: Webhook }>('/api/webhooks', { url: url.value.trim(), events: chosen, description: description.value.trim() || undefined });
      url.value = '';
      description.value = '';
      setAll(false);
      selected = res.webhook.id;
      showSecretOnce({ title: 'Endpoint added: its signing secret', testid: 'webhook-secret', secret: res.webhook.secret!, lines: [VERIFY_HINT] });
      await load();
    } catch (err) {
      errors.show(err, form);
    }
  }

  let started = false;
  return {
    el,
    show() {
      if (!started) {
        started = true;
        void get<{ events: string[] }>('/api/webhooks/events').then((r) => ((events = r.events), renderChecks()), showError);
      }
      void load();
      log.start();
    },
    hide: () => log.stop(),
    destroy: () => log.stop(),
  };
}
