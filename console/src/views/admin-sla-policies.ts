/**
 * SLA policies (admin): per priority, the first-response, next-response and resolution targets
 * in minutes (blank: no target), whether they count business hours or round the clock, and how
 * long before a breach agents are warned. Saved with PUT /api/settings/sla; the server's
 * problems ("urgent.firstResponseMinutes must be…") are listed and their fields marked.
 */
import { get, put } from '../api.js';
import { h, replace, select } from '../dom.js';
import { PRIORITY_LABELS } from '../format.js';
import { toast } from '../notify.js';
import type { SlaPolicies, SlaPolicy } from '../ops-types.js';
import type { Priority } from '../types.js';
import { formErrors } from './form-errors.js';

const ORDER: Priority[] = ['urgent', 'high', 'normal', 'low'];
type MinuteKey = 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes' | 'warnBeforeMinutes';
const COLUMNS: [MinuteKey, string][] = [
  ['firstResponseMinutes', 'First response'],
  ['nextResponseMinutes', 'Next response'],
  ['resolutionMinutes', 'Resolution'],
  ['warnBeforeMinutes', 'Warn before'],
];

/** Blank → null (no target), a number → that number, anything else as typed (the server names the problem). */
function minutes(text: string): number | string | null {
  const t = text.trim();
  if (!t) return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** "90" → "1 h 30 min", to read a number of minutes at a glance. */
function readable(value: string): string {
  const n = Number(value);
  if (!value.trim() || !Number.isInteger(n) || n < 60) return '';
  const d = Math.floor(n / 1440);
  const hrs = Math.floor((n % 1440) / 60);
  const m = n % 60;
  return [d && `${d} d`, hrs && `${hrs} h`, m && `${m} min`].filter(Boolean).join(' ');
}

export function slaPoliciesCard(): HTMLElement {
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: (e: SubmitEvent) => (e.preventDefault(), void save()) });
  const errors = formErrors('sla-errors');
  const card = h(
    'section',
    { class: 'card', dataset: { testid: 'admin-sla' } },
    h('h2', null, 'SLA targets'),
    h(
      'p',
      { class: 'hint' },
      'Minutes per priority; leave blank for no target. First response runs from the hand-off to the first agent reply, next response from each unanswered customer message, resolution from the hand-off. Agents see the countdown in the inbox; it turns amber at the warning and red at the breach.',
    ),
    form,
  );
  let inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();

  function render(policies: SlaPolicies): void {
    inputs = new Map();
    const cell = (priority: Priority, key: MinuteKey, p: SlaPolicy) => {
      const value = p[key] === null ? '' : String(p[key]);
      const hint = h('span', { class: 'sub' }, readable(value));
      const input = h('input', {
        value,
        inputmode: 'numeric',
        placeholder: key === 'warnBeforeMinutes' ? '0' : 'none',
        'aria-label': `${PRIORITY_LABELS[priority]}: ${COLUMNS.find(([k]) => k === key)![1]} (minutes)`,
        dataset: { testid: `sla-${priority}-${key}`, problem: `${priority}.${key}` },
        oninput: () => (hint.textContent = readable(input.value)),
      });
      inputs.set(`${priority}.${key}`, input);
      return h('td', null, input, hint);
    };
    replace(
      form,
      h(
        'table',
        { class: 'table policy-table' },
        h('thead', null, h('tr', null, h('th', null, 'Priority'), ...COLUMNS.map(([, label]) => h('th', null, `${label} (min)`)), h('th', null, 'Counted'))),
        h(
          'tbody',
          null,
          ORDER.map((priority) => {
            const p = policies[priority];
            const clock = select(
              { 'aria-label': `${PRIORITY_LABELS[priority]}: counted`, dataset: { testid: `sla-${priority}-hours`, problem: `${priority}.hours` } },
              [
                ['business', 'Business hours'],
                ['always', 'Around the clock'],
              ],
              p.hours,
            );
            inputs.set(`${priority}.hours`, clock);
            return h(
              'tr',
              { dataset: { priority } },
              h('td', null, h('span', { class: `pill priority ${priority}` }, PRIORITY_LABELS[priority])),
              ...COLUMNS.map(([key]) => cell(priority, key, p)),
              h('td', null, clock),
            );
          }),
        ),
      ),
      errors.el,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', dataset: { testid: 'sla-save' } }, 'Save SLA targets'), h('button', { type: 'button', class: 'ghost', onclick: () => void load() }, 'Undo changes')),
    );
  }

  function collect(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const priority of ORDER) {
      const v = (key: string) => inputs.get(`${priority}.${key}`)!.value;
      const warn = minutes(v('warnBeforeMinutes'));
      out[priority] = {
        firstResponseMinutes: minutes(v('firstResponseMinutes')),
        nextResponseMinutes: minutes(v('nextResponseMinutes')),
        resolutionMinutes: minutes(v('resolutionMinutes')),
        hours: v('hours'),
        warnBeforeMinutes: warn === null ? 0 : warn,
      };
    }
    return out;
  }

  async function load(): Promise<void> {
    try {
      render((await get<{ policies: SlaPolicies }>('/api/settings/sla')).policies);
    } catch (err) {
      replace(form, errors.el);
      errors.show(err, form);
    }
  }

  async function save(): Promise<void> {
    try {
      const saved = await put<{ policies: SlaPolicies }>('/api/settings/sla', collect());
      errors.clear(form);
      render(saved.policies);
      toast('SLA targets saved. Countdowns use them from now on.');
    } catch (err) {
      errors.show(err, form);
    }
  }

  void load();
  return card;
}
