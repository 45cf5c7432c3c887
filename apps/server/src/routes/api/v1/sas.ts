import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ActionResponse, ChildSaList, IkeSaList, SaIdParams, TunnelNameParams, TunnelStatusList } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['tunnels and SAs'];
  const ops = () => app.services.operations;
  const operator = { auth: 'operator' as const };
  const action = { 202: ActionResponse, ...errorResponses(403, 404, 409) };

  app.get('/tunnels', {
    schema: { tags, summary: 'Configured tunnels in list order with their state', response: { 200: TunnelStatusList } },
    handler: async () => ({ items: app.services.gateway.listTunnels() }),
  });

  app.post('/tunnels/:name/initiate', {
    config: operator,
    schema: { tags, summary: 'Initiate the tunnel (IKE_SA_INIT towards its remote endpoint)', params: TunnelNameParams, response: action },
    handler: async (request, reply) => reply.code(202).send(await ops().initiate(actorOf(request), request.params.name)),
  });

  app.get('/sas/ike', {
    schema: { tags, summary: 'IKE SAs', response: { 200: IkeSaList } },
    handler: async () => ({ items: app.services.gateway.listIkeSas() }),
  });

  app.get('/sas/child', {
    schema: { tags, summary: 'CHILD_SAs (IPsec SAs)', response: { 200: ChildSaList } },
    handler: async () => ({ items: app.services.gateway.listChildSas() }),
  });

  app.post('/sas/ike/:id/rekey', {
    config: operator,
    schema: { tags, summary: 'Rekey an IKE SA', params: SaIdParams, response: action },
    handler: async (request, reply) => reply.code(202).send(await ops().rekeyIkeSa(actorOf(request), request.params.id)),
  });

  app.delete('/sas/ike/:id', {
    config: operator,
    schema: { tags, summary: 'Delete an IKE SA (INFORMATIONAL Delete) and its CHILD_SAs', params: SaIdParams, response: action },
    handler: async (request, reply) => reply.code(202).send(await ops().deleteIkeSa(actorOf(request), request.params.id)),
  });

  app.post('/sas/child/:id/rekey', {
    config: operator,
    schema: { tags, summary: 'Rekey a CHILD_SA', params: SaIdParams, response: action },
    handler: async (request, reply) => reply.code(202).send(await ops().rekeyChildSa(actorOf(request), request.params.id)),
  });

  app.delete('/sas/child/:id', {
    config: operator,
    schema: { tags, summary: 'Delete a CHILD_SA', params: SaIdParams, response: action },
    handler: async (request, reply) => reply.code(202).send(await ops().deleteChildSa(actorOf(request), request.params.id)),
  });
};

export default routes;
