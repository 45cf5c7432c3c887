import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

export default fp(
  async function websocketPlugin(app: FastifyInstance) {
    await app.register(websocket, { options: { maxPayload: 64 * 1024, perMessageDeflate: false } });
  },
  { name: 'websocket' },
);
