/**
 * Teams: everyone may list them (transfer targets, filters); admins create, rename, delete them
 * and set their members. docs/protocol.md "REST API".
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Team } from '../store/types.js';
import { fail, guards, idParam, type ConsoleDeps } from './console-common.js';

const teamBody = {
  name: { type: 'string', minLength: 1, maxLength: 60 },
  assignmentMode: { type: 'string', enum: ['auto', 'manual'] },
  memberIds: { type: 'array', maxItems: 500, items: { type: 'integer', minimum: 1 } },
} as const;

export function registerConsoleTeamRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { store } = deps;
  const guard = guards(deps);

  /** Null when every id is an agent; else the message to send back. */
  const unknownMembers = async (ids: number[] | undefined): Promise<string | null> => {
    if (!ids) return null;
    const known = new Set((await store.listAgents()).map((a) => a.id));
    const missing = ids.filter((id) => !known.has(id));
    return missing.length ? `No agent with id ${missing.join(', ')}.` : null;
  };
  const nameTaken = async (name: string, except?: number) =>
    (await store.listTeams()).some((t) => t.id !== except && t.name.toLowerCase() === name.toLowerCase());

  app.get('/api/console/teams', guard.agent, async () => ({ teams: await store.listTeams() }));

  app.post(
    '/api/console/teams',
    { ...guard.admin, schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: teamBody } } },
    async (request, reply) => {
      const body = request.body as { name: string; assignmentMode?: Team['assignmentMode']; memberIds?: number[] };
      const name = body.name.trim();
      if (!name) return fail(reply, 400, 'invalid', 'The team name must not be empty.');
      if (await nameTaken(name)) return fail(reply, 409, 'conflict', `A team called ${name} exists already.`);
      const problem = await unknownMembers(body.memberIds);
      if (problem) return fail(reply, 400, 'invalid', problem);
      const team = await store.createTeam({ name, assignmentMode: body.assignmentMode ?? 'auto' }, Date.now());
      if (body.memberIds) await store.setTeamMembers(team.id, body.memberIds);
      reply.code(201);
      return { team: await store.getTeam(team.id) };
    },
  );

  app.patch(
    '/api/console/teams/:id',
    { ...guard.admin, schema: { body: { type: 'object', additionalProperties: false, properties: teamBody } } },
    async (request, reply) => {
      const id = idParam(request);
      const team = id === null ? null : await store.getTeam(id);
      if (!team) return fail(reply, 404, 'not_found', 'No such team.');
      const body = request.body as { name?: string; assignmentMode?: Team['assignmentMode']; memberIds?: number[] };
      const name = body.name?.trim();
      if (name !== undefined && !name) return fail(reply, 400, 'invalid', 'The team name must not be empty.');
      if (name && (await nameTaken(name, team.id))) return fail(reply, 409, 'conflict', `A team called ${name} exists already.`);
      const problem = await unknownMembers(body.memberIds);
      if (problem) return fail(reply, 400, 'invalid', problem);
      await store.updateTeam(team.id, { name, assignmentMode: body.assignmentMode });
      if (body.memberIds) await store.setTeamMembers(team.id, body.memberIds);
      return { team: await store.getTeam(team.id) };
    },
  );

  app.delete('/api/console/teams/:id', guard.admin, async (request, reply) => {
    const id = idParam(request);
    if (id === null || !(await store.deleteTeam(id))) return fail(reply, 404, 'not_found', 'No such team.');
    return { ok: true };
  });
}
