import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv4, parseIpv6 } from '../payloads/ip-address.ts';

describe('IP address text', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('parses %s and formats it canonically as %s', (input, canonical) => {
    const bytes = parseIpv6(input);
    expect(bytes).toBeDefined();
    expect(formatIpv6(bytes ?? new Uint8Array(16))).toBe(canonical);
  });

  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', '', '1:2:3:4:5:6:7'])('rejects IPv6 %j', (input) => {
    expect(parseIpv6(input)).toBeUndefined();
  });

  it.each(['1.2.3', '256.1.1.1', '01.1.1.1', '1.2.3.4.5', 'a.b.c.d'])('rejects IPv4 %j', (input) => {
    expect(parseIpv4(input)).toBeUndefined();
  });
});
