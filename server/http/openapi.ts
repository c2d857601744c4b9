/**
 * The REST API described by OpenAPI (@fastify/swagger, from the routes' schemas) and browsable
 * at `/docs` (@fastify/swagger-ui, served from the package: nothing is fetched from a CDN). The
 * JSON is at `/docs/json`. Registered before any route so every route is collected.
 * @module
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'chatbridge REST API',
        version: '1',
        description:
          'Conversations, reports, routing and SLA settings, webhooks and API tokens. Authenticate with the `cb_session` cookie from `POST /api/auth/login`, or with an admin-issued API token: `Authorization: Bearer cbt_...`.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token issued by an admin (console → Admin → API tokens).' },
          session: { type: 'apiKey', in: 'cookie', name: 'cb_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
}
