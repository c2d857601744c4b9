/** The reports page's element helpers: the shared builder (console/shared/dom.ts), HTML and SVG. */
export { byId, h, replace as fill, s, type Child } from '../../shared/dom.js';
