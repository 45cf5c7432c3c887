import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.ts';
import { ipAddressBytes, natDetectionHash } from './nat-detection.ts';

describe('ipAddressBytes', () => {
  it('IPv4 dotted quad', () => {
    expect(bytesToHex(ipAddressBytes('192.0.2.1'))).toBe('c0000201');
    expect(bytesToHex(ipAddressBytes('127.0.0.1'))).toBe('7f000001');
  });

  it('IPv6 text forms of RFC 4291 §2.2', () => {
    const full = '20010db80000000000080800200c417a';
    expect(bytesToHex(ipAddressBytes('2001:DB8:0:0:8:800:200C:417A'))).toBe(full);
    expect(bytesToHex(ipAddressBytes('2001:DB8::8:800:200C:417A'))).toBe(full);
    expect(bytesToHex(ipAddressBytes('FF01::101'))).toBe('ff010000000000000000000000000101');
    expect(bytesToHex(ipAddressBytes('::1'))).toBe('00000000000000000000000000000001');
    expect(bytesToHex(ipAddressBytes('::'))).toBe('00000000000000000000000000000000');
    expect(bytesToHex(ipAddressBytes('::13.1.68.3'))).toBe('0000000000000000000000000d014403');
    expect(bytesToHex(ipAddressBytes('::FFFF:129.144.52.38'))).toBe('00000000000000000000ffff81903426');
    expect(bytesToHex(ipAddressBytes('0:0:0:0:0:0:13.1.68.3'))).toBe('0000000000000000000000000d014403');
    expect(bytesToHex(ipAddressBytes('fe80::1%eth0'))).toBe('fe800000000000000000000000000001');
    expect(bytesToHex(ipAddressBytes('1::'))).toBe('00010000000000000000000000000000');
  });

  it('rejects non-addresses', () => {
    for (const bad of ['', 'localhost', '1.2.3', '256.1.1.1', '1:2:3', ':::']) {
      expect(() => ipAddressBytes(bad)).toThrow(expect.objectContaining({ code: 'address_invalid' }));
    }
  });
});

describe('natDetectionHash (RFC 7296 §2.23)', () => {
  const spiI = hexToBytes('0123456789abcdef');
  const spiR = new Uint8Array(8);

  it('is SHA-1(SPIi | SPIr | IP | Port) with a 2-byte network-order port', () => {
    const expected = createHash('sha1').update(hexToBytes('0123456789abcdef 0000000000000000 c0000201 01f4')).digest('hex');
    expect(bytesToHex(natDetectionHash(spiI, spiR, '192.0.2.1', 500))).toBe(expected);
    const v6 = createHash('sha1').update(hexToBytes('0123456789abcdef 0000000000000000 20010db8000000000000000000000001 1194')).digest('hex');
    expect(bytesToHex(natDetectionHash(spiI, spiR, '2001:db8::1', 4500))).toBe(v6);
    expect(natDetectionHash(spiI, spiR, hexToBytes('c0000201'), 500)).toEqual(natDetectionHash(spiI, spiR, '192.0.2.1', 500));
  });

  it('changes with the port (why non-500 ports look like NAT)', () => {
    expect(natDetectionHash(spiI, spiR, '127.0.0.1', 500)).not.toEqual(natDetectionHash(spiI, spiR, '127.0.0.1', 15500));
  });

  it('rejects bad ports and raw addresses', () => {
    expect(() => natDetectionHash(spiI, spiR, '127.0.0.1', 65536)).toThrow(expect.objectContaining({ code: 'address_invalid' }));
    expect(() => natDetectionHash(spiI, spiR, new Uint8Array(5), 500)).toThrow(expect.objectContaining({ code: 'address_invalid' }));
  });
});
