/** Formatting: times, durations, names, channel labels. */
import type { AgentStatus, ConversationView, Priority, Status } from './types.js';

const CHANNELS: Record<string, string> = { webchat: 'Website', telegram: 'Telegram', discord: 'Discord' };

export const channelLabel = (channel: string): string => CHANNELS[channel] ?? channel;

export const STATUS_LABELS: Record<Status, string> = {
  bot: 'With the bot',
  queued: 'Waiting',
  assigned: 'Assigned',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const PRIORITY_LABELS: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

export const PRESENCE_LABELS: Record<AgentStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

/** "Мария", "@maria", or "Visitor 12". */
export function contactName(c: Pick<ConversationView, 'contact'>['contact']): string {
  return c.name || (c.username ? `@${c.username}` : `Visitor ${c.id}`);
}

/** "45s", "12m", "3h 5m", "2d". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return m % 60 ? `${hours}h ${m % 60}m` : `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** "14:05" today, "Mon 14:05" this week, "12 Mar" before. */
export function when(at: number, now = Date.now()): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  if (now - at < 6 * 86_400_000) return `${d.toLocaleDateString([], { weekday: 'short' })} ${time}`;
  return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: now - at > 300 * 86_400_000 ? 'numeric' : undefined });
}

/** A full date and time for tooltips. */
export const fullTime = (at: number): string => new Date(at).toLocaleString();

/** The first letter for an avatar. */
export const initial = (name: string): string => (name.trim()[0] ?? '?').toUpperCase();

/** "just now", "5 min ago", "3 h ago", "2 d ago"; "in 4 min" for times ahead. */
export function relative(at: number, now = Date.now()): string {
  const ms = at - now;
  const abs = Math.abs(ms);
  if (abs < 45_000) return ms > 0 ? 'in a moment' : 'just now';
  const m = Math.round(abs / 60_000);
  const text = m < 60 ? `${m} min` : m < 48 * 60 ? `${Math.round(m / 60)} h` : `${Math.round(m / 1440)} d`;
  return ms > 0 ? `in ${text}` : `${text} ago`;
}
