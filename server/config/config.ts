/**
 * Configuration from environment variables (and an optional `.env`), validated once at start.
 * A wrong value stops the server with a message naming the variable and what it expects.
 * @module
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  host: string;
  port: number;
  databasePath: string;
  kbPath: string;
  publicUrl: string;
  adminEmail?: string;
  adminPassword?: string;
  logLevel: LogLevel;
  /** Longest customer or agent message accepted, in characters. */
  maxMessageLength: number;
  /** Messages one webchat visitor may send per 10 seconds. */
  webchatRateLimit: number;
  /** Knowledge-base misses in a row before the bot hands off (1 = at the first miss). */
  escalateAfterMisses: number;
  /** Working hours quoted to customers when nobody is online; empty = the business-hours setting in their language. */
  workingHours: string;
  sessionTtlHours: number;
  /** Secret for visitor tokens; generated and kept in the database when unset. */
  appSecret?: string;
  widgetAllowedOrigins: string[];
  widgetIdentitySecret?: string;
  /** The widget's pre-chat form (name, email): off, optional (can be skipped) or required. */
  widgetPrechatForm: WidgetPrechatForm;
  telegram?: TelegramConfig;
  discord?: DiscordConfig;
  /** SQLite's durability per commit (DATABASE_SYNC): full (survives power loss) or normal (faster). */
  databaseSync: 'full' | 'normal';
  /**
   * Whose X-Forwarded-For to believe for the client's address (rate limits, logs): false (the
   * default: the connecting address), true (any proxy), or a list of proxy addresses/CIDRs.
   */
  trustProxy: boolean | string[];
  /** Serve /metrics without authentication (otherwise it needs an API token or a session). */
  metricsPublic: boolean;
  /** Assign queued conversations to available agents automatically, until an admin changes the routing setting. */
  routingAutoAssign: boolean;
}

export type WidgetPrechatForm = 'off' | 'optional' | 'required';

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  webhookUrl?: string;
  webhookSecret?: string;
  allowGroups: boolean;
  /**
   * How updates arrive: `polling` (getUpdates, the default), `webhook` (when TELEGRAM_WEBHOOK_URL
   * is set) or `forward` (another bot owns the token and forwards updates to chatbridge).
   */
  mode: TelegramMode;
  /** Shared secret of the forward endpoint (TELEGRAM_FORWARD_SECRET); required in `forward` mode. */
  forwardSecret?: string;
  /** Long-polling timeout in seconds (getUpdates `timeout`). */
  pollTimeoutSeconds: number;
}

export type TelegramMode = 'polling' | 'webhook' | 'forward';

