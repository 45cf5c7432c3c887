/** The flow table (`flow -show` as data) and the data plane: traces, pings, interfaces, counters. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DataPlaneCounters,
  FlowIdParams,
  FlowListQuery,
  FlowPage,
  FlowView,
  InterfaceView,
  PingRequest,
  PingResult,
  TraceRequest,
  TraceResult,
} from '../../../contract.ts';
import { actorOf } from '../../../plugins/external/auth.ts';
import { errorResponses } from './shared.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const flowTags = ['flows'];
  const tags = ['data plane'];
  const operator = { auth: 'operator' as const };
  const dataPlane = () => app.services.dataPlane;
  const gateway = () => app.services.gateway;

  app.get('/flows', {
    schema: {
      tags: flowTags,
      summary: 'The flow table: `flow -show` filters (destiface, srciface, proto, srcip, destip, srcport, destport), sorted and paged on the server',
      description: 'Filters combine (AND). `?text=1` adds the `flow -show` text of the page (`&verbose=1`: the -verbose layout). Live changes: the `flow` stream topic (flow.created / flow.removed).',
      querystring: FlowListQuery,
      response: { 200: FlowPage, ...errorResponses(400, 503) },
    },
    handler: async (request) => dataPlane().listFlows(request.query),
  });

  app.get('/flows/:id', {
    schema: { tags: flowTags, summary: 'One flow with its reverse direction and counters', params: FlowIdParams, response: { 200: FlowView, ...errorResponses(404, 503) } },
    handler: async (request) => dataPlane().getFlow(request.params.id),
  });

  app.post('/dataplane/trace', {
    config: operator,
    schema: {
      tags,
      summary: 'Which route, rule, traffic selector and SA a packet would hit, or exactly why it would be dropped',
      body: TraceRequest,
      response: { 200: TraceResult, ...errorResponses(400, 403, 503) },
    },
    handler: async (request) => dataPlane().trace(request.body),
  });

  app.post('/dataplane/ping', {
    config: operator,
    schema: {
      tags,
      summary: 'Ping through the tunnel: real ICMP echo requests through the engine, one reply line each and a summary (audited)',
      body: PingRequest,
      response: { 200: PingResult, ...errorResponses(400, 403, 503) },
    },
    handler: async (request) => dataPlane().ping(actorOf(request), request.body),
  });

  app.get('/dataplane/interfaces', {
    schema: { tags, summary: 'Interfaces (ext, core, int, mgm, one per tunnel) with addresses and counters', response: { 200: Type.Object({ items: Type.Array(InterfaceView) }), ...errorResponses(503) } },
    handler: async () => ({ items: gateway().dataPlaneInterfaces() }),
  });

  app.get('/dataplane/counters', {
    schema: { tags, summary: 'Data-plane counters: flows, forwarded/delivered/dropped packets by reason, ESP in/out and errors, keep-alive', response: { 200: DataPlaneCounters, ...errorResponses(503) } },
    handler: async () => gateway().dataPlaneCounters(),
  });
};

export default routes;
