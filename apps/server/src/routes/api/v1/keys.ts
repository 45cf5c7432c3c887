import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KeyCapture, KeyCaptureBody, KeyCaptureList } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses, Ok } from './shared.ts';

const TunnelParams = Type.Object({ tunnel: Type.String({ minLength: 1, maxLength: 200 }) });

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['session keys'];
  const config = { auth: 'admin' as const };
  const keys = () => app.services.keyCapture;

  app.get('/keys/captures', {
    config,
    schema: { tags, summary: 'Session-key capture windows', response: { 200: KeyCaptureList, ...errorResponses(403) } },
    handler: async () => keys().list(),
  });

  app.post('/keys/captures', {
    config,
    schema: { tags, summary: 'Open a time-limited key capture window for one tunnel', body: KeyCaptureBody, response: { 201: KeyCapture, ...errorResponses(400, 403, 404) } },
    handler: async (request, reply) => reply.code(201).send(keys().enable(actorOf(request), request.body.tunnel, request.body.durationS)),
  });

  app.delete('/keys/captures/:tunnel', {
    config,
    schema: { tags, summary: 'Close a window and delete its keys', params: TunnelParams, response: { 200: Ok, ...errorResponses(403, 404) } },
    handler: async (request) => {
      keys().disable(actorOf(request), request.params.tunnel);
      return { ok: true as const };
    },
  });

  app.get('/keys/captures/:tunnel/table', {
    config,
    schema: {
      tags,
      summary: "Wireshark's ikev2_decryption_table for the tunnel's captured IKE SAs (audited)",
      params: TunnelParams,
      produces: ['text/plain'],
      response: { 200: Type.String(), ...errorResponses(403, 404) },
    },
    handler: async (request, reply) => {
      const table = keys().table(actorOf(request), request.params.tunnel);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(table);
    },
  });
};

export default routes;
