/**
 * Inner IPv4 facts and traffic-selector coverage for the ESP layer: bounds
 * errors name the byte offset; ports, ICMP type/code and protocol narrow a
 * selector; fragments and opaque selectors never match a narrowed one.
 */
import { describe, expect, it } from 'vitest';
import type { TrafficSelector } from '@tunnelscope/ike';
import { parseIpv4 } from '../dataplane/ipv4-address.ts';
import { coversInbound, coversOutbound, peekInnerIpv4, selectorCovers } from './esp-inner-packet.ts';

function ipv4(protocol: number, source: string, destination: string, body: number[], fragmentOffset = 0): Uint8Array {
  const packet = new Uint8Array(20 + body.length);
  const view = new DataView(packet.buffer);
  packet[0] = 0x45;
  view.setUint16(2, packet.length);
  view.setUint16(6, fragmentOffset);
  packet[9] = protocol;
  source.split('.').forEach((octet, i) => (packet[12 + i] = Number(octet)));
  destination.split('.').forEach((octet, i) => (packet[16 + i] = Number(octet)));
  packet.set(body, 20);
  return packet;
}

const range = (start: string, end: string, extra: Partial<{ ipProtocol: number; startPort: number; endPort: number }> = {}): TrafficSelector => ({
  kind: 'ipv4',
  ipProtocol: 0,
  startPort: 0,
  endPort: 0xffff,
  startAddress: start,
  endAddress: end,
  ...extra,
});

describe('peekInnerIpv4', () => {
  it('reads addresses, protocol, UDP ports and ICMP type/code', () => {
    const udp = peekInnerIpv4(ipv4(17, '192.168.10.5', '10.10.10.7', [0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0]));
    expect(udp).toMatchObject({ ok: true, facts: { source: '192.168.10.5', destination: '10.10.10.7', protocol: 17, sourcePort: 40000, destinationPort: 53 } });
    const echo = peekInnerIpv4(ipv4(1, '1.2.3.4', '5.6.7.8', [8, 0, 0, 0]));
    expect(echo).toMatchObject({ ok: true, facts: { sourcePort: 0x0800, destinationPort: 0x0800 } });
    const fragment = peekInnerIpv4(ipv4(17, '1.2.3.4', '5.6.7.8', [1, 2], 10));
    expect(fragment).toMatchObject({ ok: true });
    expect(fragment.ok && fragment.facts.sourcePort).toBeUndefined();
  });

  it('names the offset of what is missing', () => {
    expect(peekInnerIpv4(new Uint8Array(12))).toEqual({ ok: false, detail: 'inner packet of 12 bytes is shorter than an IPv4 header (20 bytes at offset 0)' });
    const v6 = new Uint8Array(40);
    v6[0] = 0x60;
    expect(peekInnerIpv4(v6)).toEqual({ ok: false, detail: 'byte 0: IP version 6, expected 4' });
    const longHeader = ipv4(17, '1.2.3.4', '5.6.7.8', []);
    longHeader[0] = 0x4f;
    expect(peekInnerIpv4(longHeader)).toEqual({ ok: false, detail: 'byte 0: IHL gives a 60-byte header in a 20-byte packet' });
    expect(peekInnerIpv4(ipv4(6, '1.2.3.4', '5.6.7.8', [0, 80]))).toEqual({ ok: false, detail: 'offset 20: TCP ports need 4 bytes, 2 present' });
  });
});

describe('selector coverage', () => {
  it('checks address ranges, protocol and port ranges', () => {
    const address = parseIpv4('10.10.10.7')!;
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255'), address, 1, undefined)).toBe(true);
    expect(selectorCovers(range('10.10.11.0', '10.10.11.255'), address, 1, undefined)).toBe(false);
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255', { ipProtocol: 17 }), address, 1, 0x0800)).toBe(false);
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255', { ipProtocol: 17, startPort: 53, endPort: 53 }), address, 17, 53)).toBe(true);
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255', { ipProtocol: 17, startPort: 53, endPort: 53 }), address, 17, 54)).toBe(false);
    // A narrowed port range cannot be checked on a non-first fragment: no match.
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255', { startPort: 53, endPort: 53 }), address, 17, undefined)).toBe(false);
    expect(selectorCovers(range('10.10.10.0', '10.10.10.255', { ipProtocol: 17, startPort: 53, endPort: 53 }), address, 1, undefined, true)).toBe(true);
    expect(selectorCovers({ kind: 'opaque', tsType: 99, ipProtocol: 0, data: new Uint8Array(0) } as TrafficSelector, address, 1, undefined)).toBe(false);
  });

  it('parses a selector once but re-reads one whose addresses were replaced', () => {
    const address = parseIpv4('10.10.10.7')!;
    const selector = { kind: 'ipv4' as const, ipProtocol: 0, startPort: 0, endPort: 0xffff, startAddress: '10.10.10.0', endAddress: '10.10.10.255' };
    expect(selectorCovers(selector, address, 1, undefined)).toBe(true);
    expect(selectorCovers(selector, address, 1, undefined)).toBe(true);
    selector.startAddress = '10.10.11.0';
    selector.endAddress = '10.10.11.255';
    expect(selectorCovers(selector, address, 1, undefined)).toBe(false);
    selector.startAddress = 'not-an-address';
    expect(selectorCovers(selector, address, 1, undefined)).toBe(false);
  });

  it('outbound checks source against ours and destination against theirs; inbound the other way round', () => {
    const local = [range('192.168.10.0', '192.168.10.255')];
    const remote = [range('10.10.10.0', '10.10.10.255')];
    const out = peekInnerIpv4(ipv4(1, '192.168.10.5', '10.10.10.7', [8, 0]));
    const back = peekInnerIpv4(ipv4(1, '10.10.10.7', '192.168.10.5', [0, 0]));
    if (!out.ok || !back.ok) throw new Error('test packets must parse');
    expect(coversOutbound(local, remote, out.facts)).toBe(true);
    expect(coversOutbound(local, remote, back.facts)).toBe(false);
    expect(coversInbound(local, remote, back.facts)).toBe(true);
    expect(coversInbound(local, remote, out.facts)).toBe(false);
  });
});
