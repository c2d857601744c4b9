/**
 * Getting an agent's attention: a short chime and a count in the tab title for each new
 * assignment until they open it, plus small toasts for everything else worth a glance.
 */
import { h } from './dom.js';

const BASE_TITLE = 'chatbridge console';
const unseen = new Set<number>();
let audio: AudioContext | null = null;
/** How long a chime waits for a suspended context to start before it gives up (it would be late news). */
const RESUME_WAIT_MS = 1000;

function updateTitle(): void {
  document.title = unseen.size ? `(${unseen.size}) ${BASE_TITLE}` : BASE_TITLE;
}

/** The page's one audio context (null where there is no Web Audio). Its state is mirrored in `body[data-audio]`. */
function audioContext(): AudioContext | null {
  if (audio) return audio;
  try {
    const ctx = new AudioContext();
    const mirror = () => (document.body.dataset.audio = ctx.state);
    ctx.addEventListener('statechange', mirror);
    mirror();
    audio = ctx;
  } catch {
    // No Web Audio: the title and the toast still tell.
  }
  return audio;
}

/**
 * Browsers keep audio off until the person has clicked or typed in the page (Chrome's autoplay
 * policy): a context made before that starts suspended and stays so. The first pointerdown or
 * keydown creates the context, or resumes the one a chime already made, so later chimes sound.
 */
export function unlockAudioOnFirstGesture(): void {
  const events = ['pointerdown', 'keydown'] as const;
  const unlock = () => {
    const ctx = audioContext();
    if (!ctx || ctx.state === 'running') return done();
    ctx.resume().then(
      () => ctx.state === 'running' && done(),
      () => undefined,
    );
  };
  const done = () => events.forEach((e) => window.removeEventListener(e, unlock, true));
  events.forEach((e) => window.addEventListener(e, unlock, true));
}

/**
 * Two soft tones made on the spot (no sound file to fetch). Resolves to whether they were
 * scheduled: not while the browser keeps audio suspended (before the first click or key in the
 * page). `body[data-chimes]` counts the chimes that were.
 */
export async function chime(): Promise<boolean> {
  const ctx = audioContext();
  if (!ctx) return false;
  if (ctx.state !== 'running') {
    // Before any gesture resume() stays pending (it is not refused): wait a moment, no longer.
    await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, RESUME_WAIT_MS))]);
  }
  if (ctx.state !== 'running') return false;
  try {
    const start = ctx.currentTime;
    for (const [offset, freq] of [
      [0, 880],
      [0.14, 1320],
    ] as const) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.32);
    }
  } catch {
    return false;
  }
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes ?? 0) + 1);
  return true;
}

/** A conversation was assigned to this agent by someone else (transfer, routing). */
export function newAssignment(conversationId: number, text: string, open: () => void): void {
  unseen.add(conversationId);
  updateTitle();
  void chime();
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
