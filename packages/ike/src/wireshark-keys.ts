/**
 * Wireshark's IKEv2 decryption table (`ikev2_decryption_table`, one IKE SA
 * per line): `SPIi,SPIr,SK_ei,SK_er,"ENCR",SK_ai,SK_ar,"INTEG"`. Byte fields
 * are bare hex (Wireshark rejects quoted hex), algorithm names are quoted and
 * spelled exactly as Wireshark's packet-isakmp.c spells them. For AES-GCM the
 * SK_e fields include the 4-byte salt; AEAD suites use "NONE [RFC4306]" as
 * integrity with empty SK_a fields.
 *
 * The table is how keys enter `tunnelscope decode` and how an admin's key
 * export leaves the server; both directions live here so they cannot drift.
 */
import { EncrId, IntegId } from './constants.ts';

export interface WiresharkSuite {
  encr: number;
  encrKeyBits: number;
  integ: number;
}

export interface IkeSaKeyEntry {
  spiInitiator: Uint8Array;
  spiResponder: Uint8Array;
  skEi: Uint8Array;
  skEr: Uint8Array;
  skAi: Uint8Array;
  skAr: Uint8Array;
  suite: WiresharkSuite;
}

interface EncrName {
  name: string;
  encr: number;
  keyBits: number;
  /** tshark 4.0 has no entry for it: we read and write it, Wireshark ignores it. */
  tunnelscopeOnly?: true;
}

/** Wireshark's names for IKEv2 encryption algorithms (packet-isakmp.c vs_ikev2_encr_algs). */
const ENCR_NAMES: readonly EncrName[] = [
  { name: 'AES-CBC-128 [RFC3602]', encr: EncrId.AES_CBC, keyBits: 128 },
  { name: 'AES-CBC-192 [RFC3602]', encr: EncrId.AES_CBC, keyBits: 192 },
  { name: 'AES-CBC-256 [RFC3602]', encr: EncrId.AES_CBC, keyBits: 256 },
  { name: 'AES-GCM-128 with 16 octet ICV [RFC5282]', encr: EncrId.AES_GCM_16, keyBits: 128 },
  { name: 'AES-GCM-192 with 16 octet ICV [RFC5282]', encr: EncrId.AES_GCM_16, keyBits: 192 },
  { name: 'AES-GCM-256 with 16 octet ICV [RFC5282]', encr: EncrId.AES_GCM_16, keyBits: 256 },
  { name: 'CHACHA20-POLY1305 [RFC7634]', encr: EncrId.CHACHA20_POLY1305, keyBits: 256, tunnelscopeOnly: true },
];

/** Wireshark's names for IKEv2 integrity algorithms (packet-isakmp.c vs_ikev2_auth_algs). */
const INTEG_NAMES: ReadonlyArray<{ name: string; integ: number }> = [
  { name: 'NONE [RFC4306]', integ: IntegId.NONE },
  { name: 'HMAC_SHA1_96 [RFC2404]', integ: IntegId.HMAC_SHA1_96 },
  { name: 'HMAC_SHA2_256_128 [RFC4868]', integ: IntegId.HMAC_SHA2_256_128 },
  { name: 'HMAC_SHA2_384_192 [RFC4868]', integ: IntegId.HMAC_SHA2_384_192 },
  { name: 'HMAC_SHA2_512_256 [RFC4868]', integ: IntegId.HMAC_SHA2_512_256 },
];

export class DecryptionTableError extends Error {
  readonly line: number;
  readonly field: string;
  constructor(line: number, field: string, message: string) {
    super(`ikev2_decryption_table line ${line}, ${field}: ${message}`);
    this.name = 'DecryptionTableError';
    this.line = line;
    this.field = field;
  }
}

const FIELDS = ['SPIi', 'SPIr', 'SK_ei', 'SK_er', 'encryption algorithm', 'SK_ai', 'SK_ar', 'integrity algorithm'] as const;

/**
 * Parses a decryption table. Blank lines and `#` comments are skipped; any
 * other malformed line throws a DecryptionTableError naming line and field,
 * so a user never decodes with half a table.
 */
