/**
 * Wireshark as an independent decoder of what WE encode: a full exchange
 * (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL) is encoded and
 * sealed by our codec with keys from our key derivation, written with our
 * pcap writer, and decoded by tshark using the decryption table our
 * formatter exports. tshark must report no malformed packet or expert
 * warning, and must decrypt every SK payload to the payloads we put in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  AuthMethod,
  EncrId,
  ExchangeType,
  IdType,
  IntegId,
  NotifyType,
  PayloadType,
  PrfId,
  ProtocolId,
  createKeyExchange,
  deriveIkeSaKeys,
  encodeMessage,
  formatDecryptionTable,
  makeTransform,
  notify,
  notifyData,
  selectorForRange,
  writePcap,
  type IkeMessage,
  type IkeSaKeys,
  type Payload,
  type UdpDatagram,
} from '@tunnelscope/ike';
import { describeInterop } from '../require-tool.ts';
import { tsharkDecode } from '../tshark.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ts-tshark-x-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Suite {
  name: string;
  encr: number;
  encrKeyBits: number;
  integ: number;
  prf: number;
  dh: number;
}

const SUITES: Suite[] = [
  { name: 'aes128gcm16-prfsha256-x25519', encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: IntegId.NONE, prf: PrfId.HMAC_SHA2_256, dh: 31 },
  { name: 'aes256-sha256-modp2048', encr: EncrId.AES_CBC, encrKeyBits: 256, integ: IntegId.HMAC_SHA2_256_128, prf: PrfId.HMAC_SHA2_256, dh: 14 },
  { name: 'aes256gcm16-prfsha384-ecp384', encr: EncrId.AES_GCM_16, encrKeyBits: 256, integ: IntegId.NONE, prf: PrfId.HMAC_SHA2_384, dh: 20 },
];

const text = (s: string) => new TextEncoder().encode(s);
const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);

function exchange(suite: Suite, spiI: Uint8Array, spiR: Uint8Array): { messages: Array<{ message: IkeMessage; fromInitiator: boolean }>; keys: IkeSaKeys } {
  const kei = createKeyExchange(suite.dh);
  const ker = createKeyExchange(suite.dh);
  const ni = random(32);
  const nr = random(48);
  const keys = deriveIkeSaKeys({ ...suite, ni, nr, sharedSecret: kei.computeSharedSecret(ker.publicValue), spiI, spiR });
  const ikeTransforms = [
    makeTransform(1, suite.encr, suite.encrKeyBits),
    makeTransform(2, suite.prf),
    ...(suite.integ ? [makeTransform(3, suite.integ)] : []),
    makeTransform(4, suite.dh),
  ];
  const saIke: Payload = { type: PayloadType.SA, proposals: [{ number: 1, protocol: ProtocolId.IKE, spi: new Uint8Array(0), transforms: ikeTransforms }] };
  const saEsp = (spi: number): Payload => ({
    type: PayloadType.SA,
    proposals: [{ number: 1, protocol: ProtocolId.ESP, spi: Uint8Array.of(0xc0, 0, 0, spi), transforms: [makeTransform(1, EncrId.AES_GCM_16, 128), makeTransform(5, 0)] }],
  });
  const natd = [notifyData.natDetection('source', random(20)), notifyData.natDetection('destination', random(20))];
  const tsi: Payload = { type: PayloadType.TSi, selectors: [selectorForRange('192.168.10.0', '192.168.10.255')] };
  const tsr: Payload = { type: PayloadType.TSr, selectors: [selectorForRange('10.10.10.0', '10.10.10.255')] };
  const header = (exchangeType: number, messageId: number, fromInitiator: boolean, response: boolean, r = spiR) => ({
    initiatorSpi: spiI,
    responderSpi: r,
    exchangeType,
    messageId,
    initiator: fromInitiator,
    response,
  });
  const sealed = (exchangeType: number, messageId: number, fromInitiator: boolean, response: boolean, payloads: Payload[]) => ({
    message: { header: header(exchangeType, messageId, fromInitiator, response), payloads: [], encrypted: { kind: 'sk' as const, state: 'decrypted' as const, payloads } },
    fromInitiator,
  });
  return {
    keys,
    messages: [
      {
        message: { header: header(ExchangeType.IKE_SA_INIT, 0, true, false, new Uint8Array(8)), payloads: [saIke, { type: PayloadType.KE, group: suite.dh, data: kei.publicValue }, { type: PayloadType.NONCE, data: ni }, ...natd, notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)] },
        fromInitiator: true,
      },
      {
        message: { header: header(ExchangeType.IKE_SA_INIT, 0, false, true), payloads: [saIke, { type: PayloadType.KE, group: suite.dh, data: ker.publicValue }, { type: PayloadType.NONCE, data: nr }, ...natd, notify(NotifyType.MULTIPLE_AUTH_SUPPORTED)] },
        fromInitiator: false,
      },
      sealed(ExchangeType.IKE_AUTH, 1, true, false, [
        { type: PayloadType.IDi, idType: IdType.FQDN, data: text('side-a') },
        notify(NotifyType.INITIAL_CONTACT),
        { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: random(32) },
        saEsp(1),
        tsi,
        tsr,
      ]),
      sealed(ExchangeType.IKE_AUTH, 1, false, true, [
        { type: PayloadType.IDr, idType: IdType.IPV4_ADDR, data: Uint8Array.of(127, 0, 0, 2) },
        { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: random(32) },
        saEsp(2),
        tsi,
        tsr,
        notifyData.authLifetime(10800),
      ]),
      sealed(ExchangeType.CREATE_CHILD_SA, 2, true, false, [
        notifyData.rekeySa(ProtocolId.ESP, Uint8Array.of(0xc0, 0, 0, 1)),
        saEsp(3),
        { type: PayloadType.NONCE, data: random(32) },
        tsi,
        tsr,
      ]),
      sealed(ExchangeType.CREATE_CHILD_SA, 2, false, true, [saEsp(4), { type: PayloadType.NONCE, data: random(32) }, tsi, tsr]),
      sealed(ExchangeType.INFORMATIONAL, 3, true, false, [{ type: PayloadType.DELETE, protocol: ProtocolId.ESP, spiSize: 4, spis: [Uint8Array.of(0xc0, 0, 0, 1)] }]),
      sealed(ExchangeType.INFORMATIONAL, 3, false, true, []),
    ],
  };
}

describeInterop('tshark decodes and decrypts what tunnelscope encodes', ['tshark'], () => {
  it.each(SUITES)('$name: no malformed packet, every SK payload decrypted with our exported key table', async (suite) => {
    const spiI = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, suite.dh);
    const spiR = Uint8Array.of(0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, suite.dh);
    const { messages, keys } = exchange(suite, spiI, spiR);
    const a = { address: '127.0.0.1', port: 500 };
    const b = { address: '127.0.0.2', port: 500 };
    const records: UdpDatagram[] = messages.map(({ message, fromInitiator }, i) => ({
      timestampMs: Date.UTC(2026, 0, 1) + i * 10,
      src: fromInitiator ? a : b,
      dst: fromInitiator ? b : a,
      payload: encodeMessage(message, {
        sk: { suite: keys.suite, keys: fromInitiator ? { encKey: keys.skEi, integKey: keys.skAi } : { encKey: keys.skEr, integKey: keys.skAr } },
      }),
    }));
    const file = path.join(dir, `${suite.name}.pcap`);
    writeFileSync(file, writePcap(records));
    const table = formatDecryptionTable([{ spiInitiator: spiI, spiResponder: spiR, skEi: keys.skEi, skEr: keys.skEr, skAi: keys.skAi, skAr: keys.skAr, suite: keys.suite }]);

    const decoded = await tsharkDecode(file, { decryptionTable: table, preferences: { 'udp.check_checksum': 'TRUE' } });
    expect(decoded.frames).toHaveLength(messages.length);
    expect(decoded.problems).toEqual([]);
    expect(decoded.text).not.toMatch(/Malformed Packet/);
    // Every encrypted frame shows its inner payloads under tshark's decrypted tree.
    for (const frame of decoded.frames.slice(2)) {
      expect(frame.text, `frame ${frame.number}`).toMatch(/Decrypted Data/);
    }
    expect(decoded.frames[2]!.text).toMatch(/Payload: Identification - Initiator \(35\)/);
    expect(decoded.frames[3]!.text).toMatch(/AUTH_LIFETIME/);
    expect(decoded.frames[6]!.text).toMatch(/Delete/);
    // Without keys tshark cannot look inside: the check above is not vacuous.
    const sealed = await tsharkDecode(file);
    expect(sealed.frames[2]!.text).not.toMatch(/Payload: Identification - Initiator \(35\)/);
    expect(sealed.frames[2]!.text).not.toMatch(/Decrypted Data/);
  });
});
