/**
 * Every text response passes the secret guard on its way out (see
 * services/secret-guard.ts): a configured pre-shared key or private key
 * never leaves in a REST body, whatever produced it.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

export default fp(
  async function secretScrubPlugin(app: FastifyInstance) {
    app.addHook('onSend', async (_request, _reply, payload) => {
      const guard = app.services.guard;
      if (typeof payload === 'string' && guard.active()) return guard.scrub(payload);
      return payload;
    });
  },
  { name: 'secret-scrub', dependencies: ['app-services'] },
);
