/**
 * Loads the recorded strongSwan 5.9.8 fixtures (packages/ike/test-fixtures/
 * strongswan/<scenario>/): capture, both charon logs and keys.json.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DhGroupId, EncrId, IntegId, PrfId, parseDecryptionTable, type IkeSaKeyEntry } from '@tunnelscope/ike';

export const FIXTURE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../ike/test-fixtures/strongswan');

export interface FixtureSide {
  address: string;
  ikePort: number;
  natTPort: number;
}

export interface FixtureIkeSa {
  index: number;
  spiI: string;
  spiR: string;
  createdBy: string;
  algorithms: { encr: string; keySize?: number; integ?: string; prf: string; dh: string };
  dhSecret: string;
  skeyseed: string;
  skD: string;
  skAi?: string;
  skAr?: string;
  skEi: string;
  skEr: string;
  skPi: string;
  skPr: string;
  nonceI: string;
  nonceR: string;
  /** Absent where tshark has no name for the suite (ChaCha20-Poly1305). */
  wireshark?: { encr: string; integ: string };
}

export interface Fixture {
  name: string;
  dir: string;
  capture: Uint8Array;
  logA: string;
  logB: string;
  keys: { sides: { a: FixtureSide; b: FixtureSide }; ikeSas: FixtureIkeSa[] };
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadFixture(name: string): Fixture {
  const dir = path.join(FIXTURE_ROOT, name);
  return {
    name,
    dir,
    capture: new Uint8Array(readFileSync(path.join(dir, 'capture.pcap'))),
    logA: readFileSync(path.join(dir, 'charon-a.log'), 'utf8'),
    logB: readFileSync(path.join(dir, 'charon-b.log'), 'utf8'),
    keys: JSON.parse(readFileSync(path.join(dir, 'keys.json'), 'utf8')) as Fixture['keys'],
  };
}

/** The fixture's keys as Wireshark ikev2_decryption_table text (what a user would hand `decode --keys`). */
export function decryptionTableText(f: Fixture): string {
  return f.keys.ikeSas
    .map((sa) => {
      // tshark 4.0 has no ChaCha20-Poly1305 entry; our table reader knows it under its RFC name.
      const names = sa.wireshark ?? { encr: 'CHACHA20-POLY1305 [RFC7634]', integ: 'NONE [RFC4306]' };
      return [sa.spiI, sa.spiR, sa.skEi, sa.skEr, `"${names.encr}"`, sa.skAi ?? '', sa.skAr ?? '', `"${names.integ}"`].join(',');
    })
    .join('\n');
}

export function fixtureKeyEntries(f: Fixture): IkeSaKeyEntry[] {
  return parseDecryptionTable(decryptionTableText(f));
}

const ENCR_BY_NAME: Record<string, number> = {
  AES_CBC: EncrId.AES_CBC,
  AES_GCM_16: EncrId.AES_GCM_16,
  CHACHA20_POLY1305: EncrId.CHACHA20_POLY1305,
};
const PRF_BY_NAME: Record<string, number> = {
  PRF_HMAC_SHA1: PrfId.HMAC_SHA1,
  PRF_HMAC_SHA2_256: PrfId.HMAC_SHA2_256,
  PRF_HMAC_SHA2_384: PrfId.HMAC_SHA2_384,
  PRF_HMAC_SHA2_512: PrfId.HMAC_SHA2_512,
};
const INTEG_BY_NAME: Record<string, number> = {
  HMAC_SHA1_96: IntegId.HMAC_SHA1_96,
  HMAC_SHA2_256_128: IntegId.HMAC_SHA2_256_128,
  HMAC_SHA2_384_192: IntegId.HMAC_SHA2_384_192,
  HMAC_SHA2_512_256: IntegId.HMAC_SHA2_512_256,
};
const DH_BY_NAME: Record<string, number> = {
  MODP_2048: DhGroupId.MODP_2048,
  ECP_256: DhGroupId.ECP_256,
  CURVE_25519: DhGroupId.CURVE_25519,
};

/** strongSwan's algorithm names (as logged in `selected proposal:`) to IANA numbers. */
export function suiteOf(sa: FixtureIkeSa): { encr: number; encrKeyBits: number; integ: number; prf: number; dh: number } {
  const need = (table: Record<string, number>, name: string | undefined, what: string): number => {
    const id = name === undefined ? undefined : table[name];
    if (id === undefined) throw new Error(`fixture ${what} "${name}" has no mapping`);
    return id;
  };
  const encr = need(ENCR_BY_NAME, sa.algorithms.encr, 'encryption');
  return {
    encr,
    encrKeyBits: sa.algorithms.keySize ?? 256,
    integ: sa.algorithms.integ ? need(INTEG_BY_NAME, sa.algorithms.integ, 'integrity') : IntegId.NONE,
    prf: need(PRF_BY_NAME, sa.algorithms.prf, 'prf'),
    dh: need(DH_BY_NAME, sa.algorithms.dh, 'dh'),
  };
}

export const hexBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
