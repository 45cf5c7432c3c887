import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPage, AuditQuery } from '../../../contract.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/audit', {
    config: { auth: 'admin' },
    schema: { tags: ['audit'], summary: 'Who changed what, newest first', querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses(403) } },
    handler: async (request) => {
      const limit = request.query.limit ?? 100;
      const items = app.services.store.audit.query({ ...request.query, limit });
      return { items, nextBeforeId: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });
};

export default routes;