export function parseDecryptionTable(text: string): IkeSaKeyEntry[] {
  const entries: IkeSaKeyEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitCsv(line, lineNo);
    if (fields.length !== FIELDS.length) {
      throw new DecryptionTableError(lineNo, 'line', `expected ${FIELDS.length} comma-separated fields, found ${fields.length}`);
    }
    const [spii, spir, skEi, skEr, encrName, skAi, skAr, integName] = fields as [string, string, string, string, string, string, string, string];
    const hex = (value: string, field: (typeof FIELDS)[number]) => {
      if (value.startsWith('"')) throw new DecryptionTableError(lineNo, field, 'byte fields must be bare hex, not quoted');
      if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw new DecryptionTableError(lineNo, field, `"${truncate(value)}" is not an even-length hex string`);
      return Uint8Array.from(Buffer.from(value, 'hex'));
    };
    const spiInitiator = hex(spii, 'SPIi');
    const spiResponder = hex(spir, 'SPIr');
    if (spiInitiator.length !== 8) throw new DecryptionTableError(lineNo, 'SPIi', `must be 8 octets, found ${spiInitiator.length}`);
    if (spiResponder.length !== 8) throw new DecryptionTableError(lineNo, 'SPIr', `must be 8 octets, found ${spiResponder.length}`);
    const encr = ENCR_NAMES.find((e) => e.name === unquote(encrName, lineNo, 'encryption algorithm'));
    if (!encr) throw new DecryptionTableError(lineNo, 'encryption algorithm', `unknown or unsupported algorithm ${encrName}`);
    const integ = INTEG_NAMES.find((i) => i.name === unquote(integName, lineNo, 'integrity algorithm'));
    if (!integ) throw new DecryptionTableError(lineNo, 'integrity algorithm', `unknown or unsupported algorithm ${integName}`);
    const aead = encr.encr !== EncrId.AES_CBC;
    if (aead !== (integ.integ === IntegId.NONE)) {
      throw new DecryptionTableError(lineNo, 'integrity algorithm', aead ? 'an AEAD cipher takes "NONE [RFC4306]"' : 'AES-CBC needs an HMAC integrity algorithm');
    }
    entries.push({
      spiInitiator,
      spiResponder,
      skEi: hex(skEi, 'SK_ei'),
      skEr: hex(skEr, 'SK_er'),
      skAi: hex(skAi, 'SK_ai'),
      skAr: hex(skAr, 'SK_ar'),
      suite: { encr: encr.encr, encrKeyBits: encr.keyBits, integ: integ.integ },
    });
  });
  return entries;
}

/** Formats entries as a table Wireshark reads. Throws for a suite Wireshark cannot name. */
export function formatDecryptionTable(entries: readonly IkeSaKeyEntry[]): string {
  return entries
    .map((e) => {
      const encr = ENCR_NAMES.find((n) => n.encr === e.suite.encr && n.keyBits === e.suite.encrKeyBits);
      const integ = INTEG_NAMES.find((n) => n.integ === e.suite.integ);
      if (!encr || !integ) {
        throw new Error(`decryption table: no Wireshark name for encr ${e.suite.encr}/${e.suite.encrKeyBits} integ ${e.suite.integ}`);
      }
      const h = (b: Uint8Array) => Buffer.from(b).toString('hex');
      return [h(e.spiInitiator), h(e.spiResponder), h(e.skEi), h(e.skEr), `"${encr.name}"`, h(e.skAi), h(e.skAr), `"${integ.name}"`].join(',');
    })
    .map((l) => l + '\n')
    .join('');
}

/** True when Wireshark itself can use this suite (tshark 4.0 cannot decrypt ChaCha20-Poly1305). */
export function wiresharkCanDecrypt(suite: WiresharkSuite): boolean {
  const encr = ENCR_NAMES.find((n) => n.encr === suite.encr && n.keyBits === suite.encrKeyBits);
  return encr !== undefined && encr.tunnelscopeOnly !== true;
}

function splitCsv(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new DecryptionTableError(lineNo, 'line', `unterminated quote at column ${i + 1}`);
      out.push(line.slice(i, end + 1));
      i = end + 1;
      if (i < line.length && line[i] !== ',') throw new DecryptionTableError(lineNo, 'line', `expected "," at column ${i + 1}`);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop).trim());
      i = stop + 1;
    }
  }
  return out;
}

function unquote(value: string, lineNo: number, field: string): string {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) {
    throw new DecryptionTableError(lineNo, field, 'algorithm names must be quoted');
  }
  return value.slice(1, -1);
}

function truncate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
