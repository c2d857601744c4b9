/**
 * SLA timers under a fake clock: the monitor warns and breaches at the right minute, counting
 * business hours (time zone, weekend, holiday) or around the clock, per policy.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlaMonitor, type SlaAlert } from '../../../server/sla/monitor.js';
import { SlaSettings } from '../../../server/sla/settings.js';
import { openSqliteStore } from '../../../server/store/sqlite.js';
import type { Conversation, Store } from '../../../server/store/types.js';
import { FakeClock, minutes, seedConversation, seedCustomerMessage } from '../routing/seed.js';

// Moscow is UTC+3 all year. 2025-05-09 is a Friday; Monday 2025-05-12 is declared a holiday.
const msk = (local: string) => Date.parse(`${local}+03:00`);

describe('SLA timers', () => {
  let store: Store;
  let clock: FakeClock;
  let settings: SlaSettings;
  let monitor: SlaMonitor;
  let alerts: SlaAlert[];

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    clock = new FakeClock(msk('2025-05-09T08:00:00'));
    settings = new SlaSettings(store, clock.now);
    const day = [{ from: '09:00', to: '18:00' }];
    await settings.hours.set({ timeZone: 'Europe/Moscow', week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] }, holidays: ['2025-05-12'] });
    await settings.policies.set({
      urgent: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 240, hours: 'always', warnBeforeMinutes: 15 },
      normal: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 1440, hours: 'business', warnBeforeMinutes: 30 },
    });
    alerts = [];
    monitor = new SlaMonitor({ store, settings, log: pino({ level: 'silent' }), onAlert: (a) => alerts.push(a) });
  });
  afterEach(async () => {
    await store.close();
  });

  async function queued(at: number, priority: Conversation['priority']): Promise<Conversation> {
    const c = await seedConversation(store, { at });
    return (await store.updateConversation(c.id, { status: 'queued', queuedAt: at, priority }, null))!;
  }

  /** Runs the monitor at a Moscow wall time and returns what it raised there. */
  async function checkAt(local: string): Promise<string[]> {
    clock.set(msk(local));
    return (await monitor.check()).map((a) => `${a.kind}:${a.metric}`);
  }

  it('counts business hours across a weekend and a holiday: queued Friday 16:00, due Tuesday 11:00', async () => {
    const c = await queued(msk('2025-05-09T16:00:00'), 'normal');
    // 240 business minutes: Friday 16–18 (120), the weekend and the Monday holiday are closed, Tuesday 09–11 (120).
    expect(await checkAt('2025-05-09T17:59:00')).toEqual([]);
    expect(await checkAt('2025-05-10T12:00:00')).toEqual([]);
    expect(await checkAt('2025-05-12T15:00:00')).toEqual([]);
    expect(await checkAt('2025-05-13T10:29:00')).toEqual([]);
    expect(await checkAt('2025-05-13T10:30:00')).toEqual(['warning:first_response']);
    expect(await checkAt('2025-05-13T10:31:00')).toEqual([]);
    expect(await checkAt('2025-05-13T10:59:59')).toEqual([]);
    expect(await checkAt('2025-05-13T11:00:00')).toEqual(['breached:first_response']);
    expect(await checkAt('2025-05-13T11:30:00')).toEqual([]);

    expect(alerts.map((a) => [a.kind, a.dueAt])).toEqual([
      ['warning', msk('2025-05-13T11:00:00')],
      ['breached', msk('2025-05-13T11:00:00')],
    ]);
    const events = (await store.listEvents(c.id)).filter((e) => e.type.startsWith('sla_'));
    expect(events.map((e) => [e.type, e.createdAt, e.data?.metric])).toEqual([
      ['sla_warning', msk('2025-05-13T10:30:00'), 'first_response'],
      ['sla_breached', msk('2025-05-13T11:00:00'), 'first_response'],
    ]);
  });

  it('inside business hours the same policy runs on the same day: queued Tuesday 13:00, warned 16:30, breached 17:00', async () => {
    await queued(msk('2025-05-13T13:00:00'), 'normal');
    expect(await checkAt('2025-05-13T16:29:00')).toEqual([]);
    expect(await checkAt('2025-05-13T16:30:00')).toEqual(['warning:first_response']);
    expect(await checkAt('2025-05-13T17:00:00')).toEqual(['breached:first_response']);
  });

  it('counts urgent requests around the clock: queued Saturday 03:00, warned 03:45, breached 04:00', async () => {
    await queued(msk('2025-05-10T03:00:00'), 'urgent');
    expect(await checkAt('2025-05-10T03:44:00')).toEqual([]);
    expect(await checkAt('2025-05-10T03:45:00')).toEqual(['warning:first_response']);
    expect(await checkAt('2025-05-10T04:00:00')).toEqual(['breached:first_response']);
    // The resolution target (240 min, 24/7) follows: warned 06:45, breached 07:00.
    expect(await checkAt('2025-05-10T06:45:00')).toEqual(['warning:resolution']);
    expect(await checkAt('2025-05-10T07:00:00')).toEqual(['breached:resolution']);
  });

  it('raises nothing for a target met in time, and starts a next-response clock at the next customer message', async () => {
    const c = await queued(msk('2025-05-13T09:00:00'), 'urgent');
    const agent = await store.createAgent({ email: 'anna@test.local', name: 'Anna', passwordHash: 'x', role: 'agent', active: true, capacity: 5 }, clock.ms);
    await store.addMessage({ conversationId: c.id, direction: 'out', authorType: 'agent', agentId: agent.id, text: 'Hello!', at: msk('2025-05-13T09:20:00') }, false);
    await store.updateConversation(c.id, { status: 'assigned', assignedAgentId: agent.id, firstResponseAt: msk('2025-05-13T09:20:00') }, null);
    expect(await checkAt('2025-05-13T09:59:00')).toEqual([]);
    expect(await checkAt('2025-05-13T10:00:00')).toEqual([]); // first response met at 09:20

    await seedCustomerMessage(store, c, msk('2025-05-13T10:10:00'));
    await seedCustomerMessage(store, c, msk('2025-05-13T10:20:00')); // still the same wait
    expect(await checkAt('2025-05-13T10:54:00')).toEqual([]);
    expect(await checkAt('2025-05-13T10:55:00')).toEqual(['warning:next_response']);
    expect(await checkAt('2025-05-13T11:10:00')).toEqual(['breached:next_response']);
  });

  it('a check that jumps past the warning raises only the breach', async () => {
    await queued(msk('2025-05-13T13:00:00'), 'normal');
    expect(await checkAt('2025-05-13T17:30:00')).toEqual(['breached:first_response']);
  });

  it('refuses bad SLA policies and business hours with every problem named', async () => {
    await expect(settings.policies.set({ urgent: { firstResponseMinutes: 0, hours: 'sometimes' }, critical: {} })).rejects.toMatchObject({
      problems: [
        'unknown priority "critical" (use urgent, high, normal, low)',
        'urgent.hours must be "business" or "always", got "sometimes"',
        'urgent.firstResponseMinutes must be a whole number of minutes from 1 to 525600, or null for no target; got 0',
      ],
    });
    await expect(settings.hours.set({ timeZone: 'Mars/Olympus', week: { mon: [{ from: '18:00', to: '09:00' }] }, holidays: ['2025-13-01'] })).rejects.toMatchObject({
      problems: [
        'timeZone must be an IANA time zone such as "Europe/Moscow", got "Mars/Olympus"',
        'week.mon[0]: "from" (18:00) must be before "to" (09:00)',
        'holidays: "2025-13-01" is not a date in the form YYYY-MM-DD',
      ],
    });
    // Nothing was lost: the saved values still apply.
    expect((await settings.policies.get()).urgent.firstResponseMinutes).toBe(60);
    expect((await settings.hours.get()).holidays).toEqual(['2025-05-12']);
  });
});
