import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SUPPORT_BUNDLE_FILES, SupportBundleQuery } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { SupportBundleService } from '../../../services/support-bundle-service.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const bundles = new SupportBundleService({
    gateway: s.gateway,
    store: s.store,
    recorder: s.recorder,
    configService: s.configService,
    diagnosis: app.troubleshooting.diagnosis,
    auditLog: s.auditLog,
    guard: s.guard,
    serverVersion: s.version,
  });

  app.get('/support-bundle', {
    config: { auth: 'operator' },
    schema: {
      tags: ['support'],
      summary: "One tunnel's evidence over a time range (at most 7 days) as a tar for a ticket; operator and up (it exports traffic), audited",
      description: `Files: ${SUPPORT_BUNDLE_FILES.map((f) => `\`${f.name}\` (${f.description})`).join('; ')}. No secrets and no session keys.`,
      querystring: SupportBundleQuery,
      produces: ['application/x-tar'],
      response: {
        200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'ustar archive, uncompressed' }),
        ...errorResponses(400, 403, 404, 503),
      },
    },
    handler: async (request, reply) => {
      const bundle = bundles.build(actorOf(request), request.query);
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${bundle.filename}"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(bundle.bytes.buffer, bundle.bytes.byteOffset, bundle.bytes.byteLength));
    },
  });
};

export default routes;
