import type { FastifyPluginAsync } from 'fastify';

/** Prometheus exposition at /metrics (viewer role or a token). */
const metricsRoute: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { tags: ['metrics'], summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_request, reply) => {
    const body = await app.services.metrics.render();
    return reply.type(app.services.metrics.contentType()).send(body);
  });
};

export default metricsRoute;
