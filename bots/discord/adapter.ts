/**
 * The Discord channel: a discord.js v14 client that brings customers' DMs and support-channel
 * messages to the core and delivers the bot's and agents' replies. In a server, each customer gets
 * a private thread off the support channel (see docs/discord.md for why).
 * @module
 */
import {
  ChannelType,
  Events,
  GuildMember,
  MessageFlags,
  MessageType,
  Routes,
  ThreadAutoArchiveDuration,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type TextChannel,
  type ThreadChannel,
  type User,
} from 'discord.js';
import type { Logger } from 'pino';
import type {
  Attachment,
  Channel,
  ChannelHost,
  ConversationRef,
  ConversationStatus,
  DeliveryResult,
  FetchedAttachment,
  InboundMessage,
  Outbound,
} from '../../server/channels/contract.js';
import { ButtonIds } from './buttons.js';
import { createDiscordClient } from './client.js';
import { applicationCommands, QUESTION_OPTION, SUPPORT_COMMAND } from './commands.js';
import { fetchDiscordAttachment } from './files.js';
import { attachmentsOf, profileOf, quote } from './inbound.js';
import { inboundParts } from '../shared/inbound-parts.js';
import { inviteUrl } from './permissions.js';
import { MAX_CONTENT, pressedRows } from './render.js';
import { Sender } from './sender.js';
import { SerialQueue } from '../shared/serial.js';
import { settlesWithin } from '../shared/settles-within.js';
import { adapterTexts, languageFor, type AdapterLanguage } from './texts.js';
import { ThreadDirectory, type KeyValue } from './threads.js';

export interface DiscordChannelOptions {
  token: string;
  /** Where REST goes (and, through GET /gateway/bot, the gateway); Discord itself when unset. */
  apiRoot?: string;
  /** Text channels where a customer's message opens their private thread. */
  supportChannelIds: string[];
  /** Remove the customer's message from the public support channel once it is in their thread. */
  deleteSupportMessages?: boolean;
  /** The core's settings: the thread directory and long button ids live there. */
  settings: KeyValue;
  log: Logger;
  /** The core's limit; a longer customer message is stored in several parts. */
  maxMessageLength: number;
  /** Largest customer file fetched for the console (default 20 MB); a bigger one is a 404 there. */
  maxDownloadBytes?: number;
  /** Rate limits up to this long are waited out in place, longer ones go back to the outbox. */
  maxRateLimitWaitMs?: number;
  restTimeoutMs?: number;
  restRetries?: number;
  /** How long start() waits for READY before the server goes on (login continues behind). */
  readyTimeoutMs?: number;
  waitGuildTimeoutMs?: number;
  /** First delay before logging in again after a network failure; doubles up to a minute. */
  loginRetryMs?: number;
}

/** The router's quick-reply id for "show the greeting with topics" (server/router/texts.ts Buttons.start). */
const START_BUTTON = 'start';
const OPEN_STATUSES: ConversationStatus[] = ['bot', 'queued', 'assigned'];
/** Thread names are limited to 100 characters. */
const MAX_THREAD_NAME = 100;

export class DiscordChannel implements Channel {
  readonly name = 'discord';
  private client: Client | null = null;
  private host: ChannelHost | null = null;
  private stopped = false;
  private loginTimer: NodeJS.Timeout | null = null;
  private markReady: () => void = () => {};
  private readonly threads: ThreadDirectory;
  private readonly buttons: ButtonIds;
  /** One queue per customer: their events reach the core in order. */
  private readonly queue = new SerialQueue();
  private readonly onQueueError: (err: unknown, userId: string) => void;

  /** Queues a customer's event behind their earlier ones; a failure is logged, never thrown at Discord's event loop. */
  private serially(userId: string, task: () => Promise<void>): Promise<void> {
    return this.queue.run(userId, task).catch((err: unknown) => this.onQueueError(err, userId));
  }
  private readonly supportChannels: Set<string>;
  private readonly sender: Sender;
  /** Support-channel messages taken already (bounded), so a redelivered event opens no second thread. */
  private readonly taken = new Set<string>();
  /** Set when Discord closed the gateway for good (bad token, intents not allowed): no more logins. */
  private fatal = false;
  private warnedDelete = false;

