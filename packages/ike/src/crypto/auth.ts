/**
 * Pre-shared-key authentication (RFC 7296 §2.15) and the octets every AUTH
 * method signs.
 *
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 *   MACedIDForI           = prf(SK_pi, RestOfInitIDPayload)
 *   ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
 *   MACedIDForR           = prf(SK_pr, RestOfRespIDPayload)
 *
 *   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *
 * RestOf...IDPayload is the ID payload body after the 4-byte generic header
 * (ID Type, 3 reserved bytes, identification data). "Key Pad for IKEv2" is 17
 * ASCII bytes without a terminator.
 *
 * A PSK is configured in one of two forms, as the seed's tunnel settings have
 * it: Passphrase (the UTF-8 bytes of the string) or Hex (hex digits, with or
 * without 0x, decoded to bytes). The same text in the two forms gives
 * different keys, hence different AUTH values: the seed's "PSK type mismatch".
 */
import { constantTimeEqual, concatBytes } from './bytes.ts';
import { PskFormatError } from './errors.ts';
import { prf } from './prf.ts';

export type PskInput =
  | { readonly kind: 'passphrase'; readonly value: string }
  | { readonly kind: 'hex'; readonly value: string };

const KEY_PAD = new TextEncoder().encode('Key Pad for IKEv2');

/**
 * The shared-secret bytes of a configured PSK. Errors name the problem and
 * its position, never the key or its characters.
 */
export function pskBytes(psk: PskInput): Uint8Array {
  if (psk.kind === 'passphrase') {
    if (psk.value.length === 0) throw new PskFormatError('psk_empty', 'the passphrase is empty');
    return new TextEncoder().encode(psk.value);
  }
  const hasPrefix = psk.value.startsWith('0x') || psk.value.startsWith('0X');
  const digits = hasPrefix ? psk.value.slice(2) : psk.value;
  if (digits.length === 0) throw new PskFormatError('psk_empty', 'the hex key has no digits');
  for (let i = 0; i < digits.length; i++) {
    const code = digits.charCodeAt(i);
    const isHex = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
    if (!isHex) {
      const position = i + 1 + (hasPrefix ? 2 : 0);
      throw new PskFormatError('psk_hex_invalid_character', `character ${position} of the hex key is not a hex digit (0-9, a-f)`);
    }
  }
  if (digits.length % 2 !== 0) {
    throw new PskFormatError('psk_hex_odd_length', `the hex key has an odd number of digits (${digits.length}); each byte needs two`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export interface SignedOctetsParams {
  /** PRF of the IKE SA. */
  readonly prf: number;
  /** The signer's own first message (IKE_SA_INIT request or response) exactly as sent. */
  readonly realMessage: Uint8Array;
  /** The peer's nonce payload body (NonceRData for the initiator, NonceIData for the responder). */
  readonly peerNonce: Uint8Array;
  /** SK_pi for the initiator's octets, SK_pr for the responder's. */
  readonly skP: Uint8Array;
  /** The signer's ID payload body after the generic header (IDx'). */
  readonly idPayloadBody: Uint8Array;
}

/** RealMessage | Nonce(peer) | prf(SK_p, IDx') (RFC 7296 §2.15). */
export function signedOctets(params: SignedOctetsParams): Uint8Array {
  return concatBytes(params.realMessage, params.peerNonce, prf(params.prf, params.skP, params.idPayloadBody));
}

/** AUTH = prf(prf(PSK, "Key Pad for IKEv2"), signedOctets). */
export function computePskAuth(prfId: number, psk: Uint8Array, octets: Uint8Array): Uint8Array {
  if (psk.length === 0) throw new PskFormatError('psk_empty', 'the pre-shared key is empty');
  return prf(prfId, prf(prfId, psk, KEY_PAD), octets);
}

/** Constant-time check of a received PSK AUTH value. */
export function verifyPskAuth(prfId: number, psk: Uint8Array, octets: Uint8Array, receivedAuth: Uint8Array): boolean {
  return constantTimeEqual(computePskAuth(prfId, psk, octets), receivedAuth);
}
