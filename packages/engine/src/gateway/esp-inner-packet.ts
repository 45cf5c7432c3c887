/**
 * The few facts of an inner IPv4 packet the ESP layer needs to pick and
 * check a CHILD_SA: addresses, protocol and ports (ICMP type/code), and the
 * match against the CHILD_SA's traffic selectors (RFC 7296 §3.13.1).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  |         Identification        |Flags|      Fragment Offset    |
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  |                       Source Address                          |
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every read is bounds-checked; a packet that does not hold what is read
 * gives an error naming the byte offset, never a throw.
 */
import type { TrafficSelector } from '@tunnelscope/ike';
import { formatIpv4, parseIpv4 } from '../dataplane/ipv4-address.ts';

export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

export interface InnerPacketFacts {
  readonly source: string;
  readonly destination: string;
  /** As numbers, for range checks. */
  sourceValue: number;
  destinationValue: number;
  protocol: number;
  /** TCP/UDP ports; for ICMP both are type << 8 | code (RFC 4301 §4.4.1.1); undefined for other protocols and non-first fragments. */
  sourcePort?: number;
  destinationPort?: number;
}

export type InnerPacketPeek = { ok: true; facts: InnerPacketFacts } | { ok: false; detail: string };

/**
 * Facts read from a packet. The dotted quads are only needed for drop texts,
 * so they are prototype getters built when read, not per packet: copy them
 * by name (a spread or JSON.stringify leaves them out).
 */
class PeekedIpv4Facts implements InnerPacketFacts {
  declare sourcePort?: number;
  declare destinationPort?: number;
  constructor(
    readonly sourceValue: number,
    readonly destinationValue: number,
    readonly protocol: number,
  ) {}
  get source(): string {
    return formatIpv4(this.sourceValue);
  }
  get destination(): string {
    return formatIpv4(this.destinationValue);
  }
}

/** Reads addresses, protocol and ports of an IPv4 packet. */
export function peekInnerIpv4(packet: Uint8Array): InnerPacketPeek {
  if (packet.length < 20) return { ok: false, detail: `inner packet of ${packet.length} bytes is shorter than an IPv4 header (20 bytes at offset 0)` };
  const first = packet[0]!;
  if (first >> 4 !== 4) return { ok: false, detail: `byte 0: IP version ${first >> 4}, expected 4` };
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < 20 || headerLength > packet.length) {
    return { ok: false, detail: `byte 0: IHL gives a ${headerLength}-byte header in a ${packet.length}-byte packet` };
  }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const protocol = packet[9]!;
  const sourceValue = view.getUint32(12);
  const destinationValue = view.getUint32(16);
  const facts = new PeekedIpv4Facts(sourceValue, destinationValue, protocol);
  const fragmentOffset = view.getUint16(6) & 0x1fff;
  if (fragmentOffset !== 0) return { ok: true, facts };
  if (protocol === IP_PROTOCOL_TCP || protocol === IP_PROTOCOL_UDP) {
    if (packet.length < headerLength + 4) return { ok: false, detail: `offset ${headerLength}: ${protocol === IP_PROTOCOL_TCP ? 'TCP' : 'UDP'} ports need 4 bytes, ${packet.length - headerLength} present` };
    facts.sourcePort = view.getUint16(headerLength);
    facts.destinationPort = view.getUint16(headerLength + 2);
  } else if (protocol === IP_PROTOCOL_ICMP) {
    if (packet.length < headerLength + 2) return { ok: false, detail: `offset ${headerLength}: ICMP type and code need 2 bytes, ${packet.length - headerLength} present` };
    const typeCode = view.getUint16(headerLength);
    facts.sourcePort = typeCode;
    facts.destinationPort = typeCode;
  }
  return { ok: true, facts };
}


/**
 * Whether one side of a packet (address, protocol, port) lies inside a
 * selector. `addressesOnly` (a trace that knows only addresses) ignores
 * protocol and ports.
 */
export function selectorCovers(selector: TrafficSelector, address: number, protocol: number, port: number | undefined, addressesOnly = false): boolean {
  if (selector.kind !== 'ipv4') return false;
  const range = selectorRange(selector);
  if (range === null || address < range.start || address > range.end) return false;
  if (addressesOnly) return true;
  if (selector.ipProtocol !== 0 && selector.ipProtocol !== protocol) return false;
  // 0-65535 is "any port"; a narrower range needs a port (non-first fragments cannot be checked: RFC 4301 §7).
  if (selector.startPort === 0 && selector.endPort === 0xffff) return true;
  return port !== undefined && port >= selector.startPort && port <= selector.endPort;
}

interface ParsedRange {
  readonly startAddress: string;
  readonly endAddress: string;
  /** Null when either address is not a dotted quad (the selector covers nothing). */
  readonly range: { readonly start: number; readonly end: number } | null;
}

/** Parsed address ranges by selector object: every packet is checked against the same CHILD_SA selectors. */
const parsedRanges = new WeakMap<object, ParsedRange>();

function selectorRange(selector: { readonly startAddress: string; readonly endAddress: string }): ParsedRange['range'] {
  const cached = parsedRanges.get(selector);
  // The addresses are compared too, so a selector object whose fields were replaced is parsed anew.
  if (cached !== undefined && cached.startAddress === selector.startAddress && cached.endAddress === selector.endAddress) return cached.range;
  const start = parseIpv4(selector.startAddress);
  const end = parseIpv4(selector.endAddress);
  const parsed: ParsedRange = {
    startAddress: selector.startAddress,
    endAddress: selector.endAddress,
    range: start === undefined || end === undefined ? null : { start, end },
  };
  parsedRanges.set(selector, parsed);
  return parsed.range;
}

/** Whether any selector of the list covers that side of the packet. */
export function selectorsCover(selectors: readonly TrafficSelector[], address: number, protocol: number, port: number | undefined, addressesOnly = false): boolean {
  return selectors.some((selector) => selectorCovers(selector, address, protocol, port, addressesOnly));
}

/** Outbound: our side is the source, the peer's the destination. */
export function coversOutbound(localTs: readonly TrafficSelector[], remoteTs: readonly TrafficSelector[], facts: InnerPacketFacts, addressesOnly = false): boolean {
  return (
    selectorsCover(localTs, facts.sourceValue, facts.protocol, facts.sourcePort, addressesOnly) &&
    selectorsCover(remoteTs, facts.destinationValue, facts.protocol, facts.destinationPort, addressesOnly)
  );
}

/** Inbound: the peer's side is the source, ours the destination. */
export function coversInbound(localTs: readonly TrafficSelector[], remoteTs: readonly TrafficSelector[], facts: InnerPacketFacts): boolean {
  return (
    selectorsCover(remoteTs, facts.sourceValue, facts.protocol, facts.sourcePort) &&
    selectorsCover(localTs, facts.destinationValue, facts.protocol, facts.destinationPort)
  );
}