export interface DiscordConfig {
  token: string;
  apiRoot?: string;
  supportChannelIds: string[];
  /** Remove a customer's message from the public support channel once it is in their private thread. */
  deleteSupportMessages: boolean;
  /** REST rate limits up to this long are waited out in place; longer ones go back to the outbox. */
  maxRateLimitWaitMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` from the working directory into `process.env` (values already set win). */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * Builds the configuration from an environment.
 * @example loadConfig({ PORT: '8080' }).port === 8080
 * @throws ConfigError listing every bad variable.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  const optional = (name: string): string | undefined => env[name]?.trim() || undefined;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${values.join(', ')}, got "${env[name]}"`);
    return fallback;
  };
  const bool = (name: string, fallback = false): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${env[name]}"`);
    return false;
  };
  const url = (name: string, fallback?: string): string | undefined => {
    const raw = optional(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be an http(s) URL such as https://example.com, got "${raw}"`);
      return fallback;
    }
  };

  const host = str('HOST', '127.0.0.1');
  const port = int('PORT', 3000, 0, 65535);
  const logLevel = str('LOG_LEVEL', 'info') as LogLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const adminEmail = optional('ADMIN_EMAIL');
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    problems.push(`ADMIN_EMAIL must be an email address, got "${adminEmail}"`);
  }
  const adminPassword = optional('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('ADMIN_PASSWORD must be at least 8 characters long');
  }
  const kbPath = path.resolve(str('KB_PATH', 'data/kb'));
  if (!existsSync(kbPath)) problems.push(`KB_PATH must be a knowledge base file or folder that exists, got "${kbPath}"`);
  const appSecret = optional('APP_SECRET');
  if (appSecret !== undefined && appSecret.length < 16) problems.push('APP_SECRET must be at least 16 characters long');

  const prechat = str('WIDGET_PRECHAT_FORM', 'off').toLowerCase() as WidgetPrechatForm;
  if (!['off', 'optional', 'required'].includes(prechat)) {
    problems.push(`WIDGET_PRECHAT_FORM must be off, optional or required; got "${env.WIDGET_PRECHAT_FORM}"`);
  }
  const publicUrl = url('PUBLIC_URL', `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`)!;
  const origins = (optional('WIDGET_ALLOWED_ORIGINS') ?? '*')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);

  let telegram: TelegramConfig | undefined;
  const telegramToken = optional('TELEGRAM_BOT_TOKEN');
  if (telegramToken) {
    if (!/^\d+:[\w-]{20,}$/.test(telegramToken)) {
      problems.push('TELEGRAM_BOT_TOKEN must look like 123456789:AA... (the token BotFather gave you)');
    }
    const webhookSecret = optional('TELEGRAM_WEBHOOK_SECRET');
    if (webhookSecret && !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
      problems.push('TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1 to 256 characters)');
    }
    const webhookUrl = url('TELEGRAM_WEBHOOK_URL');
    if (webhookUrl && new URL(webhookUrl).pathname.replace(/\/+$/, '') === '') {
      problems.push(`TELEGRAM_WEBHOOK_URL must include a path, such as https://support.example.com/telegram/webhook; got "${webhookUrl}"`);
    }
    const mode = (optional('TELEGRAM_MODE')?.toLowerCase() ?? (webhookUrl ? 'webhook' : 'polling')) as TelegramMode;
    if (!['polling', 'webhook', 'forward'].includes(mode)) {
      problems.push(`TELEGRAM_MODE must be polling, webhook or forward; got "${env.TELEGRAM_MODE}"`);
    }
    if (mode === 'webhook' && !webhookUrl) problems.push('TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL (the public https URL Telegram posts to)');
    const forwardSecret = optional('TELEGRAM_FORWARD_SECRET');
    if (forwardSecret !== undefined && forwardSecret.length < 16) problems.push('TELEGRAM_FORWARD_SECRET must be at least 16 characters long');
    if (mode === 'forward' && !forwardSecret) {
      problems.push('TELEGRAM_MODE=forward needs TELEGRAM_FORWARD_SECRET (the secret your own bot sends with each forwarded update)');
    }
    telegram = {
      token: telegramToken,
      apiRoot: url('TELEGRAM_API_ROOT', 'https://api.telegram.org')!,
      webhookUrl,
      webhookSecret,
      allowGroups: bool('TELEGRAM_ALLOW_GROUPS'),
      mode: ['polling', 'webhook', 'forward'].includes(mode) ? mode : 'polling',
      forwardSecret,
      pollTimeoutSeconds: int('TELEGRAM_POLL_TIMEOUT', 30, 1, 50),
    };
  }

  let discord: DiscordConfig | undefined;
  const discordToken = optional('DISCORD_BOT_TOKEN');
  if (discordToken) {
    discord = {
      token: discordToken,
      apiRoot: url('DISCORD_API_ROOT'),
      supportChannelIds: (optional('DISCORD_SUPPORT_CHANNEL_IDS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      deleteSupportMessages: optional('DISCORD_DELETE_SUPPORT_MESSAGES') === undefined || bool('DISCORD_DELETE_SUPPORT_MESSAGES'),
      maxRateLimitWaitMs: int('DISCORD_MAX_RATE_LIMIT_WAIT_MS', 5000, 0, 600_000),
    };
    if (/\s/.test(discordToken)) problems.push('DISCORD_BOT_TOKEN must be the bare token from the Bot page of the developer portal (no spaces, no "Bot " prefix)');
    for (const id of discord.supportChannelIds) {
      if (!/^\d{1,20}$/.test(id)) problems.push(`DISCORD_SUPPORT_CHANNEL_IDS must be comma-separated channel ids (digits), got "${id}"`);
    }
  }

  const config: Config = {
    host,
    port,
    databasePath: path.resolve(str('DATABASE_PATH', 'data/chatbridge.db')),
    kbPath,
    publicUrl,
    adminEmail,
    adminPassword,
    logLevel,
    maxMessageLength: int('MAX_MESSAGE_LENGTH', 4000, 1, 100_000),
    webchatRateLimit: int('WEBCHAT_RATE_LIMIT', 20, 1, 100_000),
    escalateAfterMisses: int('ESCALATE_AFTER_MISSES', 2, 1, 100),
    // empty: the business-hours setting, described in the customer's language
    workingHours: str('WORKING_HOURS', ''),
    sessionTtlHours: int('SESSION_TTL_HOURS', 24 * 7, 1, 24 * 365),
    appSecret,
    widgetAllowedOrigins: origins,
    widgetIdentitySecret: optional('WIDGET_IDENTITY_SECRET'),
    widgetPrechatForm: ['off', 'optional', 'required'].includes(prechat) ? prechat : 'off',
    telegram,
    discord,
    trustProxy: trustProxyOf(env.TRUST_PROXY, problems),
    databaseSync: oneOf('DATABASE_SYNC', ['full', 'normal'], 'full'),
    metricsPublic: bool('METRICS_PUBLIC'),
    routingAutoAssign: bool('ROUTING_AUTO_ASSIGN', true),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** TRUST_PROXY: true/false, or comma-separated proxy addresses or CIDRs (127.0.0.1,10.0.0.0/8). */
function trustProxyOf(raw: string | undefined, problems: string[]): boolean | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || ['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  const list = value.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => !/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(x));
  if (bad.length) problems.push(`TRUST_PROXY must be true, false or comma-separated proxy addresses/CIDRs (127.0.0.1,10.0.0.0/8); got "${raw}"`);
  return list;
}
