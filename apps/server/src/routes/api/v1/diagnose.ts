import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TestPskBody, TestPskResponse } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/diagnose/test-psk', {
    config: { auth: 'operator' },
    schema: {
      tags: ['diagnose'],
      summary: "Check a candidate pre-shared key against the AUTH payload the peer sent (the key is neither stored nor echoed)",
      body: TestPskBody,
      response: { 200: TestPskResponse, ...errorResponses(400, 403, 404) },
    },
    handler: async (request) => app.services.operations.testPsk(actorOf(request), request.body.tunnel, request.body.psk),
  });
};

export default routes;
