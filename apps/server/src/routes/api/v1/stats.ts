import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { StatsHistoryQuery, StatsHistoryResponse, StatsNowResponse } from '../../../contract.ts';

const routes: FastifyPluginAsyncTypebox<{ statsIntervalMs: number }> = async (app, opts) => {
  const tags = ['statistics'];

  app.get('/stats', {
    schema: { tags, summary: 'The `ike -stat` counters now, with the table text', response: { 200: StatsNowResponse } },
    handler: async () => {
      const counters = app.services.gateway.stats();
      return { time: Date.now(), counters, table: app.services.gateway.formatStats(counters) };
    },
  });

  app.get('/stats/history', {
    schema: { tags, summary: 'Counter samples over time (one every intervalMs)', querystring: StatsHistoryQuery, response: { 200: StatsHistoryResponse } },
    handler: async (request) => {
      const q = request.query;
      const to = q.to ?? Date.now();
      const from = q.from ?? to - 3_600_000;
      return { intervalMs: opts.statsIntervalMs, items: app.services.store.events.statsRange(from, to, q.limit ?? 1000) };
    },
  });
};

export default routes;
