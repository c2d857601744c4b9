/**
 * Wire shapes of the admin operations API (docs/routing-and-sla.md, docs/webhooks-and-api.md):
 * webhooks and their delivery log, API tokens, business hours, SLA policies and routing settings.
 * Shapes the server already declares are imported from it as types only (erased by the bundler, so no server code
 * reaches the browser); the rest are restated here.
 */
import type { Role } from './types.js';

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  description: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
  /** The secret's first characters, to tell secrets apart. */
  secretHint: string;
  /** Only in the answers to create and rotate-secret. */
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: number;
  webhookId: number;
  eventType: string;
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: number;
  deliveredAt: number | null;
  /** Only in the detail answer: the exact JSON body that was signed and sent. */
  payload?: string;
}

export interface WebhookAttempt {
  id: number;
  deliveryId: number;
  attempt: number;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: number;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  agentId: number;
  role: Role;
  createdBy: number | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

// Settings shapes are the server's own (type-only imports: nothing of the server lands in the bundle).
export type { BusinessHours, OpenInterval } from '../../server/routing/business-hours.js';
export type { SlaPolicies, SlaPolicy } from '../../server/sla/policies.js';
export type { RoutingSettings, RuleConditions } from '../../server/routing/rules.js';
