/**
 * The element builder of the console's pages (inbox, knowledge base, reports), for HTML and SVG. Text always goes
 * in as text nodes, never parsed as markup, so whatever a customer or an editor typed is shown exactly as written.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (event: any) => void;
export type Props = Record<string, unknown> & { class?: string; dataset?: Record<string, string | number> };

/** Props set as DOM properties; everything else (data-*, aria-*, unknown ones) becomes an attribute. */
const PROPERTIES = new Set([
  'value', 'checked', 'disabled', 'selected', 'hidden', 'readOnly', 'required', 'autofocus', 'multiple', 'tabIndex',
  'name', 'id', 'className', 'htmlFor', 'placeholder', 'rows', 'title',
]);
const SVG_NS = 'http://www.w3.org/2000/svg';

function setProps(el: Element, props: Props, svg: boolean): void {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', String(value));
    else if (key === 'dataset' && el instanceof HTMLElement) for (const [k, v] of Object.entries(value as Record<string, unknown>)) el.dataset[k] = String(v);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value as Handler);
    else if (!svg && PROPERTIES.has(key)) (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

/**
 * Creates an element: `h('button', { class: 'primary', onclick: save }, 'Save')`. `on*` props become listeners,
 * `dataset` sets data-* attributes, known properties are set as properties and everything else as attributes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setProps(el, props ?? {}, false);
  append(el, children);
  return el;
}

/** An SVG element; every prop is an attribute. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props ?? {}, true);
  append(el, children);
  return el;
}

/** Appends children (nested arrays flattened, falsy ones skipped). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The page element with this id (a missing one is a bug in the page, so it throws). */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};
