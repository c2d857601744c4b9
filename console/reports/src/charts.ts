/**
 * Hand-written inline SVG charts: horizontal bars (by channel, topic, rating), columns (by hour, by day) and a meter
 * against a goal. Every chart is an image with a text alternative listing all its values (role="img", aria-label and a
 * <title>), draws its labels and values as SVG text, and says "No data in this range" instead of drawing empty axes.
 */
import { h, s } from './dom.js';

export interface Datum {
  /** Shown next to the bar (may be shortened). */
  label: string;
  value: number;
  /** The full label for tooltips and the text alternative; `label` when left out. */
  name?: string;
  color?: string;
}

export const NO_DATA = 'No data in this range';

export function empty(message = NO_DATA): HTMLElement {
  return h('p', { class: 'empty', 'data-empty': '' }, message);
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function describe(title: string, rows: Datum[], unit: string): string {
  return `${title}: ${rows.map((r) => `${r.name ?? r.label} ${r.value}`).join(', ')} ${unit}`.trim();
}

function image(title: string, alt: string, width: number, height: number, testid: string, ...children: SVGElement[]): SVGSVGElement {
  return s(
    'svg',
    { class: 'chart', role: 'img', 'aria-label': alt, viewBox: `0 0 ${width} ${height}`, width: '100%', preserveAspectRatio: 'xMinYMin meet', 'data-chart': testid },
    s('title', {}, alt),
    ...children,
  );
}

/**
 * Draws a chart at the width of its box, and again when the box changes size, so text keeps its real size instead of
 * being scaled with the drawing.
 */
function sized(draw: (width: number) => Element, initial = 560): HTMLElement {
  const box = h('div', { class: 'chart-box' });
  let width = initial;
  box.append(draw(width));
  const observer = new ResizeObserver(() => {
    if (!box.isConnected) return observer.disconnect();
    const now = Math.floor(box.clientWidth);
    if (now > 0 && Math.abs(now - width) > 1) {
      width = now;
      box.replaceChildren(draw(width));
    }
  });
  observer.observe(box);
  return box;
}

/** Horizontal bars, one row per datum, in the order given. */
export function bars(title: string, rows: Datum[], o: { testid: string; unit?: string; color?: string; labelWidth?: number }): Element {
  if (rows.length === 0 || rows.every((r) => r.value === 0)) return empty();
  return sized((width) => drawBars(width, title, rows, o));
}

function drawBars(W: number, title: string, rows: Datum[], o: { testid: string; unit?: string; color?: string; labelWidth?: number }): Element {
  const ROW = 30;
  const BAR = 18;
  const labelWidth = o.labelWidth ?? 130;
  const valueWidth = 44;
  const track = Math.max(40, W - labelWidth - valueWidth);
  const max = Math.max(...rows.map((r) => r.value));
  const H = rows.length * ROW;
  const unit = o.unit ?? 'conversations';
  const groups = rows.map((r, i) => {
    const y = i * ROW;
    const w = max > 0 ? Math.max(r.value > 0 ? 3 : 0, (r.value / max) * track) : 0;
    const name = r.name ?? r.label;
    return s(
      'g',
      { class: 'bar-row', 'data-label': name, 'data-value': r.value },
      s('title', {}, `${name}: ${r.value} ${unit}`),
      s('text', { x: labelWidth - 10, y: y + ROW / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'central' }, shorten(r.label, 18)),
      s('rect', { x: labelWidth, y: y + (ROW - BAR) / 2, width: track, height: BAR, rx: 4, class: 'track' }),
      s('rect', { x: labelWidth, y: y + (ROW - BAR) / 2, width: w, height: BAR, rx: 4, class: 'bar', fill: r.color ?? o.color ?? 'var(--accent)' }),
      s('text', { x: labelWidth + w + 8, y: y + ROW / 2, class: 'value', 'dominant-baseline': 'central' }, String(r.value)),
    );
  });
  return image(title, describe(title, rows, unit), W, H, o.testid, ...groups);
}

/** Vertical columns along an axis (hours of the day, days), values over the bars and labels under them. */
export function columns(title: string, rows: Datum[], o: { testid: string; unit?: string; color?: string }): Element {
  if (rows.length === 0 || rows.every((r) => r.value === 0)) return empty();
  return sized((width) => drawColumns(width, title, rows, o));
}

function drawColumns(W: number, title: string, rows: Datum[], o: { testid: string; unit?: string; color?: string }): Element {
  const H = 190;
  const top = 18;
  const bottom = 26;
  const left = 4;
  const plotH = H - top - bottom;
  const slot = (W - left * 2) / rows.length;
  const barW = Math.max(1, Math.min(slot * 0.72, 48));
  const max = Math.max(...rows.map((r) => r.value));
  // Label as many columns as fit: every one when there is room, else every 2nd, 3rd, 7th…
  const every = [1, 2, 3, 4, 6, 7, 14, 30, 60].find((k) => slot * k >= 30) ?? Math.ceil(rows.length / 10);
  const showValues = slot >= 16;
  const unit = o.unit ?? 'conversations';
  const base = top + plotH;
  const children: SVGElement[] = [
    s('line', { x1: 0, x2: W, y1: top, y2: top, class: 'grid' }),
    s('line', { x1: 0, x2: W, y1: top + plotH / 2, y2: top + plotH / 2, class: 'grid' }),
  ];
  rows.forEach((r, i) => {
    const cx = left + slot * i + slot / 2;
    const bh = max > 0 ? (r.value / max) * plotH : 0;
    const name = r.name ?? r.label;
    children.push(
      s(
        'g',
        { class: 'column', 'data-label': name, 'data-value': r.value },
        s('title', {}, `${name}: ${r.value} ${unit}`),
        s('rect', { x: cx - barW / 2, y: base - bh, width: barW, height: bh, rx: Math.min(3, barW / 4), class: 'bar', fill: r.color ?? o.color ?? 'var(--accent)' }),
        showValues && r.value > 0 ? s('text', { x: cx, y: base - bh - 5, class: 'value', 'text-anchor': 'middle' }, String(r.value)) : null,
        i % every === 0 ? s('text', { x: cx, y: H - 8, class: 'label', 'text-anchor': 'middle' }, r.label) : null,
      ),
    );
  });
  children.push(s('line', { x1: 0, x2: W, y1: base + 0.5, y2: base + 0.5, class: 'axis' }));
  return image(title, describe(title, rows, unit), W, H, o.testid, ...children);
}

/** A share (0..1) on a track with the goal marked: green when it reaches the goal, red when not. */
export function meter(value: number | null, goal: number, label: string): Element {
  const W = 240;
  const H = 14;
  const alt = value === null ? `${label}: no data; goal ${Math.round(goal * 1000) / 10} %` : `${label}: ${Math.round(value * 1000) / 10} % against a goal of ${Math.round(goal * 1000) / 10} %`;
  const state = value === null ? 'none' : value >= goal ? 'met' : 'missed';
  return s(
    'svg',
    { class: `meter ${state}`, role: 'img', 'aria-label': alt, viewBox: `0 0 ${W} ${H}`, width: '100%', height: H, preserveAspectRatio: 'none' },
    s('title', {}, alt),
    s('rect', { x: 0, y: 3, width: W, height: 8, rx: 4, class: 'track' }),
    value === null ? null : s('rect', { x: 0, y: 3, width: Math.max(4, Math.min(1, value) * W), height: 8, rx: 4, class: 'fill' }),
    s('rect', { x: Math.min(W - 2, goal * W - 1), y: 0, width: 2, height: H, class: 'goal' }),
  );
}
