/**
 * Small statistics used by the reports, with the definitions spelled out so hand-computed
 * figures match: the median averages the two middle values of an even count; p90 is the
 * nearest-rank percentile (the value at rank ⌈0.9·n⌉ of the sorted list).
 * @module
 */

export interface Summary {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
  meanMs: number | null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile, p in (0, 1]. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(p * s.length))) - 1]!;
}

export function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function summarize(values: number[]): Summary {
  return { count: values.length, medianMs: median(values), p90Ms: percentile(values, 0.9), meanMs: mean(values) };
}

/** part / whole, or null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
