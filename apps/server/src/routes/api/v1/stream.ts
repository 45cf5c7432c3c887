import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../../plugins/external/auth.ts';

/** WebSocket feed; the protocol is documented in packages/api/src/stream/messages.ts. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stream', { websocket: true, schema: { tags: ['stream'], summary: 'WebSocket feed (subscribe to topics, resume from an event id)' } }, (socket, request) => {
    const { kind, id, name, role } = actorOf(request);
    app.services.hub.attach(socket, { kind, id, name, role });
  });
};

export default routes;
