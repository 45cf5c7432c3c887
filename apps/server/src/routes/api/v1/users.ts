import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { User, UserCreateBody, UserList, UserUpdateBody } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses, IdParams, Ok } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['users'];
  const config = { auth: 'admin' as const };

  app.get('/users', {
    config,
    schema: { tags, summary: 'List users', response: { 200: UserList, ...errorResponses(403) } },
    handler: async () => ({ items: app.services.authService.listUsers() }),
  });

  app.post('/users', {
    config,
    schema: { tags, summary: 'Create a user', body: UserCreateBody, response: { 201: User, ...errorResponses(400, 403, 409) } },
    handler: async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(await app.services.authService.createUser(actorOf(request), b.username, b.password, b.role));
    },
  });

  app.patch('/users/:id', {
    config,
    schema: { tags, summary: 'Change role, password or status (ends the user’s sessions)', params: IdParams, body: UserUpdateBody, response: { 200: User, ...errorResponses(400, 403, 404, 409) } },
    handler: async (request) => app.services.authService.updateUser(actorOf(request), request.params.id, request.body),
  });

  app.delete('/users/:id', {
    config,
    schema: { tags, summary: 'Delete a user', params: IdParams, response: { 200: Ok, ...errorResponses(403, 404, 409) } },
    handler: async (request) => {
      app.services.authService.deleteUser(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });
};

export default routes;
