import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitNonEspMarker } from '../capture/non-esp-marker.ts';
import { EncrId, IntegId } from '../constants.ts';
import { concatBytes, hexToBytes } from '../crypto/bytes.ts';
import { aeadSeal, cbcEncrypt } from '../crypto/encryption.ts';
import { computeIntegrity } from '../crypto/integrity.ts';
import { openEsp, espPacketLength, sealEsp } from './esp-transform.ts';
import type { EspInboundSa, EspOutboundSa, EspSa, EspSuite, OpenEspResult, SealEspResult } from './esp-transform.ts';
import { createReplayWindow } from './replay-window.ts';

function sealed(result: SealEspResult): Uint8Array {
  if (!result.ok) throw new Error(`seal failed: ${result.detail}`);
  return result.packet;
}

function opened(result: OpenEspResult): Extract<OpenEspResult, { ok: true }> {
  if (!result.ok) throw new Error(`open failed: ${result.reason}: ${result.detail}`);
  return result;
}

function inbound(sa: EspSa, highest = 0n, size = 128): EspInboundSa {
  return { ...sa, replay: createReplayWindow({ size, esn: sa.suite.esn, highest }) };
}

function outbound(sa: EspSa, nextSequence = 1n): EspOutboundSa {
  return { ...sa, nextSequence };
}

/**
 * draft-mcgrew-gcm-test-01 §4 (AES-GCM in ESP, RFC 4106): each case gives
 * key, SPI, sequence (8 bytes = ESN), nonce (salt | IV), the ESP plaintext
 * (payload | padding | Pad Length | Next Header) and the complete packet.
 * The all-zero case (SPI 0) is left out: SPI 0 never goes on the wire.
 */
