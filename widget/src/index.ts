/**
 * widget.js: the website chat widget. One tag embeds it:
 *   <script async src="https://HOST/widget.js" data-title="Lumi" data-accent="#7a4fd6"></script>
 * and `window.Chatbridge` is its API (docs/widget.md). Calls made before the script loaded, through
 * the documented stub `Chatbridge('identify', …)`, are replayed in order.
 * @module
 */
import { ChatWidget, type Identity } from './chat.js';
import { fromScript, resolveOptions, type InitOptions } from './options.js';

type Listener = (payload?: unknown) => void;
type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; version?: string };

const VERSION = '1.0.0';
const CONFIG_CALLS = ['on', 'off', 'identify'];

const existing = (window as unknown as { Chatbridge?: Stub }).Chatbridge;
if (!existing?.version) boot(existing);

function boot(stub: Stub | undefined): void {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
  const scriptSrc = script?.src || null;
  let widget: ChatWidget | null = null;
  let identity: Identity | null = null;
  const listeners: [string, Listener][] = [];
  let lastOptions: InitOptions = {};

  function init(options: InitOptions = lastOptions): void {
    lastOptions = options;
    widget?.destroy();
    const created = new ChatWidget(resolveOptions({ ...fromScript(script), ...options }, scriptSrc));
    widget = created;
    for (const [event, fn] of listeners) created.events.on(event, fn);
    if (identity) created.identify(identity);
    const mount = () => widget === created && created.mount();
    if (document.body) mount();
    else document.addEventListener('DOMContentLoaded', mount, { once: true });
  }

  function identify(user: unknown, hmac?: unknown): void {
    if (user === null) {
      identity = null;
    } else {
      const u = (typeof user === 'object' ? user : { id: user }) as { id?: unknown; name?: unknown; email?: unknown };
      const id = typeof u.id === 'number' ? String(u.id) : u.id;
      if (typeof id !== 'string' || !id || id.length > 200 || typeof hmac !== 'string' || !hmac) {
        console.warn('chatbridge widget: identify(user, hmac) needs user.id (a string) and its HMAC; ignored');
        return;
      }
      identity = { userId: id, hmac };
      if (typeof u.name === 'string' && u.name.trim()) identity.name = u.name.trim().slice(0, 100);
      if (typeof u.email === 'string' && u.email.trim()) identity.email = u.email.trim().slice(0, 254);
    }
    // Dropping the identity (the shop's logout) reconnects anonymously.
    if (widget) identity ? widget.identify(identity) : init();
  }

  const methods = {
    version: VERSION,
    init,
    identify,
    open: () => widget?.setOpen(true),
    close: () => widget?.setOpen(false),
    toggle: () => widget?.setOpen(!widget.isOpen),
    isOpen: () => widget?.isOpen ?? false,
    on(event: string, fn: Listener): () => void {
      listeners.push([event, fn]);
      const off = widget?.events.on(event, fn);
      return () => {
        methods.off(event, fn);
        off?.();
      };
    },
    off(event: string, fn: Listener): void {
      const i = listeners.findIndex(([e, f]) => e === event && f === fn);
      if (i >= 0) listeners.splice(i, 1);
      widget?.events.off(event, fn);
    },
    destroy(): void {
      widget?.destroy();
      widget = null;
    },
  };
  type Method = keyof typeof methods;
  const call = (name: unknown, args: unknown[]): unknown => {
    const fn = typeof name === 'string' && Object.hasOwn(methods, name) ? methods[name as Method] : undefined;
    if (typeof fn !== 'function') return console.warn(`chatbridge widget: unknown call "${String(name)}"`);
    return (fn as (...a: unknown[]) => unknown)(...args);
  };
  const api = Object.assign((name: string, ...args: unknown[]) => call(name, args), methods);
  (window as unknown as { Chatbridge: typeof api }).Chatbridge = api;

  // Replay the stub's queue: listeners and identity first, then init, then open/close.
  const queued = Array.from(stub?.q ?? [], (args) => Array.from(args));
  for (const [name, ...args] of queued) if (CONFIG_CALLS.includes(name as string)) call(name, args);
  const initCall = queued.find(([name]) => name === 'init');
  if (initCall) init(initCall[1] as InitOptions);
  else if (script?.dataset.autoInit !== 'false') init();
  for (const [name, ...args] of queued) if (!CONFIG_CALLS.includes(name as string) && name !== 'init') call(name, args);
}
