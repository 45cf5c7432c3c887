/**
 * IPv4 (RFC 791), ICMP (RFC 792), UDP (RFC 768) and TCP (RFC 9293) header
 * codecs for the data plane, with the Internet checksum (RFC 1071).
 *
 * Every read is bounds-checked first; a structural problem throws
 * `PacketParseError` with a stable code and the byte offset from the start
 * of the IPv4 packet. The data plane turns it into a counted drop
 * (`malformed`); nothing escapes it.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

export const IP_PROTOCOL = { icmp: 1, tcp: 6, udp: 17, esp: 50 } as const;

export const ICMP_TYPE = { echoReply: 0, destinationUnreachable: 3, echoRequest: 8, timeExceeded: 11 } as const;

/** Destination unreachable codes used by the data plane (RFC 792, RFC 1812 §5.2.7.1). */
export const ICMP_UNREACHABLE_CODE = { network: 0, host: 1, port: 3, adminProhibited: 13 } as const;

export const TCP_FLAG = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

export type PacketParseErrorCode =
  | 'truncated'
  | 'bad_version'
  | 'bad_header_length'
  | 'bad_total_length'
  | 'bad_checksum'
  | 'bad_length';

export class PacketParseError extends Error {
  constructor(
    readonly code: PacketParseErrorCode,
    /** Byte offset from the start of the IPv4 packet. */
    readonly offset: number,
    detail: string,
  ) {
    super(`packet: ${detail} at byte offset ${offset}`);
    this.name = 'PacketParseError';
  }
}

/** RFC 1071 one's-complement sum folded to 16 bits (not yet inverted). */
function onesComplementSum(bytes: Uint8Array, start: number, end: number, initial: number): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (i < end) sum += (bytes[i] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum (RFC 1071) of bytes[start, end), with an optional pre-summed pseudo header. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}

function pseudoHeaderSum(source: number, destination: number, protocol: number, length: number): number {
  return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + protocol + length;
}

function need(bytes: Uint8Array, offset: number, length: number, what: string, base: number): void {
  if (offset + length > bytes.length) {
    throw new PacketParseError('truncated', base + offset, `${what} needs ${length} bytes, ${Math.max(0, bytes.length - offset)} left`);
  }
}

const u16 = (bytes: Uint8Array, offset: number) => ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
const u32 = (bytes: Uint8Array, offset: number) => (u16(bytes, offset) * 0x10000 + u16(bytes, offset + 2)) >>> 0;
function put16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 255;
  bytes[offset + 1] = value & 255;
}
function put32(bytes: Uint8Array, offset: number, value: number): void {
  put16(bytes, offset, value >>> 16);
  put16(bytes, offset + 2, value & 0xffff);
}

// ---------------------------------------------------------------------------
// IPv4

export interface Ipv4Header {
  readonly tos: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly source: number;
  readonly destination: number;
}

export interface Ipv4Packet extends Ipv4Header {
  readonly headerLength: number;
  readonly totalLength: number;
  /** The payload bytes (a view into the packet). */
  readonly payload: Uint8Array;
}

export function decodeIpv4Packet(bytes: Uint8Array): Ipv4Packet {
  need(bytes, 0, 20, 'IPv4 header', 0);
  const version = (bytes[0] ?? 0) >> 4;
  if (version !== 4) throw new PacketParseError('bad_version', 0, `IP version ${version}, expected 4`);
  const headerLength = ((bytes[0] ?? 0) & 15) * 4;
  if (headerLength < 20) throw new PacketParseError('bad_header_length', 0, `IHL ${headerLength / 4} words is below the minimum 5`);
  need(bytes, 0, headerLength, 'IPv4 header with options', 0);
  const totalLength = u16(bytes, 2);
  if (totalLength < headerLength || totalLength > bytes.length) {
    throw new PacketParseError('bad_total_length', 2, `total length ${totalLength} does not fit header ${headerLength} and buffer ${bytes.length}`);
  }
  if (onesComplementSum(bytes, 0, headerLength, 0) !== 0xffff) {
    throw new PacketParseError('bad_checksum', 10, `IPv4 header checksum 0x${u16(bytes, 10).toString(16).padStart(4, '0')} is wrong`);
  }
  const flagsAndOffset = u16(bytes, 6);
  return {
    tos: bytes[1] ?? 0,
    headerLength,
    totalLength,
    identification: u16(bytes, 4),
    dontFragment: (flagsAndOffset & 0x4000) !== 0,
    moreFragments: (flagsAndOffset & 0x2000) !== 0,
    fragmentOffset: (flagsAndOffset & 0x1fff) * 8,
    ttl: bytes[8] ?? 0,
    protocol: bytes[9] ?? 0,
    source: u32(bytes, 12),
    destination: u32(bytes, 16),
    payload: bytes.subarray(headerLength, totalLength),
  };
}

