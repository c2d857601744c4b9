/**
 * Customers' files for the console. Discord's attachment links are signed and expire (the `ex`
 * query parameter, about a day after Discord handed them out), so the link kept with the message
 * stops working. When an agent opens the file, the link is refreshed through Discord
 * (`POST /attachments/refresh-urls`) and the file is downloaded with the fresh one, up to a size
 * limit.
 * @module
 */
import { DiscordAPIError, type REST } from 'discord.js';
import path from 'node:path';
import type { Attachment, FetchedAttachment } from '../../server/channels/contract.js';

/** The largest file handed to the console (the same bound as Telegram's Bot API download limit). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** A signature with less time left than this is refreshed before it is used. */
const SIGNATURE_MARGIN_MS = 60_000;
/** Hosts Discord serves attachments from. */
const DISCORD_FILE_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

export interface FileDeps {
  /** discord.js's REST client, once logged in (null before). */
  rest: () => REST | null;
  /** DISCORD_API_ROOT when set: files it links to (a fake, a proxy) are fetched too. */
  apiRoot?: string;
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * The file of a Discord attachment. Null when Discord no longer has it or it is over the size
 * limit; throws when Discord could not be asked or did not answer (the route turns that into 502).
 */
export async function fetchDiscordAttachment(attachment: Attachment, deps: FileDeps): Promise<FetchedAttachment | null> {
  const maxBytes = deps.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const original = attachment.url ?? attachment.ref;
  if (!original || !isHttpUrl(original)) return null;
  if (typeof attachment.size === 'number' && attachment.size > maxBytes) return null;

  // A link whose signature is still good is used as it is (no call to Discord); one that expired,
  // or that the CDN turns down, is refreshed first.
  if (signatureValid(original) && allowedFileUrl(original, deps.apiRoot)) {
    const file = await download(original, attachment, deps, maxBytes);
    if (file !== 'gone') return file;
  }
  const fresh = await refreshUrl(original, deps);
  if (!fresh || !allowedFileUrl(fresh, deps.apiRoot)) return null;
  const file = await download(fresh, attachment, deps, maxBytes);
  return file === 'gone' ? null : file;
}

/** A fresh signed link for `url` from Discord; null when Discord does not know the attachment. */
export async function refreshUrl(url: string, deps: Pick<FileDeps, 'rest'>): Promise<string | null> {
  const rest = deps.rest();
  if (!rest) throw new Error('Discord is not connected');
  let answer: { refreshed_urls?: { original?: string; refreshed?: string }[] };
  try {
    answer = (await rest.post('/attachments/refresh-urls', { body: { attachment_urls: [url] } })) as typeof answer;
  } catch (err) {
    // 400: not an attachment link Discord signs; 404: no such attachment. Anything else (401, 429,
    // 5xx, network) is Discord being unavailable, not the file being gone.
    if (err instanceof DiscordAPIError && (err.status === 400 || err.status === 404)) return null;
    throw err;
  }
  const entries = Array.isArray(answer?.refreshed_urls) ? answer.refreshed_urls : [];
  const entry = entries.find((e) => e?.original === url) ?? (entries.length === 1 ? entries[0] : undefined);
  return typeof entry?.refreshed === 'string' && isHttpUrl(entry.refreshed) ? entry.refreshed : null;
}

/** Whether the link carries Discord's signature and it is good for at least another minute. */
export function signatureValid(url: string, now = Date.now()): boolean {
  const ex = new URL(url).searchParams.get('ex');
  if (!ex || !/^[0-9a-f]{1,12}$/i.test(ex)) return false;
  return parseInt(ex, 16) * 1000 - now > SIGNATURE_MARGIN_MS;
}

/** Discord's own file hosts over HTTPS, or the configured API root's origin (a fake or a proxy). */
export function allowedFileUrl(url: string, apiRoot: string | undefined): boolean {
  const u = new URL(url);
  if (u.protocol === 'https:' && DISCORD_FILE_HOSTS.has(u.hostname)) return true;
  return apiRoot !== undefined && u.origin === new URL(apiRoot).origin;
}

/** The file at `url`: its bytes, null when it is over `maxBytes`, 'gone' when the CDN says 403/404. */
async function download(url: string, attachment: Attachment, deps: FileDeps, maxBytes: number): Promise<FetchedAttachment | null | 'gone'> {
  // No credentials: the signature in the link is all the CDN needs, and the bot token never goes there.
  const response = await fetch(url, { signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000) });
  if (response.status === 403 || response.status === 404) {
    await response.body?.cancel();
    return 'gone';
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Discord's CDN answered ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  const body = await readAtMost(response, maxBytes);
  if (!body) return null;
  return {
    body,
    mimeType: attachment.mimeType ?? response.headers.get('content-type') ?? undefined,
    name: attachment.name ?? (path.posix.basename(new URL(url).pathname) || undefined),
  };
}

/** The response's bytes, or null (and the download stopped) once they pass `maxBytes`. */
async function readAtMost(response: Response, maxBytes: number): Promise<Buffer | null> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
