/**
 * REST routes of the knowledge base: entries (list, search, create, edit, delete), import and export, the gaps of
 * the learning loop and the proposals. docs/knowledge-base.md and docs/protocol.md.
 *
 * Roles: every signed-in agent may read, search, export, see gaps and proposals, attach missed messages and
 * accept or reject proposals (that only adds phrasings to existing entries); admins alone create, edit, delete
 * and import entries (that changes what the bot says).
 * @module
 */
// The swagger plugin's types add tags/summary to route schemas (they feed the OpenAPI document).
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Sessions } from '../agents/sessions.js';
import { KbEditError, KbEditor, type EntryInput } from '../kb/editing.js';
import { formatFromPath, type KbFileFormat } from '../kb/format.js';
import { KbLearning } from '../kb/learning.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { Store } from '../store/types.js';
import { requireAdmin, requireAgent } from './auth.js';

export interface KbRoutesDeps {
  store: Store;
  kb: KnowledgeBase;
  sessions: Sessions;
  log: Logger;
}

const FORMATS = ['yaml', 'json', 'csv'] as const;
const MAX_FILE = 5 * 1024 * 1024;

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const ids = { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 5000 } as const;

/** The entry as written in files; semantic checks (empty, duplicates, missing answer) are validateEntries' job. */
const entryBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: text(200),
    questions: { type: 'array', maxItems: 500, items: text(2000) },
    answer: {
      anyOf: [text(20_000), { type: 'object', maxProperties: 5, additionalProperties: text(20_000) }],
      description: 'One text, or { ru, en }.',
    },
    topic: { type: ['string', 'null'], maxLength: 100 },
    tags: { type: 'array', maxItems: 50, items: text(100) },
    fromMisses: { ...ids, description: 'Missed messages this entry answers: they are marked attached to it.' },
  },
} as const;

const idParam = { type: 'object', required: ['id'], properties: { id: text(200) } } as const;
const numericIdParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const TAGS = ['knowledge base'];

function actorOf(request: FastifyRequest): string {
  return `agent:${request.agent!.id}`;
}