const GCM_ESP = [
  {
    name: 'AES-128, ESN, SPI 00004321',
    key: '4c80cdefbb5d10da906ac73c3613a634',
    spi: 0x00004321,
    sequence: 0x8765432100000000n,
    esn: true,
    nonce: '2e443b684956ed7e3b244cfe',
    plaintext: `45000048699a000080114db7c0a80102 c0a801010a9bf15638d3010000010000 00000000045f736970045f7564700373 69700963796265726369747902646b00 0021000101020201`,
    packet: `00004321000000004956ed7e3b244cfe fecf537e729d5b07dc30df528dd22b76 8d1b98736696a6fd348509fa13ceac34
             cfa2436f14a3f3cf65925bf1f4a13c5d 15b21e1884f5ff6247aeabb786b93bce 61bc17d768fd9732459018148f6cbe72 2fd04796562dfdb4`,
  },
  {
    name: 'AES-128, SPI 0000a5f8',
    key: 'feffe9928665731c6d6a8f9467308308',
    spi: 0x0000a5f8,
    sequence: 0x0000000an,
    esn: false,
    nonce: 'cafebabefacedbaddecaf888',
    plaintext: `4500003e698f000080114dccc0a80102 c0a801010a980035002a2343b2d00100 00010000000000000373697009637962 65726369747902646b00000100010001`,
    packet: `0000a5f80000000afacedbaddecaf888 deb22cd9b07c72c16e3a65beeb8df304 a5a5897d33ae530f1ba76d5d114d2a5c
             3de81827c10e9a4f51330d0eec416642 cfbb85a5b47e48a4ec3b9ba95d918bd1 83b70d3aa8bc6ee4c309e9d85a41ad4a`,
  },
  {
    name: 'AES-256, SPI 4a2cbfe3',
    key: 'abbccddef00112233445566778899aababbccddef00112233445566778899aab',
    spi: 0x4a2cbfe3,
    sequence: 2n,
    esn: false,
    nonce: '112233440102030405060708',
    plaintext: `4500003069a6400080062690c0a80102 9389155e0a9e008b2dc57ee000000000 7002400020bf0000020405b401010402 01020201`,
    packet: `4a2cbfe3000000020102030405060708 ff425c9b724599df7a3bcd510194e00d 6a78107f1b0b1cbf06efae9d65a5d763
             748a637985771d347f0545659f14e99d ef842d8eb335f4eecfdbf831824b4c49 15956c96`,
  },
  {
    name: 'AES-128, ESN, SPI 42f67e3f (ICMP)',
    key: '3de09874b388e6491988d0c3607eae1f',
    spi: 0x42f67e3f,
    sequence: 0x1010101010101010n,
    esn: true,
    nonce: '57690e434e280000a2fca1a3',
    plaintext: `4500003c99c300008001cb7c40679318 010101010800085c0200430061626364 65666768696a6b6c6d6e6f7071727374 75767761626364656667686901020201`,
    packet: `42f67e3f101010104e280000a2fca1a3 fba2caa4853cf9f0f22cb10d86dd83b0 fec75691cf1a04b00d1138ec9c357917
             65acbd8701ad79845bf9fe3fba487bc9 1755e6662b4c8d0d1f5e22739530320a e0d731cc978ecafaeae88f00e80d6e48`,
  },
  {
    name: 'AES-128, ESN, SPI 42f67e3f (short)',
    key: '3de09874b388e6491988d0c3607eae1f',
    spi: 0x42f67e3f,
    sequence: 0x1010101010101010n,
    esn: true,
    nonce: '57690e434e280000a2fca1a3',
    plaintext: `4500001c42a200008001441f406793b6 e00000020a00f5ff01020201`,
    packet: `42f67e3f101010104e280000a2fca1a3 fba2ca845e5df9f0f22c3e6e86dd831e 1fc65792cd1af9130e1379ed369f071f 35e034be95f112e4e7d05d35`,
  },
  {
    name: 'AES-192, SPI 0000a5f8',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c',
    spi: 0x0000a5f8,
    sequence: 0x0000000an,
    esn: false,
    nonce: 'cafebabefacedbaddecaf888',
    plaintext: `45000028a4ad4000400678800a01038f 0a010612802306b8cb712602dd6bb03e 501016d075680001`,
    packet: `0000a5f80000000afacedbaddecaf888 a5b1f8066029aea40e598b8122de0242 0938b3ab33f828e687b8858b5bfbdbd0
             315b27452144cc7795457b9652037f53 18027b5b4cd7a636`,
  },
  {
    name: 'AES-128, ESN, SPI 00000100',
    key: 'abbccddef00112233445566778899aab',
    spi: 0x00000100,
    sequence: 1n,
    esn: true,
    nonce: 'decaf888cafedebaceface74',
    plaintext: `4500004933ba00007f119106c3fb1d10 c2b1d326c02831ce0035dd7b800302d5 00004e20001e8c18d75b81dc91baa047 6b91b924b280389d92c963bac046ec95 9b6266c04722b14923010101`,
    packet: `0000010000000001cafedebaceface74 18a6fd42f72cbf4ab2a2ea901f73d814 e3e7f243d95412e1c349c1d2fbec168f
             9190feebaf2cb01984e65863965d7472 b79da345e0e780191f0d2f0e0f496c22 6f2127b27db35724e7845d68651f57e6 5f354f75ff17015769623436`,
  },
  {
    name: 'AES-256, ESN, SPI 17405e67 (TCP)',
    key: 'abbccddef00112233445566778899aababbccddef00112233445566778899aab',
    spi: 0x17405e67,
    sequence: 0x156f3126dd0db99bn,
    esn: true,
    nonce: '73616c74616e640169766563',
    plaintext: `45080028732c00004006e9f90a010612 0a01038f06b88023dd6bafbecb712602 50101f646d540001`,
    packet: `17405e67dd0db99b616e640169766563 f2d69ecdbd5a0d5b8d5ef38bad4da58d 1f278fde98ef67549d524a3018d9a57f
             f4d3a31ce673119e451626c2415771e3 b7eebca614c89b35`,
  },
  {
    name: 'AES-128, ESN, SPI 42f67e3f (UDP)',
    key: '3de09874b388e6491988d0c3607eae1f',
    spi: 0x42f67e3f,
    sequence: 0x1010101010101010n,
    esn: true,
    nonce: '57690e434e280000a2fca1a3',
    plaintext: `45000049333e00007f119182c3fb1d10 c2b1d326c02831ce0035cb458003025b 000001e0001e8c18d65759d52284a035 2c71475c8880391c764d6e5ee0496b32 5ae270c03899493915010101`,
    packet: `42f67e3f101010104e280000a2fca1a3 fba2cad12fc1f9f00d3cebf305410db8 3d7784b607323d220f24b0a97d541828
             00cadb0f68d99ef0e0c0c89ae9bea888 4e52d65bc1afd0740f742444747b5b39 ab533163aad4550ee5160975cdb608c5 769189609763b8e18caa81e2`,
  },
  {
    name: 'AES-256, ESN, SPI 17405e67 (text)',
    key: 'abbccddef00112233445566778899aababbccddef00112233445566778899aab',
    spi: 0x17405e67,
    sequence: 0x156f3126dd0db99bn,
    esn: true,
    nonce: '73616c74616e640169766563',
    plaintext: `636973636f0172756c65730174686501 6e6574776501646566696e6501746865 746563686e6f6c6f6769657301746861 7477696c6c01646566696e65746f6d6f 72726f7701020201`,
    packet: `17405e67dd0db99b616e640169766563 d4b7ed86a1777f2ea13d6973d324c69e 7b43f826fb56831226508bebd2dceb18
             d0a6df10e5487df074113e14c641024e 3e6773d91a62ee429b043a10e3efe6b0 12a49363412364f8c0cac587f249e56b 11e24f30e44ccc76`,
  },
  {
    name: 'AES-128, SPI 335467ae, sequence ffffffff, empty payload',
    key: '7d773d00c144c525ac619d18c84a3f47',
    spi: 0x335467ae,
    sequence: 0xffffffffn,
    esn: false,
    nonce: 'd966426743457e9182443bc6',
    plaintext: '01020201',
    packet: '335467aeffffffff43457e9182443bc6 437f866bcb3f699fe9b0822bac961c45 04bef270',
  },
  {
    name: 'AES-128, ESN, SPI 00000100 (text)',
    key: 'abbccddef00112233445566778899aab',
    spi: 0x00000100,
    sequence: 1n,
    esn: true,
    nonce: 'decaf888cafedebaceface74',
    plaintext: `746f016265016f72016e6f7401746f01 62650001`,
    packet: '0000010000000001cafedebaceface74 29c9fc69a197d038ccdd14e2ddfcaa05 43332164412503524303ed3c6c5f2838 43af8c3e',
  },
  {
    name: 'AES-256, ESN, SPI 796b6963, sequence ffffffffffffffff',
    key: '6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961',
    spi: 0x796b6963,
    sequence: 0xffffffffffffffffn,
    esn: true,
    nonce: '7475726e333021696765746d',
    plaintext: `45000030da3a00008001df3bc0a80005 c0a800010800c6cd0200070061626364 65666768696a6b6c6d6e6f7071727374 01020201`,
    packet: `796b6963ffffffff333021696765746d f97ab2aa356d8edce17644ac8c78e25d d24dedbb29ebf1b64a274b39b49c3a86
             4cd3d78ca4ae68a32b42458fb57dbe82 1dcc63b9d0937ba2945f669368661a32 9fb4c053`,
  },
];

