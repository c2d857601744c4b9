/**
 * The minimal agent console: sign in, live queue, open, claim, reply, resolve.
 * Speaks the agents namespace and REST API in docs/protocol.md. Text is set with textContent only.
 */
import { io, type Socket } from 'socket.io-client';

interface ConversationView {
  id: number;
  status: string;
  channel: string;
  contact: { name: string | null; username: string | null };
  lastMessage: { text: string } | null;
}
interface MessageView {
  id: number;
  conversationId: number;
  direction: 'in' | 'out' | 'internal';
  authorType: string;
  text: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const conversations = new Map<number, ConversationView>();
let current: number | null = null;
let socket: Socket | null = null;

async function signIn(email: string, password: string): Promise<boolean> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    $('login-error').textContent = body.error?.message ?? 'Sign-in failed';
    return false;
  }
  return true;
}

function renderQueue(): void {
  const list = $('queue-list');
  list.replaceChildren();
  for (const c of [...conversations.values()].filter((c) => ['queued', 'assigned', 'bot'].includes(c.status))) {
    const li = document.createElement('li');
    li.dataset.conversationId = String(c.id);
    li.dataset.status = c.status;
    li.className = c.id === current ? 'active' : '';
    li.textContent = `#${c.id} ${c.contact.name ?? c.contact.username ?? 'Visitor'} · ${c.channel} · ${c.status} — ${c.lastMessage?.text ?? ''}`;
    li.onclick = () => void open(c.id);
    list.append(li);
  }
}

function renderMessage(m: MessageView): void {
  const div = document.createElement('div');
  div.className = `msg ${m.direction}`;
  div.textContent = `${m.authorType}: ${m.text}`;
  $('messages').append(div);
  $('messages').scrollTop = $('messages').scrollHeight;
}

async function open(id: number): Promise<void> {
  current = id;
  const res = await socket!.emitWithAck('conversation:open', { conversationId: id });
  if (!res.ok) return;
  $('title').textContent = `Conversation #${id} (${res.conversation.status})`;
  $('messages').replaceChildren();
  for (const m of res.messages as MessageView[]) renderMessage(m);
  renderQueue();
}

function connect(): void {
  socket = io('/agents');
  socket.on('connect_error', () => {
    $('app').style.display = 'none';
    $('login').style.display = 'flex';
  });
  socket.on('ready', async () => {
    $('login').style.display = 'none';
    $('app').style.display = 'grid';
    const res = await socket!.emitWithAck('conversations:list', { statuses: ['bot', 'queued', 'assigned'] });
    for (const c of res.conversations as ConversationView[]) conversations.set(c.id, c);
    renderQueue();
  });
  socket.on('conversation:updated', (c: ConversationView) => {
    conversations.set(c.id, c);
    renderQueue();
    if (c.id === current) $('title').textContent = `Conversation #${c.id} (${c.status})`;
  });
  socket.on('message:new', (m: MessageView) => {
    if (m.conversationId === current) renderMessage(m);
  });
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn($<HTMLInputElement>('email').value, $<HTMLInputElement>('password').value).then((ok) => ok && connect());
});
$('reply').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('reply-text');
  if (!current || !input.value.trim()) return;
  void socket!.emitWithAck('message:send', { conversationId: current, text: input.value, clientId: crypto.randomUUID() });
  input.value = '';
});
$('claim').onclick = () => current && void socket!.emitWithAck('conversation:claim', { conversationId: current });
$('resolve').onclick = () => current && void socket!.emitWithAck('conversation:resolve', { conversationId: current });
$('logout').onclick = () => void fetch('/api/auth/logout', { method: 'POST' }).then(() => location.reload());

// Already signed in (the session cookie is httpOnly): try the socket straight away.
void fetch('/api/auth/me').then((res) => res.ok && connect());
