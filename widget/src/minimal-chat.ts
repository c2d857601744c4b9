/**
 * A minimal chat box for the demo page: speaks the webchat protocol (docs/protocol.md).
 * Text is always set with textContent, never as HTML.
 */
import { io } from 'socket.io-client';

interface WireMessage {
  id: number;
  direction: 'in' | 'out';
  author: { type: string; name?: string };
  text: string;
  quickReplies: { id: string; label: string }[];
  clientId: string | null;
}

const log = document.getElementById('chat-log')!;
const form = document.getElementById('chat-form') as HTMLFormElement;
const input = document.getElementById('chat-input') as HTMLInputElement;
const seen = new Set<number>();
const TOKEN_KEY = 'chatbridge.token';

const socket = io('/webchat', { auth: { token: localStorage.getItem(TOKEN_KEY) ?? undefined } });

function render(m: WireMessage): void {
  if (seen.has(m.id)) return;
  seen.add(m.id);
  const div = document.createElement('div');
  div.className = `msg ${m.direction}`;
  if (m.direction === 'out') {
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.author.name ?? (m.author.type === 'agent' ? 'Оператор' : 'Бот');
    div.append(who);
  }
  div.append(document.createTextNode(m.text));
  log.append(div);
  if (m.quickReplies.length) {
    const chips = document.createElement('div');
    chips.className = 'chips';
    for (const q of m.quickReplies) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = q.label;
      b.onclick = () => socket.emit('button', { clientId: crypto.randomUUID(), buttonId: q.id, label: q.label });
      chips.append(b);
    }
    log.append(chips);
  }
  log.scrollTop = log.scrollHeight;
}

socket.on('ready', (data: { token: string; conversation: { messages: WireMessage[] } | null }) => {
  localStorage.setItem(TOKEN_KEY, data.token);
  for (const m of data.conversation?.messages ?? []) render(m);
});
socket.on('message', (m: WireMessage, ack?: () => void) => {
  render(m);
  ack?.();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  socket.emit('message', { clientId: crypto.randomUUID(), text }, (res: { ok: boolean; id?: number; error?: { message: string } }) => {
    if (res.ok && res.id !== undefined) render({ id: res.id, direction: 'in', author: { type: 'contact' }, text, quickReplies: [], clientId: null });
    else if (!res.ok) alert(res.error?.message ?? 'Не отправлено');
  });
});
