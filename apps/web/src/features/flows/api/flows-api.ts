/**
 * The Flows view's only way to the server: the flow table (`flow -show` as
 * data, filtered, sorted and paged by the server), one flow, packet traces,
 * pings through tunnels, interfaces and data-plane counters
 * (packages/api/src/rest/flows.ts).
 */
import type {
  DataPlaneCounters,
  FlowPage,
  FlowView,
  InterfaceView,
  PingRequest,
  PingResult,
  TraceRequest,
  TraceResult,
} from '@tunnelscope/api';
import { buildQuery, requestJson } from '../../../lib/http-client.ts';

/** The `flow -show` filters, as typed into the filter bar (strings; the server validates). */
export interface FlowFilterValues {
  destiface: string;
  srciface: string;
  proto: string;
  srcip: string;
  destip: string;
  srcport: string;
  destport: string;
}

export interface FlowPageRequest {
  filters: FlowFilterValues;
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  /** Ask for the `flow -show` text of the page as well. */
  text: boolean;
  /** With text: the `flow -show -verbose` layout. */
  verbose: boolean;
}

export function fetchFlowPage(request: FlowPageRequest, signal?: AbortSignal): Promise<FlowPage> {
  const query = buildQuery({
    ...request.filters,
    sort: request.sort,
    order: request.sort === '' ? '' : request.order,
    offset: request.offset,
    limit: request.limit,
    text: request.text ? 1 : undefined,
    verbose: request.text && request.verbose ? 1 : undefined,
  });
  return requestJson(`/flows${query}`, signal ? { signal } : {});
}

export function fetchFlow(id: string, signal?: AbortSignal): Promise<FlowView> {
  return requestJson(`/flows/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function runTrace(request: TraceRequest): Promise<TraceResult> {
  return requestJson('/dataplane/trace', { method: 'POST', body: request });
}

export function runPing(request: PingRequest): Promise<PingResult> {
  return requestJson('/dataplane/ping', { method: 'POST', body: request });
}

export function fetchInterfaces(signal?: AbortSignal): Promise<{ items: InterfaceView[] }> {
  return requestJson('/dataplane/interfaces', signal ? { signal } : {});
}

export function fetchDataPlaneCounters(signal?: AbortSignal): Promise<DataPlaneCounters> {
  return requestJson('/dataplane/counters', signal ? { signal } : {});
}
