/**
 * Where SLA policies and business hours are kept (the settings table, cached) and the clock the
 * SLA parts read: one object handed to the monitor, the view and the reports.
 * @module
 */
import { DEFAULT_BUSINESS_HOURS, parseBusinessHours, type BusinessHours } from '../routing/business-hours.js';
import { JsonSetting } from '../routing/json-setting.js';
import type { Store } from '../store/types.js';
import { DEFAULT_SLA_POLICIES, parseSlaPolicies, type SlaPolicies } from './policies.js';

/** Milliseconds since the epoch; tests pass a fake one. */
export type Clock = () => number;

export class SlaSettings {
  readonly policies: JsonSetting<SlaPolicies>;
  readonly hours: JsonSetting<BusinessHours>;

  constructor(
    store: Pick<Store, 'getSetting' | 'setSetting'>,
    readonly now: Clock = Date.now,
  ) {
    this.policies = new JsonSetting(store, 'sla.policies', parseSlaPolicies, () => structuredClone(DEFAULT_SLA_POLICIES));
    this.hours = new JsonSetting(store, 'business_hours', parseBusinessHours, () => structuredClone(DEFAULT_BUSINESS_HOURS));
  }
}
