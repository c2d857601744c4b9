/** The inbox's element helpers: the shared builder (console/shared/dom.ts) and a `<select>` maker. */
import { h, type Props } from '../shared/dom.js';

export { append, h, replace, type Child, type Props } from '../shared/dom.js';

/** A `<select>` with options; `value` picks the selected one. */
export function select(props: Props, options: [value: string, label: string][], value: string): HTMLSelectElement {
  return h('select', props, ...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}
