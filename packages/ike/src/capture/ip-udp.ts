/**
 * IPv4/IPv6 + UDP: just enough of each header to find UDP datagrams in a
 * capture (decode) and to wrap a datagram so that tshark accepts it (encode).
 *
 * IPv4 header (RFC 791)                 IPv6 header (RFC 8200)
 *  0      4      8             16        0      4          12              31
 * +------+------+-------------+-------+ +------+----------+----------------+
 * |Ver   |IHL   |TOS          |Total length| |Ver |Traffic class|Flow label |
 * |Identification      |Flg|Fragment offset| |Payload length|Next hdr|Hop lim|
 * |TTL          |Protocol     |Checksum    | |Source address (16 bytes)      |
 * |Source address                          | |Destination address (16 bytes) |
 * |Destination address                     |
 *
 * UDP header (RFC 768): source port, destination port, length, checksum.
 */
import type { ByteView } from './byte-view.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../payloads/ip-address.ts';

/** One end of a UDP datagram. */
export interface UdpEndpoint {
  /** Dotted quad or RFC 5952 IPv6 text. */
  address: string;
  port: number;
}

/** Why a captured frame produced no UDP record. */
export type SkipReason =
  | 'not-ip'
  | 'not-udp'
  | 'ip-fragment'
  | 'truncated'
  | 'unsupported-link-type';

export type IpDecodeResult =
  | {
      kind: 'udp';
      ipVersion: 4 | 6;
      src: UdpEndpoint;
      dst: UdpEndpoint;
      payload: Uint8Array;
      /** The payload is shorter than the UDP length says (snap length or first IP fragment). */
      truncated: boolean;
      /** This was the first fragment of a fragmented datagram; later fragments are not reassembled. */
      firstFragment: boolean;
    }
  | { kind: 'skip'; reason: SkipReason; detail: string };

const IPPROTO_UDP = 17;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_DEST_OPTS = 60;

/**
 * Decodes an IP packet starting at local offset 0 of `packet`.
 * `complete` is false when the capture cut the frame short (caplen < origlen):
 * then a short IP or UDP datagram is reported as truncated rather than
 * malformed. Throws CaptureParseError for headers that cannot be right.
 */
export function decodeIpPacket(packet: ByteView, complete: boolean): IpDecodeResult {
  if (packet.length < 1) return { kind: 'skip', reason: 'truncated', detail: 'empty IP packet' };
  const version = packet.u8(0, 'IP version') >> 4;
  if (version === 4) return decodeIpv4(packet, complete);
  if (version === 6) return decodeIpv6(packet, complete);
  return { kind: 'skip', reason: 'not-ip', detail: `IP version nibble is ${version}` };
}

function decodeIpv4(packet: ByteView, complete: boolean): IpDecodeResult {
  if (packet.length < 20) {
    if (!complete) return { kind: 'skip', reason: 'truncated', detail: 'IPv4 header cut by snap length' };
    packet.fail(0, `IPv4 header needs 20 bytes, frame has ${packet.length}`);
  }
  const headerLength = (packet.u8(0, 'IPv4 IHL') & 0x0f) * 4;
  if (headerLength < 20) packet.fail(0, `IPv4 header length ${headerLength} is below 20`);
  const totalLength = packet.u16be(2, 'IPv4 total length');
  if (totalLength < headerLength) {
    packet.fail(2, `IPv4 total length ${totalLength} is below header length ${headerLength}`);
  }
  if (totalLength > packet.length && complete) {
    packet.fail(2, `IPv4 total length ${totalLength} exceeds the ${packet.length} captured bytes`);
  }
  const flagsAndOffset = packet.u16be(6, 'IPv4 fragment field');
  const moreFragments = (flagsAndOffset & 0x2000) !== 0;
  const fragmentOffset = flagsAndOffset & 0x1fff;
  const protocol = packet.u8(9, 'IPv4 protocol');
  const src = formatIpv4(packet.slice(12, 4, 'IPv4 source').bytes);
  const dst = formatIpv4(packet.slice(16, 4, 'IPv4 destination').bytes);
  if (protocol !== IPPROTO_UDP) {
    return { kind: 'skip', reason: 'not-udp', detail: `IPv4 protocol ${protocol}` };
  }
  if (fragmentOffset !== 0) {
    return {
      kind: 'skip',
      reason: 'ip-fragment',
      detail: `IPv4 non-first fragment (offset ${fragmentOffset * 8}) ${src} -> ${dst} not reassembled`,
    };
  }
  if (headerLength > packet.length) {
    if (!complete) return { kind: 'skip', reason: 'truncated', detail: 'IPv4 options cut by snap length' };
    packet.fail(0, `IPv4 header length ${headerLength} exceeds the frame`);
  }
  const end = Math.min(totalLength, packet.length);
  const body = packet.slice(headerLength, end - headerLength, 'IPv4 payload');
  return decodeUdp(body, 4, src, dst, complete && end === totalLength, moreFragments);
}

