/**
 * Hand-built byte vectors for the tricky encodings: every byte written out
 * with what it means, decoded and re-encoded to the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeType, NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import { IkeParseError, IkeVerifyError } from '../errors.ts';
import { decodeMessage, encodeMessage, type IkeMessage } from '../message.ts';
import * as del from '../payloads/delete-payload.ts';
import * as notify from '../payloads/notify-payload.ts';
import * as sa from '../payloads/security-association-payload.ts';
import * as ts from '../payloads/traffic-selector-payload.ts';
import { IkeReader } from '../reader.ts';
import { summarize } from '../summarize.ts';
import { hexToBytes, rawMessage } from '../test-support/raw-message.ts';
import { expectRoundTrip } from '../test-support/round-trip.ts';

const fill = (length: number, value: number) => ' ' + Array.from({ length }, () => value.toString(16).padStart(2, '0')).join('');

describe('IKE_SA_INIT request, byte by byte', () => {
  const hex =
    // IKE header
    '0102030405060708 0000000000000000' + // SPIi, SPIr
    '21 20 22 08' + // next SA(33), version 2.0, IKE_SA_INIT(34), flags I
    '00000000 000000ac' + // message id 0, length 172
    // SA payload
    '22 00 0028' + // next KE, not critical, length 40
    '00 00 0024 01 01 00 03' + // last proposal, length 36, #1, IKE, SPI size 0, 3 transforms
    '03 00 000c 01 00 0014 800e0080' + // more; ENCR AES_GCM_16; TV Key Length 128
    '03 00 0008 02 00 0005' + // more; PRF HMAC_SHA2_256
    '00 00 0008 04 00 001f' + // last; DH 31
    // KE payload
    '28 00 0028 001f 0000' + fill(32, 0x11) + // next Nonce, length 40, group 31, 32 bytes
    // Nonce payload
    '29 00 0024' + fill(32, 0x22) + // next N, length 36
    // Notify NAT_DETECTION_SOURCE_IP
    '00 00 001c 00 00 4004' + fill(20, 0x33); // last, length 28, protocol 0, SPI size 0, type 16388
  const bytes = hexToBytes(hex);
  const expected: IkeMessage = {
    header: {
      initiatorSpi: hexToBytes('0102030405060708'),
      responderSpi: new Uint8Array(8),
      exchangeType: ExchangeType.IKE_SA_INIT,
      messageId: 0,
      initiator: true,
      response: false,
    },
    payloads: [
      {
        type: PayloadType.SA,
        proposals: [
          {
            number: 1,
            protocol: ProtocolId.IKE,
            spi: new Uint8Array(0),
            transforms: [sa.makeTransform(1, 20, 128), sa.makeTransform(2, 5), sa.makeTransform(4, 31)],
          },
        ],
      },
      { type: PayloadType.KE, group: 31, data: new Uint8Array(32).fill(0x11) },
      { type: PayloadType.NONCE, data: new Uint8Array(32).fill(0x22) },
      notify.notifyData.natDetection('source', new Uint8Array(20).fill(0x33)),
    ],
  };

  it('has the length its header claims', () => expect(bytes.length).toBe(172));
  it('decodes to the expected message', () => expect(decodeMessage(bytes)).toEqual(expected));
  it('encodes back to the same bytes', () => expect(encodeMessage(expected)).toEqual(bytes));
  it('summarizes as strongSwan would', () => expect(summarize(expected)).toBe('IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) ]'));
});

describe('transform attributes: TV vs TLV', () => {
  // last transform, length 18: ENCR(1) AES_CBC(12); TV Key Length 256; TLV type 16 with 2 value bytes.
  const bytes = hexToBytes('00 00 0012 01 00 000c 800e 0100 0010 0002 abcd');

  it('decodes the AF bit into the two formats', () => {
    const transform = sa.transformCodec.decode(new IkeReader(bytes));
    expect(transform).toEqual({
      transformType: 1,
      transformId: 12,
      attributes: [
        { format: 'tv', type: 14, value: 256 },
        { format: 'tlv', type: 16, value: hexToBytes('abcd') },
      ],
    });
    expect(expectRoundTrip(sa.transformCodec, transform)).toEqual(bytes);
    expect(sa.transformKeyLength(transform)).toBe(256);
  });

  it('rejects a Key Length sent as TLV (verify) but reads it with verify off', () => {
    const tlvKeyLength = hexToBytes('000e 0002 0100');
    expect(() => sa.attributeCodec.decode(new IkeReader(tlvKeyLength))).toThrow(
      expect.objectContaining({ code: 'attribute_format' }),
    );
    expect(sa.attributeCodec.decode(new IkeReader(tlvKeyLength, 0, tlvKeyLength.length, { verify: false }))).toEqual({
      format: 'tlv',
      type: 14,
      value: hexToBytes('0100'),
    });
  });

  it('a TLV length beyond the transform is a substructure error', () => {
    const bad = hexToBytes('00 00 000c 01 00 000c 0010 0009');
    expect(() => sa.transformCodec.decode(new IkeReader(bad))).toThrow(expect.objectContaining({ code: 'bad_substructure_length' }));
  });
});

describe('notify with SPI', () => {
  // REKEY_SA: protocol ESP(3), SPI size 4, type 16393, SPI c0ffee01, no data.
  const bytes = hexToBytes('03 04 4009 c0ffee01');
  it('round-trips and views as rekey_sa', () => {
    const payload = notify.decode(new IkeReader(bytes));
    expect(payload).toEqual({
      type: PayloadType.NOTIFY,
      protocol: ProtocolId.ESP,
      spi: hexToBytes('c0ffee01'),
      notifyType: NotifyType.REKEY_SA,
      data: new Uint8Array(0),
    });
    expect(expectRoundTrip(notify, payload)).toEqual(bytes);
    expect(notify.viewNotify(payload)).toEqual({ kind: 'rekey_sa', protocol: 3, spi: hexToBytes('c0ffee01') });
  });
  it('REKEY_SA without an ESP/AH SPI fails verification', () => {
    expect(() => notify.decode(new IkeReader(hexToBytes('00 00 4009')))).toThrow(expect.objectContaining({ code: 'notify_spi' }));
  });
  it('an IKE SPI of 8 octets and data travel together', () => {
    const withData = hexToBytes('01 08 5000 0102030405060708 aabb');
    const payload = notify.decode(new IkeReader(withData));
    expect(payload.spi).toEqual(hexToBytes('0102030405060708'));
    expect(payload.data).toEqual(hexToBytes('aabb'));
    expect(expectRoundTrip(notify, payload)).toEqual(withData);
  });
});

describe('delete with multiple SPIs', () => {
  // ESP, SPI size 4, 3 SPIs.
  const bytes = hexToBytes('03 04 0003 11111111 22222222 33333333');
  it('decodes every SPI', () => {
    const payload = del.decode(new IkeReader(bytes));
    expect(payload.spis).toEqual([hexToBytes('11111111'), hexToBytes('22222222'), hexToBytes('33333333')]);
    expect(expectRoundTrip(del, payload)).toEqual(bytes);
  });
  it('count and size must account for every byte', () => {
    expect(() => del.decode(new IkeReader(hexToBytes('03 04 0003 11111111 22222222')))).toThrow(
      expect.objectContaining({ code: 'spi_count_mismatch' }),
    );
  });
  it('deleting the IKE SA carries no SPI', () => {
    const ike = hexToBytes('01 00 0000');
    expect(del.decode(new IkeReader(ike))).toEqual({ type: PayloadType.DELETE, protocol: 1, spiSize: 0, spis: [] });
    expect(() => del.decode(new IkeReader(hexToBytes('01 08 0001 0102030405060708')))).toThrow(
      expect.objectContaining({ code: 'delete_spi_size' }),
    );
  });
});

describe('IPv6 traffic selector', () => {
  // 1 TS; TS_IPV6_ADDR_RANGE(8), TCP(6), length 40, ports 443-443, 2001:db8::-2001:db8::ffff
  const bytes = hexToBytes(
    '01 000000 08 06 0028 01bb 01bb 20010db8000000000000000000000000 20010db800000000000000000000ffff',
  );
  it('decodes to canonical text and back', () => {
    const payload = ts.decode(new IkeReader(bytes, 0, bytes.length, { payloadType: PayloadType.TSr }));
    expect(payload).toEqual({
      type: PayloadType.TSr,
      selectors: [
        { kind: 'ipv6', ipProtocol: 6, startPort: 443, endPort: 443, startAddress: '2001:db8::', endAddress: '2001:db8::ffff' },
      ],
    });
    expect(expectRoundTrip(ts, payload, { payloadType: PayloadType.TSr })).toEqual(bytes);
  });
  it('an IPv6 selector must be 40 octets', () => {
    const short = hexToBytes('01 000000 08 06 0010 01bb 01bb 0000000000000000');
    expect(() => ts.decode(new IkeReader(short))).toThrow(expect.objectContaining({ code: 'bad_substructure_length' }));
  });
  it('Number of TSs must match', () => {
    const two = hexToBytes('02 000000 07 00 0010 0000 ffff 0a0a0a00 0a0a0aff');
    expect(() => ts.decode(new IkeReader(two))).toThrow(expect.objectContaining({ code: 'ts_count_mismatch' }));
  });
});

describe('unknown payloads and the critical bit', () => {
  const unknownCritical = rawMessage({ exchangeType: ExchangeType.INFORMATIONAL }, [
    { type: 200, body: [1, 2, 3], critical: true },
    { type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0x00] },
  ]);
  it('an unknown critical payload is a verify error carrying its type', () => {
    let error: unknown;
    try {
      decodeMessage(unknownCritical);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IkeVerifyError);
    expect(error).toMatchObject({ code: 'unsupported_critical_payload', payloadType: 200, offset: 28 });
  });
  it('with verify off it is kept, critical, and re-encodes identically', () => {
    const message = decodeMessage(unknownCritical, { verify: false });
    expect(message.payloads[0]).toEqual({ type: 'unknown', payloadType: 200, critical: true, data: Uint8Array.of(1, 2, 3) });
    expect(encodeMessage(message)).toEqual(unknownCritical);
  });
  it('an unknown non-critical payload is kept and summarized as UNKN(type)', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.INFORMATIONAL }, [
      { type: 200, body: [1, 2, 3] },
      { type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0x00] },
    ]);
    const message = decodeMessage(bytes);
    expect(summarize(message)).toBe('INFORMATIONAL request 0 [ UNKN(200) N(INIT_CONTACT) ]');
    expect(encodeMessage(message)).toEqual(bytes);
  });
  it('a known payload with the critical bit keeps it', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.INFORMATIONAL }, [{ type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0x00], critical: true }]);
    const message = decodeMessage(bytes);
    expect(message.payloads[0]).toMatchObject({ critical: true, notifyType: NotifyType.INITIAL_CONTACT });
    expect(encodeMessage(message)).toEqual(bytes);
  });
});

describe('encrypted payloads without keys', () => {
  it('an SK payload is kept opaque with its first inner payload type', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.IKE_AUTH, messageId: 1 }, [
      { type: PayloadType.SK, next: PayloadType.IDi, body: [9, 9, 9, 9, 9, 9, 9, 9] },
    ]);
    const message = decodeMessage(bytes);
    expect(message.encrypted).toEqual({ kind: 'sk', state: 'no_keys', firstPayload: PayloadType.IDi, body: new Uint8Array(8).fill(9) });
    expect(summarize(message)).toBe('IKE_AUTH request 1 [ E ]');
    expect(encodeMessage(message)).toEqual(bytes);
  });
  it('an SKF payload carries fragment number and total', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.IKE_AUTH, messageId: 1 }, [
      { type: PayloadType.SKF, next: 0, body: [0, 2, 0, 3, 7, 7, 7] },
    ]);
    const message = decodeMessage(bytes);
    expect(message.encrypted).toEqual({
      kind: 'skf',
      state: 'no_keys',
      fragmentNumber: 2,
      totalFragments: 3,
      firstPayload: 0,
      body: Uint8Array.of(7, 7, 7),
    });
    expect(summarize(message)).toBe('IKE_AUTH request 1 [ EF(2/3) ]');
    expect(encodeMessage(message)).toEqual(bytes);
  });
  it('SKF fragment 4 of 3 fails verification', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.IKE_AUTH }, [{ type: PayloadType.SKF, body: [0, 4, 0, 3, 7] }]);
    expect(() => decodeMessage(bytes)).toThrow(expect.objectContaining({ code: 'fragment_number' }));
  });
  it('the SK payload must be last', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.IKE_AUTH }, [
      { type: PayloadType.SK, body: [1, 2, 3, 4] },
      { type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0x00] },
    ]);
    let error: unknown;
    try {
      decodeMessage(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IkeParseError);
    expect(error).toMatchObject({ code: 'encrypted_not_last', offset: 28, payloadType: PayloadType.SK });
  });
});
