/**
 * Contacts in the console: the contact panel (identities across channels, past conversations,
 * notes), the customer's whole history, search, edit, and merging two contacts that are one
 * customer. docs/protocol.md "REST API".
 * @module
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { messageView } from '../agents/views.js';
import type { Contact, ContactNote } from '../store/types.js';
import { fail, guards, idParam, type ConsoleDeps } from './console-common.js';
import { consoleConversationViews } from './console-views.js';

export function registerConsoleContactRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { store, bus } = deps;
  const guard = guards(deps);

  const noteViews = async (notes: ContactNote[]) => {
    const names = new Map((await store.listAgents()).map((a) => [a.id, a.name]));
    return notes.map((n) => ({ ...n, agentName: n.agentId === null ? null : (names.get(n.agentId) ?? null) }));
  };
  /** The panel for a contact, or null. A merged-away id shows the contact it was merged into. */
  const panel = async (requested: number) => {
    const id = await store.survivingContactId(requested);
    const contact = id === null ? null : await store.getContact(id);
    if (!contact) return null;
    const [identities, conversations, notes] = await Promise.all([
      store.listIdentities(contact.id),
      store.listConversations({ contactId: contact.id, limit: 100 }),
      store.listContactNotes(contact.id),
    ]);
    return {
      contact,
      identities,
      conversations: await consoleConversationViews(store, conversations),
      notes: await noteViews(notes),
      ...(contact.id !== requested ? { mergedFrom: requested } : {}),
    };
  };
  const contactOr404 = async (reply: FastifyReply, raw: number | null): Promise<Contact | null> => {
    const id = raw === null ? null : await store.survivingContactId(raw);
    const contact = id === null ? null : await store.getContact(id);
    if (!contact) fail(reply, 404, 'not_found', 'No such contact.');
    return contact;
  };

  app.get('/api/console/contacts', guard.agent, async (request, reply) => {
    const q = String((request.query as { q?: string }).q ?? '').trim();
    if (!q) return fail(reply, 400, 'invalid', 'Give q: part of a name, username, email or channel user id.');
    if (q.length > 100) return fail(reply, 400, 'invalid', 'q may be at most 100 characters.');
    const contacts = await store.findContacts(q, 20);
    return { contacts: await Promise.all(contacts.map(async (contact) => ({ contact, identities: await store.listIdentities(contact.id) }))) };
  });

  app.get('/api/console/contacts/:id', guard.agent, async (request, reply) => {
    const id = idParam(request);
    const result = id === null ? null : await panel(id);
    return result ?? fail(reply, 404, 'not_found', 'No such contact.');
  });

  app.patch(
    '/api/console/contacts/:id',
    {
      ...guard.agent,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: ['string', 'null'], maxLength: 100 }, email: { type: ['string', 'null'], maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const contact = await contactOr404(reply, idParam(request));
      if (!contact) return reply;
      const body = request.body as { name?: string | null; email?: string | null };
      const clean = (v: string | null | undefined) => (v === undefined ? undefined : v?.trim() || null);
      const email = clean(body.email);
      if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) return fail(reply, 400, 'invalid', `"${email}" is not an email address.`);
      await store.updateContact(contact.id, { name: clean(body.name), email }, Date.now());
      await pushConversationsOf(contact.id);
      return panel(contact.id);
    },
  );

  app.get('/api/console/contacts/:id/history', guard.agent, async (request, reply) => {
    const contact = await contactOr404(reply, idParam(request));
    if (!contact) return reply;
    const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit ?? 500) || 500, 1), 2000);
    const [messages, conversations] = await Promise.all([
      store.contactMessages(contact.id, limit),
      store.listConversations({ contactId: contact.id, limit: 500 }),
    ]);
    return { contact, conversations: await consoleConversationViews(store, conversations), messages: messages.map(messageView) };
  });

  app.post(
    '/api/console/contacts/:id/notes',
    {
      ...guard.agent,
      schema: { body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: 4000 } } } },
    },
    async (request, reply) => {
      const contact = await contactOr404(reply, idParam(request));
      if (!contact) return reply;
      const text = (request.body as { text: string }).text.trim();
      if (!text) return fail(reply, 400, 'invalid', 'The note must not be empty.');
      const note = await store.addContactNote({ contactId: contact.id, agentId: request.agent!.id, text }, Date.now());
      reply.code(201);
      return { note: (await noteViews([note]))[0] };
    },
  );

  app.delete('/api/console/contacts/:id/notes/:noteId', guard.agent, async (request, reply) => {
    const noteId = idParam(request, 'noteId');
    const note = noteId === null ? null : await store.getContactNote(noteId);
    const contactId = idParam(request);
    if (!note || contactId === null || note.contactId !== (await store.survivingContactId(contactId))) return fail(reply, 404, 'not_found', 'No such note.');
    const agent = request.agent!;
    if (note.agentId !== agent.id && agent.role !== 'admin') return fail(reply, 403, 'forbidden', 'Only its author or an admin deletes a note.');
    await store.deleteContactNote(note.id);
    return { ok: true };
  });

  app.post(
    '/api/console/contacts/:id/merge',
    {
      ...guard.agent,
      schema: {
        body: { type: 'object', required: ['contactId'], additionalProperties: false, properties: { contactId: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request, reply) => {
      const target = await contactOr404(reply, idParam(request));
      if (!target) return reply;
      const sourceId = (request.body as { contactId: number }).contactId;
      const survivor = await store.survivingContactId(sourceId);
      if (survivor === null) return fail(reply, 404, 'not_found', `No contact ${sourceId}.`);
      if (survivor === target.id) return fail(reply, 409, 'conflict', 'These are the same contact already.');
      const { movedConversationIds } = await store.mergeContacts(target.id, survivor, `agent:${request.agent!.id}`, Date.now());
      request.log.info({ into: target.id, from: survivor, moved: movedConversationIds.length }, 'contacts merged');
      await pushConversationsOf(target.id);
      return panel(target.id);
    },
  );

  /** Agents' lists show the contact's name on each conversation: push them again. */
  async function pushConversationsOf(contactId: number): Promise<void> {
    for (const c of await store.listConversations({ contactId, limit: 100 })) bus.emit('conversation', c);
  }
}
