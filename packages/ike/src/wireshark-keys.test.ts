import { describe, expect, it } from 'vitest';
import { EncrId, IntegId } from './constants.ts';
import { DecryptionTableError, formatDecryptionTable, parseDecryptionTable, wiresharkCanDecrypt } from './wireshark-keys.ts';

// A line in the exact form Wireshark accepts (notes/strongswan-peer.md).
const GCM_LINE =
  '682ffbd9534525b7,b6fa52aceb65e221,8a6c983e7ab2e4a3b0bb4019c20e99fb134686c0,24db145fc32cda417d48a43691f9d3a60a471585,"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"';

describe('ikev2_decryption_table', () => {
  it('parses an AES-GCM line with empty integrity keys', () => {
    const [e] = parseDecryptionTable(`# comment\n\n${GCM_LINE}\n`);
    expect(e).toBeDefined();
    expect(Buffer.from(e!.spiInitiator).toString('hex')).toBe('682ffbd9534525b7');
    expect(e!.skEi.length).toBe(20); // 16-byte key + 4-byte salt
    expect(e!.skAi.length).toBe(0);
    expect(e!.suite).toEqual({ encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: IntegId.NONE });
  });

  it('round-trips through the formatter byte for byte', () => {
    expect(formatDecryptionTable(parseDecryptionTable(GCM_LINE))).toBe(GCM_LINE + '\n');
    const cbc = '0102030405060708,1112131415161718,' + 'aa'.repeat(32) + ',' + 'bb'.repeat(32) + ',"AES-CBC-256 [RFC3602]",' + 'cc'.repeat(32) + ',' + 'dd'.repeat(32) + ',"HMAC_SHA2_256_128 [RFC4868]"';
    const parsed = parseDecryptionTable(cbc);
    expect(parsed[0]!.suite).toEqual({ encr: EncrId.AES_CBC, encrKeyBits: 256, integ: IntegId.HMAC_SHA2_256_128 });
    expect(formatDecryptionTable(parsed)).toBe(cbc + '\n');
  });

  it.each([
    [GCM_LINE.replace('682ffbd9534525b7', '"682ffbd9534525b7"'), 'SPIi', /bare hex/],
    [GCM_LINE.replace('682ffbd9534525b7', '682ffbd95345'), 'SPIi', /8 octets, found 6/],
    [GCM_LINE.replace('8a6c98', '8a6c9'), 'SK_ei', /even-length hex/],
    [GCM_LINE.replace('AES-GCM-128', 'AES-GCM-129'), 'encryption algorithm', /unknown/],
    [GCM_LINE.replace('"NONE [RFC4306]"', '"HMAC_SHA1_96 [RFC2404]"'), 'integrity algorithm', /AEAD/],
    [GCM_LINE.replace(',,,', ',,'), 'line', /expected 8/],
  ])('rejects %s naming the field', (line, field, message) => {
    try {
      parseDecryptionTable(`${GCM_LINE}\n${line}`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecryptionTableError);
      expect((err as DecryptionTableError).line).toBe(2);
      expect((err as DecryptionTableError).field).toBe(field);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('knows which suites tshark can decrypt', () => {
    expect(wiresharkCanDecrypt({ encr: EncrId.AES_GCM_16, encrKeyBits: 256, integ: 0 })).toBe(true);
    expect(wiresharkCanDecrypt({ encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: 0 })).toBe(false);
  });
});
