/**
 * A fake Discord for the real discord.js client: the REST API (node:http) and the gateway (ws) on
 * 127.0.0.1, speaking just enough of API v10 for chatbridge's adapter. It behaves like Discord
 * where the adapter depends on it: sessions resume and replay missed dispatches, the bot's own
 * messages come back over the gateway, threads the bot creates are announced with THREAD_CREATE,
 * customers' files sit on a CDN whose signed links expire and are refreshed through
 * POST /attachments/refresh-urls, and any REST route can be made to answer 429 / 5xx / an API
 * error for a while.
 * Protocol facts: ../shared/docs/testing-real-clients.md §2.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string;
  bot?: boolean;
}

export interface RestCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
  status: number;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  components: any[];
  nonce?: string;
  allowed_mentions?: unknown;
  timestamp: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  parent_id?: string;
  owner_id?: string;
  /** DM channels: the other side. */
  recipient?: FakeUser;
  thread_metadata?: Record<string, unknown>;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, so a resume can replay what the client missed. */
  log: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | null;
}

/** A scripted answer for the next matching REST calls. */
export interface Injection {
  method?: string;
  path: RegExp;
  times: number;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const DISCORD_EPOCH = 1420070400000n;
/** How long a signed attachment link lasts (Discord: about a day). */
const LINK_LIFETIME_MS = 24 * 3600_000;

/** An attachment object as Discord puts it into MESSAGE_CREATE. */
export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
}

export class FakeDiscord {
  readonly token = 'fake-bot-token.discord.test';
  readonly bot: FakeUser = { id: '', username: 'chatbridge', bot: true };
  readonly applicationId: string;
  readonly guildId: string;
  readonly supportChannelId: string;
  readonly generalChannelId: string;
  readonly channels = new Map<string, FakeChannel>();
  /** Every REST request, in arrival order. */
  readonly calls: RestCall[] = [];
  /** Messages created through REST, by channel. */
  readonly messages = new Map<string, FakeMessage[]>();
  readonly deleted: { channelId: string; messageId: string }[] = [];
  readonly threadMembers: { threadId: string; userId: string }[] = [];
  readonly commands: any[] = [];
  readonly identifies: any[] = [];
  readonly resumes: any[] = [];
  /** Interaction callbacks: `{ interactionId, token, body }`. */
  readonly callbacks: { interactionId: string; token: string; body: any }[] = [];
  /** Edits of interaction replies (PATCH /webhooks/{app}/{token}/messages/@original). */
  readonly webhookEdits: { token: string; body: any }[] = [];
  /** Off: IDENTIFY with Message Content is refused with 4014, as when the portal switch is off. */
  messageContentAllowed = true;
  /** Customers' files on the CDN, by path (`/cdn/attachments/<channel>/<attachment>/<name>`). */
  private readonly files = new Map<string, { body: Buffer; contentType: string }>();
  private readonly cdnSecret = `cdn-secret-${Math.random()}`;
  private readonly injections: Injection[] = [];
  private readonly sessions = new Map<string, Session>();
  private current: Session | null = null;
  private counter = 0n;
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private port = 0;

