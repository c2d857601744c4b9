/**
 * Business hours in a time zone, with holidays: is the team open now, when does it open next,
 * and "the moment N minutes of working time after T" (what SLA timers counted in business hours
 * need). Everything works on UTC milliseconds; local wall time is only used to lay out each day's
 * open intervals, so daylight-saving changes are handled by the time-zone database.
 * @module
 */
import { asObject, assertNoProblems } from './settings-error.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One open interval of a day in local time, "HH:MM" to "HH:MM" ("24:00" closes at midnight). */
export interface OpenInterval {
  from: string;
  to: string;
}

export interface BusinessHours {
  /** IANA time zone, e.g. "Europe/Moscow". */
  timeZone: string;
  /** Open intervals per weekday; an empty list is a closed day. */
  week: Record<Weekday, OpenInterval[]>;
  /** Local dates (YYYY-MM-DD) closed all day. */
  holidays: string[];
}

/** Matches the default WORKING_HOURS text: Mon–Fri 9–21, Sat–Sun 10–18, Moscow time. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  timeZone: 'Europe/Moscow',
  week: {
    mon: [{ from: '09:00', to: '21:00' }],
    tue: [{ from: '09:00', to: '21:00' }],
    wed: [{ from: '09:00', to: '21:00' }],
    thu: [{ from: '09:00', to: '21:00' }],
    fri: [{ from: '09:00', to: '21:00' }],
    sat: [{ from: '10:00', to: '18:00' }],
    sun: [{ from: '10:00', to: '18:00' }],
  },
  holidays: [],
};

const DAY_MS = 86_400_000;
/** How far ahead a search may look before deciding the hours never open (ten years). */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local calendar fields of an instant in a time zone. */
export function localParts(at: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at an instant, in ms (Moscow: +3 h). */
function offsetAt(at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Days since 1970-01-01 of a local date. */
const civilDay = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day) / DAY_MS;

/** The local date (as a civil day number) an instant falls on. */
export function localDay(at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  return civilDay(p.year, p.month, p.day);
}

/** The UTC instant of a local wall time (minutes after local midnight of a civil day). */
export function zonedToUtc(day: number, minutes: number, timeZone: string): number {
  const guess = day * DAY_MS + minutes * 60_000;
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 1970-01-01 was a Thursday (index 4, Sunday = 0). */
const weekdayOf = (day: number): Weekday => WEEKDAYS[(((day + 4) % 7) + 7) % 7]!;
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The open intervals of one local day as UTC [start, end) pairs. */
function dayIntervals(hours: BusinessHours, day: number, holidays: Set<string>): [number, number][] {
  if (holidays.has(isoDate(day))) return [];
  return hours.week[weekdayOf(day)].map((i) => [zonedToUtc(day, minutesOf(i.from), hours.timeZone), zonedToUtc(day, minutesOf(i.to), hours.timeZone)]);
}

/** Open intervals (UTC [start, end)) that end after `from`, in order, for at most MAX_DAYS days. */
function* intervalsFrom(hours: BusinessHours, from: number): Generator<[number, number]> {
  const holidays = new Set(hours.holidays);
  // Start a day early: an interval of the previous local day may still be running.
  const first = localDay(from, hours.timeZone) - 1;
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const interval of dayIntervals(hours, day, holidays)) if (interval[1] > from) yield interval;
  }
}

/** True when `at` falls inside open hours. */
export function isOpen(hours: BusinessHours, at: number): boolean {
  for (const [start, end] of intervalsFrom(hours, at)) {
    if (start > at) return false;
    if (at < end) return true;
  }
  return false;
}

/** `at` itself when open, else the start of the next open interval; null when the hours never open. */
export function nextOpening(hours: BusinessHours, at: number): number | null {
  for (const [start] of intervalsFrom(hours, at)) return Math.max(start, at);
  return null;
}

