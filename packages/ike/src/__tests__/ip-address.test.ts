import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, parseIpAddress, parseIpv4, parseIpv6 } from '../payloads/ip-address.ts';

describe('IP address text', () => {
  it('IPv6 bytes -> canonical text -> bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIpv6(bytes);
        expect(parseIpv6(text)).toEqual(bytes);
        expect(text).toBe(text.toLowerCase());
      }),
      { numRuns: 500 },
    );
  });
  it('IPv6 with long zero runs compresses like RFC 5952', () => {
    const zeros = fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(zeros, (groups) => {
        const bytes = Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
        expect(parseIpv6(formatIpv6(bytes))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
    expect(formatIpv6(new Uint8Array(16))).toBe('::');
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIpv6(parseIpv6('1:0:2:0:3:0:4:0')!)).toBe('1:0:2:0:3:0:4:0');
  });
  it('parses embedded dotted quads and rejects malformed text', () => {
    expect(parseIpv6('::ffff:192.0.2.1')).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1));
    for (const bad of [':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '1:2:3:4:5:6:7', '::ffff:1.2.3']) {
      expect(parseIpv6(bad), bad).toBeUndefined();
    }
  });
  it('IPv4', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => void expect(parseIpv4(formatIpv4(b))).toEqual(b)));
    for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', '']) expect(parseIpv4(bad), bad).toBeUndefined();
    expect(parseIpAddress('10.0.0.1')).toEqual(Uint8Array.of(10, 0, 0, 1));
    expect(parseIpAddress('::1')?.length).toBe(16);
  });
});
