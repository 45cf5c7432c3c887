/** OpenAPI 3 generated from the routes' TypeBox schemas; Swagger UI at /docs (authenticated like the API). */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ClientMessage, ServerMessage } from '@tunnelscope/api';

/**
 * The WebSocket feed is a GET that upgrades; @fastify/websocket hides such
 * routes from the generated document, so it is described here: the upgrade,
 * its auth, and the JSON frames each way (the stream contract of
 * @tunnelscope/api), so a client generator sees the whole API.
 */
const STREAM_PATH = {
  get: {
    tags: ['stream'],
    summary: 'WebSocket feed: subscribe to topics (snoop, sa, log, stats, flow, cert, config, alert, lab, diagnose), resume from an event id',
    description:
      'Upgrade with `Connection: Upgrade` / `Upgrade: websocket` and a session cookie or `Authorization: Bearer <token>`. The server sends `hello` first; the client sends `subscribe {id, topic, filter}`; events arrive as `event {data}` in id order, `missed` tells a slow client what it lost, `heartbeat` every heartbeatMs. Frames are JSON text: client frames are `x-client-message`, server frames `x-server-message`.',
    responses: {
      '101': { description: 'Switching Protocols: the WebSocket feed' },
      '401': { description: 'No valid session or token' },
    },
    'x-client-message': ClientMessage,
    'x-server-message': ServerMessage,
  },
};

export default fp(
  async function swaggerPlugin(app: FastifyInstance, opts: { version: string }) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'tunnelscope API',
          version: opts.version,
          description:
            'IPsec gateway troubleshooting: config, SAs, ike -stat, snoop, events, CLI, flows and the data plane, certificates, diagnosis, lab. WebSocket feed at /api/v1/stream (described under the stream tag).',
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
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformSpecification: (document) => {
        const openapi = document as { paths?: Record<string, unknown> };
        return { ...openapi, paths: { ...openapi.paths, '/api/v1/stream': STREAM_PATH } };
      },
    });
  },
  { name: 'swagger' },
);
