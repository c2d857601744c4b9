/**
 * Shows a secret the server hands out only once (a webhook signing secret, an API token), with a
 * copy button and a reminder that it cannot be shown again.
 */
import { h } from '../dom.js';
import { toast } from '../notify.js';
import { openDialog } from './dialogs.js';

export function showSecretOnce(options: { title: string; testid: string; secret: string; lines: (string | HTMLElement)[] }): void {
  const code = h('code', { class: 'secret small', dataset: { testid: `${options.testid}-value` } }, options.secret);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(options.secret);
      toast('Copied.');
    } catch {
      // Clipboard access refused (an insecure page, a locked-down browser): the text is selectable.
      window.getSelection()?.selectAllChildren(code);
      toast('Copying was blocked by the browser: the text is selected, press Ctrl+C (⌘C).');
    }
  };
  openDialog({
    title: options.title,
    testid: options.testid,
    submit: 'Done, I saved it',
    body: [
      h('p', null, h('strong', null, 'Copy it now: it is shown only this once.'), ' Afterwards only its first characters are listed.'),
      code,
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary small', dataset: { action: 'copy' }, onclick: () => void copy() }, 'Copy to clipboard')),
      ...options.lines.map((l) => (typeof l === 'string' ? h('p', { class: 'muted' }, l) : l)),
    ],
  });
}
