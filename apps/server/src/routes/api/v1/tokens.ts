import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TokenCreateBody, TokenCreated, TokenList } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses, IdParams, Ok } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['tokens'];
  const config = { auth: 'admin' as const };

  app.get('/tokens', {
    config,
    schema: { tags, summary: 'List API tokens (never their values)', response: { 200: TokenList, ...errorResponses(403) } },
    handler: async () => ({ items: app.services.authService.listTokens() }),
  });

  app.post('/tokens', {
    config,
    schema: { tags, summary: 'Create an API token; its value is shown once', body: TokenCreateBody, response: { 201: TokenCreated, ...errorResponses(400, 403) } },
    handler: async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(app.services.authService.createToken(actorOf(request), b.name, b.role, b.expiresInDays));
    },
  });

  app.delete('/tokens/:id', {
    config,
    schema: { tags, summary: 'Revoke an API token', params: IdParams, response: { 200: Ok, ...errorResponses(403, 404) } },
    handler: async (request) => {
      app.services.authService.revokeToken(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
};

export default routes;
