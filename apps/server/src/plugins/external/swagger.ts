/** OpenAPI 3 generated from the routes' TypeBox schemas; Swagger UI at /docs (authenticated like the API). */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export default fp(
  async function swaggerPlugin(app: FastifyInstance, opts: { version: string }) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'tunnelscope API',
          version: opts.version,
          description:
            'IPsec gateway troubleshooting: config, SAs, ike -stat, snoop, events, CLI. WebSocket feed at /api/v1/stream (see the stream messages in @tunnelscope/api).',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'API token (tsk_...)' },
            session: { type: 'apiKey', in: 'cookie', name: 'tunnelscope_session' },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  },
  { name: 'swagger' },
);
