/**
 * Business hours in words for customers ("Mon–Fri 9:00–21:00, Sat–Sun 10:00–18:00 (GMT+3)"), in their language,
 * so the offline notice always says what the business-hours setting says.
 * @module
 */
import type { Language } from '../kb/types.js';
import type { BusinessHours, OpenInterval, Weekday } from './business-hours.js';

/** Monday first, as people read a week. */
const WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES: Record<Language, Record<Weekday, string>> = {
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
  ru: { mon: 'пн', tue: 'вт', wed: 'ср', thu: 'чт', fri: 'пт', sat: 'сб', sun: 'вс' },
};
const ROUND_THE_CLOCK: Record<Language, string> = { en: 'round the clock', ru: 'круглосуточно' };
const CLOSED: Record<Language, string> = { en: 'closed', ru: 'не работаем' };

/** "09:00" -> "9:00"; "24:00" stays. */
const time = (hhmm: string): string => hhmm.replace(/^0(\d)/, '$1');
const intervals = (list: OpenInterval[]): string => list.map((i) => `${time(i.from)}–${time(i.to)}`).join(', ');

/** The zone as an offset now ("GMT+3"), which every customer can read, unlike "Europe/Moscow". */
function zoneLabel(timeZone: string, at: number): string {
  const part = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date(at))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

export function describeBusinessHours(hours: BusinessHours, language: Language, now = Date.now()): string {
  const key = (d: Weekday): string => intervals(hours.week[d] ?? []);
  if (WEEK.every((d) => key(d) === '0:00–24:00')) return ROUND_THE_CLOCK[language];
  // runs of consecutive days with the same hours: "Mon–Fri 9:00–21:00"
  const runs: { from: Weekday; to: Weekday; text: string }[] = [];
  for (const d of WEEK) {
    const text = key(d);
    const last = runs[runs.length - 1];
    if (last && last.text === text) last.to = d;
    else runs.push({ from: d, to: d, text });
  }
  const names = DAY_NAMES[language];
  const parts = runs
    .filter((r) => r.text !== '')
    .map((r) => `${r.from === r.to ? names[r.from] : `${names[r.from]}–${names[r.to]}`} ${r.text === '0:00–24:00' ? ROUND_THE_CLOCK[language] : r.text}`);
  if (parts.length === 0) return CLOSED[language];
  return `${parts.join(', ')} (${zoneLabel(hours.timeZone, now)})`;
}