describe('AES-GCM ESP packets (draft-mcgrew-gcm-test-01 §4)', () => {
  for (const vector of GCM_ESP) {
    it(vector.name, () => {
      const nonce = hexToBytes(vector.nonce);
      const key = hexToBytes(vector.key);
      const suite: EspSuite = { encr: EncrId.AES_GCM_16, encrKeyBits: key.length * 8, integ: IntegId.NONE, esn: vector.esn };
      const sa: EspSa = { spi: vector.spi, suite, encKey: concatBytes(key, nonce.subarray(0, 4)), integKey: new Uint8Array(0) };
      const plaintext = hexToBytes(vector.plaintext);
      const packet = hexToBytes(vector.packet);
      // RFC 4303 §2.4 trailer of the document's plaintext.
      const padLength = plaintext[plaintext.length - 2] ?? 0;
      const payload = plaintext.subarray(0, plaintext.length - 2 - padLength);
      const nextHeader = plaintext[plaintext.length - 1] ?? 0;

      const result = opened(openEsp(inbound(sa, vector.sequence - 1n), packet));
      expect(result.spi).toBe(vector.spi);
      expect(result.sequence).toBe(vector.sequence);
      expect(result.nextHeader).toBe(nextHeader);
      expect(result.payload).toEqual(payload);
      expect(result.packetBytes).toBe(packet.length);
      expect(result.replay.highest).toBe(vector.sequence);

      const seal = sealEsp(outbound(sa, vector.sequence), { nextHeader, payload }, nonce.subarray(4));
      expect(sealed(seal)).toEqual(packet);
      expect(espPacketLength(sa, payload.length)).toBe(packet.length);
    });
  }
});

