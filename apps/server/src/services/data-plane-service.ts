/**
 * The data plane for REST, the support bundle and the console: flow pages
 * with the `flow -show` filters (checked here so a bad value is a 400 naming
 * its parameter), the page's `flow -show` text, traces and audited pings.
 *
 *   GET /flows?query --> checkFlowQuery (proto, srcip, destip) --> gateway.listFlows
 *                    --> ?text=1: formatFlowTable(rows of the page) (the console's formatter)
 *   POST /dataplane/ping --> gateway.ping (real packets through the engine) --> audit dataplane.ping
 */
import type { FieldError, FlowListQuery, FlowPage, FlowQuery, FlowView, PingRequest, PingResult, TraceRequest, TraceResult } from '../contract.ts';
import { canonicalIpAddress, formatFlowTable, parseCidr, PROTOCOL_NAMES, type FlowTableEntry } from '../engine-api.ts';
import { badRequest, notFound } from '../errors.ts';
import type { GatewayPort } from '../plugins/app/gateway-port.ts';
import type { Actor } from './actor.ts';
import type { AuditLog } from './audit-log.ts';

const TRUE_WORDS = new Set(['1', 'true']);

/** The `flow -show` filter values the schema cannot check, each error naming its query parameter. */
export function checkFlowQuery(query: FlowQuery): FieldError[] {
  const errors: FieldError[] = [];
  if (query.proto !== undefined) {
    const p = query.proto.toLowerCase();
    const known = PROTOCOL_NAMES[p] !== undefined || (/^\d{1,3}$/.test(p) && Number(p) <= 255);
    if (!known) errors.push({ path: 'querystring.proto', message: `"${query.proto}" is not a protocol: use ${Object.keys(PROTOCOL_NAMES).join(', ')} or a number 0-255` });
  }
  for (const key of ['srcip', 'destip'] as const) {
    const value = query[key];
    if (value !== undefined && canonicalIpAddress(value) === undefined && parseCidr(value) === undefined) {
      errors.push({ path: `querystring.${key}`, message: `"${value}" is not an IP address or network (a.b.c.d or a.b.c.d/len)` });
    }
  }
  return errors;
}

/** A flow as a `flow -show` row (the SPI back to a number). */
export function flowTableEntry(flow: FlowView): FlowTableEntry {
  const endpoint = (e: FlowView['source']) => ({
    interface: e.interface,
    interfaceNumber: e.interfaceNumber,
    address: e.address,
    ...(e.spi !== undefined ? { spi: Number.parseInt(e.spi, 16) } : e.port !== undefined ? { port: e.port } : {}),
  });
  return {
    protocol: flow.protocol,
    source: endpoint(flow.source),
    destination: endpoint(flow.destination),
    timeoutSeconds: flow.timeoutSeconds,
    reverse: { protocol: flow.protocol, source: endpoint(flow.reverse.source), destination: endpoint(flow.reverse.destination), timeoutSeconds: flow.timeoutSeconds },
  };
}

export function formatFlowPageText(flows: readonly FlowView[], verbose: boolean): string {
  return formatFlowTable(flows.map(flowTableEntry), { verbose });
}

export class DataPlaneService {
  constructor(
    private readonly gateway: GatewayPort,
    private readonly audit: AuditLog,
  ) {}

  listFlows(query: FlowListQuery): FlowPage {
    const { text, verbose, ...flowQuery } = query;
    const errors = checkFlowQuery(flowQuery);
    if (errors.length > 0) throw badRequest(`invalid querystring: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
    const page = this.gateway.listFlows(flowQuery);
    if (text === undefined || !TRUE_WORDS.has(text)) return page;
    return { ...page, text: formatFlowPageText(page.flows, verbose !== undefined && TRUE_WORDS.has(verbose)) };
  }

  getFlow(id: string): FlowView {
    const flow = this.gateway.getFlow(id);
    if (!flow) throw notFound(`flow ${id}`);
    return flow;
  }

  trace(request: TraceRequest): TraceResult {
    return this.gateway.trace(request);
  }

  async ping(actor: Actor, request: PingRequest): Promise<PingResult> {
    const result = await this.gateway.ping(request);
    this.audit.record(actor, 'dataplane.ping', `address:${request.destination}`, {
      source: result.source,
      sent: result.sent,
      received: result.received,
    });
    return result;
  }
}
