import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EventCodeCounts, EventPage, EventQuery } from '../../../contract.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['events'];

  app.get('/events', {
    schema: {
      tags,
      summary: 'Event history (log events by code, SA events, snoop lines while snoop was on), newest first',
      querystring: EventQuery,
      response: { 200: EventPage },
    },
    handler: async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      app.services.recorder.flush();
      const items = app.services.store.events.queryEvents({
        topic: q.topic,
        codes: q.code?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
        tunnel: q.tunnel,
        peer: q.peer,
        from: q.from,
        to: q.to,
        q: q.q,
        beforeId: q.beforeId,
        limit,
      });
      return { items, nextBeforeId: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  app.get('/events/codes', {
    schema: { tags, summary: 'How many stored events carry each code', response: { 200: EventCodeCounts } },
    handler: async () => {
      app.services.recorder.flush();
      return { items: app.services.store.events.codeCounts() };
    },
  });
};

export default routes;
