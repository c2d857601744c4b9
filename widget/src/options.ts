/**
 * The widget's options, from the script tag's data attributes and/or `Chatbridge.init({...})`.
 * Everything is validated; a bad value falls back to the default (and says so in the console).
 * @module
 */
import { pickLang, type Lang } from './i18n.js';

export interface WidgetOptions {
  /** The chatbridge server, e.g. https://support.shop.example (default: where widget.js came from). */
  server: string;
  title: string | null;
  /** Hex colour (#7a4fd6) for the launcher, the header and the visitor's bubbles. */
  accent: string | null;
  position: 'right' | 'left';
  lang: Lang;
  /** Replaces the bot's greeting text (its topic buttons stay). */
  greeting: string | null;
  /** Show the round launcher button (false: the page opens the chat with Chatbridge.open()). */
  launcher: boolean;
}

/** What a page may pass to `init` (all optional). */
export type InitOptions = Partial<Omit<WidgetOptions, 'lang'>> & { lang?: string };

const warn = (message: string) => console.warn(`chatbridge widget: ${message}`);

/** Reads `data-*` from the script tag (data-title, data-accent, data-position, data-lang, data-greeting, data-server, data-launcher). */
export function fromScript(script: HTMLScriptElement | null): InitOptions {
  const d = script?.dataset ?? {};
  const out: InitOptions = {};
  if (d.server) out.server = d.server;
  if (d.title) out.title = d.title;
  if (d.accent) out.accent = d.accent;
  if (d.position) out.position = d.position as WidgetOptions['position'];
  if (d.lang) out.lang = d.lang;
  if (d.greeting) out.greeting = d.greeting;
  if (d.launcher) out.launcher = d.launcher !== 'false';
  return out;
}

/** Merges and validates; `scriptSrc` gives the default server. */
export function resolveOptions(given: InitOptions, scriptSrc: string | null): WidgetOptions {
  let server = given.server ?? (scriptSrc ? new URL(scriptSrc, location.href).origin : location.origin);
  try {
    const url = new URL(server, location.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    server = url.origin;
  } catch {
    warn(`server "${server}" is not an http(s) URL; using ${location.origin}`);
    server = location.origin;
  }
  let position: WidgetOptions['position'] = 'right';
  if (given.position === 'left' || given.position === 'right') position = given.position;
  else if (given.position) warn(`position must be "right" or "left", got "${String(given.position)}"`);
  let accent = given.accent ?? null;
  if (accent && !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(accent)) {
    warn(`accent must be a hex colour such as #7a4fd6, got "${accent}"`);
    accent = null;
  }
  return {
    server,
    title: clip(given.title, 60),
    accent,
    position,
    lang: pickLang(given.lang || document.documentElement.lang || navigator.language),
    greeting: clip(given.greeting, 500),
    launcher: given.launcher !== false,
  };
}

function clip(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null;
}