/** RFC 7634 Appendix A: the ESP example (SPI 01020304, sequence 5, IPv4 ICMP payload). */
describe('ChaCha20-Poly1305 ESP packet (RFC 7634 Appendix A)', () => {
  const sa: EspSa = {
    spi: 0x01020304,
    suite: { encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: IntegId.NONE, esn: false },
    encKey: hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3'),
    integKey: new Uint8Array(0),
  };
  const iv = hexToBytes('1011121314151617');
  const payload = hexToBytes(`
    45 00 00 54 a6 f2 00 00 40 01 e7 78 c6 33 64 05
    c0 00 02 05 08 00 5b 7a 3a 08 00 00 55 3b ec 10
    00 07 36 27 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13
    14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
    24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33
    34 35 36 37`);
  const sealedBody = hexToBytes(`
    24 03 94 28 b9 7f 41 7e 3c 13 75 3a 4f 05 08 7b
    67 c3 52 e6 a7 fa b1 b9 82 d4 66 ef 40 7a e5 c6
    14 ee 80 99 d5 28 44 eb 61 aa 95 df ab 4c 02 f7
    2a a7 1e 7c 4c 4f 64 c9 be fe 2f ac c6 38 e8 f3
    cb ec 16 3f ac 46 9b 50 27 73 f6 fb 94 e6 64 da
    91 65 b8 28 29 f6 41 e0
    76 aa a8 26 6b 7f b0 f7 b1 1b 36 99 07 e1 ad 43`);
  const packet = concatBytes(hexToBytes('01020304 00000005'), iv, sealedBody);

  it('seals the example payload (padding 01 02, Pad Length 2, Next Header 4) to the example packet', () => {
    const result = sealEsp(outbound(sa, 5n), { nextHeader: 4, payload }, iv);
    expect(sealed(result)).toEqual(packet);
    expect(result).toMatchObject({ sequence: 5n, nextSequence: 6n, payloadBytes: 84, packetBytes: packet.length });
  });

  it('opens the example packet', () => {
    const result = opened(openEsp(inbound(sa, 4n), packet));
    expect(result).toMatchObject({ spi: 0x01020304, sequence: 5n, nextHeader: 4, payloadBytes: 84, tfcPaddingBytes: 0 });
    expect(result.payload).toEqual(payload);
  });

  it('is told apart from IKE on the NAT-T port by the non-ESP marker helper (RFC 3948)', () => {
    const split = splitNonEspMarker(packet);
    expect(split).toMatchObject({ kind: 'esp', spi: 0x01020304, sequence: 5 });
    if (split.kind !== 'esp') throw new Error('not ESP');
    expect(opened(openEsp(inbound(sa), split.esp)).payload).toEqual(payload);
  });
});

/**
 * RFC 3602 §4 case #5: a transport-mode ESP packet with AES-128-CBC (SPI
 * 4321, sequence 1, ICMP payload, padding 01..0e). The RFC's packet has no
 * ICV; here the ICV comes from HMAC-SHA2-256-128 (itself checked against
 * RFC 4868 in the crypto tests) over SPI..ciphertext, so only the bytes up
 * to the ciphertext are the document's.
 */
