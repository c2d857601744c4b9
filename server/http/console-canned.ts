/**
 * Canned responses: shared ones (admins keep them) and each agent's personal ones, inserted in the
 * reply box by typing `/shortcut`. docs/protocol.md "REST API".
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Agent, CannedResponse } from '../store/types.js';
import { fail, failWith, guards, idParam, type ConsoleDeps } from './console-common.js';

/** A canned response as the console shows it. */
export interface CannedView {
  id: number;
  shortcut: string;
  title: string;
  text: string;
  scope: 'shared' | 'personal';
  updatedAt: number;
}

const SHORTCUT = /^[\p{L}\p{N}_-]{1,32}$/u;
const body = {
  shortcut: { type: 'string', minLength: 1, maxLength: 33 },
  title: { type: 'string', maxLength: 100 },
  text: { type: 'string', minLength: 1, maxLength: 4000 },
} as const;

function view(c: CannedResponse): CannedView {
  return { id: c.id, shortcut: c.shortcut, title: c.title, text: c.text, scope: c.ownerAgentId === null ? 'shared' : 'personal', updatedAt: c.updatedAt };
}

/** Who may change it: the owner of a personal one, an admin for a shared one. */
function mayEdit(agent: Agent, c: CannedResponse): boolean {
  return c.ownerAgentId === null ? agent.role === 'admin' : c.ownerAgentId === agent.id;
}

export function registerConsoleCannedRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { store } = deps;
  const guard = guards(deps);
  // Lower case: SQLite's NOCASE folds only ASCII, and /Спасибо and /спасибо are one shortcut.
  const shortcutOf = (raw: string) => raw.trim().replace(/^\//, '').toLowerCase();

  app.get('/api/console/canned', guard.agent, async (request) => ({ canned: (await store.listCanned(request.agent!.id)).map(view) }));

  app.post(
    '/api/console/canned',
    {
      ...guard.agent,
      schema: {
        body: {
          type: 'object',
          required: ['shortcut', 'text'],
          additionalProperties: false,
          properties: { ...body, scope: { type: 'string', enum: ['shared', 'personal'] } },
        },
      },
    },
    async (request, reply) => {
      const b = request.body as { shortcut: string; title?: string; text: string; scope?: 'shared' | 'personal' };
      const agent = request.agent!;
      const shortcut = shortcutOf(b.shortcut);
      if (!SHORTCUT.test(shortcut)) return fail(reply, 400, 'invalid', 'A shortcut is 1 to 32 letters, digits, "_" or "-" (no spaces).');
      if (!b.text.trim()) return fail(reply, 400, 'invalid', 'The text must not be empty.');
      const scope = b.scope ?? 'personal';
      if (scope === 'shared' && agent.role !== 'admin') return fail(reply, 403, 'forbidden', 'Only admins keep shared canned responses.');
      try {
        const created = await store.createCanned(
          { shortcut, title: b.title?.trim() || shortcut, text: b.text, ownerAgentId: scope === 'shared' ? null : agent.id, createdBy: agent.id },
          Date.now(),
        );
        reply.code(201);
        return { canned: view(created) };
      } catch (err) {
        return failWith(reply, err);
      }
    },
  );

  app.patch(
    '/api/console/canned/:id',
    { ...guard.agent, schema: { body: { type: 'object', additionalProperties: false, properties: body } } },
    async (request, reply) => {
      const id = idParam(request);
      const canned = id === null ? null : await store.getCanned(id);
      const agent = request.agent!;
      if (!canned || (canned.ownerAgentId !== null && canned.ownerAgentId !== agent.id)) return fail(reply, 404, 'not_found', 'No such canned response.');
      if (!mayEdit(agent, canned)) return fail(reply, 403, 'forbidden', 'Only admins change shared canned responses.');
      const b = request.body as { shortcut?: string; title?: string; text?: string };
      const shortcut = b.shortcut === undefined ? undefined : shortcutOf(b.shortcut);
      if (shortcut !== undefined && !SHORTCUT.test(shortcut)) return fail(reply, 400, 'invalid', 'A shortcut is 1 to 32 letters, digits, "_" or "-" (no spaces).');
      if (b.text !== undefined && !b.text.trim()) return fail(reply, 400, 'invalid', 'The text must not be empty.');
      try {
        return { canned: view((await store.updateCanned(canned.id, { shortcut, title: b.title?.trim() || undefined, text: b.text }, Date.now()))!) };
      } catch (err) {
        return failWith(reply, err);
      }
    },
  );

  app.delete('/api/console/canned/:id', guard.agent, async (request, reply) => {
    const id = idParam(request);
    const canned = id === null ? null : await store.getCanned(id);
    const agent = request.agent!;
    if (!canned || (canned.ownerAgentId !== null && canned.ownerAgentId !== agent.id)) return fail(reply, 404, 'not_found', 'No such canned response.');
    if (!mayEdit(agent, canned)) return fail(reply, 403, 'forbidden', 'Only admins delete shared canned responses.');
    await store.deleteCanned(canned.id);
    return { ok: true };
  });
}
