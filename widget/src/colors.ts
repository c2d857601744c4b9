/**
 * Accent colour handling: only plain hex colours are accepted (nothing that could smuggle CSS),
 * and text colours are derived so that contrast stays at WCAG AA (4.5:1) whatever the shop picks.
 * @module
 */

type Rgb = [number, number, number];

/** `#rgb` or `#rrggbb` → [r, g, b], else null. */
export function parseHex(value: string): Rgb | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb): string => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [23, 23, 28];

/** Darkens `rgb` step by step until it reaches `ratio` against white. */
function darkenUntil(rgb: Rgb, ratio: number): Rgb {
  let c = rgb;
  for (let i = 0; i < 40 && contrast(c, WHITE) < ratio; i++) c = c.map((v) => v * 0.92) as Rgb;
  return c;
}

export interface Palette {
  /** Background of the launcher, the header and the visitor's bubbles. */
  accent: string;
  /** Text on the accent. */
  onAccent: string;
  /** The accent as text or outline on white (chips, links, focus rings). */
  accentText: string;
}

/** The palette for a shop's accent colour; an invalid one falls back to `fallback`. */
export function palette(value: string | undefined, fallback = '#7a4fd6'): Palette {
  const rgb = (value && parseHex(value)) || parseHex(fallback)!;
  const onAccent = contrast(rgb, WHITE) >= 4.5 ? WHITE : INK;
  // A very light accent with dark text is fine for fills; as text on white it must be darker.
  return { accent: toHex(rgb), onAccent: toHex(onAccent), accentText: toHex(darkenUntil(rgb, 4.5)) };
}
