/**
 * Typed errors of the IKEv2 crypto layer. Every code lives in
 * `CRYPTO_ERROR_CODES` with a description; a test checks each code is
 * documented. Messages name the problem (a length, a position, a token) but
 * never contain key material, shared secrets or pre-shared keys.
 *
 * Bad bytes from a peer are not exceptions where the caller must branch on
 * them: `openSk` returns a result, `verify*` return booleans or results. The
 * errors below are thrown for values the caller handed in (configuration,
 * suites, key lengths) and for peer key-exchange values, which the engine turns
 * into INVALID_SYNTAX / INVALID_KE_PAYLOAD handling.
 */

export const CRYPTO_ERROR_CODES = {
  // --- key exchange (dh.ts) -------------------------------------------------
  ke_unsupported_group: 'The Diffie-Hellman / key exchange group is not implemented (or not a known group number).',
  ke_length: 'A public value (or a KAT private key) has the wrong length for the group.',
  ke_invalid_value: 'A MODP public value is outside 2..p-2 (RFC 7296 §2.12 / NIST SP 800-56A checks).',
  ke_invalid_point: 'An ECP public value is not a point on the curve, or an X25519 exchange produced the all-zero secret (RFC 8031 §2.2).',
  // --- algorithm parameters (algorithms.ts, prf.ts, encryption.ts, sk.ts) ---
  unsupported_transform: 'A transform (ENCR, PRF, INTEG, DH) or key length is not implemented by this crypto layer.',
  key_length: 'A key handed in does not have the length the registry gives for the algorithm.',
  iv_length: 'An explicit IV handed in does not have the IV size of the algorithm.',
  block_length: 'Data handed to a raw CBC primitive is not a multiple of the block size.',
  spi_length: 'An IKE SPI handed to key derivation is not 8 bytes.',
  output_length: 'prf+ was asked for more than 255 PRF blocks (RFC 7296 §2.13).',
  // --- PSK (auth.ts) --------------------------------------------------------
  psk_empty: 'The pre-shared key is empty.',
  psk_hex_odd_length: 'A Hex-form pre-shared key has an odd number of hex digits.',
  psk_hex_invalid_character: 'A Hex-form pre-shared key contains a character that is not a hex digit.',
  // --- signatures (signature-auth.ts) ---------------------------------------
  auth_unsupported_method: 'The AUTH method (or RFC 7427 signature algorithm) is not implemented.',
  auth_key_mismatch: 'The key handed in does not fit the AUTH method (wrong key type or curve).',
  // --- proposals (proposal-keywords.ts) -------------------------------------
  proposal_empty: 'A proposal string (or one of its dash-separated tokens) is empty.',
  proposal_unknown_keyword: 'A proposal token is not a known strongSwan algorithm keyword.',
  proposal_missing_transform: 'A proposal lacks a transform its protocol requires (IKE: ENCR, PRF, DH; non-AEAD IKE: INTEG).',
  proposal_mixed_aead: 'A proposal mixes AEAD and non-AEAD encryption algorithms (strongSwan rejects this).',
  // --- cookies (cookie.ts) --------------------------------------------------
  cookie_secret: 'A cookie secret is too short or its version ID does not fit 32 bits.',
  // --- NAT detection (nat-detection.ts) ------------------------------------
  address_invalid: 'An IP address string is neither dotted IPv4 nor IPv6, or a port is outside 0..65535.',
} as const;

export type CryptoErrorCode = keyof typeof CRYPTO_ERROR_CODES;

/** Base class: every crypto error carries a stable `code`. */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string) {
    super(`crypto: ${code}: ${message}`);
    this.name = 'CryptoError';
    this.code = code;
  }
}

export type KeyExchangeErrorCode = Extract<CryptoErrorCode, `ke_${string}`>;

/** A key-exchange problem: unsupported group or an invalid (peer) value. */
export class KeyExchangeError extends CryptoError {
  declare readonly code: KeyExchangeErrorCode;
  readonly group: number;
  constructor(code: KeyExchangeErrorCode, group: number, message: string) {
    super(code, `group ${group}: ${message}`);
    this.name = 'KeyExchangeError';
    this.group = group;
  }
}

export type PskErrorCode = Extract<CryptoErrorCode, `psk_${string}`>;

/** A pre-shared key that cannot be turned into bytes. Never contains the key. */
export class PskFormatError extends CryptoError {
  declare readonly code: PskErrorCode;
  constructor(code: PskErrorCode, message: string) {
    super(code, message);
    this.name = 'PskFormatError';
  }
}

export type ProposalErrorCode = Extract<CryptoErrorCode, `proposal_${string}`>;

/** A proposal string that cannot be used; `token` is the offending keyword, if any. */
export class ProposalSyntaxError extends CryptoError {
  declare readonly code: ProposalErrorCode;
  readonly token: string | undefined;
  constructor(code: ProposalErrorCode, message: string, token?: string) {
    super(code, message);
    this.name = 'ProposalSyntaxError';
    this.token = token;
  }
}