/**
 * The instant at which `ms` of open time has passed since `start` (time outside business hours
 * does not count). Null when the hours never open.
 */
export function addBusinessTime(hours: BusinessHours, start: number, ms: number): number | null {
  let left = Math.max(0, ms);
  for (const [open, close] of intervalsFrom(hours, start)) {
    const from = Math.max(open, start);
    if (left <= close - from) return from + left;
    left -= close - from;
  }
  return null;
}

/** Open time between two instants, in ms. */
export function businessTimeBetween(hours: BusinessHours, from: number, to: number): number {
  let total = 0;
  if (to <= from) return 0;
  for (const [open, close] of intervalsFrom(hours, from)) {
    if (open >= to) break;
    total += Math.min(close, to) - Math.max(open, from);
  }
  return total;
}

/** The next opening in words for a customer, in their language and the team's time zone. */
export function formatOpening(at: number, hours: BusinessHours, language: 'ru' | 'en'): string {
  return new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: hours.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(at));
}

/** True when the string is a time zone this runtime knows. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates business hours from JSON (the settings form or REST).
 * @throws SettingsError listing every problem.
 */
export function parseBusinessHours(input: unknown): BusinessHours {
  const problems: string[] = [];
  const raw = asObject(input, 'business hours', problems);
  const timeZone = typeof raw.timeZone === 'string' ? raw.timeZone.trim() : '';
  if (!timeZone || !isTimeZone(timeZone)) problems.push(`timeZone must be an IANA time zone such as "Europe/Moscow", got ${JSON.stringify(raw.timeZone ?? null)}`);
  const weekRaw = asObject(raw.week, 'week', problems);
  const week = {} as Record<Weekday, OpenInterval[]>;
  let openMinutes = 0;
  for (const day of WEEKDAYS) {
    const list = weekRaw[day] ?? [];
    if (!Array.isArray(list)) {
      problems.push(`week.${day} must be a list of {from, to} intervals`);
      week[day] = [];
      continue;
    }
    const intervals: OpenInterval[] = [];
    for (const [i, item] of list.entries()) {
      const o = asObject(item, `week.${day}[${i}]`, problems);
      const from = String(o.from ?? '');
      const to = String(o.to ?? '');
      if (!TIME.test(from) || !TIME.test(to)) {
        problems.push(`week.${day}[${i}] must have from and to as HH:MM (00:00 to 24:00), got ${JSON.stringify({ from: o.from, to: o.to })}`);
        continue;
      }
      if (minutesOf(from) >= minutesOf(to)) {
        problems.push(`week.${day}[${i}]: "from" (${from}) must be before "to" (${to})`);
        continue;
      }
      intervals.push({ from, to });
    }
    intervals.sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    for (let i = 1; i < intervals.length; i++) {
      if (minutesOf(intervals[i]!.from) < minutesOf(intervals[i - 1]!.to)) problems.push(`week.${day}: intervals ${intervals[i - 1]!.from}–${intervals[i - 1]!.to} and ${intervals[i]!.from}–${intervals[i]!.to} overlap`);
    }
    for (const i of intervals) openMinutes += minutesOf(i.to) - minutesOf(i.from);
    week[day] = intervals;
  }
  if (openMinutes === 0 && !problems.length) problems.push('at least one day must have open hours (for round-the-clock service use 00:00–24:00 every day)');
  const holidaysRaw = raw.holidays ?? [];
  const holidays: string[] = [];
  if (!Array.isArray(holidaysRaw)) problems.push('holidays must be a list of dates (YYYY-MM-DD)');
  else {
    for (const h of holidaysRaw) {
      const date = String(h);
      const valid = DATE.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
      if (!valid) problems.push(`holidays: "${date}" is not a date in the form YYYY-MM-DD`);
      else holidays.push(date);
    }
  }
  assertNoProblems(problems);
  return { timeZone, week, holidays: [...new Set(holidays)].sort() };
}
