/**
 * Whole messages: property round-trips (clear, any-shape with verify off,
 * encrypted with every SK suite), the encrypted-payload states, and the
 * rule table as the decoder enforces it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthMethod, ExchangeType, IdType, NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import { IkeEncodeError, IkeVerifyError } from '../errors.ts';
import {
  allPayloads,
  decodeHeader,
  decodeMessage,
  encodeMessage,
  encodingLength,
  type IkeHeader,
  type IkeMessage,
} from '../message.ts';
import { MESSAGE_RULES, findMessageRule } from '../message-rules.ts';
import { notify, notifyData } from '../payloads/notify-payload.ts';
import type { Payload } from '../payloads/payload-chain.ts';
import { makeTransform } from '../payloads/security-association-payload.ts';
import { selectorForRange } from '../payloads/traffic-selector-payload.ts';
import {
  SK_FIXTURES,
  arbAnyMessage,
  arbProtectedMessage,
  arbRuleAbidingMessage,
} from '../test-support/arbitraries.ts';
import { rawMessage } from '../test-support/raw-message.ts';
import { expectMessageRoundTrip } from '../test-support/round-trip.ts';

const spi = (n: number) => new Uint8Array(8).fill(n);
const header = (exchangeType: number, response: boolean, messageId = 1): IkeHeader => ({
  initiatorSpi: spi(1),
  responderSpi: spi(2),
  exchangeType,
  messageId,
  initiator: !response,
  response,
});
const protectedMessage = (exchangeType: number, response: boolean, payloads: Payload[], messageId = 1): IkeMessage => ({
  header: header(exchangeType, response, messageId),
  payloads: [],
  encrypted: { kind: 'sk', state: 'decrypted', payloads },
});
const gcm = SK_FIXTURES[0]!;
const sk = { suite: gcm.suite, keys: gcm.keys };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('message round-trip properties', () => {
  it('rule-abiding clear messages round-trip with verification on', () => {
    fc.assert(fc.property(arbRuleAbidingMessage, (message) => void expectMessageRoundTrip(message)), { numRuns: 300 });
  });

  it('any payload mix (opaque SK/SKF, critical unknowns) round-trips with verification off', () => {
    fc.assert(
      fc.property(arbAnyMessage, (message) => void expectMessageRoundTrip(message, { decode: { verify: false } })),
      { numRuns: 300 },
    );
  });

  for (const fixture of SK_FIXTURES) {
    it(`protected messages round-trip sealed with ${fixture.name}`, () => {
      const context = { suite: fixture.suite, keys: fixture.keys };
      fc.assert(
        fc.property(arbProtectedMessage, (message) => void expectMessageRoundTrip(message, { encode: { sk: context }, decode: { sk: context } })),
        { numRuns: 60 },
      );
    });
  }

  it('decode(encode(m)) re-encodes to the same bytes (fixed IV)', () => {
    const iv = new Uint8Array(8).fill(7);
    fc.assert(
      fc.property(arbProtectedMessage, (message) => {
        const bytes = encodeMessage(message, { sk: { ...sk, iv } });
        expect(encodeMessage(decodeMessage(bytes, { sk }), { sk: { ...sk, iv } })).toEqual(bytes);
      }),
      { numRuns: 50 },
    );
  });
});

describe('header', () => {
  it('reads flags, message id and SPIs', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.INFORMATIONAL, flags: 0x38, messageId: 0xfffffffe, responderSpi: [9, 9, 9, 9, 9, 9, 9, 9] }, []);
    expect(decodeHeader(bytes).header).toEqual({
      initiatorSpi: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      responderSpi: new Uint8Array(8).fill(9),
      exchangeType: ExchangeType.INFORMATIONAL,
      messageId: 0xfffffffe,
      initiator: true,
      response: true,
      higherVersion: true,
    });
  });
  it('refuses other major versions and lying lengths', () => {
    expect(codeOf(() => decodeMessage(rawMessage({ exchangeType: 34, version: 0x10 }, [])))).toBe('unsupported_major_version');
    expect(codeOf(() => decodeMessage(rawMessage({ exchangeType: 34, length: 29 }, [])))).toBe('message_length_mismatch');
    expect(codeOf(() => decodeMessage(new Uint8Array(27)))).toBe('truncated');
  });
  it('keeps a minor version', () => {
    const bytes = rawMessage({ exchangeType: ExchangeType.INFORMATIONAL, version: 0x21 }, []);
    const message = decodeMessage(bytes);
    expect(message.header.minorVersion).toBe(1);
    expect(encodeMessage(message)).toEqual(bytes);
  });
  it('encoding checks SPI sizes', () => {
    const bad: IkeMessage = { header: { ...header(37, false), initiatorSpi: new Uint8Array(4) }, payloads: [] };
    expect(() => encodeMessage(bad)).toThrow(IkeEncodeError);
  });
});

describe('SK payload states', () => {
  const message = protectedMessage(ExchangeType.IKE_AUTH, false, [
    { type: PayloadType.IDi, idType: IdType.FQDN, data: new TextEncoder().encode('side-a') },
    { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32) },
  ]);
  const bytes = encodeMessage(message, { sk });

  it('decrypts with the right keys and lists the inner payloads', () => {
    const decoded = decodeMessage(bytes, { sk });
    expect(decoded).toEqual(message);
    expect(allPayloads(decoded)).toHaveLength(2);
  });

  it('without keys the SK stays opaque (state no_keys) and re-encodes identically', () => {
    const decoded = decodeMessage(bytes);
    expect(decoded.encrypted).toMatchObject({ kind: 'sk', state: 'no_keys', firstPayload: PayloadType.IDi });
    expect(encodeMessage(decoded)).toEqual(bytes);
  });

  it('a flipped ciphertext bit is an integrity failure, returned, not thrown', () => {
    const tampered = bytes.slice();
    tampered[tampered.length - 20]! ^= 0x01;
    const decoded = decodeMessage(tampered, { sk });
    expect(decoded.encrypted).toMatchObject({ kind: 'sk', state: 'integrity_failed' });
    expect(decoded.encrypted && 'detail' in decoded.encrypted && decoded.encrypted.detail).toBeTruthy();
  });

  it('a changed header byte (in the AAD) is an integrity failure', () => {
    const tampered = bytes.slice();
    tampered[20]! ^= 0x01; // message id
    expect(decodeMessage(tampered, { sk }).encrypted).toMatchObject({ state: 'integrity_failed' });
  });

  it('wrong keys fail integrity', () => {
    const other = SK_FIXTURES[1]!;
    const wrongKeys = { suite: gcm.suite, keys: { encKey: other.keys.encKey.subarray(0, 20), integKey: new Uint8Array(0) } };
    expect(decodeMessage(bytes, { sk: wrongKeys }).encrypted).toMatchObject({ state: 'integrity_failed' });
  });

  it('a body too short for IV and ICV is undecryptable', () => {
    const short = rawMessage({ exchangeType: ExchangeType.IKE_AUTH, messageId: 1 }, [{ type: PayloadType.SK, next: PayloadType.IDi, body: [1, 2, 3] }]);
    expect(decodeMessage(short, { sk }).encrypted).toMatchObject({ kind: 'sk', state: 'undecryptable' });
  });

  it('crypto provider errors become crypto_error', () => {
    const badSuite = { suite: { encr: 9999, encrKeyBits: 128, integ: 0 }, keys: gcm.keys };
    expect(codeOf(() => decodeMessage(bytes, { sk: badSuite }))).toBe('crypto_error');
  });

  it('sealing needs keys', () => {
    expect(codeOf(() => encodeMessage(message))).toBe('missing_keys');
    expect(codeOf(() => encodingLength(message))).toBe('missing_keys');
  });

  it('the SK Next Payload is the first inner payload type (RFC 7296 §3.14)', () => {
    expect(bytes[16]).toBe(PayloadType.SK); // IKE header Next Payload
    expect(bytes[28]).toBe(PayloadType.IDi); // SK generic header Next Payload
  });

  it('an empty INFORMATIONAL (liveness check) seals an empty chain', () => {
    const empty = protectedMessage(ExchangeType.INFORMATIONAL, false, [], 5);
    const sealed = encodeMessage(empty, { sk });
    expect(sealed[28]).toBe(0);
    expect(decodeMessage(sealed, { sk })).toEqual(empty);
  });

  it('parse errors inside decrypted content report plaintext offsets', () => {
    // A Nonce of 3 bytes inside SK: verify error flagged inEncrypted.
    const bad = protectedMessage(ExchangeType.CREATE_CHILD_SA, false, [{ type: PayloadType.NONCE, data: new Uint8Array(3) }]);
    const sealed = encodeMessage(bad, { sk });
    let error: unknown;
    try {
      decodeMessage(sealed, { sk });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IkeVerifyError);
    expect(error).toMatchObject({ code: 'nonce_length', inEncrypted: true, offset: 4, payloadType: PayloadType.NONCE });
  });
});

describe('rule table enforcement', () => {
  const sa = {
    type: PayloadType.SA,
    proposals: [{ number: 1, protocol: ProtocolId.ESP, spi: Uint8Array.of(1, 2, 3, 4), transforms: [makeTransform(1, 20, 128)] }],
  } as const;
  const nonce = { type: PayloadType.NONCE, data: new Uint8Array(32) } as const;
  const ke = { type: PayloadType.KE, group: 31, data: new Uint8Array(32) } as const;

  it('has a request and a response table for each exchange it verifies', () => {
    for (const exchange of [34, 35, 36, 37, 43, 44]) {
      expect(findMessageRule(exchange, false)).toBeDefined();
      expect(findMessageRule(exchange, true)).toBeDefined();
    }
    expect(MESSAGE_RULES.every((rule) => rule.payloads.every((p) => p.min <= p.max))).toBe(true);
  });

  it('accepts error responses carrying only an error notify', () => {
    const cases: IkeMessage[] = [
      { header: header(ExchangeType.IKE_SA_INIT, true, 0), payloads: [notify(NotifyType.NO_PROPOSAL_CHOSEN)] },
      { header: header(ExchangeType.IKE_SA_INIT, true, 0), payloads: [notifyData.invalidKePayload(14)] },
      { header: header(ExchangeType.IKE_SA_INIT, true, 0), payloads: [notifyData.cookie(new Uint8Array(36))] },
      protectedMessage(ExchangeType.IKE_AUTH, true, [notify(NotifyType.AUTHENTICATION_FAILED)]),
      protectedMessage(ExchangeType.CREATE_CHILD_SA, true, [notify(NotifyType.NO_ADDITIONAL_SAS)]),
      protectedMessage(ExchangeType.CREATE_CHILD_SA, true, [notify(NotifyType.TS_UNACCEPTABLE)]),
    ];
    for (const message of cases) expectMessageRoundTrip(message, { encode: { sk }, decode: { sk } });
  });

  it('but a request still needs its mandatory payloads', () => {
    const initOnlyNotify: IkeMessage = { header: header(ExchangeType.IKE_SA_INIT, false, 0), payloads: [notify(NotifyType.NO_PROPOSAL_CHOSEN)] };
    expect(codeOf(() => decodeMessage(encodeMessage(initOnlyNotify)))).toBe('payload_count');
    const childWithoutNonce = protectedMessage(ExchangeType.CREATE_CHILD_SA, false, [sa]);
    expect(codeOf(() => decodeMessage(encodeMessage(childWithoutNonce, { sk }), { sk }))).toBe('payload_count');
    expect(decodeMessage(encodeMessage(protectedMessage(36, false, [sa, nonce, ke]), { sk }), { sk }).encrypted).toMatchObject({
      state: 'decrypted',
    });
  });

  it('refuses payloads the exchange does not allow', () => {
    const initWithAuth: IkeMessage = {
      header: header(ExchangeType.IKE_SA_INIT, false, 0),
      payloads: [sa, ke, nonce, { type: PayloadType.AUTH, method: 2, data: new Uint8Array(32) }],
    };
    let error: unknown;
    try {
      decodeMessage(encodeMessage(initWithAuth));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'payload_not_allowed', payloadType: PayloadType.AUTH });
    const deleteInAuth = protectedMessage(ExchangeType.IKE_AUTH, false, [{ type: PayloadType.DELETE, protocol: 1, spiSize: 0, spis: [] }]);
    expect(codeOf(() => decodeMessage(encodeMessage(deleteInAuth, { sk }), { sk }))).toBe('payload_not_allowed');
  });

  it('refuses too many of a payload', () => {
    const twoNonces: IkeMessage = { header: header(ExchangeType.IKE_SA_INIT, false, 0), payloads: [sa, ke, nonce, nonce] };
    expect(codeOf(() => decodeMessage(encodeMessage(twoNonces)))).toBe('payload_count');
    const manyNotifies = protectedMessage(ExchangeType.INFORMATIONAL, false, Array.from({ length: 21 }, () => notify(NotifyType.INITIAL_CONTACT)));
    expect(codeOf(() => decodeMessage(encodeMessage(manyNotifies, { sk }), { sk }))).toBe('payload_count');
  });

  it('refuses protected payloads sent in the clear, except unprotected INFORMATIONAL notifies', () => {
    const clearAuth: IkeMessage = {
      header: header(ExchangeType.IKE_AUTH, false),
      payloads: [{ type: PayloadType.IDi, idType: IdType.FQDN, data: Uint8Array.of(0x61) }],
    };
    expect(codeOf(() => decodeMessage(encodeMessage(clearAuth)))).toBe('payload_not_encrypted');
    const unprotected: IkeMessage = { header: header(ExchangeType.INFORMATIONAL, true, 0), payloads: [notify(NotifyType.INVALID_IKE_SPI)] };
    expect(decodeMessage(encodeMessage(unprotected))).toEqual(unprotected);
    const clearDelete: IkeMessage = { header: header(ExchangeType.INFORMATIONAL, false), payloads: [{ type: PayloadType.DELETE, protocol: 1, spiSize: 0, spis: [] }] };
    expect(codeOf(() => decodeMessage(encodeMessage(clearDelete)))).toBe('payload_not_encrypted');
  });

  it('refuses SK in IKE_SA_INIT and unknown exchanges', () => {
    const skInit = rawMessage({ exchangeType: ExchangeType.IKE_SA_INIT }, [{ type: PayloadType.SK, body: [1, 2, 3] }]);
    expect(codeOf(() => decodeMessage(skInit))).toBe('payload_not_allowed');
    const unknownExchange = rawMessage({ exchangeType: 99 }, []);
    expect(codeOf(() => decodeMessage(unknownExchange))).toBe('unsupported_exchange');
    expect(decodeMessage(unknownExchange, { verify: false }).header.exchangeType).toBe(99);
  });

  it('does not count minimums it cannot see (no keys, a single fragment)', () => {
    const child = encodeMessage(protectedMessage(ExchangeType.CREATE_CHILD_SA, false, [sa, nonce]), { sk });
    expect(decodeMessage(child).encrypted).toMatchObject({ state: 'no_keys' });
    const fragment = rawMessage({ exchangeType: ExchangeType.CREATE_CHILD_SA }, [{ type: PayloadType.SKF, body: [0, 1, 0, 2, 9] }]);
    expect(decodeMessage(fragment).encrypted).toMatchObject({ kind: 'skf', state: 'no_keys' });
  });

  it('a full IKE_AUTH request passes', () => {
    const message = protectedMessage(ExchangeType.IKE_AUTH, false, [
      { type: PayloadType.IDi, idType: IdType.FQDN, data: new TextEncoder().encode('side-a') },
      notify(NotifyType.INITIAL_CONTACT),
      { type: PayloadType.IDr, idType: IdType.FQDN, data: new TextEncoder().encode('side-b') },
      { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32) },
      sa,
      { type: PayloadType.TSi, selectors: [selectorForRange('192.168.10.0', '192.168.10.255')] },
      { type: PayloadType.TSr, selectors: [selectorForRange('10.10.10.0', '10.10.10.255')] },
      notify(NotifyType.MOBIKE_SUPPORTED),
    ]);
    expectMessageRoundTrip(message, { encode: { sk }, decode: { sk } });
  });
});

describe('input buffers', () => {
  it('decoding a Node Buffer yields plain Uint8Array copies that do not alias the datagram', () => {
    const message: IkeMessage = { header: header(ExchangeType.INFORMATIONAL, true, 0), payloads: [notifyData.cookie(Uint8Array.of(1, 2, 3))] };
    const buffer = Buffer.from(encodeMessage(message));
    const decoded = decodeMessage(buffer);
    expect(decoded).toEqual(message);
    const cookie = decoded.payloads[0];
    expect(Object.getPrototypeOf(cookie && 'data' in cookie ? cookie.data : null)).toBe(Uint8Array.prototype);
    buffer.fill(0);
    expect(decoded).toEqual(message);
  });
});
