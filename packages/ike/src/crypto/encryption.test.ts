import { describe, expect, it } from 'vitest';
import { EncrId } from '../constants.ts';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';
import { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from './encryption.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** RFC 3602 §4, cases #1-#3 (AES-128-CBC). */
const RFC3602 = [
  { name: 'case #1', key: '06a9214036b8a15b512e03d534120006', iv: '3dafba429d9eb430b422da802c9fac41', plaintext: ascii('Single block msg'), ciphertext: 'e353779c1079aeb82708942dbe77181a' },
  {
    name: 'case #2',
    key: 'c286696d887c9aa0611bbb3e2025a45a',
    iv: '562e17996d093d28ddb3ba695a2e6f58',
    plaintext: hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
    ciphertext: 'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1',
  },
  {
    name: 'case #3',
    key: '6c3ea0477630ce21a2ce334aa746c2cd',
    iv: 'c782dc4c098c66cbd9cd27d825682c81',
    plaintext: ascii('This is a 48-byte message (exactly 3 AES blocks)'),
    ciphertext: 'd0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684',
  },
];

/** NIST SP 800-38A Appendix F.2.3 (CBC-AES192.Encrypt) and F.2.5 (CBC-AES256.Encrypt). */
const SP800_38A_PLAINTEXT = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
const SP800_38A = [
  {
    name: 'F.2.3 AES-192',
    keyBits: 192,
    key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    ciphertext: '4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd',
  },
  {
    name: 'F.2.5 AES-256',
    keyBits: 256,
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ciphertext: 'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b',
  },
];

describe('AES-CBC', () => {
  for (const vector of RFC3602) {
    it(`RFC 3602 ${vector.name}`, () => {
      const key = hexToBytes(vector.key);
      const iv = hexToBytes(vector.iv);
      expect(bytesToHex(cbcEncrypt(128, key, iv, vector.plaintext))).toBe(vector.ciphertext);
      expect(cbcDecrypt(128, key, iv, hexToBytes(vector.ciphertext))).toEqual(vector.plaintext);
    });
  }
  for (const vector of SP800_38A) {
    it(`NIST SP 800-38A ${vector.name}`, () => {
      const key = hexToBytes(vector.key);
      const iv = hexToBytes('000102030405060708090a0b0c0d0e0f');
      expect(bytesToHex(cbcEncrypt(vector.keyBits, key, iv, hexToBytes(SP800_38A_PLAINTEXT)))).toBe(vector.ciphertext);
      expect(bytesToHex(cbcDecrypt(vector.keyBits, key, iv, hexToBytes(vector.ciphertext)))).toBe(SP800_38A_PLAINTEXT);
    });
  }
  it('rejects wrong key, IV and data lengths', () => {
    expect(() => cbcEncrypt(128, new Uint8Array(15), new Uint8Array(16), new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'key_length' }));
    expect(() => cbcEncrypt(128, new Uint8Array(16), new Uint8Array(8), new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'iv_length' }));
    expect(() => cbcEncrypt(128, new Uint8Array(16), new Uint8Array(16), new Uint8Array(15))).toThrow(expect.objectContaining({ code: 'block_length' }));
    expect(() => cbcEncrypt(512, new Uint8Array(64), new Uint8Array(16), new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
  });
});

/**
 * AES-GCM with the ESP construction RFC 5282 reuses for IKEv2 (key | 4-byte
 * salt, nonce = salt | 8-byte IV, 16-byte ICV): vectors of
 * draft-mcgrew-gcm-test-01 (nonce given there as salt | IV), and the GCM
 * specification's test case 16 (McGrew & Viega, 256-bit key, 12-byte IV).
 */
const GCM = [
  {
    name: 'draft-mcgrew-gcm-test-01, SPI 0000a5f8 (AES-128)',
    keyBits: 128,
    key: 'feffe9928665731c6d6a8f9467308308',
    nonce: 'cafebabefacedbaddecaf888',
    aad: '0000a5f80000000a',
    plaintext: '4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001',
    sealed: 'deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a',
  },
  {
    name: 'draft-mcgrew-gcm-test-01, SPI 4a2cbfe3 (AES-256)',
    keyBits: 256,
    key: 'abbccddef00112233445566778899aababbccddef00112233445566778899aab',
    nonce: '112233440102030405060708',
    aad: '4a2cbfe300000002',
    plaintext: '4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201',
    sealed: 'ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c4915956c96',
  },
  {
    name: 'GCM specification test case 16 (AES-256)',
    keyBits: 256,
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    nonce: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    plaintext: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    sealed: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-GCM-16 (RFC 5282 construction)', () => {
  for (const vector of GCM) {
    it(vector.name, () => {
      const nonce = hexToBytes(vector.nonce);
      const keyWithSalt = concatBytes(hexToBytes(vector.key), nonce.subarray(0, 4));
      const iv = nonce.subarray(4);
      const aad = hexToBytes(vector.aad);
      expect(bytesToHex(aeadSeal(EncrId.AES_GCM_16, vector.keyBits, keyWithSalt, iv, aad, hexToBytes(vector.plaintext)))).toBe(vector.sealed);
      expect(bytesToHex(aeadOpen(EncrId.AES_GCM_16, vector.keyBits, keyWithSalt, iv, aad, hexToBytes(vector.sealed)) ?? new Uint8Array(0))).toBe(vector.plaintext);
    });
  }
});

/** RFC 7634 Appendix A: the ESP example (key 80..9f, salt a0a1a2a3, IV 10..17). */
describe('ChaCha20-Poly1305 (RFC 7634)', () => {
  const keyWithSalt = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3');
  const iv = hexToBytes('1011121314151617');
  const aad = hexToBytes('0102030400000005');
  const plaintext = hexToBytes(`
    45 00 00 54 a6 f2 00 00 40 01 e7 78 c6 33 64 05
    c0 00 02 05 08 00 5b 7a 3a 08 00 00 55 3b ec 10
    00 07 36 27 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13
    14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23
    24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33
    34 35 36 37 01 02 02 04`);
  const sealed = hexToBytes(`
    24 03 94 28 b9 7f 41 7e 3c 13 75 3a 4f 05 08 7b
    67 c3 52 e6 a7 fa b1 b9 82 d4 66 ef 40 7a e5 c6
    14 ee 80 99 d5 28 44 eb 61 aa 95 df ab 4c 02 f7
    2a a7 1e 7c 4c 4f 64 c9 be fe 2f ac c6 38 e8 f3
    cb ec 16 3f ac 46 9b 50 27 73 f6 fb 94 e6 64 da
    91 65 b8 28 29 f6 41 e0
    76 aa a8 26 6b 7f b0 f7 b1 1b 36 99 07 e1 ad 43`);

  it('Appendix A ESP example: seal and open', () => {
    expect(aeadSeal(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, aad, plaintext)).toEqual(sealed);
    expect(aeadOpen(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, aad, sealed)).toEqual(plaintext);
  });

  it('open returns null for a modified ICV, ciphertext or AAD', () => {
    const badTag = sealed.slice();
    badTag[badTag.length - 1] = (badTag[badTag.length - 1] ?? 0) ^ 0x80;
    expect(aeadOpen(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, aad, badTag)).toBeNull();
    const badBody = sealed.slice();
    badBody[0] = (badBody[0] ?? 0) ^ 1;
    expect(aeadOpen(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, aad, badBody)).toBeNull();
    expect(aeadOpen(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, hexToBytes('0102030400000006'), sealed)).toBeNull();
    expect(aeadOpen(EncrId.CHACHA20_POLY1305, 256, keyWithSalt, iv, aad, sealed.subarray(0, 10))).toBeNull();
  });

  it('rejects key material without the salt', () => {
    expect(() => aeadSeal(EncrId.CHACHA20_POLY1305, 256, keyWithSalt.subarray(0, 32), iv, aad, plaintext)).toThrow(expect.objectContaining({ code: 'key_length' }));
    expect(() => aeadSeal(EncrId.AES_CBC, 128, new Uint8Array(20), iv, aad, plaintext)).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
  });
});
