/**
 * The working hours in words, as the bot and the widget quote them when nobody is online.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_HOURS, type BusinessHours } from '../../../server/routing/business-hours.js';
import { describeBusinessHours } from '../../../server/routing/hours-text.js';

const day = (from: string, to: string) => [{ from, to }];
const winter = Date.parse('2025-01-15T12:00:00Z');

describe('describeBusinessHours', () => {
  it('groups consecutive days with the same hours, Monday first, in Russian and English', () => {
    expect(describeBusinessHours(DEFAULT_BUSINESS_HOURS, 'ru', winter)).toBe('пн–пт 9:00–21:00, сб–вс 10:00–18:00 (GMT+3)');
    expect(describeBusinessHours(DEFAULT_BUSINESS_HOURS, 'en', winter)).toBe('Mon–Fri 9:00–21:00, Sat–Sun 10:00–18:00 (GMT+3)');
  });

  it('leaves closed days out, lists split days, and says round the clock', () => {
    const hours: BusinessHours = {
      timeZone: 'Europe/Berlin',
      week: { mon: [{ from: '09:00', to: '13:00' }, { from: '14:00', to: '18:00' }], tue: day('09:00', '18:00'), wed: day('09:00', '18:00'), thu: [], fri: [], sat: day('00:00', '24:00'), sun: [] },
      holidays: [],
    };
    expect(describeBusinessHours(hours, 'en', winter)).toBe('Mon 9:00–13:00, 14:00–18:00, Tue–Wed 9:00–18:00, Sat round the clock (GMT+1)');
    // the offset follows daylight saving time
    expect(describeBusinessHours(hours, 'en', Date.parse('2025-07-01T12:00:00Z'))).toMatch(/\(GMT\+2\)$/);
    const always = { timeZone: 'UTC', week: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, day('00:00', '24:00')])), holidays: [] } as unknown as BusinessHours;
    expect(describeBusinessHours(always, 'ru')).toBe('круглосуточно');
  });
});
