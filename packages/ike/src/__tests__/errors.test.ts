/**
 * The error code map: every code documented, used by the codec, and
 * reachable — each one is triggered here by the input that causes it, and
 * thrown as the class of its tier.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthMethod, ExchangeType, IdType, NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import {
  IKE_ERROR_CODES,
  IkeCodecError,
  IkeEncodeError,
  IkeParseError,
  IkeVerifyError,
  type IkeErrorCode,
} from '../errors.ts';
import { sealSk, skBodyLength } from '../crypto/index.ts';
import { encodeFragments } from '../fragments.ts';
import { decodeInnerPayloads, decodeMessage, encodeMessage, type IkeMessage } from '../message.ts';
import * as del from '../payloads/delete-payload.ts';
import { IkeWriter } from '../writer.ts';
import { SK_FIXTURES } from '../test-support/arbitraries.ts';
import { hexToBytes, rawChain, rawMessage } from '../test-support/raw-message.ts';

const SRC = join(import.meta.dirname, '..');
const sk = { suite: SK_FIXTURES[0]!.suite, keys: SK_FIXTURES[0]!.keys };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return ['__tests__', 'test-support', 'crypto', 'capture'].includes(name) ? [] : sourceFiles(path);
    }
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'errors.ts' ? [path] : [];
  });
}

const INFO = ExchangeType.INFORMATIONAL;
const clearInfo = (body: number[], type: number = PayloadType.NOTIFY) => rawMessage({ exchangeType: INFO }, [{ type, body }]);
const saInit = (saBody: number[]) =>
  rawMessage({ exchangeType: ExchangeType.IKE_SA_INIT }, [
    { type: PayloadType.SA, body: saBody },
    { type: PayloadType.KE, body: [0, 31, 0, 0, ...new Array<number>(32).fill(1)] },
    { type: PayloadType.NONCE, body: new Array<number>(16).fill(2) },
  ]);
/** One IKE proposal with one DH transform; fields overridable. */
const proposal = (o: { last?: number; number?: number; protocol?: number; spi?: number[]; count?: number; length?: number } = {}) => {
  const spi = o.spi ?? [];
  const length = o.length ?? 8 + spi.length + 8;
  return [o.last ?? 0, 0, 0, length, o.number ?? 1, o.protocol ?? 1, spi.length, o.count ?? 1, ...spi, 0, 0, 0, 8, 4, 0, 0, 31];
};
const sealedInfo = (payloads: IkeMessage['payloads'], exchangeType: number = INFO): Uint8Array =>
  encodeMessage(
    {
      header: { initiatorSpi: new Uint8Array(8).fill(1), responderSpi: new Uint8Array(8).fill(2), exchangeType, messageId: 3, initiator: true, response: false },
      payloads: [],
      encrypted: { kind: 'sk', state: 'decrypted', payloads },
    },
    { sk },
  );

