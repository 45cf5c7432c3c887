/**
 * strongSwan's proposal notation (`IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048`,
 * as logged in `selected proposal:`) split into algorithms, and the names
 * Wireshark's IKEv2 decryption table wants for them.
 */

export interface IkeAlgorithms {
  protocol: string;
  /** strongSwan encryption name without the key size, e.g. 'AES_GCM_16', 'AES_CBC', 'CHACHA20_POLY1305'. */
  encr: string;
  /** Key size in bits when the name carries one. */
  keySize?: number;
  /** Integrity algorithm; absent for AEAD. */
  integ?: string;
  prf?: string;
  dh?: string;
  /** Anything else (ESN flags, additional key exchanges). */
  other: string[];
}

const DH_PREFIXES = ['MODP_', 'ECP_', 'CURVE_', 'ECP_BP', 'NTRU_', 'NEWHOPE', 'KE_', 'ML_KEM'];
const INTEG_PREFIXES = ['HMAC_', 'AES_XCBC', 'AES_CMAC', 'AES_128_GMAC', 'AES_192_GMAC', 'AES_256_GMAC', 'CAMELLIA_XCBC'];

/** Parses a strongSwan proposal string. Throws when it names no encryption algorithm. */
export function parseProposal(text: string): IkeAlgorithms {
  const colon = text.indexOf(':');
  const protocol = colon >= 0 ? text.slice(0, colon) : '';
  const tokens = (colon >= 0 ? text.slice(colon + 1) : text).split('/').filter(Boolean);
  const result: Partial<IkeAlgorithms> & { other: string[] } = { protocol, other: [] };
  for (const token of tokens) {
    if (token.startsWith('PRF_')) result.prf = token;
    else if (DH_PREFIXES.some((p) => token.startsWith(p))) result.dh = token;
    else if (INTEG_PREFIXES.some((p) => token.startsWith(p))) result.integ = token;
    else if (token.endsWith('_EXT_SEQ')) result.other.push(token);
    else if (result.encr === undefined) {
      const sized = /^(.*)_(\d{3})$/.exec(token);
      if (sized) {
        result.encr = sized[1];
        result.keySize = Number(sized[2]);
      } else {
        result.encr = token;
      }
    } else result.other.push(token);
  }
  if (result.encr === undefined) throw new Error(`proposal ${JSON.stringify(text)} names no encryption algorithm`);
  return result as IkeAlgorithms;
}

/** True for combined-mode (AEAD) encryption, which has no separate integrity key. */
export function isAead(encr: string): boolean {
  return /^(AES_GCM_|AES_CCM_|CHACHA20_POLY1305|CAMELLIA_CCM_)/.test(encr);
}

/**
 * Wireshark 4.0's name for an IKEv2 encryption algorithm in
 * ikev2_decryption_table, or undefined when Wireshark cannot decrypt it
 * (notably ChaCha20-Poly1305).
 */
export function wiresharkEncrName(encr: string, keySize?: number): string | undefined {
  if (encr === '3DES_CBC') return '3DES [RFC2451]';
  if (encr === 'NULL') return 'NULL [RFC2410]';
  if (keySize !== 128 && keySize !== 192 && keySize !== 256) return undefined;
  if (encr === 'AES_CBC') return `AES-CBC-${keySize} [RFC3602]`;
  if (encr === 'AES_CTR') return `AES-CTR-${keySize} [RFC5930]`;
  const aead = /^AES_(GCM|CCM)_(8|12|16)$/.exec(encr);
  if (aead) return `AES-${aead[1]}-${keySize} with ${aead[2]} octet ICV [RFC5282]`;
  return undefined;
}

/** Wireshark 4.0's name for an IKEv2 integrity algorithm; 'NONE [RFC4306]' for AEAD (undefined integ). */
export function wiresharkIntegName(integ: string | undefined): string | undefined {
  if (integ === undefined) return 'NONE [RFC4306]';
  const names: Record<string, string> = {
    HMAC_MD5_96: 'HMAC_MD5_96 [RFC2403]',
    HMAC_SHA1_96: 'HMAC_SHA1_96 [RFC2404]',
    HMAC_SHA2_256_128: 'HMAC_SHA2_256_128 [RFC4868]',
    HMAC_SHA2_384_192: 'HMAC_SHA2_384_192 [RFC4868]',
    HMAC_SHA2_512_256: 'HMAC_SHA2_512_256 [RFC4868]',
  };
  return names[integ];
}