describe('AES-CBC ESP packet (RFC 3602 §4 case #5)', () => {
  const sa: EspSa = {
    spi: 0x4321,
    suite: { encr: EncrId.AES_CBC, encrKeyBits: 128, integ: IntegId.HMAC_SHA2_256_128, esn: false },
    encKey: hexToBytes('90d382b4 10eeba7a d938c46c ec1a82bf'),
    integKey: new Uint8Array(32).fill(0x5a),
  };
  const iv = hexToBytes('e96e8c08 ab465763 fd098d45 dd3ff893');
  const payload = hexToBytes(`
    08000ebd a70a0000 8e9c083d b95b0700 08090a0b 0c0d0e0f 10111213 14151617
    18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637`);
  const unauthenticated = hexToBytes(`
    00004321 00000001
    e96e8c08 ab465763 fd098d45 dd3ff893
    f663c25d 325c18c6 a9453e19 4e120849 a4870b66 cc6b9965 330013b4 898dc856
    a4699e52 3a55db08 0b59ec3a 8e4b7e52 775b07d1 db34ed9c 538ab50c 551b874a
    a269add0 47ad2d59 13ac19b7 cfbad4a6`);
  const packet = concatBytes(unauthenticated, computeIntegrity(IntegId.HMAC_SHA2_256_128, sa.integKey, unauthenticated));

  it('seals the ICMP payload (Next Header 1) to the RFC ciphertext, then the ICV', () => {
    expect(sealed(sealEsp(outbound(sa), { nextHeader: 1, payload }, iv))).toEqual(packet);
  });

  it('opens it', () => {
    const result = opened(openEsp(inbound(sa), packet));
    expect(result).toMatchObject({ sequence: 1n, nextHeader: 1, payloadBytes: 64 });
    expect(result.payload).toEqual(payload);
  });
});

// --- every suite ---------------------------------------------------------------

interface SuiteCase {
  readonly name: string;
  readonly encr: number;
  readonly encrKeyBits: number;
  readonly integ: number;
  readonly encKeyLength: number;
  readonly integKeyLength: number;
  readonly ivSize: number;
  readonly icvSize: number;
  readonly alignment: number;
}

const CBC_INTEG = [
  { integ: IntegId.HMAC_SHA1_96, name: 'HMAC-SHA1-96', keyLength: 20, icvSize: 12 },
  { integ: IntegId.HMAC_SHA2_256_128, name: 'HMAC-SHA2-256-128', keyLength: 32, icvSize: 16 },
  { integ: IntegId.HMAC_SHA2_384_192, name: 'HMAC-SHA2-384-192', keyLength: 48, icvSize: 24 },
  { integ: IntegId.HMAC_SHA2_512_256, name: 'HMAC-SHA2-512-256', keyLength: 64, icvSize: 32 },
];

const SUITES: readonly SuiteCase[] = [
  { name: 'AES-GCM-16-128', encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: IntegId.NONE, encKeyLength: 20, integKeyLength: 0, ivSize: 8, icvSize: 16, alignment: 4 },
  { name: 'AES-GCM-16-256', encr: EncrId.AES_GCM_16, encrKeyBits: 256, integ: IntegId.NONE, encKeyLength: 36, integKeyLength: 0, ivSize: 8, icvSize: 16, alignment: 4 },
  { name: 'ChaCha20-Poly1305', encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: IntegId.NONE, encKeyLength: 36, integKeyLength: 0, ivSize: 8, icvSize: 16, alignment: 4 },
  ...[128, 256].flatMap((bits) =>
    CBC_INTEG.map((integ) => ({
      name: `AES-CBC-${bits} + ${integ.name}`,
      encr: EncrId.AES_CBC,
      encrKeyBits: bits,
      integ: integ.integ,
      encKeyLength: bits / 8,
      integKeyLength: integ.keyLength,
      ivSize: 16,
      icvSize: integ.icvSize,
      alignment: 16,
    })),
  ),
];

function makeSa(suite: SuiteCase, esn: boolean, seed = 1): EspSa {
  const fill = (length: number, offset: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + offset + seed) & 0xff);
  return {
    spi: 0xc0ffee01,
    suite: { encr: suite.encr, encrKeyBits: suite.encrKeyBits, integ: suite.integ, esn },
    encKey: fill(suite.encKeyLength, 3),
    integKey: fill(suite.integKeyLength, 101),
  };
}

/** Next Header values other than IPv4/IPv6, whose payload is returned as is. */
const opaqueNextHeader = fc.integer({ min: 0, max: 255 }).filter((n) => n !== 4 && n !== 41);

