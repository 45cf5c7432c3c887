import { describe, expect, it } from 'vitest';
import { describeRange, formatIpAddress, isAllNets, parseIpAddress, parseNetwork, parseRange, rangeContains, rangeToCidr, rangesOverlap } from './ip-networks.ts';
import { addressBookOf, coversAllNets, resolveReferences } from './tunnel-networks.ts';

describe('ip networks', () => {
  it('parses CIDRs, bare addresses and reports host bits (the seed\'s 192.168.10.0/16)', () => {
    expect(parseNetwork('192.168.10.0/24')).toMatchObject({ prefixLength: 24, hostBitsSet: false, canonical: '192.168.10.0/24' });
    expect(parseNetwork('192.168.10.0/16')).toMatchObject({ hostBitsSet: true, canonical: '192.168.0.0/16' });
    expect(parseNetwork('10.1.2.3')).toMatchObject({ prefixLength: 32, canonical: '10.1.2.3/32' });
    expect(parseNetwork('10.1.2.3/33')).toBeUndefined();
    expect(parseNetwork('300.1.1.1/8')).toBeUndefined();
    expect(parseNetwork('2001:db8::1/64')).toMatchObject({ hostBitsSet: true, canonical: '2001:db8::/64' });
  });

  it('formats IPv6 the RFC 5952 way', () => {
    expect(formatIpAddress(parseIpAddress('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIpAddress(parseIpAddress('::')!)).toBe('::');
    expect(formatIpAddress(parseIpAddress('fe80:0:0:1::')!)).toBe('fe80:0:0:1::');
  });

  it('reads the engine\'s selector ranges and turns exact ones back into CIDRs', () => {
    const range = parseRange('192.168.0.0-192.168.255.255')!;
    expect(rangeToCidr(range)).toBe('192.168.0.0/16');
    expect(rangeToCidr(parseRange('10.0.0.1-10.0.0.5')!)).toBeUndefined();
    expect(describeRange(parseRange('10.0.0.1-10.0.0.5')!)).toBe('10.0.0.1-10.0.0.5');
    expect(rangeContains(range, parseNetwork('192.168.10.0/24')!.range)).toBe(true);
    expect(rangesOverlap(range, parseNetwork('10.0.0.0/8')!.range)).toBe(false);
  });

  it('knows all-nets in every spelling, address book entries included', () => {
    const book = addressBookOf({ addressBook: [{ name: 'everything', networks: ['0.0.0.0/0'] }, { name: 'lan', networks: ['192.168.1.0/24'] }] });
    expect(isAllNets(parseNetwork('0.0.0.0/0')!.range)).toBe(true);
    expect(isAllNets(parseNetwork('::/0')!.range)).toBe(true);
    for (const reference of ['all-nets-ip4', 'all-nets-ip6', '0.0.0.0/0', 'everything']) expect(coversAllNets([reference], book)).toBe(true);
    expect(coversAllNets(['lan', '10.0.0.0/8'], book)).toBe(false);
    expect(resolveReferences(['lan'], book).map(describeRange)).toEqual(['192.168.1.0/24']);
  });
});
