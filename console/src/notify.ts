/**
 * Getting an agent's attention: a short chime and a count in the tab title for each new
 * assignment until they open it, plus small toasts for everything else worth a glance.
 */
import { h } from './dom.js';

const BASE_TITLE = 'chatbridge console';
const unseen = new Set<number>();
let audio: AudioContext | null = null;

function updateTitle(): void {
  document.title = unseen.size ? `(${unseen.size}) ${BASE_TITLE}` : BASE_TITLE;
}

/** Two soft tones made on the spot (no sound file to fetch). */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [offset, freq] of [
      [0, 880],
      [0.14, 1320],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.32);
    }
  } catch {
    // No audio (blocked until the first click, or unsupported): the title and toast still show it.
  }
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes ?? 0) + 1);
}

/** A conversation was assigned to this agent by someone else (transfer, routing). */
export function newAssignment(conversationId: number, text: string, open: () => void): void {
  unseen.add(conversationId);
  updateTitle();
  chime();
  toast(text, { action: ['Open', open], kind: 'assignment' });
}

/** The agent looked at it: the badge counts one less. */
export function seen(conversationId: number): void {
  if (unseen.delete(conversationId)) updateTitle();
}

export function resetTitle(): void {
  unseen.clear();
  updateTitle();
}

let stack: HTMLElement | null = null;

/** A message in the corner that goes away by itself. */
export function toast(text: string, options: { kind?: 'info' | 'error' | 'assignment'; action?: [string, () => void]; ms?: number } = {}): void {
  if (!stack || !stack.isConnected) {
    stack = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(stack);
  }
  const el = h(
    'div',
    { class: `toast ${options.kind ?? 'info'}`, dataset: { testid: 'toast' } },
    h('span', null, text),
    options.action &&
      h('button', { type: 'button', class: 'link', onclick: () => (options.action![1](), el.remove()) }, options.action[0]),
    h('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'),
  );
  stack.append(el);
  setTimeout(() => el.remove(), options.ms ?? (options.kind === 'error' ? 8000 : 6000));
}

/** Shows a failed action's message. */
export function showError(err: unknown): void {
  toast(err instanceof Error ? err.message : String(err), { kind: 'error' });
}
