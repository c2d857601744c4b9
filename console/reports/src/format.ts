/** How figures read on the page: shares as "66.7 %", durations as "15.5 min" or "1 h 27 min", dates as "5 May 2025". */

export const DASH = '—';

/** A share (0..1) as a percentage with at most one decimal. */
export function pct(share: number | null | undefined): string {
  if (share === null || share === undefined) return DASH;
  return `${Math.round(share * 1000) / 10} %`;
}

/** A duration in milliseconds, in the largest sensible unit. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${Math.round(minutes * 10) / 10} min`;
  const totalMinutes = Math.round(minutes);
  if (totalMinutes < 24 * 60) {
    const m = totalMinutes % 60;
    return m ? `${Math.floor(totalMinutes / 60)} h ${m} min` : `${totalMinutes / 60} h`;
  }
  const hours = Math.round(minutes / 60);
  const hh = hours % 24;
  return hh ? `${Math.floor(hours / 24)} d ${hh} h` : `${hours / 24} d`;
}

/** A plain number with at most `digits` decimals. */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return DASH;
  const f = 10 ** digits;
  return String(Math.round(value * f) / f);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2025-05-05" → "5 May 2025" (or "5 May" without the year). */
export function day(date: string, withYear = true): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return withYear ? `${d} ${MONTHS[m - 1]} ${y}` : `${d} ${MONTHS[m - 1]}`;
}

/** An instant as "5 May 2025, 12:00" in the given time zone. */
export function instant(ms: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  }
}

/** A local calendar date as YYYY-MM-DD. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The last `days` days up to today, as a YYYY-MM-DD range (both ends counted whole). */
export function lastDays(days: number, today = new Date()): { from: string; to: string } {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDate(from), to: isoDate(today) };
}

const CHANNELS: Record<string, { label: string; color: string }> = {
  webchat: { label: 'Website', color: 'var(--web)' },
  telegram: { label: 'Telegram', color: 'var(--tg)' },
  discord: { label: 'Discord', color: 'var(--dc)' },
};
/** A channel's name as the console shows it. */
export const channelLabel = (channel: string): string => CHANNELS[channel]?.label ?? channel;
export const channelColor = (channel: string): string | undefined => CHANNELS[channel]?.color;