function decodeIpv6(packet: ByteView, complete: boolean): IpDecodeResult {
  if (packet.length < 40) {
    if (!complete) return { kind: 'skip', reason: 'truncated', detail: 'IPv6 header cut by snap length' };
    packet.fail(0, `IPv6 header needs 40 bytes, frame has ${packet.length}`);
  }
  const payloadLength = packet.u16be(4, 'IPv6 payload length');
  if (payloadLength === 0) {
    return { kind: 'skip', reason: 'not-udp', detail: 'IPv6 jumbogram (payload length 0) not supported' };
  }
  if (40 + payloadLength > packet.length && complete) {
    packet.fail(4, `IPv6 payload length ${payloadLength} exceeds the ${packet.length - 40} captured bytes`);
  }
  const src = formatIpv6(packet.slice(8, 16, 'IPv6 source').bytes);
  const dst = formatIpv6(packet.slice(24, 16, 'IPv6 destination').bytes);
  const end = Math.min(40 + payloadLength, packet.length);
  const whole = complete && end === 40 + payloadLength;
  let nextHeader = packet.u8(6, 'IPv6 next header');
  let at = 40;
  let firstFragment = false;
  for (;;) {
    if (nextHeader === IPPROTO_UDP) break;
    if (
      nextHeader === IPV6_HOP_BY_HOP ||
      nextHeader === IPV6_ROUTING ||
      nextHeader === IPV6_DEST_OPTS ||
      nextHeader === IPV6_AH ||
      nextHeader === IPV6_FRAGMENT
    ) {
      if (at + 8 > end) {
        if (!whole) return { kind: 'skip', reason: 'truncated', detail: 'IPv6 extension header cut short' };
        packet.fail(at, 'IPv6 extension header runs past the payload');
      }
      const following = packet.u8(at, 'IPv6 extension next header');
      let length: number;
      if (nextHeader === IPV6_FRAGMENT) {
        length = 8;
        const offsetField = packet.u16be(at + 2, 'IPv6 fragment offset');
        if (offsetField >> 3 !== 0) {
          return {
            kind: 'skip',
            reason: 'ip-fragment',
            detail: `IPv6 non-first fragment (offset ${(offsetField >> 3) * 8}) ${src} -> ${dst} not reassembled`,
          };
        }
        firstFragment = (offsetField & 1) === 1;
      } else if (nextHeader === IPV6_AH) {
        length = (packet.u8(at + 1, 'IPv6 AH length') + 2) * 4;
      } else {
        length = (packet.u8(at + 1, 'IPv6 extension length') + 1) * 8;
      }
      if (at + length > end) {
        if (!whole) return { kind: 'skip', reason: 'truncated', detail: 'IPv6 extension header cut short' };
        packet.fail(at, `IPv6 extension header length ${length} runs past the payload`);
      }
      nextHeader = following;
      at += length;
      continue;
    }
    return { kind: 'skip', reason: 'not-udp', detail: `IPv6 next header ${nextHeader}` };
  }
  const body = packet.slice(at, end - at, 'IPv6 payload');
  return decodeUdp(body, 6, src, dst, whole, firstFragment);
}

function decodeUdp(
  body: ByteView,
  ipVersion: 4 | 6,
  srcAddress: string,
  dstAddress: string,
  whole: boolean,
  firstFragment: boolean,
): IpDecodeResult {
  const cut = !whole || firstFragment;
  if (body.length < 8) {
    if (cut) return { kind: 'skip', reason: 'truncated', detail: 'UDP header cut short' };
    body.fail(0, `UDP header needs 8 bytes, IP payload has ${body.length}`);
  }
  const srcPort = body.u16be(0, 'UDP source port');
  const dstPort = body.u16be(2, 'UDP destination port');
  const udpLength = body.u16be(4, 'UDP length');
  if (udpLength < 8) body.fail(4, `UDP length ${udpLength} is below 8`);
  let truncated = false;
  let payloadEnd = udpLength;
  if (udpLength > body.length) {
    if (!cut) body.fail(4, `UDP length ${udpLength} exceeds the ${body.length} bytes of IP payload`);
    truncated = true;
    payloadEnd = body.length;
  }
  return {
    kind: 'udp',
    ipVersion,
    src: { address: srcAddress, port: srcPort },
    dst: { address: dstAddress, port: dstPort },
    payload: body.bytes.slice(8, payloadEnd),
    truncated,
    firstFragment,
  };
}

