/**
 * A tiny element helper. Text always goes in as text nodes (never parsed as HTML), so whatever a
 * customer writes is shown exactly as written.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: any) => void;
export type Props = Record<string, unknown> & { class?: string; dataset?: Record<string, string | number> };

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'readOnly', 'required', 'autofocus', 'multiple', 'tabIndex']);

/**
 * Creates an element: `h('button', { class: 'primary', onclick: save }, 'Save')`.
 * `on*` props become listeners, `dataset` sets data-* attributes, known properties are set as
 * properties and everything else as attributes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'dataset') for (const [k, v] of Object.entries(value as Record<string, unknown>)) el.dataset[k] = String(v);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as Handler);
    else if (PROPERTIES.has(key)) (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays flattened, falsy ones skipped). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A `<select>` with options; `value` picks the selected one. */
export function select(props: Props, options: [value: string, label: string][], value: string): HTMLSelectElement {
  return h('select', props, ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}