/** For each code, an action that must throw it. */
const TRIGGERS: Record<IkeErrorCode, () => unknown> = {
  truncated: () => decodeMessage(new Uint8Array(10)),
  message_length_mismatch: () => decodeMessage(rawMessage({ exchangeType: INFO, length: 100 }, [])),
  unsupported_major_version: () => decodeMessage(rawMessage({ exchangeType: INFO, version: 0x10 }, [])),
  bad_payload_length: () => decodeMessage(rawMessage({ exchangeType: INFO }, [{ type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0], length: 2 }])),
  trailing_bytes: () => decodeMessage(rawMessage({ exchangeType: INFO }, [{ type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0] }], [1, 2])),
  encrypted_not_last: () =>
    decodeMessage(rawMessage({ exchangeType: ExchangeType.IKE_AUTH }, [{ type: PayloadType.SK, body: [1] }, { type: PayloadType.NOTIFY, body: [0, 0, 0x40, 0] }])),
  nested_encrypted: () => decodeInnerPayloads(rawChain([{ type: PayloadType.SK, body: [1, 2] }]), PayloadType.SK),
  bad_substructure_length: () => decodeMessage(saInit(proposal({ length: 4 }))),
  bad_last_substructure: () => decodeMessage(saInit(proposal({ last: 5 }))),
  transform_count_mismatch: () => decodeMessage(saInit(proposal({ count: 2 }))),
  ts_count_mismatch: () => decodeMessage(sealedTsCountLie(), { sk }),
  spi_count_mismatch: () => decodeMessage(sealedWith(PayloadType.DELETE, [3, 4, 0, 2, 1, 2, 3, 4]), { sk }),
  unsupported_critical_payload: () => decodeMessage(rawMessage({ exchangeType: INFO }, [{ type: 150, body: [], critical: true }])),
  unsupported_exchange: () => decodeMessage(rawMessage({ exchangeType: 200 }, [])),
  payload_not_allowed: () => decodeMessage(sealedInfo([{ type: PayloadType.NONCE, data: new Uint8Array(16) }]), { sk }),
  payload_count: () => decodeMessage(rawMessage({ exchangeType: ExchangeType.IKE_SA_INIT }, [])),
  payload_not_encrypted: () => decodeMessage(clearInfo([1, 0, 0, 0], PayloadType.DELETE)),
  nonce_length: () => decodeMessage(sealedInfo([{ type: PayloadType.NONCE, data: new Uint8Array(15) }], ExchangeType.CREATE_CHILD_SA), { sk }),
  ke_length: () => decodeMessage(sealedWith(PayloadType.KE, [0, 14, 0, 0, 1, 2, 3], ExchangeType.IKE_INTERMEDIATE), { sk }),
  id_length: () => decodeMessage(sealedWith(PayloadType.IDi, [IdType.IPV4_ADDR, 0, 0, 0, 1, 2, 3], ExchangeType.IKE_AUTH), { sk }),
  notify_data_length: () => decodeMessage(clearInfo([0, 0, 0x40, 0x04, 1, 2, 3])),
  notify_spi: () => decodeMessage(clearInfo([9, 0, 0x40, 0x00])),
  proposal_numbering: () => decodeMessage(saInit([...proposal({ last: 2, number: 1 }), ...proposal({ number: 3 })])),
  proposal_protocol: () => decodeMessage(saInit(proposal({ protocol: 7 }))),
  proposal_spi_size: () => decodeMessage(saInit(proposal({ protocol: ProtocolId.ESP, spi: [1, 2] }))),
  attribute_format: () => decodeMessage(saInit([0, 0, 0, 22, 1, 1, 0, 1, 0, 0, 0, 14, 1, 0, 0, 20, 0, 14, 0, 2, 1, 0])),
  delete_spi_size: () => decodeMessage(sealedWith(PayloadType.DELETE, [ProtocolId.ESP, 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]), { sk }),
  auth_data: () => decodeMessage(sealedWith(PayloadType.AUTH, [AuthMethod.DIGITAL_SIGNATURE, 0, 0, 0, 40, 1, 2], ExchangeType.IKE_AUTH), { sk }),
  cp_type: () => decodeMessage(sealedWith(PayloadType.CP, [9, 0, 0, 0]), { sk }),
  eap_message: () => decodeMessage(sealedWith(PayloadType.EAP, [1, 1, 0, 9, 1], ExchangeType.IKE_AUTH), { sk }),
  fragment_number: () => decodeMessage(rawMessage({ exchangeType: ExchangeType.IKE_AUTH }, [{ type: PayloadType.SKF, body: [0, 0, 0, 1, 9] }])),
  crypto_error: () => decodeMessage(sealedInfo([]), { sk: { suite: { encr: 1234, encrKeyBits: 8, integ: 0 }, keys: sk.keys } }),
  buffer_too_small: () => new IkeWriter(new Uint8Array(1)).u16(1),
  value_out_of_range: () => new IkeWriter(new Uint8Array(4)).u8(256),
  invalid_value: () => del.encode({ type: PayloadType.DELETE, protocol: 3, spiSize: 4, spis: [new Uint8Array(2)] }, new IkeWriter(new Uint8Array(8))),
  missing_keys: () =>
    encodeMessage({
      header: { initiatorSpi: new Uint8Array(8), responderSpi: new Uint8Array(8), exchangeType: INFO, messageId: 0, initiator: true, response: false },
      payloads: [],
      encrypted: { kind: 'sk', state: 'decrypted', payloads: [] },
    }),
  fragment_too_small: () =>
    encodeFragments(
      {
        header: { initiatorSpi: new Uint8Array(8), responderSpi: new Uint8Array(8), exchangeType: INFO, messageId: 0, initiator: true, response: false },
        payloads: [],
        encrypted: { kind: 'sk', state: 'decrypted', payloads: [] },
      },
      { sk, maxDatagramSize: 60 },
    ),
};

