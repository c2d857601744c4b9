/**
 * A fake Telegram Bot API server on 127.0.0.1 for driving the real grammy: getUpdates long polling
 * with Telegram's offset semantics (an update stays until a later offset confirms it), webhooks
 * (it POSTs updates to the registered URL with the secret header and redelivers on failure, in
 * order), sendMessage and friends recorded, files for getFile, and injected failures (429, 403,
 * 5xx, a dropped connection). Protocol facts: ../shared/docs/testing-real-clients.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: number;
  is_bot: false;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface ApiCall {
  method: string;
  body: any;
  at: number;
  /** What the fake answered: ok, or the injected error code. */
  outcome: 'ok' | number | 'dropped';
}

/** A failure to answer instead of the real thing, `times` times. */
export interface Injection {
  method: string;
  times: number;
  /** Only calls whose body matches (e.g. a chat id or a text). */
  when?: (body: any) => boolean;
  /** A Bot API error (`{ok:false,...}`), or `drop` to cut the connection without an answer. */
  error?: { error_code: number; description: string; parameters?: Record<string, unknown> };
  drop?: boolean;
}

export interface SentMessage {
  message_id: number;
  chat_id: number | string;
  text: string;
  entities?: any[];
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  at: number;
}

interface Waiter {
  offset: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export class FakeBotApi {
  readonly token = '123456789:AAFakeTokenForTests_abcdefghijkl';
  readonly bot = { id: 123456789, is_bot: true, first_name: 'Shop support', username: 'shop_support_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  readonly calls: ApiCall[] = [];
  readonly sent: SentMessage[] = [];
  /** Updates not yet confirmed by a getUpdates offset. */
  private pending: any[] = [];
  /** Redelivered updates, handed out once whatever the offset. */
  private readonly forced = new Set<any>();
  private nextUpdateId = 1;
  private readonly messageIds = new Map<string, number>();
  private readonly injections: Injection[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly files = new Map<string, { path: string; body: Buffer; type: string }>();
  private server: Server | null = null;
  private port = 0;
  private nextUserId = 1000;
  private nextCallbackId = 1;
  webhook: { url: string; secret?: string; allowed_updates?: string[] } | null = null;
  /** Webhook deliveries: what the server answered to each POST. */
  readonly deliveries: { updateId: number; status: number }[] = [];
  private webhookQueue: any[] = [];
  private delivering = false;

  async listen(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.webhook = null;
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- building what customers do ------------------------------------------------------------

  user(firstName: string, language_code = 'ru', extra: Partial<FakeUser> = {}): FakeUser {
    return { id: this.nextUserId++, is_bot: false, first_name: firstName, language_code, ...extra };
  }

  /** A private-chat text message from `user` (a leading /command gets its bot_command entity). */
  message(user: FakeUser, text: string, extra: Record<string, unknown> = {}): any {
    const entities = /^\/\w+/.test(text) ? [{ type: 'bot_command', offset: 0, length: /^\/[\w@]+/.exec(text)![0].length }] : undefined;
    return {
      message_id: this.nextMessageId(user.id),
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private', first_name: user.first_name, username: user.username },
      from: user,
      text,
      ...(entities ? { entities } : {}),
      ...extra,
    };
  }

  /** Queues an update; returns it (with its update_id). */
  push(update: Record<string, unknown>): any {
    const full = { update_id: (update.update_id as number | undefined) ?? this.nextUpdateId++, ...update };
    this.nextUpdateId = Math.max(this.nextUpdateId, full.update_id + 1);
    if (this.webhook) {
      this.webhookQueue.push(full);
      void this.deliverWebhooks();
    } else {
      this.pending.push(full);
      this.flushWaiters();
    }
    return full;
  }

  /**
   * Delivers an update again although its offset was confirmed, as happens when the consumer died
   * before confirming it (or a webhook answer got lost): the same update_id, once more.
   */
  redeliver(update: any): void {
    if (this.webhook) {
      this.webhookQueue.push(update);
      void this.deliverWebhooks();
      return;
    }
    this.forced.add(update);
    this.pending.push(update);
    this.flushWaiters();
  }

  /** Sends a text (or /command) as `user`; returns the update. */
  say(user: FakeUser, text: string): any {
    return this.push({ message: this.message(user, text) });
  }

  /** Presses the button with `callbackData` under the bot's message `sent`. */
  press(user: FakeUser, sent: SentMessage, callbackData: string): any {
    return this.push({
      callback_query: {
        id: String(this.nextCallbackId++),
        from: user,
        chat_instance: `ci-${user.id}`,
        data: callbackData,
        message: {
          message_id: sent.message_id,
          date: Math.floor(sent.at / 1000),
          chat: { id: Number(sent.chat_id), type: 'private' },
          from: this.bot,
          text: sent.text,
          reply_markup: sent.reply_markup,
        },
      },
    });
  }

  /** A file getFile can hand out; returns its file_id. */
  addFile(fileId: string, path: string, body: Buffer, type = 'image/jpeg'): string {
    this.files.set(fileId, { path, body, type });
    return fileId;
  }

  /** The next `times` calls of `method` fail as described. */
  inject(injection: Injection): void {
    this.injections.push({ ...injection });
  }

  /** Forgets every injected failure not used up yet. */
  clearInjections(): void {
    this.injections.length = 0;
  }

  /** Successful sendMessage calls to a chat, oldest first. */
  sentTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => Number(m.chat_id) === chatId);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Updates still to be posted to the webhook (a failed one stays first). */
  get webhookBacklog(): number {
    return this.webhookQueue.length + (this.delivering ? 1 : 0);
  }

  /** How many updates wait for confirmation (polling). */
  get unconfirmed(): number {
    return this.pending.length;
  }

  // ---- the HTTP side -----------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && fileMatch) {
      const file = [...this.files.values()].find((f) => f.path === decodeURIComponent(fileMatch[2]!));
      if (fileMatch[1] !== this.token || !file) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : {};
    if (!match) return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const call: ApiCall = { method, body, at: Date.now(), outcome: 'ok' };
    this.calls.push(call);

    const injection = this.injections.find((i) => i.method === method && i.times > 0 && (!i.when || i.when(body)));
    if (injection) {
      injection.times--;
      if (injection.drop) {
        call.outcome = 'dropped';
        req.socket.destroy();
        return;
      }
      call.outcome = injection.error!.error_code;
      return json(res, injection.error!.error_code, { ok: false, ...injection.error });
    }
    const result = this.answer(method, body, res);
    if (result !== undefined) json(res, 200, { ok: true, result });
  }

  /** The result of a Bot API method; undefined when the answer comes later (a held getUpdates). */
  private answer(method: string, body: any, res: ServerResponse): unknown {
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'deleteWebhook':
        this.webhook = null;
        if (body.drop_pending_updates) this.pending = [];
        return true;
      case 'setWebhook':
        this.webhook = { url: body.url, secret: body.secret_token, allowed_updates: body.allowed_updates };
        // Updates queued for polling now go to the webhook, as Telegram does.
        this.webhookQueue.push(...this.pending);
        this.pending = [];
        void this.deliverWebhooks();
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.webhookQueue.length };
      case 'getUpdates':
        return this.getUpdates(body, res);
      case 'sendMessage': {
        const message: SentMessage = {
          message_id: this.nextMessageId(body.chat_id),
          chat_id: body.chat_id,
          text: body.text,
          entities: body.entities,
          reply_markup: body.reply_markup,
          at: Date.now(),
        };
        this.sent.push(message);
        return {
          message_id: message.message_id,
          date: Math.floor(message.at / 1000),
          chat: { id: Number(body.chat_id), type: 'private' },
          from: this.bot,
          text: body.text,
          ...(body.reply_markup ? { reply_markup: body.reply_markup } : {}),
        };
      }
      case 'getFile': {
        const file = this.files.get(body.file_id);
        if (!file) return json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }), undefined;
        return { file_id: body.file_id, file_unique_id: `u-${body.file_id}`, file_size: file.body.length, file_path: file.path };
      }
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'editMessageReplyMarkup':
        return true;
      default:
        json(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method} is not faked` });
        return undefined;
    }
  }

  private getUpdates(body: any, res: ServerResponse): unknown {
    if (this.webhook) {
      json(res, 409, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
      return undefined;
    }
    const offset = Number(body.offset ?? 0);
    // An offset confirms every update before it: those are gone for good.
    if (offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset || this.forced.has(u));
    const ready = this.take(offset, body.limit ?? 100);
    const timeout = Number(body.timeout ?? 0);
    if (ready.length || timeout <= 0) return ready;
    const waiter: Waiter = {
      offset,
      res,
      timer: setTimeout(() => {
        this.waiters.delete(waiter);
        json(res, 200, { ok: true, result: [] });
      }, timeout * 1000),
    };
    this.waiters.add(waiter);
    res.on('close', () => {
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
    });
    return undefined;
  }

  /** What a getUpdates with `offset` receives; a redelivered update goes out this once. */
  private take(offset: number, limit: number): any[] {
    const ready = this.pending.filter((u) => u.update_id >= offset || this.forced.has(u)).slice(0, limit);
    for (const u of ready) {
      if (!this.forced.delete(u)) continue;
      this.pending.splice(this.pending.indexOf(u), 1);
    }
    return ready;
  }

  private flushWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const ready = this.take(waiter.offset, 100);
      if (!ready.length) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      json(waiter.res, 200, { ok: true, result: ready });
    }
  }

  /** Posts queued updates to the webhook one at a time, in order; a failed one is retried first. */
  private async deliverWebhooks(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.webhook && this.webhookQueue.length) {
        const update = this.webhookQueue[0];
        let status = 0;
        try {
          const response = await fetch(this.webhook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}) },
            body: JSON.stringify(update),
            signal: AbortSignal.timeout(5000),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0;
        }
        this.deliveries.push({ updateId: update.update_id, status });
        if (status >= 200 && status < 300) this.webhookQueue.shift();
        else await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      this.delivering = false;
    }
  }

  private nextMessageId(chatId: number | string): number {
    const key = String(chatId);
    const next = (this.messageIds.get(key) ?? 0) + 1;
    this.messageIds.set(key, next);
    return next;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
