/**
 * Builds reports: loads the data for a range and filters, then computes with the current SLA
 * policies, business hours and standards goals.
 * @module
 */
import { JsonSetting } from '../routing/json-setting.js';
import type { SlaSettings } from '../sla/settings.js';
import type { Store } from '../store/types.js';
import { computeReport, type Report } from './compute.js';
import { loadReportData, type ReportFilter } from './data.js';
import { DEFAULT_STANDARDS, parseStandards, type StandardsGoals } from './standards.js';

export class Reports {
  readonly goals: JsonSetting<StandardsGoals>;

  constructor(
    private readonly store: Store,
    private readonly sla: SlaSettings,
  ) {
    this.goals = new JsonSetting(store, 'reports.standards', parseStandards, () => ({ ...DEFAULT_STANDARDS }));
  }

  /** @param timeZone for by-hour and by-day figures; the business-hours zone when left out. */
  async build(filter: ReportFilter, timeZone?: string): Promise<Report> {
    const [policies, hours, goals] = await Promise.all([this.sla.policies.get(), this.sla.hours.get(), this.goals.get()]);
    const data = await loadReportData(this.store, filter);
    return computeReport(data, { from: filter.from, to: filter.to, now: this.sla.now(), timeZone: timeZone ?? hours.timeZone, policies, hours, goals });
  }
}
