/**
 * The widget's DOM: a custom element with a shadow root holding the launcher and the panel.
 * Draws a ViewState; user actions go to the ViewHandlers. Nothing here parses HTML.
 * @module
 */
import { palette } from './colors.js';
import { h, icon, ICONS } from './dom.js';
import type { Texts } from './i18n.js';
import type { WidgetOptions } from './options.js';
import { stylesheet } from './styles.js';
import { OfflineCard, PrechatForm, Replies } from './view-forms.js';
import { MessageLog } from './view-log.js';
import type { ViewHandlers, ViewState } from './view-state.js';

/** The host element's tag: a custom name, so a page's `div { … }` rules never match it. */
export const HOST_TAG = 'chatbridge-widget';

export class View {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly shell: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly titleEl: HTMLHeadingElement;
  private readonly subtitle: HTMLParagraphElement;
  private readonly banner: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly log: MessageLog;
  private readonly replies: Replies;
  private readonly typing: HTMLDivElement;
  private readonly typingText: HTMLSpanElement;
  private readonly offline: OfflineCard;
  private readonly prechat: PrechatForm;
  private readonly composer: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  /** "At most N characters", while the message box is full. */
  private readonly limit: HTMLParagraphElement;
  private wasOpen = false;

  constructor(
    private readonly opts: WidgetOptions,
    private readonly t: Texts,
    private readonly handlers: ViewHandlers,
  ) {
    this.host = document.createElement(HOST_TAG);
    this.root = this.host.attachShadow({ mode: 'open' });
    const css = stylesheet(palette(opts.accent ?? undefined), opts.position);

    this.badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    this.launcher = h('button', { type: 'button', class: 'launcher', 'aria-controls': 'cb-panel', 'aria-expanded': 'false', 'data-testid': 'launcher' }, icon(ICONS.chat, 28), this.badge);
    this.launcher.addEventListener('click', () => handlers.toggle());
    if (!opts.launcher) this.launcher.hidden = true;

    this.titleEl = h('h2', { id: 'cb-title' }, opts.title ?? t.title);
    this.subtitle = h('p', { class: 'subtitle', id: 'cb-subtitle', 'aria-live': 'polite' });
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t.close, 'data-testid': 'close' }, icon(ICONS.close, 20));
    close.addEventListener('click', () => handlers.close());
    const header = h('header', {}, h('div', { class: 'heading' }, this.titleEl, this.subtitle), close);

    this.banner = h('div', { class: 'banner', role: 'status', hidden: true });
    this.log = new MessageLog(t, handlers);
    this.replies = new Replies(t, handlers);
    this.typingText = h('span', {});
    this.typing = h('div', { class: 'typing', role: 'status', hidden: true }, h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), this.typingText);
    this.offline = new OfflineCard(t, handlers);
    this.scroller = h('div', { class: 'scroll', role: 'region', tabindex: '0', 'aria-label': t.log }, this.log.el, this.typing, this.replies.el, this.offline.el);

    this.prechat = new PrechatForm(t, handlers);
    this.input = h('textarea', { rows: 1, placeholder: t.placeholder, 'aria-label': t.message, maxlength: 4000, enterkeyhint: 'send', 'aria-describedby': 'cb-limit', 'data-testid': 'input' });
    this.limit = h('p', { class: 'limit', id: 'cb-limit', role: 'status', hidden: true });
    const send = h('button', { type: 'submit', class: 'send', 'aria-label': t.send, 'data-testid': 'send' }, icon(ICONS.send, 20));
    this.composer = h('form', { class: 'composer' }, this.input, send);
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter starts a new line; not while an IME is composing a word.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.showLimit();
      if (this.input.value) handlers.typing();
    });

    this.panel = h(
      'section',
      { class: 'panel', id: 'cb-panel', role: 'dialog', 'aria-labelledby': 'cb-title', 'aria-describedby': 'cb-subtitle', hidden: true, 'data-testid': 'panel' },
      header,
      this.banner,
      this.scroller,
      this.prechat.el,
      this.limit,
      this.composer,
    );
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        handlers.close();
      }
    });
    this.shell = h('div', { class: 'cb', lang: opts.lang }, this.panel, this.launcher);
    this.root.append(this.shell);
    adoptStyles(this.root, css);
  }

  mount(): void {
    (document.body ?? document.documentElement).append(this.host);
  }

  unmount(): void {
    this.host.remove();
  }

  render(s: ViewState): void {
    this.shell.classList.toggle('open', s.open);
    this.panel.hidden = !s.open;
    this.launcher.setAttribute('aria-expanded', String(s.open));
    const unread = !s.open && s.unread > 0;
    this.badge.hidden = !unread;
    this.badge.textContent = unread ? String(Math.min(s.unread, 99)) : '';
    this.launcher.setAttribute('aria-label', unread ? `${this.t.open}, ${this.t.unread(s.unread)}` : s.open ? this.t.close : this.t.open);
    this.subtitle.textContent = s.subtitle;
    this.banner.hidden = !s.banner;
    this.banner.textContent = s.banner ?? '';

    const nearBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    const added = this.log.update(s.entries);
    this.replies.update(s.replies);
    this.typing.hidden = !s.typing;
    this.typingText.textContent = s.typing ?? '';
    this.offline.update(s.offline);
    this.prechat.update(s.prechat);
    this.composer.hidden = s.prechat !== null;
    if (this.input.maxLength !== s.maxLength) {
      this.input.maxLength = s.maxLength;
      this.showLimit();
    }

    const opened = s.open && !this.wasOpen;
    this.wasOpen = s.open;
    // Follow new messages, unless the visitor scrolled up to read older ones.
    if (opened || (added && nearBottom) || s.typing) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Focus into the panel: the first form field, else the message box. */
  focusPanel(): void {
    if (!this.prechat.el.hidden) this.prechat.first.focus();
    else this.input.focus();
  }

  focusLauncher(): void {
    if (!this.launcher.hidden) this.launcher.focus();
  }

  /** Whether keyboard focus is inside the widget. */
  hasFocus(): boolean {
    return document.activeElement === this.host;
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim()) return;
    this.handlers.send(text);
    this.input.value = '';
    this.autosize();
    this.showLimit();
    this.input.focus();
  }

  /** Says so when the box is full: a longer paste is cut at the limit, and the visitor should know. */
  private showLimit(): void {
    const full = this.input.value.length >= this.input.maxLength;
    this.limit.hidden = !full;
    this.limit.textContent = full ? this.t.limit(this.input.maxLength) : '';
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }
}

/** A constructed stylesheet where supported (a page's strict CSP does not block it), else <style>. */
function adoptStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.prepend(style);
  }
}