export interface Ipv4Fields {
  readonly protocol: number;
  readonly source: number;
  readonly destination: number;
  readonly ttl?: number;
  readonly identification?: number;
  readonly tos?: number;
  readonly dontFragment?: boolean;
}

/** A 20-byte header (no options) followed by the payload. */
export function encodeIpv4Packet(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const totalLength = 20 + payload.length;
  if (totalLength > 0xffff) throw new RangeError(`packet: IPv4 total length ${totalLength} exceeds 65535`);
  const bytes = new Uint8Array(totalLength);
  bytes[0] = 0x45;
  bytes[1] = fields.tos ?? 0;
  put16(bytes, 2, totalLength);
  put16(bytes, 4, fields.identification ?? 0);
  put16(bytes, 6, fields.dontFragment === true ? 0x4000 : 0);
  bytes[8] = fields.ttl ?? 64;
  bytes[9] = fields.protocol;
  put32(bytes, 12, fields.source);
  put32(bytes, 16, fields.destination);
  put16(bytes, 10, internetChecksum(bytes, 0, 20));
  bytes.set(payload, 20);
  return bytes;
}

/** A copy of the packet with TTL decremented and the header checksum updated. */
export function withDecrementedTtl(bytes: Uint8Array, headerLength: number): Uint8Array {
  const copy = bytes.slice();
  copy[8] = ((copy[8] ?? 1) - 1) & 255;
  put16(copy, 10, 0);
  put16(copy, 10, internetChecksum(copy, 0, headerLength));
  return copy;
}

// ---------------------------------------------------------------------------
// ICMP (RFC 792): type, code, checksum; echo adds identifier and sequence.

export interface IcmpMessage {
  readonly type: number;
  readonly code: number;
  /** Echo request/reply only (0 otherwise). */
  readonly identifier: number;
  readonly sequence: number;
  /** Echo: the data after the 8-byte header; errors: the quoted packet. */
  readonly data: Uint8Array;
}

/** `base` is the ICMP message's offset in the IPv4 packet (for error offsets). */
export function decodeIcmp(bytes: Uint8Array, base = 0): IcmpMessage {
  need(bytes, 0, 8, 'ICMP header', base);
  if (onesComplementSum(bytes, 0, bytes.length, 0) !== 0xffff) {
    throw new PacketParseError('bad_checksum', base + 2, 'ICMP checksum is wrong');
  }
  const type = bytes[0] ?? 0;
  const echo = type === ICMP_TYPE.echoRequest || type === ICMP_TYPE.echoReply;
  return {
    type,
    code: bytes[1] ?? 0,
    identifier: echo ? u16(bytes, 4) : 0,
    sequence: echo ? u16(bytes, 6) : 0,
    data: bytes.subarray(8),
  };
}

export function encodeIcmp(message: IcmpMessage): Uint8Array {
  const bytes = new Uint8Array(8 + message.data.length);
  bytes[0] = message.type;
  bytes[1] = message.code;
  put16(bytes, 4, message.identifier);
  put16(bytes, 6, message.sequence);
  bytes.set(message.data, 8);
  put16(bytes, 2, internetChecksum(bytes));
  return bytes;
}

/** Destination unreachable quoting the offending header and the first 8 payload bytes (RFC 792). */
export function encodeIcmpUnreachable(code: number, offending: Uint8Array, headerLength: number): Uint8Array {
  const quoted = offending.subarray(0, Math.min(offending.length, headerLength + 8));
  return encodeIcmp({ type: ICMP_TYPE.destinationUnreachable, code, identifier: 0, sequence: 0, data: quoted });
}

// ---------------------------------------------------------------------------
// UDP (RFC 768): source port, destination port, length, checksum over a pseudo header.

export interface UdpDatagram {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly data: Uint8Array;
}

export function decodeUdp(bytes: Uint8Array, source: number, destination: number, base = 0): UdpDatagram {
  need(bytes, 0, 8, 'UDP header', base);
  const length = u16(bytes, 4);
  if (length < 8 || length > bytes.length) {
    throw new PacketParseError('bad_length', base + 4, `UDP length ${length} does not fit the ${bytes.length} bytes after the IP header`);
  }
  const checksum = u16(bytes, 6);
  if (checksum !== 0 && onesComplementSum(bytes, 0, length, pseudoHeaderSum(source, destination, IP_PROTOCOL.udp, length)) !== 0xffff) {
    throw new PacketParseError('bad_checksum', base + 6, 'UDP checksum is wrong');
  }
  return { sourcePort: u16(bytes, 0), destinationPort: u16(bytes, 2), data: bytes.subarray(8, length) };
}

