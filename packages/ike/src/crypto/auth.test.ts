import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrfId } from '../constants.ts';
import { computePskAuth, pskBytes, signedOctets, verifyPskAuth } from './auth.ts';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';
import { PskFormatError } from './errors.ts';

describe('pskBytes', () => {
  it('Passphrase form is the UTF-8 bytes of the string', () => {
    expect(bytesToHex(pskBytes({ kind: 'passphrase', value: 's3cret' }))).toBe('733363726574');
    expect(bytesToHex(pskBytes({ kind: 'passphrase', value: 'clé' }))).toBe('636cc3a9');
  });

  it('Hex form accepts 0x-prefixed and bare hex, either case', () => {
    expect(bytesToHex(pskBytes({ kind: 'hex', value: '0x0123ABcd' }))).toBe('0123abcd');
    expect(bytesToHex(pskBytes({ kind: 'hex', value: '0X00ff' }))).toBe('00ff');
    expect(bytesToHex(pskBytes({ kind: 'hex', value: 'deadbeef' }))).toBe('deadbeef');
  });

  it('Hex form: odd length, non-hex characters and emptiness are typed errors that do not echo the key', () => {
    const attempt = (value: string): PskFormatError => {
      try {
        pskBytes({ kind: 'hex', value });
      } catch (error) {
        if (error instanceof PskFormatError) return error;
      }
      throw new Error('expected a PskFormatError');
    };
    const odd = attempt('0xabc');
    expect(odd.code).toBe('psk_hex_odd_length');
    expect(odd.message).toContain('odd number of digits (3)');
    const bad = attempt('12zz34');
    expect(bad.code).toBe('psk_hex_invalid_character');
    expect(bad.message).toContain('character 3');
    expect(bad.message).not.toContain('zz');
    expect(attempt('0xs3cretkey').message).not.toContain('s3cret');
    expect(attempt('0x').code).toBe('psk_empty');
    expect(attempt('').code).toBe('psk_empty');
    expect(() => pskBytes({ kind: 'passphrase', value: '' })).toThrow(expect.objectContaining({ code: 'psk_empty' }));
  });
});

describe('PSK AUTH (RFC 7296 §2.15)', () => {
  const realMessage = hexToBytes('00112233445566778899aabbccddeeff');
  const peerNonce = hexToBytes('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
  const skP = new Uint8Array(32).fill(0x5a);
  const idPayloadBody = hexToBytes('02000000') ;
  const octets = signedOctets({ prf: PrfId.HMAC_SHA2_256, realMessage, peerNonce, skP, idPayloadBody: concatBytes(idPayloadBody, new TextEncoder().encode('side-a')) });

  it('signed octets are RealMessage | Nonce(peer) | prf(SK_p, IDx\')', () => {
    const macedId = createHmac('sha256', skP).update(concatBytes(idPayloadBody, new TextEncoder().encode('side-a'))).digest();
    expect(octets).toEqual(concatBytes(realMessage, peerNonce, macedId));
  });

  it('AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets)', () => {
    const psk = pskBytes({ kind: 'passphrase', value: 's3cret' });
    const inner = createHmac('sha256', psk).update('Key Pad for IKEv2', 'ascii').digest();
    const expected = createHmac('sha256', inner).update(octets).digest();
    expect(computePskAuth(PrfId.HMAC_SHA2_256, psk, octets)).toEqual(new Uint8Array(expected));
    expect(computePskAuth(PrfId.HMAC_SHA1, psk, octets)).toHaveLength(20);
  });

  it('verifies both PSK forms and rejects the other form of the same text ("PSK type mismatch")', () => {
    for (const text of ['abcd', '0x1234', 'deadbeefcafe']) {
      const asPassphrase = pskBytes({ kind: 'passphrase', value: text });
      const asHex = pskBytes({ kind: 'hex', value: text });
      const authPassphrase = computePskAuth(PrfId.HMAC_SHA2_256, asPassphrase, octets);
      const authHex = computePskAuth(PrfId.HMAC_SHA2_256, asHex, octets);
      expect(authPassphrase).not.toEqual(authHex);
      expect(verifyPskAuth(PrfId.HMAC_SHA2_256, asPassphrase, octets, authPassphrase)).toBe(true);
      expect(verifyPskAuth(PrfId.HMAC_SHA2_256, asHex, octets, authHex)).toBe(true);
      expect(verifyPskAuth(PrfId.HMAC_SHA2_256, asHex, octets, authPassphrase)).toBe(false);
    }
  });

  it('rejects a tampered message, a wrong key and a truncated AUTH', () => {
    const psk = pskBytes({ kind: 'hex', value: '00112233' });
    const auth = computePskAuth(PrfId.HMAC_SHA2_512, psk, octets);
    const tampered = octets.slice();
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(verifyPskAuth(PrfId.HMAC_SHA2_512, psk, tampered, auth)).toBe(false);
    expect(verifyPskAuth(PrfId.HMAC_SHA2_512, pskBytes({ kind: 'hex', value: '00112234' }), octets, auth)).toBe(false);
    expect(verifyPskAuth(PrfId.HMAC_SHA2_512, psk, octets, auth.subarray(0, 32))).toBe(false);
    expect(() => computePskAuth(PrfId.HMAC_SHA2_512, new Uint8Array(0), octets)).toThrow(expect.objectContaining({ code: 'psk_empty' }));
  });
});