  constructor(private readonly opts: DiscordChannelOptions) {
    this.threads = new ThreadDirectory(opts.settings);
    this.buttons = new ButtonIds(opts.settings);
    this.supportChannels = new Set(opts.supportChannelIds);
    this.sender = new Sender({ client: () => this.client, buttons: this.buttons, threads: this.threads, log: opts.log });
    this.onQueueError = (err, userId) => opts.log.error({ err, userId }, 'discord: handling a customer event failed');
  }

  /** The live discord.js client (for tests and diagnostics). */
  get discord(): Client | null {
    return this.client;
  }

  async start(host: ChannelHost): Promise<void> {
    this.host = host;
    this.stopped = false;
    const ready = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
    void this.connect(0);
    if (!(await settlesWithin(ready, this.opts.readyTimeoutMs ?? 10_000))) this.opts.log.warn('discord: not ready yet; the server runs on and the client keeps connecting');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.loginTimer) clearTimeout(this.loginTimer);
    await this.queue.drain(2000);
    await this.client?.destroy();
    this.client = null;
  }

  /** Logs in with a fresh client; network failures retry with back-off, a refused token does not. */
  private async connect(attempt: number): Promise<void> {
    if (this.stopped || this.fatal) return;
    const log = this.opts.log;
    const client = createDiscordClient({
      apiRoot: this.opts.apiRoot,
      maxRateLimitWaitMs: this.opts.maxRateLimitWaitMs ?? 5000,
      restTimeoutMs: this.opts.restTimeoutMs ?? 10_000,
      restRetries: this.opts.restRetries ?? 1,
      waitGuildTimeoutMs: this.opts.waitGuildTimeoutMs ?? 15_000,
    });
    this.client = client;
    this.listen(client);
    try {
      await client.login(this.opts.token);
    } catch (err) {
      if (this.stopped || this.fatal) return;
      if ((err as { code?: string }).code === 'TokenInvalid') {
        this.fatal = true;
        log.error('discord: Discord refused DISCORD_BOT_TOKEN; copy the token from the Bot page of the developer portal');
        this.markReady();
        return;
      }
      const delay = Math.min(60_000, (this.opts.loginRetryMs ?? 2000) * 2 ** attempt);
      log.warn({ err, retryInMs: delay }, 'discord: could not connect; trying again');
      this.loginTimer = setTimeout(() => void this.connect(attempt + 1), delay);
      this.loginTimer.unref?.();
    }
  }

  private listen(client: Client): void {
    const log = this.opts.log;
    client.once(Events.ClientReady, (ready) => {
      log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, invite: inviteUrl(ready.application.id) }, 'discord: ready');
      for (const id of this.supportChannels) {
        const channel = ready.channels.cache.get(id);
        if (!channel) log.warn({ channelId: id }, 'discord: DISCORD_SUPPORT_CHANNEL_IDS lists a channel the bot cannot see');
        else if (channel.type !== ChannelType.GuildText) log.warn({ channelId: id }, 'discord: a support channel must be a text channel');
      }
      void ready.application.commands
        .set(applicationCommands())
        .then(() => log.debug('discord: /support registered'))
        .catch((err: unknown) => log.warn({ err }, 'discord: could not register /support'))
        .finally(() => this.markReady());
    });
    client.on(Events.MessageCreate, (message) => this.guard('message', () => this.onMessage(message)));
    client.on(Events.InteractionCreate, (interaction) => this.guard('interaction', () => this.onInteraction(interaction)));
    // Without listeners these would be thrown by the emitter and take the process down.
    client.on(Events.Error, (err) => log.error({ err }, 'discord: client error'));
    client.on(Events.ShardError, (err, shardId) => log.warn({ err, shardId }, 'discord: gateway connection error'));
    client.on(Events.Warn, (message) => log.warn({ message }, 'discord: warning'));
    client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, 'discord: gateway reconnecting'));
    client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'discord: gateway resumed'));
    client.on(Events.ShardDisconnect, (event, shardId) => {
      if (event.code === 4014) {
        log.error(
          { shardId },
          'discord: Discord refused the Message Content intent; switch on "Message Content Intent" on the Bot page of the developer portal',
        );
      } else if (event.code === 4004) log.error({ shardId }, 'discord: Discord refused DISCORD_BOT_TOKEN');
      else log.error({ shardId, code: event.code }, 'discord: gateway closed for good');
      this.fatal = true;
      this.markReady();
    });
    client.rest.on('rateLimited', (info) => log.debug({ route: info.route, retryAfter: info.retryAfter }, 'discord: rate limited'));
  }

  /** Runs an event handler so that nothing it throws reaches discord.js's emitter. */
  private guard(what: string, handler: () => Promise<void>): void {
    handler().catch((err: unknown) => this.opts.log.error({ err }, `discord: ${what} handler failed`));
  }

  // ---- customers' messages --------------------------------------------------------------------

  private async onMessage(message: Message): Promise<void> {
    // Bots (this one included, whose own messages come back over the gateway), webhooks and
    // system notices ("thread created", pins...) are never a customer speaking.
    if (message.author.bot || message.webhookId || message.system) return;
    if (message.type !== MessageType.Default && message.type !== MessageType.Reply) return;
    const userId = message.author.id;
    const channel = message.channel;

    if (channel.type === ChannelType.DM) {
      await this.serially(userId, async () => {
        await this.intake(this.inboundOf(message, message.channelId));
      });
      return;
    }
    if (channel.isThread()) {
      const thread = await this.threads.get(channel.id);
      // Someone else in a customer's thread (a moderator) is not the customer speaking.
      if (!thread || thread.userId !== userId) return;
      await this.serially(userId, async () => {
        await this.intake(this.inboundOf(message, channel.id));
      });
      return;
    }
    if (this.supportChannels.has(message.channelId) && channel.type === ChannelType.GuildText) {
      if (this.taken.has(message.id)) return;
      this.taken.add(message.id);
      if (this.taken.size > 1000) this.taken.delete(this.taken.values().next().value!);
      await this.serially(userId, () => this.fromSupportChannel(message, channel));
    }
  }

  /** A message in the public support channel moves into the customer's private thread. */
  private async fromSupportChannel(message: Message, parent: TextChannel): Promise<void> {
    const inbound = this.inboundOf(message, '');
    if (!inbound.text.trim() && !inbound.attachments?.length) return;
    const lang = languageFor(inbound.text);
    const t = adapterTexts[lang];
    const opened = await this.openThread(parent, message.author, message.member, lang);
    if (!opened) {
      await message.reply({ content: t.threadFailed }).catch((err: unknown) => this.opts.log.warn({ err }, 'discord: could not explain the failure'));
      return;
    }
    const { thread, reused } = opened;
    const room = MAX_CONTENT - 200;
    const quoted = quote(inbound.text, inbound.attachments ?? [], room);
    const quotedInThread = await thread
      .send({
        content: reused ? t.threadFollowUp(message.author.id, quoted) : t.threadIntro(message.author.id, quoted),
        allowedMentions: { parse: [], users: [message.author.id] },
      })
      .then(() => true)
      .catch((err: unknown) => {
        this.opts.log.warn({ err, threadId: thread.id }, 'discord: could not quote the question in the thread');
        return false;
      });
    const stored = await this.intake({ ...inbound, externalChatId: thread.id });
    // Only once the question is stored and visible in the thread: if anything failed, it stays
    // where the customer wrote it.
    if (stored && quotedInThread && this.opts.deleteSupportMessages !== false) {
      await message.delete().catch((err: unknown) => {
        if (!this.warnedDelete) this.opts.log.warn({ err }, 'discord: could not remove a question from the support channel (give the bot Manage Messages)');
        this.warnedDelete = true;
      });
    }
  }

  /**
   * The customer's private thread off `parent`: the one from their open conversation, or a new
   * one (private, not invitable, the customer added). Null when Discord refuses.
   */
  private async openThread(
    parent: TextChannel,
    user: User,
    member: GuildMember | null | undefined,
    lang: AdapterLanguage,
  ): Promise<{ thread: ThreadChannel; reused: boolean } | null> {
    const client = this.client!;
    const existingId = await this.threads.latestFor(parent.guildId, user.id);
    if (existingId) {
      const snapshot = await this.host!.history(this.name, user.id);
      if (snapshot && OPEN_STATUSES.includes(snapshot.status)) {
        const existing = client.channels.cache.get(existingId) ?? (await client.channels.fetch(existingId).catch(() => null));
        if (existing?.isThread()) return { thread: existing, reused: true };
        await this.threads.forget(parent.guildId, user.id);
      }
    }
    try {
      const name = adapterTexts[lang].threadName(profileOf(user, member).name ?? user.username).slice(0, MAX_THREAD_NAME);
      const thread = await parent.threads.create({
        name,
        type: ChannelType.PrivateThread,
        invitable: false,
        // A week: a question that waits over a weekend does not drop out of the customer's list.
        autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
        reason: `Support conversation for ${user.username}`,
      });
      await this.threads.remember({ threadId: thread.id, userId: user.id, guildId: parent.guildId, parentId: parent.id, createdAt: Date.now() });
      await thread.members.add(user.id);
      return { thread, reused: false };
    } catch (err) {
      this.opts.log.error({ err, channelId: parent.id }, 'discord: could not open a private thread (needs Create Private Threads and Send Messages in Threads)');
      return null;
    }
  }

  private inboundOf(message: Message, chatId: string): InboundMessage {
    return {
      channel: this.name,
      externalChatId: chatId,
      externalUserId: message.author.id,
      externalMessageId: message.id,
      text: message.content,
      attachments: attachmentsOf(message),
      profile: profileOf(message.author, message.member),
      sentAt: message.createdTimestamp,
    };
  }

  /**
   * Hands a message to the core. One longer than the core takes (a Nitro user may write 4000
   * characters, MAX_MESSAGE_LENGTH may be lower) is stored in parts, in order, none lost. A failure
   * to store is told to the customer, so nothing disappears without a word. Returns whether it was
   * stored.
   */
  private async intake(inbound: InboundMessage): Promise<boolean> {
    if (!inbound.text.trim() && !inbound.attachments?.length && !inbound.buttonId) return false;
    try {
      for (const part of inboundParts(inbound, this.opts.maxMessageLength)) await this.host!.receive(part);
      return true;
    } catch (err) {
      this.opts.log.error({ err, messageId: inbound.externalMessageId }, 'discord: message not stored');
      const t = adapterTexts[languageFor(inbound.text, inbound.profile?.language)];
      await this.notify(inbound.externalChatId, t.notStored);
      return false;
    }
  }

  /** A short notice from the adapter itself, straight to the chat (not through the outbox). */
  private async notify(chatId: string, text: string): Promise<void> {
    await this.client?.rest
      .post(Routes.channelMessages(chatId), { body: { content: text, allowed_mentions: { parse: [] } } })
      .catch((err: unknown) => this.opts.log.warn({ err, chatId }, 'discord: notice not delivered'));
  }

  // ---- buttons and /support -------------------------------------------------------------------

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton()) return this.onButton(interaction);
    if (interaction.isChatInputCommand() && interaction.commandName === SUPPORT_COMMAND) return this.onSupportCommand(interaction);
  }

  /** Acknowledged at once (the buttons are disabled, the chosen one marked), routed afterwards. */
  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const log = this.opts.log;
    const user = interaction.user;
    if (interaction.inGuild()) {
      const thread = await this.threads.get(interaction.channelId);
      if (!thread) {
        await interaction.deferUpdate().catch((err: unknown) => log.warn({ err }, 'discord: button not acknowledged'));
        return;
      }
      if (thread.userId !== user.id) {
        const lang = languageFor(undefined, interaction.locale);
        await interaction
          .reply({ content: adapterTexts[lang].notYourButtons, flags: MessageFlags.Ephemeral })
          .catch((err: unknown) => log.warn({ err }, 'discord: button not acknowledged'));
        return;
      }
    }
    const rows = pressedRows(
      interaction.message.components.map((row) => row.toJSON() as { type: number; components?: unknown[] }),
      interaction.customId,
    );
    await interaction.update({ components: rows }).catch(async (err: unknown) => {
      log.warn({ err }, 'discord: could not mark the pressed button; acknowledging plainly');
      await interaction.deferUpdate().catch(() => {});
    });
    const buttonId = await this.buttons.decode(interaction.customId);
    if (!buttonId) return;
    const label = 'label' in interaction.component && interaction.component.label ? interaction.component.label : buttonId;
    const chatId = interaction.channelId;
    await this.serially(user.id, async () => {
      await this.intake(
        {
          channel: this.name,
          externalChatId: chatId,
          externalUserId: user.id,
          // The interaction id: a press redelivered after a resume is stored once.
          externalMessageId: interaction.id,
          text: label,
          buttonId,
          profile: profileOf(user, interaction.member instanceof GuildMember ? interaction.member : null, interaction.locale),
          sentAt: interaction.createdTimestamp,
        },
      );
    });
  }

  /** `/support [question]`: deferred at once (ephemeral), then the thread (or the DM) is set up. */
  private async onSupportCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const log = this.opts.log;
    const deferred = await interaction
      .deferReply({ flags: MessageFlags.Ephemeral })
      .then(() => true)
      .catch((err: unknown) => {
        log.warn({ err }, 'discord: /support not acknowledged');
        return false;
      });
    const question = interaction.options.getString(QUESTION_OPTION)?.trim() || undefined;
    const t = adapterTexts[languageFor(question, interaction.locale)];
    const answer = async (content: string) => {
      if (deferred) await interaction.editReply({ content }).catch((err: unknown) => log.warn({ err }, 'discord: /support reply failed'));
    };
    await this.serially(interaction.user.id, async () => {
      try {
        await answer(await this.support(interaction, question));
      } catch (err) {
        log.error({ err }, 'discord: /support failed');
        await answer(t.notStored);
      }
    });
  }

  /** `/support` once acknowledged: the DM answered, or the thread opened. Returns the private reply. */
  private async support(interaction: ChatInputCommandInteraction, question: string | undefined): Promise<string> {
    const lang = languageFor(question, interaction.locale);
    const t = adapterTexts[lang];
    const user = interaction.user;
    const member = interaction.member instanceof GuildMember ? interaction.member : null;
    const inbound = (chatId: string): InboundMessage => ({
      channel: this.name,
      externalChatId: chatId,
      externalUserId: user.id,
      externalMessageId: interaction.id,
      text: question ?? `/${SUPPORT_COMMAND}`,
      // Without a question, the router answers with its greeting and the FAQ topics.
      ...(question ? {} : { buttonId: START_BUTTON }),
      profile: profileOf(user, member, interaction.locale),
      sentAt: interaction.createdTimestamp,
    });
    if (!interaction.inGuild()) {
      await this.intake(inbound(interaction.channelId));
      return t.dmReady;
    }
    const parent = await this.supportChannelFor(interaction.guildId, interaction.channelId);
    if (!parent) return t.notConfigured;
    const opened = await this.openThread(parent, user, member, lang);
    if (!opened) return t.threadFailed;
    const { thread, reused } = opened;
    // Reusing an open thread without a new question: just point the customer to it.
    if (question || !reused) {
      const quoted = question ? quote(question, [], MAX_CONTENT - 200) : '';
      const content = reused ? t.threadFollowUp(user.id, quoted) : t.threadIntro(user.id, quoted);
      await thread.send({ content, allowedMentions: { parse: [], users: [user.id] } });
      await this.intake(inbound(thread.id));
    }
    return t.threadReady(thread.id);
  }

  /** The support channel for a command: the one it was run in, else this server's first one. */
  private async supportChannelFor(guildId: string, channelId: string): Promise<TextChannel | null> {
    const client = this.client!;
    const candidates = this.supportChannels.has(channelId) ? [channelId] : [...this.supportChannels];
    for (const id of candidates) {
      const channel = client.channels.cache.get(id) ?? (await client.channels.fetch(id).catch(() => null));
      if (channel?.type === ChannelType.GuildText && channel.guildId === guildId) return channel;
    }
    return null;
  }

  // ---- delivery -------------------------------------------------------------------------------

  send(ref: ConversationRef, outbound: Outbound): Promise<DeliveryResult> {
    return this.sender.send(ref, outbound);
  }

  /**
   * A customer's file for the console. The link kept with the message is signed and expires after
   * about a day, so it is refreshed through Discord first when needed (docs/discord.md,
   * "Attachments"). Null when Discord no longer has the file or it is over the size limit.
   */
  fetchAttachment(attachment: Attachment): Promise<FetchedAttachment | null> {
    return fetchDiscordAttachment(attachment, {
      rest: () => (this.client?.token ? this.client.rest : null),
      apiRoot: this.opts.apiRoot,
      maxBytes: this.opts.maxDownloadBytes,
    });
  }

  async typing(ref: ConversationRef, typing: boolean): Promise<void> {
    // Discord shows typing for ~10 s per call and has no "stopped typing".
    if (!typing || !this.client?.token) return;
    await this.client.rest.post(Routes.channelTyping(ref.externalChatId)).catch((err: unknown) => {
      this.opts.log.debug({ err }, 'discord: typing not shown');
    });
  }
}
