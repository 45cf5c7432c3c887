/**
 * Every payload codec through the one round-trip helper: hand-picked
 * values, then fast-check properties over the shared arbitraries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthMethod, CertEncoding, EncrId, IdType, NotifyType, PayloadType, ProtocolId, TransformType } from '../constants.ts';
import * as auth from '../payloads/authentication-payload.ts';
import * as cert from '../payloads/certificate-payload.ts';
import * as certreq from '../payloads/certificate-request-payload.ts';
import * as cp from '../payloads/configuration-payload.ts';
import * as del from '../payloads/delete-payload.ts';
import * as eap from '../payloads/eap-payload.ts';
import * as skf from '../payloads/encrypted-fragment-payload.ts';
import * as sk from '../payloads/encrypted-payload.ts';
import * as id from '../payloads/identification-payload.ts';
import * as ke from '../payloads/key-exchange-payload.ts';
import * as nonce from '../payloads/nonce-payload.ts';
import * as notify from '../payloads/notify-payload.ts';
import * as sa from '../payloads/security-association-payload.ts';
import * as ts from '../payloads/traffic-selector-payload.ts';
import * as unknown from '../payloads/unknown-payload.ts';
import * as vendor from '../payloads/vendor-id-payload.ts';
import type { ReaderContext } from '../reader.ts';
import {
  arbAuthPayload,
  arbBytes,
  arbCertPayload,
  arbCertReqPayload,
  arbCpAttribute,
  arbCpPayload,
  arbDeletePayload,
  arbEapPayload,
  arbIdPayload,
  arbKePayload,
  arbNoncePayload,
  arbNotifyPayload,
  arbProposal,
  arbSaPayload,
  arbTrafficSelector,
  arbTransform,
  arbTransformAttribute,
  arbTsPayload,
  arbUnknownPayload,
  arbVendorIdPayload,
} from '../test-support/arbitraries.ts';
import { expectRoundTrip, type Codec } from '../test-support/round-trip.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const RUNS = { numRuns: 300 };

interface Case<T> {
  readonly name: string;
  readonly codec: Codec<T>;
  readonly examples: readonly T[];
  readonly arbitrary: fc.Arbitrary<T>;
  readonly context?: (value: T) => ReaderContext;
}

function testCase<T>(c: Case<T>): Case<unknown> {
  return c as Case<unknown>;
}

const cases: Case<unknown>[] = [
  testCase({
    name: 'SA',
    codec: sa,
    examples: [
      {
        type: PayloadType.SA,
        proposals: [
          {
            number: 1,
            protocol: ProtocolId.IKE,
            spi: new Uint8Array(0),
            transforms: [
              sa.makeTransform(TransformType.ENCR, EncrId.AES_GCM_16, 256),
              sa.makeTransform(TransformType.PRF, 5),
              sa.makeTransform(TransformType.DH, 31),
            ],
          },
          { number: 2, protocol: ProtocolId.IKE, spi: new Uint8Array(0), transforms: [sa.makeTransform(TransformType.DH, 14)] },
        ],
      },
      { type: PayloadType.SA, proposals: [{ number: 3, protocol: ProtocolId.ESP, spi: bytes(1, 2, 3, 4), transforms: [] }] },
    ],
    arbitrary: arbSaPayload,
  }),
  testCase({ name: 'proposal substructure', codec: sa.proposalCodec, examples: [], arbitrary: arbProposal(1) }),
  testCase({ name: 'transform substructure', codec: sa.transformCodec, examples: [], arbitrary: arbTransform }),
  testCase({
    name: 'transform attribute',
    codec: sa.attributeCodec,
    examples: [
      { format: 'tv', type: 14, value: 128 },
      { format: 'tlv', type: 0x7fff, value: bytes(1, 2, 3) },
    ],
    arbitrary: arbTransformAttribute,
  }),
  testCase({
    name: 'KE',
    codec: ke,
    examples: [{ type: PayloadType.KE, group: 31, data: new Uint8Array(32).fill(9) }],
    arbitrary: arbKePayload,
  }),
  testCase({
    name: 'IDi/IDr',
    codec: id,
    examples: [
      { type: PayloadType.IDi, ...id.identification({ kind: 'fqdn', name: 'side-a' }) },
      { type: PayloadType.IDr, ...id.identification({ kind: 'ipv6', address: '2001:db8::1' }) },
    ],
    arbitrary: fc.oneof(arbIdPayload(PayloadType.IDi), arbIdPayload(PayloadType.IDr)),
    context: (value) => ({ payloadType: (value as id.IdPayload).type }),
  }),
  testCase({
    name: 'CERT',
    codec: cert,
    examples: [{ type: PayloadType.CERT, encoding: CertEncoding.X509_SIGNATURE, data: bytes(0x30, 0) }],
    arbitrary: arbCertPayload,
  }),
  testCase({
    name: 'CERTREQ',
    codec: certreq,
    examples: [{ type: PayloadType.CERTREQ, encoding: CertEncoding.X509_SIGNATURE, authority: new Uint8Array(40) }],
    arbitrary: arbCertReqPayload,
  }),
  testCase({
    name: 'AUTH',
    codec: auth,
    examples: [{ type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32) }],
    arbitrary: arbAuthPayload,
  }),
  testCase({ name: 'Nonce', codec: nonce, examples: [{ type: PayloadType.NONCE, data: new Uint8Array(16) }], arbitrary: arbNoncePayload }),
  testCase({
    name: 'Notify',
    codec: notify,
    examples: [notify.notify(NotifyType.INITIAL_CONTACT), notify.notifyData.rekeySa(ProtocolId.ESP, bytes(0xc0, 0xff, 0xee, 0x01))],
    arbitrary: arbNotifyPayload,
  }),
  testCase({
    name: 'Delete',
    codec: del,
    examples: [{ type: PayloadType.DELETE, protocol: ProtocolId.ESP, spiSize: 4, spis: [bytes(1, 2, 3, 4), bytes(5, 6, 7, 8)] }],
    arbitrary: arbDeletePayload,
  }),
  testCase({ name: 'Vendor ID', codec: vendor, examples: [{ type: PayloadType.VENDOR_ID, data: bytes(1) }], arbitrary: arbVendorIdPayload }),
  testCase({
    name: 'TSi/TSr',
    codec: ts,
    examples: [
      { type: PayloadType.TSi, selectors: [ts.selectorForRange('10.10.10.0', '10.10.10.255')] },
      { type: PayloadType.TSr, selectors: [ts.selectorForRange('2001:db8::', '2001:db8::ffff', { ipProtocol: 6, startPort: 443, endPort: 443 })] },
    ],
    arbitrary: fc.oneof(arbTsPayload(PayloadType.TSi), arbTsPayload(PayloadType.TSr)),
    context: (value) => ({ payloadType: (value as ts.TsPayload).type }),
  }),
  testCase({ name: 'traffic selector substructure', codec: ts.trafficSelectorCodec, examples: [], arbitrary: arbTrafficSelector }),
  testCase({
    name: 'CP',
    codec: cp,
    examples: [{ type: PayloadType.CP, cfgType: 1, attributes: [{ type: 1, value: new Uint8Array(0) }, { type: 3, value: bytes(8, 8, 8, 8) }] }],
    arbitrary: arbCpPayload,
  }),
  testCase({ name: 'CP attribute', codec: cp.cpAttributeCodec, examples: [], arbitrary: arbCpAttribute }),
  testCase({
    name: 'EAP',
    codec: eap,
    examples: [{ type: PayloadType.EAP, message: bytes(3, 7, 0, 4) }],
    arbitrary: arbEapPayload,
  }),
  testCase({ name: 'SK body', codec: sk, examples: [{ body: bytes(1, 2, 3) }], arbitrary: arbBytes(0, 64).map((body) => ({ body })) }),
  testCase({
    name: 'SKF body',
    codec: skf,
    examples: [{ fragmentNumber: 1, totalFragments: 3, body: bytes(9) }],
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 0xffff }), arbBytes(0, 40))
      .chain(([total, body]) => fc.integer({ min: 1, max: total }).map((fragmentNumber) => ({ fragmentNumber, totalFragments: total, body }))),
  }),
  testCase({
    name: 'unknown',
    codec: unknown,
    examples: [{ type: 'unknown', payloadType: 99, critical: false, data: bytes(1, 2) }],
    arbitrary: arbUnknownPayload(false),
    context: (value) => ({ payloadType: (value as unknown.UnknownPayload).payloadType }),
  }),
];

describe('payload codecs round-trip', () => {
  for (const c of cases) {
    it(`${c.name}: examples`, () => {
      for (const example of c.examples) expectRoundTrip(c.codec, example, c.context?.(example));
    });
    it(`${c.name}: property`, () => {
      fc.assert(
        fc.property(c.arbitrary, (value) => {
          expectRoundTrip(c.codec, value, c.context?.(value));
        }),
        RUNS,
      );
    });
  }
});

describe('typed views', () => {
  it('identification views round-trip through their builder', () => {
    const views: id.IdentificationView[] = [
      { kind: 'ipv4', address: '192.168.10.1' },
      { kind: 'ipv6', address: '2001:db8::1' },
      { kind: 'fqdn', name: 'vpn.example.com' },
      { kind: 'rfc822', name: 'alice@example.com' },
      { kind: 'der_dn', der: bytes(0x30, 0) },
      { kind: 'der_gn', der: bytes(0x82, 1, 0x61) },
      { kind: 'key_id', keyId: bytes(1, 2, 3) },
      { kind: 'null' },
      { kind: 'opaque', idType: 12, data: bytes(5) },
    ];
    for (const view of views) expect(id.viewIdentification(id.identification(view))).toEqual(view);
    expect(id.identification({ kind: 'fqdn', name: 'side-a' })).toEqual({ idType: IdType.FQDN, data: new TextEncoder().encode('side-a') });
    expect(id.viewIdentification({ idType: IdType.IPV4_ADDR, data: bytes(1, 2, 3) }).kind).toBe('opaque');
  });

  it('notify views read the common types', () => {
    expect(notify.viewNotify(notify.notifyData.cookie(bytes(1, 2)))).toEqual({ kind: 'cookie', cookie: bytes(1, 2) });
    expect(notify.viewNotify(notify.notifyData.invalidKePayload(31))).toEqual({ kind: 'invalid_ke_payload', group: 31 });
    expect(notify.viewNotify(notify.notifyData.rekeySa(3, bytes(1, 2, 3, 4)))).toEqual({ kind: 'rekey_sa', protocol: 3, spi: bytes(1, 2, 3, 4) });
    expect(notify.viewNotify(notify.notifyData.signatureHashAlgorithms([2, 3, 4]))).toEqual({
      kind: 'signature_hash_algorithms',
      algorithms: [2, 3, 4],
    });
    expect(notify.viewNotify(notify.notifyData.authLifetime(3600))).toEqual({ kind: 'auth_lifetime', seconds: 3600 });
    expect(notify.viewNotify(notify.notifyData.additionalAddress('10.0.0.1'))).toEqual({
      kind: 'additional_address',
      family: 4,
      address: '10.0.0.1',
    });
    expect(notify.viewNotify(notify.notifyData.additionalAddress('fe80::1'))).toEqual({ kind: 'additional_address', family: 6, address: 'fe80::1' });
    expect(notify.viewNotify(notify.notifyData.setWindowSize(10))).toEqual({ kind: 'set_window_size', windowSize: 10 });
    expect(notify.viewNotify(notify.notifyData.natDetection('destination', new Uint8Array(20)))).toMatchObject({
      kind: 'nat_detection',
      direction: 'destination',
    });
    expect(notify.viewNotify(notify.notify(NotifyType.AUTH_LIFETIME, bytes(1)))).toEqual({ kind: 'malformed', data: bytes(1) });
    expect(notify.viewNotify(notify.notify(NotifyType.INITIAL_CONTACT))).toEqual({ kind: 'data', data: new Uint8Array(0) });
  });

  it('RFC 7427 auth data splits into AlgorithmIdentifier and signature', () => {
    const algorithm = bytes(0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b);
    const signature = new Uint8Array(256).fill(0x55);
    const data = auth.joinDigitalSignature({ algorithmIdentifier: algorithm, signature });
    expect(data[0]).toBe(13);
    expect(auth.splitDigitalSignature(data)).toEqual({ algorithmIdentifier: algorithm, signature });
    expect(auth.splitDigitalSignature(bytes(5, 0x30, 1))).toBeUndefined();
    expect(auth.splitDigitalSignature(bytes(2, 0x31, 0))).toBeUndefined();
  });

  it('CERTREQ authority splits into SHA-1 CA key hashes', () => {
    const payload = { type: PayloadType.CERTREQ, encoding: CertEncoding.X509_SIGNATURE, authority: new Uint8Array(40).fill(1) } as const;
    expect(certreq.caKeyHashes(payload)).toHaveLength(2);
    expect(certreq.caKeyHashes({ ...payload, authority: new Uint8Array(21) })).toBeUndefined();
  });

  it('EAP view reads code, identifier and method (expanded types too)', () => {
    expect(eap.viewEap(bytes(1, 9, 0, 5, 1))).toEqual({ code: 1, identifier: 9, eapType: 1, vendor: 0 });
    expect(eap.viewEap(bytes(2, 1, 0, 12, 254, 0, 0x01, 0x37, 0, 0, 0, 7))).toEqual({ code: 2, identifier: 1, eapType: 7, vendor: 0x137 });
    expect(eap.viewEap(bytes(3, 1, 0, 4))).toEqual({ code: 3, identifier: 1, eapType: 0, vendor: 0 });
  });

  it('transformKeyLength reads the TV Key Length attribute', () => {
    expect(sa.transformKeyLength(sa.makeTransform(1, 20, 256))).toBe(256);
    expect(sa.transformKeyLength(sa.makeTransform(2, 5))).toBeUndefined();
  });
});
