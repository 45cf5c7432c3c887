import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../crypto/bytes.ts';
import {
  EspNextHeader,
  decodeEspTrailer,
  encodeEspHeader,
  encodeEspTrailer,
  espAssociatedData,
  espPaddingLength,
  innerPacketLength,
  readEspHeader,
} from './esp-packet.ts';

describe('ESP header and associated data', () => {
  it('reads SPI and Sequence Number, null under 8 bytes', () => {
    expect(readEspHeader(hexToBytes('01020304 00000005 ff'))).toEqual({ spi: 0x01020304, sequenceLow: 5 });
    expect(readEspHeader(hexToBytes('01020304 000000'))).toBeNull();
    expect(readEspHeader(hexToBytes('00 01020304 00000005').subarray(1))).toEqual({ spi: 0x01020304, sequenceLow: 5 });
  });

  it('sends only the low 32 bits of an ESN sequence number', () => {
    expect(encodeEspHeader(0x4a2cbfe3, 0x8765432100000002n)).toEqual(hexToBytes('4a2cbfe3 00000002'));
  });

  it('builds SPI | Seq, or SPI | Seq high | Seq low with ESN (RFC 4106 §5)', () => {
    expect(espAssociatedData(0x00004321, 0x8765432100000000n, true)).toEqual(hexToBytes('00004321 87654321 00000000'));
    expect(espAssociatedData(0x0000a5f8, 10n, false)).toEqual(hexToBytes('0000a5f8 0000000a'));
  });
});

describe('ESP trailer (RFC 4303 §2.4)', () => {
  it('pads with 1, 2, 3, ... to the alignment', () => {
    expect(espPaddingLength(4, 84)).toBe(2);
    expect(espPaddingLength(16, 14)).toBe(0);
    expect(espPaddingLength(16, 15)).toBe(15);
    expect(encodeEspTrailer(hexToBytes('aa'), 4, 4)).toEqual(hexToBytes('aa 01 01 04'));
    expect(encodeEspTrailer(new Uint8Array(0), 59, 16)).toEqual(hexToBytes('0102030405060708090a0b0c0d0e 0e 3b'));
  });

  it('round-trips any payload at block sizes 4, 8 and 16 (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(4, 8, 16), (payload, nextHeader, alignment) => {
        const encoded = encodeEspTrailer(payload, nextHeader, alignment);
        expect(encoded.length % alignment).toBe(0);
        const decoded = decodeEspTrailer(encoded);
        expect(decoded.ok).toBe(true);
        if (decoded.ok) {
          expect(decoded.payload).toEqual(payload);
          expect(decoded.nextHeader).toBe(nextHeader);
        }
      }),
    );
  });

  it('reports missing trailer, overlong Pad Length and wrong padding bytes', () => {
    expect(decodeEspTrailer(hexToBytes('04'))).toMatchObject({ ok: false });
    expect(decodeEspTrailer(hexToBytes('01 02 03 04'))).toMatchObject({ ok: false });
    expect(decodeEspTrailer(hexToBytes('aa 01 03 02 04'))).toMatchObject({ ok: false, detail: 'padding byte 2 of 2 is 3 (expected 2)' });
    expect(decodeEspTrailer(hexToBytes('01 02 02 04'))).toMatchObject({ ok: true, padLength: 2, nextHeader: 4 });
  });
});

describe('inner packet length (TFC padding, RFC 4303 §2.7)', () => {
  const ipv4 = hexToBytes('4500001c42a200008001441f406793b6e00000020a00f5ff 01020304');
  const ipv6 = new Uint8Array(40 + 8 + 5);
  ipv6[0] = 0x60;
  ipv6[5] = 8;

  it('uses IPv4 Total Length and IPv6 40 + Payload Length', () => {
    expect(innerPacketLength(EspNextHeader.IPV4, ipv4)).toBe(28);
    expect(innerPacketLength(EspNextHeader.IPV6, ipv6)).toBe(48);
  });

  it('is null for other protocols, wrong versions and lengths that overrun', () => {
    expect(innerPacketLength(EspNextHeader.NO_NEXT_HEADER, ipv4)).toBeNull();
    expect(innerPacketLength(EspNextHeader.IPV6, ipv4)).toBeNull();
    expect(innerPacketLength(EspNextHeader.IPV4, ipv4.subarray(0, 27))).toBeNull();
    expect(innerPacketLength(EspNextHeader.IPV4, ipv4.subarray(0, 10))).toBeNull();
    expect(innerPacketLength(EspNextHeader.IPV6, ipv6.subarray(0, 47))).toBeNull();
  });
});
