import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SnoopEntry, SnoopHistoryPage, SnoopHistoryQuery, SnoopSettings } from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses, IdParams } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['snoop'];

  app.get('/snoop', {
    schema: { tags, summary: 'Current snoop mode (ike -snoop -brief|-full|-off) and peer filter', response: { 200: SnoopSettings } },
    handler: async () => app.services.operations.snoopMode(),
  });

  app.put('/snoop', {
    config: { auth: 'operator' },
    schema: { tags, summary: 'Set snoop mode; live lines go to the `snoop` stream topic', body: SnoopSettings, response: { 200: SnoopSettings, ...errorResponses(400, 403) } },
    handler: async (request) => app.services.operations.setSnoopMode(actorOf(request), request.body),
  });

  app.get('/snoop/history', {
    schema: {
      tags,
      summary: 'Every IKE datagram that crossed the socket, newest first, filtered',
      querystring: SnoopHistoryQuery,
      response: { 200: SnoopHistoryPage, ...errorResponses(400) },
    },
    handler: async (request) => app.services.snoopHistory.query(request.query),
  });

  app.get('/snoop/history.pcap', {
    schema: {
      tags,
      summary: 'The filtered snoop history as a pcap file (rendered from the stored datagrams)',
      querystring: SnoopHistoryQuery,
      produces: ['application/vnd.tcpdump.pcap'],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'pcap (nanosecond, LINKTYPE_RAW)' }), ...errorResponses(400) },
    },
    handler: async (request, reply) => {
      const { bytes, count } = app.services.snoopHistory.pcap(request.query);
      return reply
        .type('application/vnd.tcpdump.pcap')
        .header('content-disposition', 'attachment; filename="tunnelscope-snoop.pcap"')
        .header('x-datagram-count', String(count))
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  });

  app.get('/snoop/datagrams/:id', {
    schema: {
      tags,
      summary: 'One stored datagram, brief or full decode',
      params: IdParams,
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('brief'), Type.Literal('full')])) }),
      response: { 200: SnoopEntry, ...errorResponses(404) },
    },
    handler: async (request) => app.services.snoopHistory.datagram(request.params.id, request.query.format ?? 'full'),
  });
};

export default routes;