/** Turns the editor's refusals into `{ error: { code, message, fields | entries } }`. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KbEditError) {
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...err.details } });
    }
    throw err;
  }
}

/** Format of an uploaded file: as given, else from its name, else from its first characters. */
function detectFormat(content: string, format?: KbFileFormat, filename?: string): KbFileFormat | undefined {
  if (format) return format;
  const byName = filename ? formatFromPath(filename) : undefined;
  if (byName) return byName;
  const start = content.replace(/^\ufeff/, '').trimStart();
  if (start.startsWith('[') || start.startsWith('{')) return 'json';
  const header = (start.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  if (/^"?id"?[,;]/.test(header) && header.includes('question')) return 'csv';
  return start ? 'yaml' : undefined;
}

/** Registers /api/kb/*; returns the editor and the learning service (the only writers of the KB at run time). */
export function registerKbRoutes(app: FastifyInstance, deps: KbRoutesDeps): { editor: KbEditor; learning: KbLearning } {
  const { store, kb } = deps;
  const log = deps.log.child({ part: 'kb-admin' });
  const editor = new KbEditor({ store, kb, log });
  const learning = new KbLearning({ store, kb, editor, log });
  const agent = { onRequest: requireAgent(deps.sessions) };
  const admin = { onRequest: [requireAgent(deps.sessions), requireAdmin] };

  app.get(
    '/api/kb/summary',
    { ...agent, schema: { tags: TAGS, summary: 'Entry, phrasing and topic counts, and misses by status' } },
    async () => {
      const entries = kb.list();
      return {
        entries: entries.length,
        phrasings: entries.reduce((n, e) => n + e.questions.length, 0),
        topics: [...new Set(entries.map((e) => e.topic).filter(Boolean))].length,
        misses: await store.countMisses(),
      };
    },
  );

  app.get(
    '/api/kb/entries',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'List and search entries',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: text(500),
            topic: text(100),
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
    },
    async (request) => editor.list(request.query as { q?: string; topic?: string; limit: number; offset: number }),
  );

  app.get('/api/kb/entries/:id', { ...agent, schema: { tags: TAGS, summary: 'One entry', params: idParam } }, async (request, reply) =>
    answer(reply, async () => ({ entry: await editor.get((request.params as { id: string }).id) })),
  );

  app.post(
    '/api/kb/entries',
    { ...admin, schema: { tags: TAGS, summary: 'Create an entry (admins)', body: entryBody } },
    async (request, reply) =>
      answer(reply, async () => {
        const { fromMisses, ...input } = request.body as EntryInput & { fromMisses?: number[] };
        const entry = fromMisses?.length ? await learning.createFromMisses(input, fromMisses, actorOf(request)) : await editor.create(input, actorOf(request));
        return reply.code(201).send({ entry });
      }),
  );

  app.put(
    '/api/kb/entries/:id',
    { ...admin, schema: { tags: TAGS, summary: 'Replace an entry (admins); the id cannot change', params: idParam, body: entryBody } },
    async (request, reply) =>
      answer(reply, async () => {
        const { fromMisses: _ignored, ...input } = request.body as EntryInput & { fromMisses?: number[] };
        return { entry: await editor.update((request.params as { id: string }).id, input, actorOf(request)) };
      }),
  );

  app.delete('/api/kb/entries/:id', { ...admin, schema: { tags: TAGS, summary: 'Delete an entry (admins)', params: idParam } }, async (request, reply) =>
    answer(reply, async () => {
      await editor.remove((request.params as { id: string }).id, actorOf(request));
      return { ok: true };
    }),
  );

  app.post(
    '/api/kb/entries/:id/phrasings',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'Add phrasings to an entry, e.g. missed messages of a gap (agents)',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { texts: { type: 'array', maxItems: 50, items: text(2000) }, missIds: ids },
        },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const entryId = (request.params as { id: string }).id;
        const body = request.body as { texts?: string[]; missIds?: number[] };
        if (body.missIds?.length) return learning.attach({ entryId, missIds: body.missIds, texts: body.texts }, actorOf(request));
        if (!body.texts?.length) throw new KbEditError(422, 'invalid_entry', 'Send the phrasing in "texts", or the missed messages in "missIds".', { fields: [{ field: 'texts', message: 'Write the phrasing to add.' }] });
        return editor.addPhrasings(entryId, body.texts, actorOf(request));
      }),
  );

  app.get(
    '/api/kb/match',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'What the bot would do with a message: decision, confidence and ranked entries with their answers',
        querystring: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: { text: text(4000), limit: { type: 'integer', minimum: 1, maximum: 20, default: 5 } },
        },
      },
    },
    async (request) => {
      const { text: message, limit } = request.query as { text: string; limit: number };
      const match = kb.match(message);
      return {
        decision: match.decision,
        confidence: match.confidence,
        language: match.language,
        ranked: match.ranked.slice(0, limit).map((c) => {
          const entry = kb.get(c.entryId);
          return { ...c, topic: entry?.topic ?? null, answer: entry ? kb.answerText(entry, match.language) : '' };
        }),
      };
    },
  );

  app.get(
    '/api/kb/export',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'Download the knowledge base as YAML, JSON or CSV',
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: FORMATS, default: 'yaml' } } },
      },
    },
    async (request, reply) => {
      const file = await editor.exportFile((request.query as { format: KbFileFormat }).format);
      return reply
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .type(file.contentType)
        .send(file.body);
    },
  );

  app.post(
    '/api/kb/import',
    {
      ...admin,
      bodyLimit: MAX_FILE + 64 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Import a YAML, JSON or CSV file (admins); dryRun reports what would change and every problem',
        body: {
          type: 'object',
          required: ['content'],
          additionalProperties: false,
          properties: {
            content: text(MAX_FILE),
            format: { type: 'string', enum: FORMATS },
            filename: text(300),
            mode: { type: 'string', enum: ['merge', 'replace'], default: 'merge' },
            dryRun: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request, reply) =>
      answer(reply, async () => {
        const body = request.body as { content: string; format?: KbFileFormat; filename?: string; mode: 'merge' | 'replace'; dryRun: boolean };
        const format = detectFormat(body.content, body.format, body.filename);
        if (!format) {
          throw new KbEditError(400, 'invalid_file', 'The file is empty, or its format is unknown: send format (yaml, json or csv) or a file name ending in .yaml, .yml, .json or .csv.');
        }
        return editor.importFile({ content: body.content, format, mode: body.mode, dryRun: body.dryRun }, actorOf(request));
      }),
  );

  app.get(
    '/api/kb/gaps',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'Messages the bot could not answer, grouped by similarity, most frequent first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            days: { type: 'integer', minimum: 1, maximum: 3650, default: 90 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (request) => learning.gaps(request.query as { days: number; limit: number }),
  );

  app.post(
    '/api/kb/misses/dismiss',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'Take missed messages off the gaps list',
        body: { type: 'object', required: ['missIds'], additionalProperties: false, properties: { missIds: { ...ids, minItems: 1 } } },
      },
    },
    async (request, reply) => answer(reply, async () => learning.dismiss((request.body as { missIds: number[] }).missIds, actorOf(request))),
  );

  app.get(
    '/api/kb/proposals',
    { ...agent, schema: { tags: TAGS, summary: "Customer phrasings proposed from agents' KB answers" } },
    async () => ({ proposals: await learning.proposals() }),
  );

  app.post(
    '/api/kb/proposals/:id/accept',
    {
      ...agent,
      schema: {
        tags: TAGS,
        summary: 'Add the proposed phrasing (or an edited text) to its entry',
        params: numericIdParam,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { text: text(2000) } },
      },
    },
    async (request, reply) =>
      answer(reply, async () => learning.accept((request.params as { id: number }).id, (request.body as { text?: string } | null)?.text, actorOf(request))),
  );

  app.post(
    '/api/kb/proposals/:id/reject',
    { ...agent, schema: { tags: TAGS, summary: 'Reject a proposed phrasing', params: numericIdParam } },
    async (request, reply) =>
      answer(reply, async () => {
        await learning.reject((request.params as { id: number }).id, actorOf(request));
        return { ok: true };
      }),
  );

  return { editor, learning };
}
