/**
 * Business hours arithmetic: open or closed, next opening, and working time added across
 * nights, weekends, holidays and a daylight-saving change.
 */
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  formatOpening,
  isOpen,
  nextOpening,
  parseBusinessHours,
  type BusinessHours,
} from '../../../server/routing/business-hours.js';

const weekdays = (from: string, to: string, timeZone: string, holidays: string[] = []): BusinessHours =>
  parseBusinessHours({
    timeZone,
    week: { mon: [{ from, to }], tue: [{ from, to }], wed: [{ from, to }], thu: [{ from, to }], fri: [{ from, to }] },
    holidays,
  });
const H = 3600_000;

describe('business hours', () => {
  const moscow = weekdays('09:00', '18:00', 'Europe/Moscow', ['2025-05-12']);
  const msk = (local: string) => Date.parse(`${local}+03:00`);

  it('knows when the team is open, in its own time zone', () => {
    expect(isOpen(moscow, msk('2025-05-13T09:00:00'))).toBe(true);
    expect(isOpen(moscow, msk('2025-05-13T17:59:59'))).toBe(true);
    expect(isOpen(moscow, msk('2025-05-13T18:00:00'))).toBe(false);
    expect(isOpen(moscow, msk('2025-05-13T08:59:00'))).toBe(false);
    expect(isOpen(moscow, msk('2025-05-10T12:00:00'))).toBe(false); // Saturday
    expect(isOpen(moscow, msk('2025-05-12T12:00:00'))).toBe(false); // the holiday
  });

  it('finds the next opening over a weekend and a holiday', () => {
    expect(nextOpening(moscow, msk('2025-05-09T19:00:00'))).toBe(msk('2025-05-13T09:00:00'));
    expect(nextOpening(moscow, msk('2025-05-13T10:00:00'))).toBe(msk('2025-05-13T10:00:00'));
    expect(formatOpening(msk('2025-05-13T09:00:00'), moscow, 'en')).toBe('Tuesday 13 May at 09:00 GMT+3');
  });

  it('adds working time across the night and measures working time between two instants', () => {
    expect(addBusinessTime(moscow, msk('2025-05-13T17:00:00'), 2 * H)).toBe(msk('2025-05-14T10:00:00'));
    expect(addBusinessTime(moscow, msk('2025-05-13T07:00:00'), 1 * H)).toBe(msk('2025-05-13T10:00:00'));
    expect(businessTimeBetween(moscow, msk('2025-05-09T17:00:00'), msk('2025-05-13T10:00:00'))).toBe(2 * H);
  });

  it('follows a daylight-saving change (Berlin, 30 March 2025: 02:00 → 03:00)', () => {
    const berlin = parseBusinessHours({ timeZone: 'Europe/Berlin', week: { sat: [{ from: '00:00', to: '24:00' }], sun: [{ from: '00:00', to: '24:00' }] }, holidays: [] });
    // Open all weekend. Sunday 30 March has 23 hours, so from Saturday 12:00 CET the weekend holds 12 + 23 = 35 hours,
    // ending at Sunday 24:00, which is Monday 00:00 CEST (UTC+2).
    expect(addBusinessTime(berlin, Date.parse('2025-03-29T12:00:00+01:00'), 35 * H)).toBe(Date.parse('2025-03-31T00:00:00+02:00'));
    expect(businessTimeBetween(berlin, Date.parse('2025-03-30T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00'))).toBe(23 * H);
  });

  it('never opens with no hours: refused when saved', () => {
    expect(() => parseBusinessHours({ timeZone: 'UTC', week: {}, holidays: [] })).toThrow(/at least one day must have open hours/);
  });
});