/** A protected INFORMATIONAL (or given exchange) whose SK holds one raw payload, sealed. */
function sealedWith(type: number, body: number[], exchangeType: number = INFO): Uint8Array {
  const plaintext = rawChain([{ type, body }]);
  const bodyLength = skBodyLength(sk.suite, plaintext.length);
  const out = rawMessage({ exchangeType, messageId: 3 }, [{ type: PayloadType.SK, next: type, body: new Array<number>(bodyLength).fill(0) }]);
  out.set(sealSk(sk.suite, sk.keys, out.subarray(0, 32), plaintext, new Uint8Array(8)), 32);
  return out;
}

function sealedTsCountLie(): Uint8Array {
  return sealedWith(PayloadType.TSi, [2, 0, 0, 0, 7, 0, 0, 16, 0, 0, 255, 255, 10, 0, 0, 0, 10, 0, 0, 255], ExchangeType.IKE_AUTH);
}

describe('IKE_ERROR_CODES', () => {
  const codes = Object.keys(IKE_ERROR_CODES) as IkeErrorCode[];

  it('documents every code with a tier and a sentence', () => {
    for (const code of codes) {
      const entry = IKE_ERROR_CODES[code];
      expect(['parse', 'verify', 'encode']).toContain(entry.tier);
      expect(entry.description.length, code).toBeGreaterThan(20);
    }
  });

  it('every code is used by the codec sources', () => {
    const sources = sourceFiles(SRC).map((path) => readFileSync(path, 'utf8')).join('\n');
    for (const code of codes) expect(sources, code).toContain(`'${code}'`);
  });

  it('has a trigger for every code, and no trigger for a code it lacks', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual([...codes].sort());
  });

  for (const code of Object.keys(TRIGGERS) as IkeErrorCode[]) {
    it(`${code} is thrown as its tier's class`, () => {
      let error: unknown;
      try {
        TRIGGERS[code]();
      } catch (e) {
        error = e;
      }
      expect(error, `${code} was not thrown`).toBeInstanceOf(IkeCodecError);
      const expectedClass = { parse: IkeParseError, verify: IkeVerifyError, encode: IkeEncodeError }[IKE_ERROR_CODES[code].tier];
      expect(error).toBeInstanceOf(expectedClass);
      expect((error as IkeCodecError).code).toBe(code);
      expect((error as IkeCodecError).message.startsWith(`ike: ${code} at offset`)).toBe(true);
    });
  }

  it('errors name the payload they are in', () => {
    let error: IkeCodecError | undefined;
    try {
      decodeMessage(clearInfo([0, 0, 0x40, 0x04, 1, 2, 3]));
    } catch (e) {
      error = e as IkeCodecError;
    }
    expect(error).toMatchObject({ payloadType: PayloadType.NOTIFY, offset: 32 });
    expect(error?.message).toContain('in NOTIFY');
    expect(NotifyType.NAT_DETECTION_SOURCE_IP).toBe(0x4004);
    expect(hexToBytes('4004')).toEqual(Uint8Array.of(0x40, 0x04));
  });
});