/** Ones' complement sum of 16-bit words (RFC 1071), not yet folded or inverted. */
function sumWords(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] ?? 0) << 8;
  return sum;
}

function foldChecksum(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

/** The RFC 1071 Internet checksum of `bytes`. */
export function internetChecksum(bytes: Uint8Array): number {
  return foldChecksum(sumWords(bytes));
}

/**
 * Wraps `payload` in IPv4 or IPv6 + UDP headers with correct lengths and
 * checksums. Both addresses must be of the same family. `ipId` fills the
 * IPv4 identification field (ignored for IPv6). Throws RangeError on bad
 * addresses, ports, or a payload too large for one datagram.
 */
export function encodeIpUdp(src: UdpEndpoint, dst: UdpEndpoint, payload: Uint8Array, ipId = 0): Uint8Array {
  for (const end of [src, dst]) {
    if (!Number.isInteger(end.port) || end.port < 0 || end.port > 0xffff) {
      throw new RangeError(`UDP port out of range: ${end.port}`);
    }
  }
  const udpLength = 8 + payload.length;
  const src4 = parseIpv4(src.address);
  const dst4 = parseIpv4(dst.address);
  if (src4 && dst4) {
    if (20 + udpLength > 0xffff) throw new RangeError(`UDP payload of ${payload.length} bytes does not fit IPv4`);
    const out = new Uint8Array(20 + udpLength);
    const view = new DataView(out.buffer);
    out[0] = 0x45;
    view.setUint16(2, 20 + udpLength);
    view.setUint16(4, ipId & 0xffff);
    out[8] = 64;
    out[9] = IPPROTO_UDP;
    out.set(src4, 12);
    out.set(dst4, 16);
    view.setUint16(10, internetChecksum(out.subarray(0, 20)));
    writeUdp(out.subarray(20), src.port, dst.port, payload);
    const pseudo = new Uint8Array(12);
    pseudo.set(src4, 0);
    pseudo.set(dst4, 4);
    pseudo[9] = IPPROTO_UDP;
    new DataView(pseudo.buffer).setUint16(10, udpLength);
    setUdpChecksum(out.subarray(20), pseudo);
    return out;
  }
  const src6 = parseIpv6(src.address);
  const dst6 = parseIpv6(dst.address);
  if (src6 && dst6) {
    if (udpLength > 0xffff) throw new RangeError(`UDP payload of ${payload.length} bytes does not fit one datagram`);
    const out = new Uint8Array(40 + udpLength);
    const view = new DataView(out.buffer);
    out[0] = 0x60;
    view.setUint16(4, udpLength);
    out[6] = IPPROTO_UDP;
    out[7] = 64;
    out.set(src6, 8);
    out.set(dst6, 24);
    writeUdp(out.subarray(40), src.port, dst.port, payload);
    const pseudo = new Uint8Array(40);
    pseudo.set(src6, 0);
    pseudo.set(dst6, 16);
    new DataView(pseudo.buffer).setUint32(32, udpLength);
    pseudo[39] = IPPROTO_UDP;
    setUdpChecksum(out.subarray(40), pseudo);
    return out;
  }
  throw new RangeError(`addresses must both be IPv4 or both IPv6: ${src.address} -> ${dst.address}`);
}

function writeUdp(out: Uint8Array, srcPort: number, dstPort: number, payload: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(0, srcPort);
  view.setUint16(2, dstPort);
  view.setUint16(4, 8 + payload.length);
  out.set(payload, 8);
}

function setUdpChecksum(udp: Uint8Array, pseudoHeader: Uint8Array): void {
  const checksum = foldChecksum(sumWords(udp, sumWords(pseudoHeader)));
  // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
  new DataView(udp.buffer, udp.byteOffset, udp.byteLength).setUint16(6, checksum === 0 ? 0xffff : checksum);
}
