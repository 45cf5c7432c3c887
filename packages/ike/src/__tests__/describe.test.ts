/**
 * `-full` decodes: the tree carries names and values an operator needs,
 * renders as text, survives JSON, and never carries nonce, KE, AUTH or EAP
 * bytes.
 */
import { describe, expect, it } from 'vitest';
import { AuthMethod, CertEncoding, ExchangeType, IdType, NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import { describeMessage, describeMessageText, describePayload } from '../describe.ts';
import type { IkeMessage } from '../message.ts';
import { joinDigitalSignature } from '../payloads/authentication-payload.ts';
import { certificateNames, formatDistinguishedName } from '../payloads/der-name.ts';
import { identification } from '../payloads/identification-payload.ts';
import { notify, notifyData } from '../payloads/notify-payload.ts';
import type { Payload } from '../payloads/payload-chain.ts';
import { makeTransform } from '../payloads/security-association-payload.ts';
import { selectorForRange } from '../payloads/traffic-selector-payload.ts';

// --- tiny DER builder for test names ---------------------------------------------
function der(tag: number, content: number[]): number[] {
  const length = content.length;
  const head = length < 128 ? [length] : length < 256 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  return [tag, ...head, ...content];
}
const oid = (...bytes: number[]) => der(0x06, bytes);
const utf8 = (text: string) => der(0x0c, Array.from(new TextEncoder().encode(text)));
const printable = (text: string) => der(0x13, Array.from(new TextEncoder().encode(text)));
const rdn = (attributeOid: number[], value: number[]) => der(0x31, der(0x30, [...attributeOid, ...value]));
const OID_C = oid(0x55, 0x04, 0x06);
const OID_O = oid(0x55, 0x04, 0x0a);
const OID_OU = oid(0x55, 0x04, 0x0b);
const OID_CN = oid(0x55, 0x04, 0x03);
const OID_DC = oid(0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19);
const name = (...rdns: number[][]) => der(0x30, rdns.flat());
const ttg = name(rdn(OID_C, printable('SE')), rdn(OID_O, utf8('Clavister')), rdn(OID_OU, utf8('R&D')), rdn(OID_CN, utf8('TTG')));
const labsrv = name(rdn(OID_DC, der(0x16, [0x6c, 0x6f, 0x63, 0x61, 0x6c])), rdn(OID_CN, utf8('labsrv')));
const sha256WithRsa = der(0x30, [...oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b), 0x05, 0x00]);
const certificate = der(0x30, [
  ...der(0x30, [
    ...der(0xa0, der(0x02, [2])),
    ...der(0x02, [0x01, 0x23]),
    ...sha256WithRsa,
    ...labsrv,
    ...der(0x30, [...der(0x17, Array.from(new TextEncoder().encode('240509063700Z'))), ...der(0x17, Array.from(new TextEncoder().encode('260509064700Z')))]),
    ...ttg,
    ...der(0x30, []),
  ]),
  ...sha256WithRsa,
  ...der(0x03, [0, 1, 2, 3]),
]);

const NONCE_BYTE = 0xe1;
const KE_BYTE = 0xe2;
const AUTH_BYTE = 0xe3;

const message: IkeMessage = {
  header: {
    initiatorSpi: Uint8Array.of(0, 17, 34, 51, 68, 85, 102, 119),
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
          transforms: [makeTransform(1, 20, 256), makeTransform(2, 5), makeTransform(4, 31)],
        },
        {
          number: 2,
          protocol: ProtocolId.IKE,
          spi: new Uint8Array(0),
          transforms: [makeTransform(1, 12, 128), makeTransform(2, 2), makeTransform(3, 12), makeTransform(4, 14)],
        },
      ],
    },
    { type: PayloadType.KE, group: 31, data: new Uint8Array(32).fill(KE_BYTE) },
    { type: PayloadType.NONCE, data: new Uint8Array(32).fill(NONCE_BYTE) },
    notifyData.natDetection('source', new Uint8Array(20).fill(0xab)),
    notifyData.signatureHashAlgorithms([2, 3, 4]),
    notify(40001, Uint8Array.of(0xde, 0xad)),
  ],
};

