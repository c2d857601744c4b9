/**
 * The Telegram channel: a grammy bot that brings customers' messages, commands and button presses
 * to the core, and delivers the bot's and agents' replies. Updates arrive by long polling (the
 * default), by webhook on the server's own fastify, or forwarded by another bot that owns the token
 * (docs/telegram.md has the three modes).
 * @module
 */
import { Bot, GrammyError } from 'grammy';
import type { CallbackQuery, Message, Update, UserFromGetMe } from 'grammy/types';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import type { Logger } from 'pino';
import type {
  Attachment,
  Channel,
  ChannelHost,
  ConversationRef,
  DeliveryResult,
  FetchedAttachment,
  InboundMessage,
  Outbound,
} from '../../server/channels/contract.js';
import { CallbackData, type KeyValue } from './buttons.js';
import { deliveryResultFor, migratedChatId } from './delivery.js';
import {
  addressedToBot,
  attachmentsOf,
  commandOf,
  externalUserIdOf,
  isServiceMessage,
  profileOf,
  textOf,
  withoutMention,
} from './inbound.js';
import { inboundParts } from '../shared/inbound-parts.js';
import type { RecentUpdates } from './recent-updates.js';
import { keyboardRows, pressedLabel, renderParts, type MessagePart } from './render.js';
import { registerForwardRoute, registerWebhookRoute, type UpdateOutcome } from './routes.js';
import { SerialQueue } from '../shared/serial.js';
import { adapterTexts, languageFor } from './texts.js';
import { settlesWithin } from '../shared/settles-within.js';

/** The update types chatbridge asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

export interface TelegramChannelOptions {
  token: string;
  /** The Bot API server, without a trailing slash (https://api.telegram.org or a self-hosted one). */
  apiRoot: string;
  mode: 'polling' | 'webhook' | 'forward';
  /** Public URL Telegram posts to (webhook mode); the route is served at its path. */
  webhookUrl?: string;
  /** Checked against X-Telegram-Bot-Api-Secret-Token (webhook mode). */
  webhookSecret?: string;
  /** Bearer secret of the forward endpoint (forward mode). */
  forwardSecret?: string;
  allowGroups: boolean;
  pollTimeoutSeconds: number;
  /** The core's limit; a longer customer message is stored in several parts. */
  maxMessageLength: number;
  settings: KeyValue;
  recent: RecentUpdates;
  app: FastifyInstance;
  log: Logger;
  /** How long start() waits for Telegram before the server goes on (the bot keeps connecting). */
  readyTimeoutMs?: number;
  /** First pause before polling again after a conflict or outage; doubles up to a minute. */
  restartDelayMs?: number;
  /** Telegram shows "typing…" for 5 s; it is sent again this often while an agent types. */
  typingRefreshMs?: number;
  /** Longest a typing indicator is kept up without news from the agent. */
  typingMaxMs?: number;
  /** Pauses between attempts to store an update whose storing failed (polling). */
  storeRetryDelaysMs?: number[];
}

type Outcome = Exclude<UpdateOutcome, 'duplicate'>;