  constructor() {
    this.bot.id = this.snowflake();
    this.applicationId = this.bot.id;
    this.guildId = this.snowflake();
    this.supportChannelId = this.snowflake();
    this.generalChannelId = this.snowflake();
    this.channels.set(this.supportChannelId, { id: this.supportChannelId, type: 0, name: 'support', guild_id: this.guildId });
    this.channels.set(this.generalChannelId, { id: this.generalChannelId, type: 0, name: 'general', guild_id: this.guildId });
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (socket) => this.onSocket(socket));
  }

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** What DISCORD_API_ROOT points at (discord.js appends /v10). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** A Discord-shaped id, unique within this fake. */
  snowflake(): string {
    this.counter += 1n;
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (this.counter & 0x3fffffn));
  }

  user(username: string, extra: Partial<FakeUser> = {}): FakeUser {
    return { id: this.snowflake(), username, global_name: username[0]!.toUpperCase() + username.slice(1), ...extra };
  }

  /** The DM channel between the bot and `user` (created on first use, as Discord does). */
  dmChannel(user: FakeUser): FakeChannel {
    for (const channel of this.channels.values()) if (channel.type === 1 && channel.recipient?.id === user.id) return channel;
    const channel: FakeChannel = { id: this.snowflake(), type: 1, recipient: user };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Makes the next `times` calls matching `path` (and `method`) answer with `status`/`body`/`headers`. */
  inject(injection: Injection): void {
    this.injections.push(injection);
  }

  /**
   * A customer's file on the CDN: the attachment object for a message, its link signed until
   * `expiresAt` (by default a day from now, as Discord does). A link whose time has passed gets
   * 404 from the CDN, as on Discord; POST /attachments/refresh-urls signs it again.
   */
  attachment(filename: string, body: Buffer, contentType: string, options: { expiresAt?: number; channelId?: string } = {}): FakeAttachment {
    const id = this.snowflake();
    const path = `/cdn/attachments/${options.channelId ?? this.snowflake()}/${id}/${encodeURIComponent(filename)}`;
    this.files.set(path, { body, contentType });
    const url = this.signedUrl(path, options.expiresAt ?? Date.now() + LINK_LIFETIME_MS);
    return { id, filename, size: body.length, url, proxy_url: url, content_type: contentType };
  }

  /** Removes a file from the CDN (the customer deleted their message): every link to it gets 404. */
  removeFile(url: string): void {
    this.files.delete(new URL(url).pathname);
  }

  messagesIn(channelId: string): FakeMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  threadsCreated(): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.type === 12);
  }

  // ---- what a customer does -----------------------------------------------------------------

  /** The customer writes to the bot in a DM. Returns the message id. */
  sendDm(user: FakeUser, content: string, extra: Record<string, unknown> = {}): string {
    const channel = this.dmChannel(user);
    const id = this.snowflake();
    this.dispatch('MESSAGE_CREATE', {
      ...this.messageBase(id, channel.id, user, content),
      channel_type: 1,
      ...extra,
    });
    return id;
  }

  /** The customer writes in a guild channel or thread. Returns the message id. */
  sendInGuild(user: FakeUser, channelId: string, content: string, extra: Record<string, unknown> = {}): string {
    const id = this.snowflake();
    const channel = this.channels.get(channelId);
    this.dispatch('MESSAGE_CREATE', {
      ...this.messageBase(id, channelId, user, content),
      guild_id: this.guildId,
      channel_type: channel?.type ?? 0,
      member: { roles: [], joined_at: new Date().toISOString(), nick: null },
      ...extra,
    });
    return id;
  }

  /** The customer presses a button on a message the bot sent. Returns the interaction id and token. */
  pressButton(user: FakeUser, message: FakeMessage, customId: string): { id: string; token: string } {
    const channel = this.channels.get(message.channel_id);
    const id = this.snowflake();
    const token = `itoken-${id}`;
    const where =
      channel?.type === 1
        ? { user, channel: { id: channel.id, type: 1 }, context: 1 }
        : {
            guild_id: this.guildId,
            member: { user, roles: [], permissions: '0', joined_at: new Date().toISOString() },
            channel: { id: message.channel_id, type: channel?.type ?? 0, guild_id: this.guildId, parent_id: channel?.parent_id },
            context: 0,
          };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type: 3,
      token,
      version: 1,
      locale: 'en-US',
      data: { custom_id: customId, component_type: 2 },
      message: { ...message, author: this.bot, attachments: [], embeds: [], mentions: [], mention_roles: [], type: 0 },
      channel_id: message.channel_id,
      entitlements: [],
      authorizing_integration_owners: {},
      app_permissions: '0',
      ...where,
    });
    return { id, token };
  }

  /** The customer runs `/support [question]` in a guild channel (or a DM when `channelId` is a DM). */
  slashSupport(user: FakeUser, channelId: string, question?: string, locale = 'en-US'): { id: string; token: string } {
    const channel = this.channels.get(channelId);
    const id = this.snowflake();
    const token = `itoken-${id}`;
    const command = this.commands.find((c) => c.name === 'support');
    const where =
      channel?.type === 1
        ? { user, channel: { id: channelId, type: 1 }, context: 1 }
        : {
            guild_id: this.guildId,
            member: { user, roles: [], permissions: '0', joined_at: new Date().toISOString() },
            channel: { id: channelId, type: channel?.type ?? 0, guild_id: this.guildId },
            context: 0,
          };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type: 2,
      token,
      version: 1,
      locale,
      data: {
        id: command?.id ?? this.snowflake(),
        name: 'support',
        type: 1,
        options: question === undefined ? [] : [{ name: 'question', type: 3, value: question }],
      },
      channel_id: channelId,
      entitlements: [],
      authorizing_integration_owners: {},
      app_permissions: '0',
      ...where,
    });
    return { id, token };
  }

  // ---- gateway ------------------------------------------------------------------------------

  /** Sends a dispatch to the live session, or keeps it for the resume when the client is away. */
  dispatch(t: string, d: unknown): void {
    const session = this.current;
    if (!session) throw new Error('no gateway session: the client has not identified');
    const packet = { op: 0 as const, t, s: ++session.seq, d };
    session.log.push(packet);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify(packet));
  }

  /**
   * Asks the client to reconnect (op 7), as Discord does before a server restart. From this moment
   * the session has no socket: dispatches wait in its log until the client resumes.
   */
  requestReconnect(): void {
    const session = this.current!;
    const socket = session.socket;
    session.socket = null;
    socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  /** Sends a raw text frame on the live socket (to feed the client garbage). */
  sendRaw(text: string): void {
    this.current?.socket?.send(text);
  }

  /** Kills the TCP connection without a close frame, as a network drop does. */
  dropConnection(): void {
    const session = this.current!;
    const socket = session.socket;
    session.socket = null;
    socket?.terminate();
  }

  private onSocket(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    socket.on('message', (raw) => {
      let packet: { op: number; d: any };
      try {
        packet = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      else if (packet.op === 2) this.identify(socket, packet.d);
      else if (packet.op === 6) this.resume(socket, packet.d);
    });
    socket.on('close', () => {
      for (const session of this.sessions.values()) if (session.socket === socket) session.socket = null;
    });
  }

  private identify(socket: WebSocket, d: any): void {
    this.identifies.push(d);
    if (d.token !== this.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    if (!this.messageContentAllowed && (d.intents & (1 << 15)) !== 0) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    const session: Session = { id: `session-${this.identifies.length}`, seq: 0, log: [], socket };
    this.sessions.set(session.id, session);
    this.current = session;
    this.dispatch('READY', {
      v: 10,
      user: { ...this.bot, discriminator: '0', avatar: null },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: this.gatewayUrl,
      application: { id: this.applicationId, flags: 0 },
      shard: [0, 1],
    });
    const guildChannels = [...this.channels.values()].filter((c) => c.guild_id === this.guildId);
    this.dispatch('GUILD_CREATE', {
      id: this.guildId,
      name: 'Fake community',
      unavailable: false,
      member_count: 3,
      roles: [],
      members: [],
      channels: guildChannels.filter((c) => c.type !== 12),
      // As Discord does: the active threads the bot can see come with the guild.
      threads: guildChannels.filter((c) => c.type === 12),
    });
  }

  private resume(socket: WebSocket, d: { token: string; session_id: string; seq: number }): void {
    this.resumes.push(d);
    const session = this.sessions.get(d.session_id);
    if (!session || d.token !== this.token) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    session.socket = socket;
    this.current = session;
    for (const packet of session.log) if (packet.s > d.seq) socket.send(JSON.stringify(packet));
    this.dispatch('RESUMED', null);
  }

  // ---- REST ---------------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const call: RestCall = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body, status: 0, at: performance.now() };
    this.calls.push(call);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      // As Discord: 204 No Content has no body and no content type (discord.js would parse it).
      res.writeHead(status, { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };

    const injection = this.injections.find((i) => i.times > 0 && i.path.test(path) && (!i.method || i.method === call.method));
    if (injection) {
      injection.times -= 1;
      return send(injection.status, injection.body ?? { message: 'injected', code: 0 }, injection.headers);
    }

    // The CDN is public: the signature in the link is the only key, no Authorization.
    if (path.startsWith('/cdn/')) return this.serveFile(url, call, res);
    const unauthenticated = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!unauthenticated && req.headers.authorization !== `Bot ${this.token}`) {
      return send(401, { message: '401: Unauthorized', code: 0 });
    }
    try {
      const result = this.route(call.method, path, body);
      if (!result) return send(404, { message: '404: Not Found', code: 0 });
      send(result.status, result.body);
    } catch (err) {
      send(500, { message: String(err), code: 0 });
    }
  }

  private route(method: string, path: string, body: any): { status: number; body?: unknown } | null {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return {
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      };
    }
    if (method === 'PUT' && (m = path.match(/^\/applications\/(\d+)\/commands$/))) {
      this.commands.length = 0;
      for (const command of body as any[]) {
        this.commands.push({ ...command, id: this.snowflake(), application_id: m[1], version: this.snowflake(), type: command.type ?? 1 });
      }
      return { status: 200, body: this.commands };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && method === 'POST') {
      const channel = this.channels.get(m[1]!);
      if (!channel) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      const message: FakeMessage = {
        ...this.messageBase(this.snowflake(), channel.id, { ...this.bot }, body.content ?? ''),
        components: body.components ?? [],
        nonce: body.nonce,
        allowed_mentions: body.allowed_mentions,
        ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      };
      const list = this.messages.get(channel.id) ?? [];
      list.push(message);
      this.messages.set(channel.id, list);
      // Discord echoes the bot's own messages over the gateway; the adapter must ignore them.
      if (this.current) this.dispatch('MESSAGE_CREATE', { ...message, channel_type: channel.type });
      return { status: 200, body: message };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/)) && method === 'DELETE') {
      this.deleted.push({ channelId: m[1]!, messageId: m[2]! });
      return { status: 204 };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/threads$/)) && method === 'POST') {
      const parent = this.channels.get(m[1]!);
      if (!parent || parent.type !== 0) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      const thread: FakeChannel = {
        id: this.snowflake(),
        type: body.type ?? 11,
        name: body.name,
        guild_id: parent.guild_id,
        parent_id: parent.id,
        owner_id: this.bot.id,
        thread_metadata: {
          archived: false,
          auto_archive_duration: body.auto_archive_duration ?? 4320,
          archive_timestamp: new Date().toISOString(),
          locked: false,
          invitable: body.invitable ?? true,
        },
      };
      this.channels.set(thread.id, thread);
      const payload = { ...thread, member_count: 1, message_count: 0, total_message_sent: 0, rate_limit_per_user: 0 };
      if (this.current) this.dispatch('THREAD_CREATE', { ...payload, newly_created: true });
      return { status: 201, body: payload };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/thread-members\/(\d+)$/)) && method === 'PUT') {
      if (!this.channels.has(m[1]!)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      this.threadMembers.push({ threadId: m[1]!, userId: m[2]! });
      return { status: 204 };
    }
    if ((m = path.match(/^\/channels\/(\d+)\/typing$/)) && method === 'POST') return { status: 204 };
    if (path === '/attachments/refresh-urls' && method === 'POST') {
      const urls: unknown = body?.attachment_urls;
      if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) {
        return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
      }
      // Links to the CDN's attachments are signed again (a removed file's too: the CDN then says
      // 404); anything else is left out of the answer.
      const refreshed_urls = (urls as string[]).flatMap((original) => {
        const parsed = URL.canParse(original) ? new URL(original) : null;
        if (!parsed || parsed.origin !== this.origin || !parsed.pathname.startsWith('/cdn/attachments/')) return [];
        return [{ original, refreshed: this.signedUrl(parsed.pathname, Date.now() + LINK_LIFETIME_MS) }];
      });
      return { status: 200, body: { refreshed_urls } };
    }
    if ((m = path.match(/^\/channels\/(\d+)$/)) && method === 'GET') {
      const channel = this.channels.get(m[1]!);
      if (!channel) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      const { recipient, ...rest } = channel;
      return { status: 200, body: recipient ? { ...rest, recipients: [recipient] } : rest };
    }
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
      this.callbacks.push({ interactionId: m[1]!, token: m[2]!, body });
      return { status: 204 };
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/)) && method === 'PATCH') {
      this.webhookEdits.push({ token: m[2]!, body });
      return { status: 200, body: { ...this.messageBase(this.snowflake(), '0', { ...this.bot }, body.content ?? ''), webhook_id: m[1] } };
    }
    return null;
  }

  private get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A link to `path` signed as Discord does: `ex` (expiry) and `is` (issued) in hex seconds, `hm` the signature. */
  private signedUrl(path: string, expiresAt: number): string {
    const ex = Math.floor(expiresAt / 1000).toString(16);
    const is = Math.floor(Date.now() / 1000).toString(16);
    return `${this.origin}${path}?ex=${ex}&is=${is}&hm=${this.signature(path, ex, is)}&`;
  }

  private signature(path: string, ex: string, is: string): string {
    return createHmac('sha256', this.cdnSecret).update(`${path}|${ex}|${is}`).digest('hex');
  }

  /** GET on the CDN: the file for a link with a good signature whose time has not passed, else 404. */
  private serveFile(url: URL, call: RestCall, res: http.ServerResponse): void {
    const path = url.pathname;
    const [ex, is, hm] = ['ex', 'is', 'hm'].map((k) => url.searchParams.get(k) ?? '');
    const file = this.files.get(path);
    const valid = file && ex && is && hm === this.signature(path, ex, is) && parseInt(ex, 16) * 1000 > Date.now();
    if (call.method !== 'GET' || !file || !valid) {
      call.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('This content is no longer available.');
      return;
    }
    call.status = 200;
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length) });
    res.end(file.body);
  }

  private messageBase(id: string, channelId: string, author: FakeUser, content: string) {
    return {
      id,
      channel_id: channelId,
      author: { discriminator: '0', avatar: null, ...author },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      components: [] as any[],
    };
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
