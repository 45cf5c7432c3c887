import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Alert, AlertConfig } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['alerts'];
  const config = { auth: 'admin' as const };

  app.get('/alerts/config', {
    config,
    schema: { tags, summary: 'Alert targets (syslog RFC 5424/UDP on loopback, webhooks) and flapping rule', response: { 200: AlertConfig, ...errorResponses(403) } },
    handler: async () => app.services.alerts.config(),
  });

  app.put('/alerts/config', {
    config,
    schema: { tags, summary: 'Replace the alert config', body: AlertConfig, response: { 200: AlertConfig, ...errorResponses(400, 403) } },
    handler: async (request) => app.services.alerts.setConfig(actorOf(request), request.body),
  });

  app.post('/alerts/test', {
    config,
    schema: { tags, summary: 'Send a test alert to every configured target', response: { 200: Alert, ...errorResponses(403) } },
    handler: async (request) => app.services.alerts.sendTest(actorOf(request)),
  });
};

export default routes;