export class TelegramChannel implements Channel {
  readonly name = 'telegram';
  /** The grammy bot (its `api` is what the adapter calls). */
  readonly bot: Bot;
  private host: ChannelHost | null = null;
  private stopped = true;
  private me: UserFromGetMe | null = null;
  private polling: Promise<void> | null = null;
  private wakeSleep: (() => void) | null = null;
  private markReady: () => void = () => {};
  private readonly queue = new SerialQueue();
  private readonly buttons: CallbackData;
  /** Parts already delivered of a split message whose later part failed: a retry sends only the rest. */
  private readonly progress = new Map<number, number>();
  private readonly typingTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: TelegramChannelOptions) {
    this.bot = new Bot(opts.token, {
      // A held getUpdates lasts pollTimeout seconds; any other call gets the same generous bound.
      client: { apiRoot: opts.apiRoot, timeoutSeconds: Math.max(opts.pollTimeoutSeconds + 15, 30) },
    });
    this.buttons = new CallbackData(opts.settings);
    this.bot.use(async (ctx) => {
      await this.handlePolled(ctx.update);
    });
    // One failing update must never stop polling.
    this.bot.catch((err) => opts.log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram: update failed'));

    // Routes go on before the server listens (fastify allows no routes after that).
    const handle = (update: Update, o: { handOff: boolean; forwarded: boolean }) => this.handle(update, o);
    if (opts.mode === 'webhook') {
      if (!opts.webhookUrl || !opts.webhookSecret) throw new Error('telegram: webhook mode needs a webhook URL and a secret');
      registerWebhookRoute(opts.app, new URL(opts.webhookUrl).pathname, opts.webhookSecret, handle);
    }
    if (opts.mode === 'forward') {
      if (!opts.forwardSecret) throw new Error('telegram: forward mode needs TELEGRAM_FORWARD_SECRET');
      registerForwardRoute(opts.app, opts.forwardSecret, handle);
    }
  }

  /** The bot's own account, once getMe answered. */
  get botInfo(): UserFromGetMe | null {
    return this.me;
  }

  async start(host: ChannelHost): Promise<void> {
    this.host = host;
    this.stopped = false;
    const ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
    if (this.opts.mode === 'polling') {
      this.polling = this.poll();
    } else {
      void this.initialise();
    }
    if (!(await settlesWithin(ready, this.opts.readyTimeoutMs ?? 10_000))) this.opts.log.warn('telegram: the Bot API has not answered yet; the server runs on and the bot keeps trying');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    for (const timer of this.typingTimers.values()) clearInterval(timer);
    this.typingTimers.clear();
    if (this.bot.isRunning()) {
      // stop() confirms the offset with one last getUpdates; never let a dead API hold the shutdown.
      await settlesWithin(this.bot.stop().catch(() => undefined), 3000);
    }
    if (this.polling) await settlesWithin(this.polling, 3000);
    await this.queue.drain(2000);
    this.host = null;
  }

  // ---- receiving -------------------------------------------------------------------------------

  /**
   * Handles an update once: a redelivered update_id is skipped, and updates of one chat run in the
   * order they came. Rejects only when the update could not be stored.
   */
  async handle(update: Update, options: { handOff: boolean; forwarded: boolean }): Promise<UpdateOutcome> {
    if (!this.host || this.stopped) throw new Error('the Telegram channel is not running');
    const recent = this.opts.recent;
    if (recent.has(update.update_id)) return 'duplicate';
    return this.queue.run(chatKeyOf(update), async () => {
      if (recent.has(update.update_id)) return 'duplicate';
      const outcome = await this.process(update, options);
      // Passed updates belong to the other bot (forward mode): not ours to remember.
      if (outcome === 'taken') await recent.add(update.update_id);
      return outcome;
    });
  }

  /** Polling: a failed store is tried again in place, then the customer is asked to resend. */
  private async handlePolled(update: Update): Promise<void> {
    const delays = this.opts.storeRetryDelaysMs ?? [200, 1000, 3000];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handle(update, { handOff: false, forwarded: false });
        return;
      } catch (err) {
        if (this.stopped || attempt >= delays.length) {
          this.opts.log.error({ err, updateId: update.update_id }, 'telegram: could not store an update');
          const chatId = update.message?.chat.id ?? update.edited_message?.chat.id;
          const from = update.message?.from ?? update.edited_message?.from ?? update.callback_query?.from;
          if (chatId !== undefined && !this.stopped) await this.say(chatId, adapterTexts[languageFor(from?.language_code)].notStored);
          return;
        }
        await sleep(delays[attempt]!);
      }
    }
  }

  private async process(update: Update, options: { handOff: boolean; forwarded: boolean }): Promise<Outcome> {
    if (update.message) return this.onMessage(update.message, false, options);
    if (update.edited_message) return this.onMessage(update.edited_message, true, options);
    if (update.callback_query) return this.onCallback(update.callback_query, options);
    return 'passed';
  }

  private async onMessage(message: Message, edited: boolean, options: { handOff: boolean; forwarded: boolean }): Promise<Outcome> {
    const { chat, from } = message;
    if (!from || from.is_bot || chat.type === 'channel') return 'passed';
    const group = chat.type !== 'private';
    let me: UserFromGetMe | null = this.me;
    if (group) {
      if (!this.opts.allowGroups) return 'passed';
      me = await this.ensureMe();
      if (!me || !addressedToBot(message, me)) return 'passed';
    }
    if (isServiceMessage(message)) return 'passed';
    const command = edited ? null : commandOf(message, me?.username);
    // Private chat: the user id; group: one identity per person and group (a private conversation never moves into a group).
    const externalUserId = externalUserIdOf(from, chat);
    if (options.forwarded && !options.handOff && command !== 'human' && !(await this.inHandOff(externalUserId))) return 'passed';

    const lang = languageFor(from.language_code, message.text ?? message.caption);
    if (command === 'help') {
      // Answered here: it is about this bot's commands, not a question for the knowledge base.
      await this.say(chat.id, adapterTexts[lang].help);
      return 'taken';
    }
    let text = textOf(message);
    if (group) text = withoutMention(text, me?.username);
    const attachments = edited ? [] : attachmentsOf(message);
    if (!text.trim() && !attachments.length) {
      if (edited) return 'passed'; // a caption was removed: nothing to pass on
      await this.say(chat.id, adapterTexts[lang].unsupported);
      return 'taken';
    }
    // An edit is stored as a new message marked ✏️ (the original stays as it was): agents see the
    // correction, and while the bot has the chat it answers the corrected question.
    if (edited) text = `✏️ ${text}`;
    const buttonId = command === 'start' ? 'start' : command === 'human' || options.handOff ? 'human' : undefined;
    const inbound: InboundMessage = {
      channel: this.name,
      externalChatId: String(chat.id),
      externalUserId,
      externalMessageId: `${chat.id}:${message.message_id}${edited ? `:edit:${message.edit_date ?? 0}` : ''}`,
      text: text.trim() ? text : '',
      attachments: attachments.length ? attachments : undefined,
      buttonId,
      profile: profileOf(from),
      sentAt: (message.edit_date ?? message.date) * 1000,
    };
    // Telegram allows 4096 characters, the core may take fewer: a long message is stored in parts, none lost.
    for (const part of inboundParts(inbound, this.opts.maxMessageLength)) await this.host!.receive(part);
    return 'taken';
  }

  private async onCallback(query: CallbackQuery, options: { handOff: boolean; forwarded: boolean }): Promise<Outcome> {
    const ours = CallbackData.isOurs(query.data);
    // Forward mode: the other bot's buttons are its own, unless it hands the customer over with one.
    if (options.forwarded && !ours && !options.handOff) return 'passed';
    const chat = query.message?.chat;
    const lang = languageFor(query.from.language_code);
    if (!chat || (chat.type !== 'private' && !this.opts.allowGroups)) {
      await this.answerCallback(query.id);
      return options.forwarded ? 'passed' : 'taken';
    }
    const buttonId = ours ? await this.buttons.decode(query.data) : options.handOff ? 'human' : null;
    if (!buttonId) {
      await this.answerCallback(query.id, adapterTexts[lang].expiredButton);
      return 'taken';
    }
    const markup = query.message && 'reply_markup' in query.message ? query.message.reply_markup : undefined;
    try {
      await this.host!.receive({
        channel: this.name,
        externalChatId: String(chat.id),
        // A press in a group belongs to the person's conversation in that group, as their messages do.
        externalUserId: externalUserIdOf(query.from, chat),
        // Each press has its own id: pressing again is a new press, a redelivered one is not.
        externalMessageId: `cb:${query.id}`,
        text: pressedLabel(markup, query.data!) ?? buttonId,
        buttonId,
        profile: profileOf(query.from),
      });
    } finally {
      // The spinner on the button stops whatever happened.
      await this.answerCallback(query.id);
    }
    return 'taken';
  }

  /**
   * Forward mode: whether the customer is with a person (queued or assigned), so chatbridge takes
   * their messages. `externalUserId` is the identity of the chat they wrote in (externalUserIdOf).
   */
  private async inHandOff(externalUserId: string): Promise<boolean> {
    const snapshot = await this.host!.history(this.name, externalUserId);
    return snapshot?.status === 'queued' || snapshot?.status === 'assigned';
  }

  // ---- sending ---------------------------------------------------------------------------------

  async send(ref: ConversationRef, outbound: Outbound): Promise<DeliveryResult> {
    const replies = outbound.quickReplies ?? [];
    const keyboard = replies.length
      ? keyboardRows(await Promise.all(replies.map(async (reply) => ({ reply, data: await this.buttons.encode(reply.id) }))))
      : undefined;
    const parts = renderParts(outbound, keyboard);
    let chatId: number | string = chatIdOf(ref.externalChatId);
    let last: Message.TextMessage | undefined;
    for (let index = this.progress.get(outbound.messageId) ?? 0; index < parts.length; index++) {
      try {
        last = await this.sendPart(chatId, parts[index]!);
      } catch (err) {
        const moved = migratedChatId(err);
        if (moved === undefined) {
          const result = deliveryResultFor(err);
          if (result.status === 'failed') this.progress.delete(outbound.messageId);
          return result;
        }
        // The group became a supergroup: same conversation, new chat id.
        chatId = moved;
        index--;
        continue;
      }
      this.progress.set(outbound.messageId, index + 1);
    }
    this.progress.delete(outbound.messageId);
    this.stopTyping(ref.externalChatId);
    return { status: 'ok', externalMessageId: last ? `${last.chat.id}:${last.message_id}` : undefined };
  }

  private sendPart(chatId: number | string, part: MessagePart): Promise<Message.TextMessage> {
    return this.bot.api.sendMessage(chatId, part.text, {
      ...(part.entities ? { entities: part.entities } : {}),
      ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}),
    });
  }

  /** "typing…" in the customer's chat while an agent types (Telegram shows it for 5 s, so it is renewed). */
  async typing(ref: ConversationRef, typing: boolean): Promise<void> {
    const key = ref.externalChatId;
    this.stopTyping(key);
    if (!typing || this.stopped) return;
    const chatId = chatIdOf(key);
    const tick = () =>
      this.bot.api.sendChatAction(chatId, 'typing').catch((err: unknown) => this.opts.log.debug({ err }, 'telegram: typing not shown'));
    await tick();
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started >= (this.opts.typingMaxMs ?? 60_000)) return this.stopTyping(key);
      void tick();
    }, this.opts.typingRefreshMs ?? 4500);
    timer.unref?.();
    this.typingTimers.set(key, timer);
  }

  private stopTyping(key: string): void {
    const timer = this.typingTimers.get(key);
    if (timer) clearInterval(timer);
    this.typingTimers.delete(key);
  }

  /**
   * A customer's file through getFile and the Bot API's file endpoint. Null when Telegram no longer
   * has it or it is over the Bot API's download limit (20 MB on the official server).
   */
  async fetchAttachment(attachment: Attachment): Promise<FetchedAttachment | null> {
    if (!attachment.ref) return null;
    let filePath: string | undefined;
    try {
      filePath = (await this.bot.api.getFile(attachment.ref)).file_path;
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 400) return null; // "file is too big", "wrong file_id"
      throw err;
    }
    // A self-hosted server in --local mode answers with a path on its own disk: not fetched over HTTP.
    if (!filePath || path.isAbsolute(filePath)) return null;
    const url = `${this.opts.apiRoot}/file/bot${this.opts.token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) return null;
    return {
      body: Buffer.from(await response.arrayBuffer()),
      mimeType: attachment.mimeType ?? response.headers.get('content-type') ?? undefined,
      name: attachment.name ?? path.posix.basename(filePath),
    };
  }

  // ---- connecting ------------------------------------------------------------------------------

  /** Long polling, restarted after a conflict (another getUpdates consumer) or an outage, until stop(). */
  private async poll(): Promise<void> {
    const log = this.opts.log;
    let delay = this.opts.restartDelayMs ?? 1000;
    while (!this.stopped) {
      try {
        await this.bot.start({
          timeout: this.opts.pollTimeoutSeconds,
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: (me) => {
            this.me = me;
            delay = this.opts.restartDelayMs ?? 1000;
            log.info({ username: me.username }, 'telegram: polling for updates');
            this.markReady();
            void this.setCommands();
          },
        });
        if (this.stopped) return;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof GrammyError && err.error_code === 401) {
          log.error('telegram: the Bot API refused TELEGRAM_BOT_TOKEN (401); check it with @BotFather. Polling stopped.');
          this.markReady();
          return;
        }
        if (err instanceof GrammyError && err.error_code === 409) {
          log.error(
            'telegram: another program is reading this bot\'s updates (409 Conflict). Run chatbridge as the only consumer, ' +
              'or set TELEGRAM_MODE=forward and forward updates from your bot (docs/telegram.md).',
          );
        } else {
          log.warn({ err }, 'telegram: polling stopped; starting again');
        }
      }
      await this.pause(delay);
      delay = Math.min(delay * 2, 60_000);
    }
  }

  /** Webhook and forward modes: learn who the bot is, and (webhook) tell Telegram where to post. */
  private async initialise(): Promise<void> {
    let delay = this.opts.restartDelayMs ?? 1000;
    while (!this.stopped) {
      try {
        const me = await this.ensureMe(true);
        if (!me) throw new Error('getMe failed');
        if (this.opts.mode === 'webhook') {
          await this.bot.api.setWebhook(this.opts.webhookUrl!, {
            secret_token: this.opts.webhookSecret,
            allowed_updates: [...ALLOWED_UPDATES],
          });
          this.opts.log.info({ url: this.opts.webhookUrl }, 'telegram: webhook set');
          void this.setCommands();
        }
        this.markReady();
        return;
      } catch (err) {
        if (err instanceof GrammyError && err.error_code === 401) {
          this.opts.log.error('telegram: the Bot API refused TELEGRAM_BOT_TOKEN (401); check it with @BotFather.');
          this.markReady();
          return;
        }
        this.opts.log.warn({ err }, 'telegram: could not reach the Bot API; trying again');
      }
      await this.pause(delay);
      delay = Math.min(delay * 2, 60_000);
    }
  }

  private async ensureMe(throwing = false): Promise<UserFromGetMe | null> {
    if (this.me) return this.me;
    try {
      await this.bot.init();
      this.me = this.bot.botInfo;
    } catch (err) {
      if (throwing) throw err;
      this.opts.log.warn({ err }, 'telegram: getMe failed');
    }
    return this.me;
  }

  /** The command menu in both languages (best effort; the commands work without it). */
  private async setCommands(): Promise<void> {
    try {
      await this.bot.api.setMyCommands(adapterTexts.en.commands);
      await this.bot.api.setMyCommands(adapterTexts.ru.commands, { language_code: 'ru' });
    } catch (err) {
      this.opts.log.warn({ err }, 'telegram: the command menu was not set');
    }
  }

  /** Says something outside the conversation's outbox (help, notices); a failure is only logged. */
  private async say(chatId: number, text: string): Promise<void> {
    try {
      await this.bot.api.sendMessage(chatId, text);
    } catch (err) {
      this.opts.log.warn({ err, chatId }, 'telegram: notice not sent');
    }
  }

  private async answerCallback(id: string, text?: string): Promise<void> {
    try {
      await this.bot.api.answerCallbackQuery(id, text ? { text } : undefined);
    } catch (err) {
      // Too old or answered already (a redelivered update): nothing to do.
      this.opts.log.debug({ err }, 'telegram: callback query not answered');
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}

/** Updates of one chat share a key, so they run in order. */
function chatKeyOf(update: Update): string {
  const chat = update.message?.chat ?? update.edited_message?.chat ?? update.callback_query?.message?.chat;
  return chat ? String(chat.id) : `update:${update.update_id}`;
}

/** Telegram chat ids are integers; anything else (an @channel name) goes as it is. */
function chatIdOf(externalChatId: string): number | string {
  return /^-?\d+$/.test(externalChatId) ? Number(externalChatId) : externalChatId;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