describe.each(SUITES)('$name', (suite) => {
  it('round-trips any payload, with and without ESN (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        opaqueNextHeader,
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 0xffff_ffffn }),
        (payload, nextHeader, esn, sequence) => {
          const sa = makeSa(suite, esn);
          const seal = sealEsp(outbound(sa, sequence), { nextHeader, payload });
          const packet = sealed(seal);
          expect(packet.length).toBe(espPacketLength(sa, payload.length));
          const result = opened(openEsp(inbound(sa, sequence - 1n), packet));
          expect(result.payload).toEqual(payload);
          expect(result.nextHeader).toBe(nextHeader);
          expect(result.sequence).toBe(sequence);
          // RFC 4303 §2.4: the encrypted part fills whole blocks (4-byte words for the AEADs).
          expect((packet.length - 8 - suite.ivSize - suite.icvSize) % suite.alignment).toBe(0);
          expect(packet.length - 8 - suite.ivSize - suite.icvSize - payload.length - 2).toBeLessThan(suite.alignment);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('any single-bit flip after the header fails integrity; in the SPI it is unknown_spi (property)', () => {
    const sa = makeSa(suite, false);
    const packet = sealed(sealEsp(outbound(sa, 1n), { nextHeader: 59, payload: Uint8Array.from({ length: 37 }, (_, i) => i) }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: packet.length * 8 - 1 }), (bit) => {
        const flipped = packet.slice();
        flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (0x80 >> (bit & 7));
        const result = openEsp(inbound(sa), flipped);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        if (bit < 32) expect(result.reason).toBe('unknown_spi');
        else if (bit < 64) expect(['integrity', 'replay']).toContain(result.reason);
        else expect(result.reason).toBe('integrity');
      }),
      { numRuns: 60 },
    );
  });

  it('a key from another SA fails integrity', () => {
    const packet = sealed(sealEsp(outbound(makeSa(suite, false)), { nextHeader: 4, payload: new Uint8Array(20) }));
    expect(openEsp(inbound(makeSa(suite, false, 2)), packet)).toMatchObject({ ok: false, reason: 'integrity' });
  });

  it('with ESN, the unsent high half is authenticated', () => {
    const sa = makeSa(suite, true);
    const sequence = (3n << 32n) | 17n;
    const packet = sealed(sealEsp(outbound(sa, sequence), { nextHeader: 59, payload: new Uint8Array(8) }));
    expect(opened(openEsp(inbound(sa, sequence - 1n), packet)).sequence).toBe(sequence);
    // Same low half, but the receiver's window puts it in subspace 4: ICV mismatch.
    expect(openEsp(inbound(sa, (4n << 32n) | 17n), packet)).toMatchObject({ ok: false, reason: 'integrity' });
  });

  it('never throws on truncated input (every prefix)', () => {
    const sa = makeSa(suite, false);
    const packet = sealed(sealEsp(outbound(sa), { nextHeader: 4, payload: new Uint8Array(45) }));
    for (let length = 0; length < packet.length; length++) {
      const result = openEsp(inbound(sa), packet.subarray(0, length));
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(['truncated', 'length', 'integrity']).toContain(result.reason);
      if (length < 8) expect(result.reason).toBe('truncated');
    }
  });
});

// --- replay through openEsp -------------------------------------------------------

