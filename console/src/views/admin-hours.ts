/**
 * Business hours (admin): the time zone, open hours for each weekday (several intervals a day,
 * none for a closed day) and holidays, saved with PUT /api/settings/business-hours. The server
 * validates; what it refuses is listed next to the form and the fields concerned are marked.
 */
import { get, put } from '../api.js';
import { h, replace } from '../dom.js';
import { fullTime } from '../format.js';
import { toast } from '../notify.js';
import { WEEKDAYS, type BusinessHours, type Weekday } from '../ops-types.js';
import { formErrors } from './form-errors.js';

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

interface HoursAnswer {
  businessHours: BusinessHours;
  open: boolean;
  nextOpening: number | null;
}

/** Every IANA zone the browser knows, for suggestions (the server has the last word). */
function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function businessHoursCard(): HTMLElement {
  let model: BusinessHours | null = null;
  const status = h('p', { class: 'status-line', dataset: { testid: 'hours-status' } });
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: (e: SubmitEvent) => (e.preventDefault(), void save()) });
  const errors = formErrors('hours-errors');
  const card = h(
    'section',
    { class: 'card', dataset: { testid: 'admin-hours' } },
    h('div', { class: 'section-head' }, h('h2', null, 'Business hours'), h('span', { class: 'spacer' }), status),
    h('p', { class: 'hint' }, 'When people answer. SLA targets counted in business hours only run while open; outside them the bot tells customers when the team is back.'),
    form,
  );

  function setStatus(answer: HoursAnswer): void {
    replace(
      status,
      answer.open
        ? h('strong', null, 'Open now')
        : answer.nextOpening !== null
          ? ['Closed now · opens ', h('strong', null, fullTime(answer.nextOpening))]
          : 'Never open',
    );
  }

  function render(): void {
    const m = model!;
    const zone = h('input', {
      value: m.timeZone,
      list: 'time-zones',
      class: 'short',
      'aria-label': 'Time zone',
      dataset: { testid: 'hours-timezone', problem: 'timeZone' },
      oninput: () => (m.timeZone = zone.value),
    });
    const grid = h(
      'div',
      { class: 'hours-grid' },
      WEEKDAYS.map((day) => [
        h('span', { class: 'day' }, DAY_NAMES[day]),
        h(
          'div',
          { class: 'intervals', dataset: { day, problem: `week.${day}` } },
          m.week[day].length ? null : h('span', { class: 'closed' }, 'Closed'),
          m.week[day].map((interval, i) => {
            const edge = (key: 'from' | 'to') =>
              h('input', {
                value: interval[key],
                placeholder: key === 'from' ? '09:00' : '18:00',
                inputmode: 'numeric',
                maxlength: 5,
                'aria-label': `${DAY_NAMES[day]} ${key === 'from' ? 'opens' : 'closes'} (interval ${i + 1})`,
                dataset: { edge: key, problem: `week.${day}[${i}]` },
                oninput: (e: Event) => (interval[key] = (e.target as HTMLInputElement).value.trim()),
              });
            return h(
              'span',
              { class: 'interval' },
              edge('from'),
              '–',
              edge('to'),
              h('button', { type: 'button', 'aria-label': `Remove ${DAY_NAMES[day]} interval ${i + 1}`, title: 'Remove', onclick: () => (m.week[day].splice(i, 1), render()) }, '×'),
            );
          }),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              dataset: { action: 'add-interval' },
              onclick: () => {
                const last = m.week[day].at(-1);
                m.week[day].push(last ? { from: last.to, to: '' } : { from: '09:00', to: '18:00' });
                render();
              },
            },
            m.week[day].length ? '+ more hours' : '+ open this day',
          ),
        ),
      ]),
    );
    const holidays = h('textarea', {
      rows: 3,
      class: 'short',
      value: m.holidays.join('\n'),
      placeholder: '2025-01-01',
      'aria-label': 'Holidays',
      dataset: { testid: 'hours-holidays', problem: 'holidays' },
      oninput: () => (m.holidays = holidays.value.split(/[\s,]+/).filter(Boolean)),
    });
    replace(
      form,
      h('label', null, 'Time zone (IANA name, e.g. Europe/Moscow)', zone),
      h('datalist', { id: 'time-zones' }, timeZones().map((z) => h('option', { value: z }))),
      h('div', null, h('h4', null, 'Weekly hours, local time'), grid, h('p', { class: 'muted' }, 'HH:MM to HH:MM; 24:00 closes at midnight. Round the clock: 00:00–24:00 every day.')),
      h('label', null, 'Holidays: closed all day (one date per line, YYYY-MM-DD)', holidays),
      errors.el,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', dataset: { testid: 'hours-save' } }, 'Save business hours'), h('button', { type: 'button', class: 'ghost', onclick: () => void load() }, 'Undo changes')),
    );
  }

  async function load(): Promise<void> {
    try {
      const answer = await get<HoursAnswer>('/api/settings/business-hours');
      model = structuredClone(answer.businessHours);
      setStatus(answer);
      render();
    } catch (err) {
      replace(form, errors.el);
      errors.show(err, form);
    }
  }

  async function save(): Promise<void> {
    if (!model) return;
    try {
      const saved = await put<{ businessHours: BusinessHours }>('/api/settings/business-hours', model);
      model = structuredClone(saved.businessHours);
      errors.clear(form);
      render();
      toast('Business hours saved.');
      setStatus(await get<HoursAnswer>('/api/settings/business-hours'));
    } catch (err) {
      errors.show(err, form);
    }
  }

  void load();
  return card;
}
