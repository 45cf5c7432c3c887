/**
 * `flow -show [-verbose]` text output, column for column the seed's
 * (13.6.3):
 *
 *   Proto   Source                        Destination                   Timeout
 *   ------- ----------------------------- ----------------------------- -------
 *   ESP     core:53.0.0.1                 ext:53.0.1.2:0x757d8003       125
 *
 * ESP flows show the SPI in hexadecimal where other flows show a port.
 * With -verbose each flow is followed by its reverse flow ("...rev:") and
 * the source interface carries the number the flow table keeps for it in
 * parentheses. The flow subsystem supplies rows of this shape.
 */
import { networkContainsAddress, parseCidr, parseIpAddress } from '../config/ip-address.ts';
import { PROTOCOL_NAMES } from './command-table.ts';
import type { FlowFilter } from './parse-command-line.ts';

export interface FlowTableEndpoint {
  readonly interface: string;
  /** Shown in parentheses after the source interface in -verbose output ("core(0)"). */
  readonly interfaceNumber?: number;
  readonly address: string;
  /** Port (ICMP: type/code word or identifier, as the flow table keeps it). */
  readonly port?: number;
  /** ESP: the SPI, printed as 0x%08x in place of a port. */
  readonly spi?: number;
}

export interface FlowTableRow {
  /** "ESP", "ICMP", "UDP", "TCP" */
  readonly protocol: string;
  readonly source: FlowTableEndpoint;
  readonly destination: FlowTableEndpoint;
  readonly timeoutSeconds: number;
}

export interface FlowTableEntry extends FlowTableRow {
  readonly reverse?: FlowTableRow;
}

const PROTO_WIDTH = 7;
const ENDPOINT_WIDTH = 29;

function formatEndpoint(endpoint: FlowTableEndpoint, withNumber: boolean): string {
  const iface = withNumber && endpoint.interfaceNumber !== undefined ? `${endpoint.interface}(${endpoint.interfaceNumber})` : endpoint.interface;
  const hasSuffix = endpoint.port !== undefined || endpoint.spi !== undefined;
  const address = hasSuffix && endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  let text = `${iface}:${address}`;
  if (endpoint.spi !== undefined) text += `:0x${(endpoint.spi >>> 0).toString(16).padStart(8, '0')}`;
  else if (endpoint.port !== undefined) text += `:${endpoint.port}`;
  return text;
}

function formatRow(label: string, row: FlowTableRow, verbose: boolean): string {
  return (
    `${label.padEnd(PROTO_WIDTH)} ` +
    `${formatEndpoint(row.source, verbose).padEnd(ENDPOINT_WIDTH)} ` +
    `${formatEndpoint(row.destination, false).padEnd(ENDPOINT_WIDTH)} ` +
    `${Math.max(0, Math.round(row.timeoutSeconds))}`
  );
}

export function formatFlowTable(entries: readonly FlowTableEntry[], options: { readonly verbose?: boolean } = {}): string {
  const verbose = options.verbose ?? false;
  const lines = [
    `${'Proto'.padEnd(PROTO_WIDTH)} ${'Source'.padEnd(ENDPOINT_WIDTH)} ${'Destination'.padEnd(ENDPOINT_WIDTH)} Timeout`,
    `${'-'.repeat(PROTO_WIDTH)} ${'-'.repeat(ENDPOINT_WIDTH)} ${'-'.repeat(ENDPOINT_WIDTH)} ${'-'.repeat(7)}`,
  ];
  for (const entry of entries) {
    lines.push(formatRow(entry.protocol, entry, verbose));
    if (verbose && entry.reverse !== undefined) lines.push(formatRow('...rev:', entry.reverse, true));
  }
  return lines.join('\n');
}

function protocolNumber(name: string): number | undefined {
  const named = PROTOCOL_NAMES[name.toLowerCase()];
  if (named !== undefined) return named;
  return /^\d+$/.test(name) ? Number(name) : undefined;
}

/** A `-srcip=`/`-destip=` test: the address equals it, or lies in it when it is a CIDR network. Unparsable filters match nothing. */
function addressMatcher(filterText: string | undefined): ((address: string) => boolean) | undefined {
  if (filterText === undefined) return undefined;
  const network = parseCidr(filterText)?.network;
  if (network === undefined) return () => false;
  return (address) => {
    const parsed = parseIpAddress(address);
    return parsed !== undefined && networkContainsAddress(network, parsed);
  };
}

/** The `flow -show` filter options as one predicate over (forward) flows; CIDR filters are parsed once. */
export function flowFilterMatcher(filter: FlowFilter): (entry: FlowTableEntry) => boolean {
  const source = addressMatcher(filter.sourceAddress);
  const destination = addressMatcher(filter.destinationAddress);
  return (entry) => {
    if (filter.destinationInterface !== undefined && entry.destination.interface !== filter.destinationInterface) return false;
    if (filter.sourceInterface !== undefined && entry.source.interface !== filter.sourceInterface) return false;
    if (filter.protocol !== undefined && protocolNumber(entry.protocol) !== filter.protocol) return false;
    if (source !== undefined && !source(entry.source.address)) return false;
    if (destination !== undefined && !destination(entry.destination.address)) return false;
    if (filter.sourcePort !== undefined && entry.source.port !== filter.sourcePort) return false;
    if (filter.destinationPort !== undefined && entry.destination.port !== filter.destinationPort) return false;
    return true;
  };
}

/** The `flow -show` filter options applied to one (forward) flow. */
export function matchesFlowFilter(entry: FlowTableEntry, filter: FlowFilter): boolean {
  return flowFilterMatcher(filter)(entry);
}
