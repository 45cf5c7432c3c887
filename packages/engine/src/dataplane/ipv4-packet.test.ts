import { describe, expect, it } from 'vitest';
import { parseIpv4 } from './ipv4-address.ts';
import {
  ICMP_TYPE,
  IP_PROTOCOL,
  PacketParseError,
  TCP_FLAG,
  decodeIcmp,
  decodeIpv4Packet,
  decodeTcp,
  decodeUdp,
  encodeIcmp,
  encodeIpv4Packet,
  encodeTcp,
  encodeUdp,
  internetChecksum,
  summarisePacket,
  withDecrementedTtl,
} from './ipv4-packet.ts';

const A = parseIpv4('192.168.1.10') ?? 0;
const B = parseIpv4('10.0.0.1') ?? 0;

function parseError(run: () => unknown): PacketParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof PacketParseError) return error;
    throw error;
  }
  throw new Error('expected a PacketParseError');
}

describe('Internet checksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 example: sum ddf2, checksum 220d', () => {
    const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(internetChecksum(bytes)).toBe(0x220d);
  });
  it('matches a known IPv4 header (checksum b861)', () => {
    const header = new Uint8Array([0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7]);
    expect(internetChecksum(header)).toBe(0xb861);
  });
});

describe('IPv4 / ICMP / UDP / TCP round trips', () => {
  it('ICMP echo in IPv4', () => {
    const icmp = encodeIcmp({ type: ICMP_TYPE.echoRequest, code: 0, identifier: 17683, sequence: 9, data: new Uint8Array([1, 2, 3]) });
    const packet = encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: A, destination: B, ttl: 33, identification: 77 }, icmp);
    const ip = decodeIpv4Packet(packet);
    expect(ip).toMatchObject({ protocol: 1, source: A, destination: B, ttl: 33, identification: 77, totalLength: 31, headerLength: 20 });
    expect(decodeIcmp(ip.payload)).toMatchObject({ type: 8, code: 0, identifier: 17683, sequence: 9 });
    const summary = summarisePacket(packet);
    expect([summary.sourcePort, summary.destinationPort]).toEqual([2048, 17683]);
  });
  it('UDP with pseudo-header checksum, decoded at an offset in a larger buffer', () => {
    const udp = encodeUdp({ sourcePort: 2152, destinationPort: 2123, data: new Uint8Array([9, 8, 7]) }, A, B);
    const packet = encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source: A, destination: B }, udp);
    const larger = new Uint8Array(packet.length + 10);
    larger.set(packet, 10);
    const ip = decodeIpv4Packet(larger.subarray(10));
    expect(decodeUdp(ip.payload, A, B)).toMatchObject({ sourcePort: 2152, destinationPort: 2123, data: new Uint8Array([9, 8, 7]) });
  });
  it('TCP header', () => {
    const tcp = encodeTcp({ sourcePort: 40000, destinationPort: 443, sequence: 0xdeadbeef, acknowledgment: 5, flags: TCP_FLAG.syn, window: 1000, data: new Uint8Array(0) }, A, B);
    expect(decodeTcp(tcp, A, B)).toMatchObject({ sourcePort: 40000, destinationPort: 443, sequence: 0xdeadbeef, acknowledgment: 5, flags: TCP_FLAG.syn, window: 1000 });
  });
  it('TTL decrement keeps a valid header checksum', () => {
    const packet = encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source: A, destination: B, ttl: 64 }, encodeUdp({ sourcePort: 1, destinationPort: 2, data: new Uint8Array(0) }, A, B));
    const decremented = withDecrementedTtl(packet, 20);
    expect(decodeIpv4Packet(decremented).ttl).toBe(63);
    expect(packet[8]).toBe(64);
  });
});

describe('malformed input names the byte offset', () => {
  const udpPacket = () => encodeIpv4Packet({ protocol: IP_PROTOCOL.udp, source: A, destination: B }, encodeUdp({ sourcePort: 1, destinationPort: 2, data: new Uint8Array(4) }, A, B));
  it.each([
    ['truncated header', new Uint8Array(12), 'truncated', 0],
    ['IPv6 version', (() => { const p = udpPacket(); p[0] = 0x65; return p; })(), 'bad_version', 0],
    ['IHL 4', (() => { const p = udpPacket(); p[0] = 0x44; return p; })(), 'bad_header_length', 0],
    ['total length past the buffer', udpPacket().subarray(0, 25), 'bad_total_length', 2],
    ['header checksum', (() => { const p = udpPacket(); p[10] = (p[10] ?? 0) ^ 1; return p; })(), 'bad_checksum', 10],
  ] as const)('%s', (_name, bytes, code, offset) => {
    const error = parseError(() => decodeIpv4Packet(bytes));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset);
    expect(error.message).toContain(`at byte offset ${offset}`);
  });
  it('a bad UDP checksum is reported at offset 26 of the packet', () => {
    const packet = udpPacket();
    packet[30] = (packet[30] ?? 0) ^ 0xff;
    const error = parseError(() => summarisePacket(packet));
    expect([error.code, error.offset]).toEqual(['bad_checksum', 26]);
  });
  it('a truncated ICMP header is reported at offset 20', () => {
    const packet = encodeIpv4Packet({ protocol: IP_PROTOCOL.icmp, source: A, destination: B }, new Uint8Array(4));
    const error = parseError(() => summarisePacket(packet));
    expect([error.code, error.offset]).toEqual(['truncated', 20]);
  });
});
