import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalIpAddress,
  formatIpAddress,
  formatNetwork,
  formatRange,
  networkToRange,
  parseAddressWithOptionalPort,
  parseCidr,
  parseIpAddress,
  rangeToNetwork,
} from './ip-address.ts';

describe('IP addresses', () => {
  it('parses and formats IPv4 strictly', () => {
    expect(canonicalIpAddress('172.22.53.18')).toBe('172.22.53.18');
    for (const bad of ['10.0.0.300', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-1', '', 'a.b.c.d']) {
      expect(parseIpAddress(bad), bad).toBeUndefined();
    }
  });

  it('parses IPv6 forms and formats them per RFC 5952', () => {
    expect(canonicalIpAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIpAddress('::')).toBe('::');
    expect(canonicalIpAddress('::1')).toBe('::1');
    expect(canonicalIpAddress('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIpAddress('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(canonicalIpAddress('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '12345::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7']) {
      expect(parseIpAddress(bad), bad).toBeUndefined();
    }
  });

  it('round-trips any address through text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const parsed = parseIpAddress(text);
        expect(parsed).toBeDefined();
        if (parsed === undefined) return;
        expect(parseIpAddress(formatIpAddress(parsed))).toEqual(parsed);
      }),
    );
  });

  it('clears host bits and reports that it did', () => {
    const parsed = parseCidr('192.168.10.0/16');
    expect(parsed?.hostBitsSet).toBe(true);
    expect(parsed && formatNetwork(parsed.network)).toBe('192.168.0.0/16');
    expect(parseCidr('192.168.10.0/24')?.hostBitsSet).toBe(false);
    expect(parseCidr('10.0.0.1')?.network.prefixLength).toBe(32);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
  });

  it('converts between networks and ranges', () => {
    const network = parseCidr('10.10.10.0/24')?.network;
    if (network === undefined) throw new Error('parse');
    const range = networkToRange(network);
    expect(formatRange(range)).toBe('10.10.10.0/24');
    expect(rangeToNetwork(range)).toEqual(network);
    expect(formatRange({ family: 4, start: range.start + 5n, end: range.start + 9n })).toBe('10.10.10.5-10.10.10.9');
  });

  it('parses an address with an optional port', () => {
    expect(parseAddressWithOptionalPort('10.0.0.1')).toEqual({ address: '10.0.0.1' });
    expect(parseAddressWithOptionalPort('10.0.0.1:500')).toEqual({ address: '10.0.0.1', port: 500 });
    expect(parseAddressWithOptionalPort('[2001:DB8::1]:4500')).toEqual({ address: '2001:db8::1', port: 4500 });
    expect(parseAddressWithOptionalPort('2001:db8::1')).toEqual({ address: '2001:db8::1' });
    expect(parseAddressWithOptionalPort('10.0.0.1:70000')).toBeUndefined();
  });
});
