/**
 * The SLA countdown's words and colours (console/src/sla.ts), without a browser: what an agent
 * reads at each point before and after a due time, and that the server's word wins over a
 * browser clock that is behind.
 */
import { describe, expect, it } from 'vitest';
import { countdownText, noteServerTime, serverNow, slaDisplay, slaLevel } from '../../console/src/sla.js';
import type { ConversationSla } from '../../console/src/types.js';

const MIN = 60_000;
const due = Date.parse('2025-05-13T16:00:00Z');

describe('the SLA countdown', () => {
  it('reads "N min left" within the hour, "due in …" beyond, "overdue …" after', () => {
    expect(countdownText(due, due - 12 * MIN)).toBe('12 min left');
    expect(countdownText(due, due - 12 * MIN + 30_000)).toBe('12 min left'); // 11.5 min rounds up
    expect(countdownText(due, due - 20_000)).toBe('1 min left');
    expect(countdownText(due, due - 60 * MIN)).toBe('60 min left');
    expect(countdownText(due, due - 90 * MIN)).toBe('due in 1 h 30 min');
    expect(countdownText(due, due - 2 * 60 * MIN)).toBe('due in 2 h');
    expect(countdownText(due, due - (15 * 60 + 20) * MIN)).toBe('due in 15 h');
    expect(countdownText(due, due - 3 * 24 * 60 * MIN)).toBe('due in 3 d');
    expect(countdownText(due, due)).toBe('overdue <1 min');
    expect(countdownText(due, due + 5 * MIN + 40_000)).toBe('overdue 5 min');
    expect(countdownText(due, due + 125 * MIN)).toBe('overdue 2 h 5 min');
    expect(countdownText(due, due + 50 * 60 * MIN)).toBe('overdue 2 d');
  });

  it('turns amber at the warning and red at the due time, never below what the server reported', () => {
    const warn = due - 15 * MIN;
    expect(slaLevel(due, warn, 'running', warn - 1)).toBe('running');
    expect(slaLevel(due, warn, 'running', warn)).toBe('warning');
    expect(slaLevel(due, warn, 'running', due)).toBe('breached');
    expect(slaLevel(due, null, 'running', due - 1)).toBe('running'); // no warning configured
    // The browser's clock is behind the server's: the server's breach still shows red.
    expect(slaLevel(due, warn, 'breached', warn - 30 * MIN)).toBe('breached');
    expect(slaLevel(due, warn, 'warning', warn - 30 * MIN)).toBe('warning');
  });

  it('shows nothing when no target runs, and counts against the server clock once measured', () => {
    const base: ConversationSla = { state: null, metric: null, dueAt: null, warnAt: null, targets: [] };
    expect(slaDisplay(null)).toBeNull();
    expect(slaDisplay(base)).toBeNull();
    const running: ConversationSla = { ...base, state: 'running', metric: 'first_response', dueAt: Date.now() + 30 * MIN, warnAt: Date.now() + 20 * MIN };
    expect(slaDisplay(running)).toMatchObject({ level: 'running', metric: 'first_response', text: '30 min left' });
    noteServerTime(Date.now() + 25 * MIN); // an alert says the server is 25 minutes ahead
    expect(serverNow() - Date.now()).toBeGreaterThanOrEqual(25 * MIN - 1000);
    expect(slaDisplay(running)).toMatchObject({ level: 'warning', text: '5 min left' });
    noteServerTime(Date.now());
  });
});
