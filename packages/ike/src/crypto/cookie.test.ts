import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';
import { COOKIE_LENGTH, computeCookie, initialCookieSecrets, rotateCookieSecret, verifyCookie } from './cookie.ts';

const ni = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const spiI = hexToBytes('1122334455667788');
const secretA = new Uint8Array(32).fill(0xa5);
const secretB = new Uint8Array(32).fill(0x5a);
const secretC = new Uint8Array(32).fill(0x3c);

describe('cookies (RFC 7296 §2.6)', () => {
  it('Cookie = VersionIDofSecret | SHA-256(Ni | IPi | SPIi | secret)', () => {
    const secrets = initialCookieSecrets(secretA, 7);
    const cookie = computeCookie(secrets.current, ni, '192.0.2.10', spiI);
    expect(cookie).toHaveLength(COOKIE_LENGTH);
    const hash = createHash('sha256').update(concatBytes(ni, hexToBytes('c000020a'), spiI, secretA)).digest();
    expect(bytesToHex(cookie)).toBe(`00000007${hash.toString('hex')}`);
  });

  it('verifies with the current and the previous secret, not older ones', () => {
    let secrets = initialCookieSecrets(secretA);
    const old = computeCookie(secrets.current, ni, '2001:db8::1', spiI);
    secrets = rotateCookieSecret(secrets, secretB);
    expect(secrets.current.version).toBe(1);
    expect(verifyCookie(secrets, old, ni, '2001:db8::1', spiI)).toEqual({ ok: true, version: 0 });
    const fresh = computeCookie(secrets.current, ni, '2001:db8::1', spiI);
    expect(verifyCookie(secrets, fresh, ni, '2001:db8::1', spiI)).toEqual({ ok: true, version: 1 });
    secrets = rotateCookieSecret(secrets, secretC);
    expect(verifyCookie(secrets, old, ni, '2001:db8::1', spiI)).toEqual({ ok: false, reason: 'unknown_version' });
    expect(verifyCookie(secrets, fresh, ni, '2001:db8::1', spiI)).toEqual({ ok: true, version: 1 });
  });

  it('rejects a cookie for another nonce, address or SPI, or of the wrong length', () => {
    const secrets = initialCookieSecrets(secretA);
    const cookie = computeCookie(secrets.current, ni, '192.0.2.10', spiI);
    expect(verifyCookie(secrets, cookie, ni.subarray(1), '192.0.2.10', spiI)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCookie(secrets, cookie, ni, '192.0.2.11', spiI)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCookie(secrets, cookie, ni, '192.0.2.10', new Uint8Array(8))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCookie(secrets, cookie.subarray(0, 20), ni, '192.0.2.10', spiI)).toEqual({ ok: false, reason: 'length' });
  });

  it('version IDs wrap at 2^32; short secrets are refused', () => {
    const secrets = rotateCookieSecret(initialCookieSecrets(secretA, 0xffffffff), secretB);
    expect(secrets.current.version).toBe(0);
    expect(() => initialCookieSecrets(new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'cookie_secret' }));
    expect(() => initialCookieSecrets(secretA, -1)).toThrow(expect.objectContaining({ code: 'cookie_secret' }));
  });
});