describe('describeMessage', () => {
  const text = describeMessageText(message);

  it('renders proposals with transform names and key lengths', () => {
    expect(text).toContain('IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(HASH_ALG) N((40001)) ]');
    expect(text).toContain('header: SPIi 0011223344556677 SPIr 0000000000000000, IKE_SA_INIT, message id 0, flags I');
    expect(text).toContain('proposal #1 IKE: spi none');
    expect(text).toContain('ENCR_AES_GCM_16 (256)');
    expect(text).toContain('PRF_HMAC_SHA2_256');
    expect(text).toContain('DH group 31 (curve25519)');
    expect(text).toContain('ENCR_AES_CBC (128)');
    expect(text).toContain('AUTH_HMAC_SHA2_256_128');
    expect(text).toContain('DH group 14 (modp2048)');
  });

  it('shows KE group and length, nonce length, typed notify data and hex for unknown notifies', () => {
    expect(text).toContain('KE: group 31 (curve25519), length 32');
    expect(text).toContain('No: length 32');
    expect(text).toContain(`N(NAT_DETECTION_SOURCE_IP): type 16388, hash ${'ab'.repeat(20)}`);
    expect(text).toContain('N(SIGNATURE_HASH_ALGORITHMS): type 16431, algorithms SHA2_256, SHA2_384, SHA2_512');
    expect(text).toContain('N(notify 40001): type 40001, data dead');
  });

  it('is JSON-able', () => {
    const tree = describeMessage(message);
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
  });

  it('carries no nonce, KE or AUTH bytes', () => {
    const auth: Payload = { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32).fill(AUTH_BYTE) };
    const json = JSON.stringify([describeMessage(message), describePayload(auth)]);
    for (const byte of [NONCE_BYTE, KE_BYTE, AUTH_BYTE]) expect(json).not.toContain(byte.toString(16).repeat(4));
    expect(describePayload(auth)).toEqual({ label: 'AUTH', fields: { method: 'SHARED_KEY_MIC', length: 32 } });
  });
});