describe('anti-replay in openEsp', () => {
  const suite = SUITES[0] as SuiteCase;
  const sa = makeSa(suite, false);
  const packetFor = (sequence: bigint): Uint8Array => sealed(sealEsp(outbound(sa, sequence), { nextHeader: 59, payload: new Uint8Array(10) }));

  it('rejects a duplicate and a packet behind the window; accepts out of order inside it', () => {
    let window = inbound(sa, 0n, 64).replay;
    const open = (sequence: bigint): OpenEspResult => {
      const result = openEsp({ ...sa, replay: window }, packetFor(sequence));
      if (result.ok) window = result.replay;
      return result;
    };
    expect(open(1n).ok).toBe(true);
    expect(open(1n)).toMatchObject({ ok: false, reason: 'replay' });
    expect(open(100n).ok).toBe(true);
    expect(open(50n).ok).toBe(true);
    expect(open(36n).ok).toBe(false);
    expect(open(37n).ok).toBe(true);
    expect(open(50n)).toMatchObject({ ok: false, reason: 'replay' });
    expect(open(2n)).toMatchObject({ ok: false, reason: 'replay' });
  });

  it('a packet that fails integrity does not move the window', () => {
    const start = inbound(sa);
    const forged = packetFor(1000n);
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    const result = openEsp(start, forged);
    expect(result).toMatchObject({ ok: false, reason: 'integrity' });
    expect(start.replay.highest).toBe(0n);
    expect(start.replay.words.every((word) => word === 0)).toBe(true);
    expect(opened(openEsp(start, packetFor(1n))).replay.highest).toBe(1n);
  });

  it('rejects sequence number 0 and a packet for another SPI', () => {
    const zero = packetFor(1n);
    zero[7] = 0;
    expect(openEsp(inbound(sa), zero)).toMatchObject({ ok: false, reason: 'replay' });
    expect(openEsp({ ...inbound(sa), spi: 0x1234 }, packetFor(1n))).toMatchObject({ ok: false, reason: 'unknown_spi' });
  });
});

// --- outbound sequence numbers, padding, TFC ------------------------------------------

describe('sealEsp sequence numbers', () => {
  const sa = makeSa(SUITES[3] as SuiteCase, false);
  const payload = new Uint8Array(4);

  it('starts at 1 and reports the next counter', () => {
    expect(sealEsp(outbound(sa), { nextHeader: 4, payload })).toMatchObject({ ok: true, sequence: 1n, nextSequence: 2n });
  });

  it('never wraps: 2^32-1 is the last without ESN, 2^64-1 with ESN', () => {
    expect(sealEsp(outbound(sa, 0xffff_ffffn), { nextHeader: 4, payload })).toMatchObject({ ok: true, nextSequence: 1n << 32n });
    expect(sealEsp(outbound(sa, 1n << 32n), { nextHeader: 4, payload })).toMatchObject({ ok: false, reason: 'sequence_exhausted' });
    expect(sealEsp(outbound(sa, 0n), { nextHeader: 4, payload })).toMatchObject({ ok: false, reason: 'sequence_exhausted' });
    const esnSa = makeSa(SUITES[3] as SuiteCase, true);
    expect(sealEsp(outbound(esnSa, 1n << 32n), { nextHeader: 4, payload }).ok).toBe(true);
    expect(sealEsp(outbound(esnSa, (1n << 64n) - 1n), { nextHeader: 4, payload }).ok).toBe(true);
    expect(sealEsp(outbound(esnSa, 1n << 64n), { nextHeader: 4, payload })).toMatchObject({ ok: false, reason: 'sequence_exhausted' });
  });

  it('AEAD IVs are the 64-bit sequence number (never repeated within the SA); CBC IVs are random', () => {
    const ivOf = (packet: Uint8Array) => Buffer.from(packet.subarray(8, 16)).toString('hex');
    const aead = SUITES.filter((c) => c.integ === IntegId.NONE);
    expect(aead.map((c) => c.name)).toEqual(['AES-GCM-16-128', 'AES-GCM-16-256', 'ChaCha20-Poly1305']);
    for (const suite of aead) {
      const esnSa = makeSa(suite, true);
      expect(ivOf(sealed(sealEsp(outbound(esnSa, 1n), { nextHeader: 4, payload })))).toBe('0000000000000001');
      expect(ivOf(sealed(sealEsp(outbound(esnSa, (1n << 32n) + 5n), { nextHeader: 4, payload })))).toBe('0000000100000005');
    }
    const cbc = SUITES.find((c) => c.integ !== 0)!;
    const cbcSa = makeSa(cbc, false);
    const first = sealed(sealEsp(outbound(cbcSa, 1n), { nextHeader: 4, payload }));
    const second = sealed(sealEsp(outbound(cbcSa, 1n), { nextHeader: 4, payload }));
    expect(Buffer.from(first.subarray(8, 8 + cbc.ivSize)).equals(Buffer.from(second.subarray(8, 8 + cbc.ivSize)))).toBe(false);
  });

  it('refuses SPI 0 and an IV of the wrong size (caller bugs)', () => {
    expect(() => sealEsp(outbound({ ...sa, spi: 0 }), { nextHeader: 4, payload })).toThrow(RangeError);
    expect(() => sealEsp(outbound(sa), { nextHeader: 4, payload }, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'iv_length' }));
    expect(() => sealEsp(outbound({ ...sa, encKey: new Uint8Array(5) }), { nextHeader: 4, payload })).toThrow(expect.objectContaining({ code: 'key_length' }));
  });
});

