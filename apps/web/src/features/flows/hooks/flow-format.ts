/**
 * Pure helpers of the Flows view: endpoints written as `flow -show` writes
 * them (interface, "(n)" index in verbose, address, port or ESP SPI in hex),
 * live timeouts from `expiresAt` and the server/browser clock offset, the
 * URL's filter values checked before they are sent, and the column ->
 * server sort key table.
 */
import type { FlowEndpointView, FlowSortKey, FlowView } from '@tunnelscope/api';
import type { FlowFilterValues } from '../api/flows-api.ts';

export const FLOW_FILTER_NAMES = ['destiface', 'srciface', 'proto', 'srcip', 'destip', 'srcport', 'destport'] as const satisfies readonly (keyof FlowFilterValues)[];
export type FlowFilterName = (typeof FLOW_FILTER_NAMES)[number];

/** The CLI option each filter input stands for (shown as the input's label). */
export const FLOW_FILTER_LABELS: Record<FlowFilterName, string> = {
  destiface: '-destiface',
  srciface: '-srciface',
  proto: '-proto',
  srcip: '-srcip',
  destip: '-destip',
  srcport: '-srcport',
  destport: '-destport',
};

/** Table column id -> the server's sort key (FlowSortKey). */
export const FLOW_SORT_KEYS: Record<string, FlowSortKey> = {
  protocol: 'protocol',
  source: 'source',
  destination: 'destination',
  timeout: 'timeout',
  created: 'created',
  lastSeen: 'lastSeen',
  packets: 'packets',
  bytes: 'bytes',
};

/** The SPI as `flow -show` prints it: 0x%08x, lower case. */
export function formatFlowSpi(spi: string): string {
  const hex = spi.replace(/^0x/i, '').toLowerCase();
  return `0x${hex.padStart(8, '0')}`;
}

/** "core(0):53.0.0.1", "ext:53.0.1.2:0x757d8003", "ipsec-1:192.100.1.9:2048". */
export function formatFlowEndpoint(endpoint: FlowEndpointView, withNumber: boolean): string {
  const iface = withNumber ? `${endpoint.interface}(${endpoint.interfaceNumber})` : endpoint.interface;
  const hasSuffix = endpoint.port !== undefined || endpoint.spi !== undefined;
  const address = hasSuffix && endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  if (endpoint.spi !== undefined) return `${iface}:${address}:${formatFlowSpi(endpoint.spi)}`;
  if (endpoint.port !== undefined) return `${iface}:${address}:${endpoint.port}`;
  return `${iface}:${address}`;
}

/** The SPI of an ESP flow (it sits on whichever side the table keeps it). */
export function flowSpi(flow: FlowView): string | undefined {
  const spi = flow.destination.spi ?? flow.source.spi;
  return spi === undefined ? undefined : formatFlowSpi(spi);
}

/**
 * Server clock minus browser clock, from one response: the server read its
 * clock (`serverTime`) somewhere between the request leaving and the answer
 * arriving; the midpoint halves the error.
 */
export function clockOffsetMs(serverTime: number, requestStartedAt: number, responseArrivedAt: number): number {
  return serverTime - (requestStartedAt + responseArrivedAt) / 2;
}

/** Whole seconds left until the flow expires, as the gateway's clock sees it now (never below 0). */
export function flowSecondsLeft(expiresAt: number, browserNow: number, offsetMs: number): number {
  return Math.max(0, Math.ceil((expiresAt - (browserNow + offsetMs)) / 1000));
}

export type FilterProblems = Partial<Record<FlowFilterName, string>>;

const PROTOCOLS = new Set(['esp', 'icmp', 'udp', 'tcp']);

/**
 * Obvious mistakes caught before the request (the server checks again and
 * names the parameter; its answer is shown as well).
 */
export function checkFlowFilters(filters: FlowFilterValues): FilterProblems {
  const problems: FilterProblems = {};
  for (const name of ['srcport', 'destport'] as const) {
    const value = filters[name].trim();
    if (value === '') continue;
    if (!/^\d+$/.test(value) || Number(value) > 65535) problems[name] = 'a port number 0-65535';
  }
  const proto = filters.proto.trim().toLowerCase();
  if (proto !== '' && !PROTOCOLS.has(proto) && !(/^\d+$/.test(proto) && Number(proto) <= 255)) {
    problems.proto = 'esp, icmp, udp, tcp or a protocol number 0-255';
  }
  for (const name of ['srcip', 'destip'] as const) {
    const value = filters[name].trim();
    if (value === '') continue;
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(value)) problems[name] = 'an address or CIDR, e.g. 10.0.0.0/8';
  }
  return problems;
}