describe('describePayload', () => {
  it('identities: addresses, FQDN, DN', () => {
    const id = (view: Parameters<typeof identification>[0]) => describePayload({ type: PayloadType.IDi, ...identification(view) }).fields;
    expect(id({ kind: 'ipv4', address: '172.22.53.23' })).toEqual({ type: 'ID_IPV4_ADDR', value: '172.22.53.23' });
    expect(id({ kind: 'fqdn', name: 'side-a' })).toEqual({ type: 'ID_FQDN', value: 'side-a' });
    expect(id({ kind: 'der_dn', der: Uint8Array.from(ttg) })).toEqual({ type: 'ID_DER_ASN1_DN', value: 'C=SE, O=Clavister, OU=R&D, CN=TTG' });
    expect(describePayload({ type: PayloadType.IDr, idType: IdType.KEY_ID, data: Uint8Array.of(1, 2) }).fields).toEqual({
      type: 'ID_KEY_ID',
      value: '0102',
    });
  });

  it('traffic selectors', () => {
    const node = describePayload({ type: PayloadType.TSi, selectors: [selectorForRange('10.10.10.0', '10.10.10.255')] });
    expect(node.children?.[0]?.label).toBe('10.10.10.0-10.10.10.255 proto 0 ports 0-65535');
  });

  it('certificates show encoding, length, subject and issuer', () => {
    const node = describePayload({ type: PayloadType.CERT, encoding: CertEncoding.X509_SIGNATURE, data: Uint8Array.from(certificate) });
    expect(node.fields).toEqual({
      encoding: 'X509_SIGNATURE',
      length: certificate.length,
      subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG',
      issuer: 'DC=local, CN=labsrv',
    });
  });

  it('RFC 7427 AUTH shows the signature algorithm', () => {
    const data = joinDigitalSignature({ algorithmIdentifier: Uint8Array.from(sha256WithRsa), signature: new Uint8Array(64).fill(AUTH_BYTE) });
    expect(describePayload({ type: PayloadType.AUTH, method: AuthMethod.DIGITAL_SIGNATURE, data }).fields).toEqual({
      method: 'DIGITAL_SIGNATURE',
      length: data.length,
      signatureAlgorithm: 'sha256WithRSAEncryption',
    });
  });

  it('delete, CP, EAP, unknown and the REKEY_SA SPI', () => {
    expect(describePayload({ type: PayloadType.DELETE, protocol: 3, spiSize: 4, spis: [Uint8Array.of(0xc0, 0xff, 0xee, 1)] }).fields).toEqual({
      protocol: 'ESP',
      spis: '0xc0ffee01',
    });
    const cp = describePayload({
      type: PayloadType.CP,
      cfgType: 2,
      attributes: [
        { type: 1, value: Uint8Array.of(10, 0, 0, 7) },
        { type: 8, value: Uint8Array.of(0xfd, 0, ...new Array<number>(13).fill(0), 1, 64) },
        { type: 3, value: new Uint8Array(0) },
      ],
    });
    expect(cp.fields).toEqual({ type: 'CFG_REPLY' });
    expect(cp.children?.map((c) => `${c.label} ${String(c.fields?.value)}`)).toEqual([
      'INTERNAL_IP4_ADDRESS 10.0.0.7',
      'INTERNAL_IP6_ADDRESS fd00::1/64',
      'INTERNAL_IP4_DNS (requested)',
    ]);
    expect(describePayload({ type: PayloadType.EAP, message: Uint8Array.of(2, 5, 0, 7, 4, 0x99, 0x99) }).fields).toEqual({
      code: 'RES',
      identifier: 5,
      method: 'MD5',
      length: 7,
    });
    expect(describePayload({ type: 'unknown', payloadType: 77, critical: false, data: Uint8Array.of(1) }).label).toBe('UNKN(77)');
    expect(describePayload(notifyData.rekeySa(3, Uint8Array.of(1, 2, 3, 4))).fields).toEqual({
      type: NotifyType.REKEY_SA,
      protocol: 'ESP',
      rekeySpi: '0x01020304',
    });
  });

  it('encrypted content that was not opened shows its state and size', () => {
    const text = describeMessageText({
      ...message,
      header: { ...message.header, exchangeType: ExchangeType.IKE_AUTH, messageId: 1 },
      payloads: [],
      encrypted: { kind: 'sk', state: 'integrity_failed', firstPayload: PayloadType.IDi, body: new Uint8Array(80), detail: 'AES-GCM ICV does not verify' },
    });
    expect(text).toContain('Encrypted and Authenticated: state integrity_failed, length 80, firstPayload IDi, detail AES-GCM ICV does not verify');
  });
});

describe('DER names', () => {
  it('render like strongSwan and the seed', () => {
    expect(formatDistinguishedName(Uint8Array.from(ttg))).toBe('C=SE, O=Clavister, OU=R&D, CN=TTG');
    expect(formatDistinguishedName(Uint8Array.from(labsrv))).toBe('DC=local, CN=labsrv');
    expect(certificateNames(Uint8Array.from(certificate))).toEqual({ subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG', issuer: 'DC=local, CN=labsrv' });
  });
  it('give up quietly on garbage', () => {
    expect(formatDistinguishedName(Uint8Array.of(0x30, 0x05, 1))).toBeUndefined();
    expect(formatDistinguishedName(Uint8Array.of(0x31, 0x00))).toBeUndefined();
    expect(certificateNames(Uint8Array.of(0x30, 0x02, 0x30, 0x00))).toBeUndefined();
  });
});
