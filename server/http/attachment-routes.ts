/**
 * Customers' attachments for the console: `GET /api/messages/:id/attachments/:index` fetches the
 * file through its channel (Telegram getFile), so a channel's token never reaches a browser.
 * Agent session required. Only plain images and audio/video are shown inline; everything else is
 * a download, and nothing served here may run script on the console's origin.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Logger } from 'pino';
import type { Sessions } from '../agents/sessions.js';
import type { Channel } from '../channels/contract.js';
import type { Store } from '../store/types.js';
import { requireAgent } from './auth.js';

/** Types a browser renders without running anything; the rest is sent as a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/(ogg|mpeg|mp4|x-m4a|wav|webm)|video\/(mp4|webm|quicktime))$/;

/** For OpenAPI (/docs). The handler checks the numbers itself (400 unless whole numbers). */
const attachmentSchema = {
  tags: ['Conversations'],
  summary: "A customer's attachment, fetched through its channel (plain images, audio and video inline; anything else as a download)",
  params: {
    type: 'object',
    required: ['id', 'index'],
    properties: {
      id: { type: 'string', description: 'The message id' },
      index: { type: 'string', description: "The attachment's position in the message's attachments, from 0" },
    },
  },
};

export function registerAttachmentRoutes(
  app: FastifyInstance,
  deps: { store: Store; sessions: Sessions; channels: Map<string, Channel>; log: Logger },
): void {
  const { store, channels } = deps;
  const notFound = { error: { code: 'not_found', message: 'No such attachment.' } };

  app.get('/api/messages/:id/attachments/:index', { onRequest: requireAgent(deps.sessions), schema: attachmentSchema }, async (request, reply) => {
    const params = request.params as { id: string; index: string };
    const id = Number(params.id);
    const index = Number(params.index);
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(index) || index < 0) {
      return reply.code(400).send({ error: { code: 'invalid', message: 'Message id and attachment index must be whole numbers.' } });
    }
    const message = await store.getMessage(id);
    const attachment = message?.attachments?.[index];
    if (!message || !attachment) return reply.code(404).send(notFound);
    const channel = channels.get(message.channel);
    if (!channel?.fetchAttachment) {
      return reply.code(404).send({ error: { code: 'not_found', message: `The ${message.channel} channel cannot fetch attachments (or is switched off).` } });
    }
    let file;
    try {
      file = await channel.fetchAttachment(attachment);
    } catch (err) {
      deps.log.warn({ err, messageId: id }, 'attachment fetch failed');
      return reply.code(502).send({ error: { code: 'channel_unavailable', message: `The ${message.channel} channel did not hand the file over; try again later.` } });
    }
    if (!file) return reply.code(404).send({ error: { code: 'not_found', message: 'The channel no longer has this file, or it is too big to fetch.' } });

    const type = (file.mimeType ?? attachment.mimeType ?? 'application/octet-stream').toLowerCase().split(';')[0]!.trim();
    const inline = INLINE.test(type);
    const name = (file.name ?? attachment.name ?? `${attachment.kind}-${id}-${index}`).replace(/[\r\n"\\]/g, '_');
    reply
      .header('content-type', inline ? type : 'application/octet-stream')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=3600');
    const body = Buffer.isBuffer(file.body) ? file.body : Readable.fromWeb(file.body as unknown as NodeReadableStream<Uint8Array>);
    return reply.send(body);
  });
}

function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_');
}
