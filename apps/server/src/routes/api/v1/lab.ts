import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LabScenario, LabScenarioList, LabScenarioParams } from '../../../contract.ts';
import { ApiError } from '../../../errors.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import type { LabService } from '../../../services/lab-service.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['lab'];
  const operator = { auth: 'operator' as const };
  const lab = (): LabService => {
    const service = app.troubleshooting.lab;
    if (!service) throw new ApiError('not_found', 'this server runs without the demo lab (started with --no-lab, or with --config and TUNNELSCOPE_LAB unset)');
    return service;
  };

  app.get('/lab/scenarios', {
    schema: { tags, summary: 'The lab scenarios (metadata and running state; never a peer config or key)', response: { 200: LabScenarioList, ...errorResponses(404) } },
    handler: async () => lab().list(),
  });

  app.post('/lab/scenarios/:id/start', {
    config: operator,
    schema: { tags, summary: 'Start a scenario: its peer binds and negotiates on its own', params: LabScenarioParams, response: { 200: LabScenario, ...errorResponses(403, 404, 502) } },
    handler: async (request) => lab().startScenario(actorOf(request), request.params.id),
  });

  app.post('/lab/scenarios/:id/stop', {
    config: operator,
    schema: { tags, summary: 'Stop a scenario: its peer deletes its SAs and unbinds', params: LabScenarioParams, response: { 200: LabScenario, ...errorResponses(403, 404, 502) } },
    handler: async (request) => lab().stopScenario(actorOf(request), request.params.id),
  });

  app.post('/lab/default-mix', {
    config: operator,
    schema: { tags, summary: 'Start the default mix (healthy and failing scenarios at once)', response: { 200: LabScenarioList, ...errorResponses(403, 404, 502) } },
    handler: async (request) => lab().startDefaultMix(actorOf(request)),
  });

  app.post('/lab/stop-all', {
    config: operator,
    schema: { tags, summary: 'Stop every scenario', response: { 200: LabScenarioList, ...errorResponses(403, 404, 502) } },
    handler: async (request) => lab().stopAll(actorOf(request)),
  });
};

export default routes;