describe('padding and TFC padding', () => {
  const cbcSa = makeSa(SUITES[3] as SuiteCase, false);
  const gcmSa = makeSa(SUITES[0] as SuiteCase, false);

  /** A packet whose plaintext (after payload) is `trailer`, with a valid ICV, built from the raw primitives. */
  function craft(sa: EspSa, plaintext: Uint8Array): Uint8Array {
    const header = hexToBytes('c0ffee01 00000001');
    if (sa.suite.encr === EncrId.AES_CBC) {
      const iv = new Uint8Array(16).fill(9);
      const ciphertext = cbcEncrypt(sa.suite.encrKeyBits, sa.encKey, iv, plaintext);
      return concatBytes(header, iv, ciphertext, computeIntegrity(sa.suite.integ, sa.integKey, header, iv, ciphertext));
    }
    const iv = new Uint8Array(8).fill(9);
    return concatBytes(header, iv, aeadSeal(sa.suite.encr, sa.suite.encrKeyBits, sa.encKey, iv, header, plaintext));
  }

  it('checks the monotonic 1, 2, 3, ... padding (RFC 4303 §2.4) after a valid ICV', () => {
    const plaintext = new Uint8Array(32);
    plaintext.set([1, 2, 3, 4, 5, 6], 24);
    plaintext[30] = 6;
    plaintext[31] = 59;
    expect(opened(openEsp(inbound(cbcSa), craft(cbcSa, plaintext))).payload).toEqual(new Uint8Array(24));
    const bad = plaintext.slice();
    bad[27] = 0;
    expect(openEsp(inbound(cbcSa), craft(cbcSa, bad))).toMatchObject({ ok: false, reason: 'padding' });
    expect(openEsp(inbound(gcmSa), craft(gcmSa, bad))).toMatchObject({ ok: false, reason: 'padding' });
  });

  it('rejects a Pad Length longer than the decrypted bytes, and does not accept the packet into the window', () => {
    const plaintext = new Uint8Array(16);
    plaintext[14] = 15;
    plaintext[15] = 4;
    const start = inbound(cbcSa);
    expect(openEsp(start, craft(cbcSa, plaintext))).toMatchObject({ ok: false, reason: 'padding' });
    expect(start.replay.highest).toBe(0n);
  });

  it('rejects ciphertext that is not block-aligned as a length error', () => {
    const packet = sealed(sealEsp(outbound(cbcSa), { nextHeader: 4, payload: new Uint8Array(40) }));
    const longer = concatBytes(packet, new Uint8Array(4));
    expect(openEsp(inbound(cbcSa), longer)).toMatchObject({ ok: false, reason: 'length' });
    const gcmPacket = sealed(sealEsp(outbound(gcmSa), { nextHeader: 4, payload: new Uint8Array(40) }));
    expect(openEsp(inbound(gcmSa), concatBytes(gcmPacket, new Uint8Array(2)))).toMatchObject({ ok: false, reason: 'length' });
  });

  it('drops TFC padding after an IPv4 packet and counts it', () => {
    const ipv4 = hexToBytes('4500001c42a200008001441f406793b6e00000020a00f5ff 00000000');
    const packet = sealed(sealEsp(outbound(gcmSa), { nextHeader: 4, payload: ipv4, tfcPadding: 100 }));
    const result = opened(openEsp(inbound(gcmSa), packet));
    expect(result.payload).toEqual(ipv4);
    expect(result.tfcPaddingBytes).toBe(100);
    expect(result.payloadBytes).toBe(28);
  });
});
