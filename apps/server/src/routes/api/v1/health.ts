import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse } from '../../../contract.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    schema: { tags: ['health'], summary: 'Server, engine, store and stream health', response: { 200: HealthResponse } },
    handler: async () => {
      const s = app.services;
      const engineRunning = s.gateway.running();
      const storeOk = s.store.healthy();
      return {
        status: engineRunning && storeOk ? ('ok' as const) : ('degraded' as const),
        version: s.version,
        uptimeS: Math.round((Date.now() - s.startedAt) / 1000),
        engine: { running: engineRunning },
        store: { ok: storeOk, configVersion: s.configService.currentVersion(), lastEventId: s.recorder.lastId() },
        stream: { clients: s.hub.clientCount() },
        lab: { enabled: s.lab !== undefined },
      };
    },
  });
};

export default routes;