export function encodeUdp(datagram: UdpDatagram, source: number, destination: number): Uint8Array {
  const length = 8 + datagram.data.length;
  const bytes = new Uint8Array(length);
  put16(bytes, 0, datagram.sourcePort);
  put16(bytes, 2, datagram.destinationPort);
  put16(bytes, 4, length);
  bytes.set(datagram.data, 8);
  const checksum = internetChecksum(bytes, 0, length, pseudoHeaderSum(source, destination, IP_PROTOCOL.udp, length));
  put16(bytes, 6, checksum === 0 ? 0xffff : checksum);
  return bytes;
}

// ---------------------------------------------------------------------------
// TCP (RFC 9293 §3.1): the fields connection tracking needs.

export interface TcpSegment {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly sequence: number;
  readonly acknowledgment: number;
  /** FIN, SYN, RST, PSH, ACK bits (TCP_FLAG). */
  readonly flags: number;
  readonly window: number;
  readonly data: Uint8Array;
}

export function decodeTcp(bytes: Uint8Array, source: number, destination: number, base = 0): TcpSegment {
  need(bytes, 0, 20, 'TCP header', base);
  const dataOffset = ((bytes[12] ?? 0) >> 4) * 4;
  if (dataOffset < 20 || dataOffset > bytes.length) {
    throw new PacketParseError('bad_header_length', base + 12, `TCP data offset ${dataOffset} bytes does not fit ${bytes.length}`);
  }
  if (onesComplementSum(bytes, 0, bytes.length, pseudoHeaderSum(source, destination, IP_PROTOCOL.tcp, bytes.length)) !== 0xffff) {
    throw new PacketParseError('bad_checksum', base + 16, 'TCP checksum is wrong');
  }
  return {
    sourcePort: u16(bytes, 0),
    destinationPort: u16(bytes, 2),
    sequence: u32(bytes, 4),
    acknowledgment: u32(bytes, 8),
    flags: (bytes[13] ?? 0) & 0x3f,
    window: u16(bytes, 14),
    data: bytes.subarray(dataOffset),
  };
}

export function encodeTcp(segment: TcpSegment, source: number, destination: number): Uint8Array {
  const bytes = new Uint8Array(20 + segment.data.length);
  put16(bytes, 0, segment.sourcePort);
  put16(bytes, 2, segment.destinationPort);
  put32(bytes, 4, segment.sequence);
  put32(bytes, 8, segment.acknowledgment);
  bytes[12] = 5 << 4;
  bytes[13] = segment.flags & 0x3f;
  put16(bytes, 14, segment.window);
  bytes.set(segment.data, 20);
  put16(bytes, 16, internetChecksum(bytes, 0, bytes.length, pseudoHeaderSum(source, destination, IP_PROTOCOL.tcp, bytes.length)));
  return bytes;
}

// ---------------------------------------------------------------------------
// The 5-tuple connection tracking keys on.

export interface PacketSummary {
  readonly ip: Ipv4Packet;
  /** UDP/TCP ports; ICMP echo: type<<8|code and the identifier; other ICMP: type<<8|code and 0. */
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly icmp?: IcmpMessage;
  readonly udp?: UdpDatagram;
  readonly tcp?: TcpSegment;
}

/** Decodes the IPv4 header and the transport header that flows key on. Throws PacketParseError. */
export function summarisePacket(bytes: Uint8Array): PacketSummary {
  const ip = decodeIpv4Packet(bytes);
  if (ip.fragmentOffset !== 0 || ip.moreFragments) return { ip, sourcePort: 0, destinationPort: 0 };
  switch (ip.protocol) {
    case IP_PROTOCOL.icmp: {
      const icmp = decodeIcmp(ip.payload, ip.headerLength);
      return { ip, icmp, sourcePort: (icmp.type << 8) | icmp.code, destinationPort: icmp.identifier };
    }
    case IP_PROTOCOL.udp: {
      const udp = decodeUdp(ip.payload, ip.source, ip.destination, ip.headerLength);
      return { ip, udp, sourcePort: udp.sourcePort, destinationPort: udp.destinationPort };
    }
    case IP_PROTOCOL.tcp: {
      const tcp = decodeTcp(ip.payload, ip.source, ip.destination, ip.headerLength);
      return { ip, tcp, sourcePort: tcp.sourcePort, destinationPort: tcp.destinationPort };
    }
    default:
      return { ip, sourcePort: 0, destinationPort: 0 };
  }
}

/** Protocol number -> the flow table's name ("ESP", "ICMP", ...), or the number. */
export function protocolName(protocol: number): string {
  switch (protocol) {
    case IP_PROTOCOL.icmp:
      return 'ICMP';
    case IP_PROTOCOL.tcp:
      return 'TCP';
    case IP_PROTOCOL.udp:
      return 'UDP';
    case IP_PROTOCOL.esp:
      return 'ESP';
    default:
      return String(protocol);
  }
}
