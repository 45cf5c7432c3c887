/**
 * IKEv2 key derivation (RFC 7296 §2.14, §2.17, §2.18).
 *
 *   IKE SA:     SKEYSEED = prf(Ni | Nr, g^ir)
 *               {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *                        = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 *   IKE rekey:  SKEYSEED = prf_old(SK_d (old), g^ir (new) | Ni | Nr)
 *               then prf+ as above with the new PRF and the new SPIs
 *   CHILD SA:   KEYMAT   = prf+(SK_d, [g^ir (new) |] Ni | Nr)
 *               split encr_i | integ_i | encr_r | integ_r (initiator->responder first)
 *
 * Ni and Nr are the nonce payload bodies; SPIs the 8-byte header SPIs, always
 * initiator first, whoever computes. Key lengths come from the registry:
 * SK_d/SK_pi/SK_pr take the PRF's preferred key length, SK_a the INTEG key
 * length (0 for AEAD), SK_e the cipher key plus the AEAD salt.
 *
 * Only HMAC PRFs are implemented, so Ni | Nr is used whole as the HMAC key
 * (the AES-XCBC/CMAC truncation rule of §2.14 does not arise).
 */
import { encryptionKeyMaterialLength, requireIntegrity, requirePrf } from './algorithms.ts';
import { concatBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { prf, prfPlus } from './prf.ts';

/** The transforms an IKE SA's keys are cut for. */
export interface IkeSaSuite {
  readonly prf: number;
  readonly encr: number;
  readonly encrKeyBits: number;
  /** IntegId; 0 (NONE) with an AEAD cipher. */
  readonly integ: number;
}

export interface IkeSaKeys {
  readonly suite: IkeSaSuite;
  readonly skeyseed: Uint8Array;
  readonly skD: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
  /** Includes the 4-byte salt for AES-GCM and ChaCha20-Poly1305. */
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skPi: Uint8Array;
  readonly skPr: Uint8Array;
}

export interface IkeSaKeyParams extends IkeSaSuite {
  /** Nonce payload bodies. */
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
  /** g^ir as returned by `KeyExchange.computeSharedSecret`. */
  readonly sharedSecret: Uint8Array;
  /** 8-byte IKE SPIs of the SA being keyed. */
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
}

export interface RekeyedIkeSaKeyParams extends IkeSaKeyParams {
  /** PRF of the IKE SA being rekeyed: it computes SKEYSEED (RFC 7296 §2.18). */
  readonly oldPrf: number;
  readonly oldSkD: Uint8Array;
}

function checkSpis(spiI: Uint8Array, spiR: Uint8Array): void {
  if (spiI.length !== 8 || spiR.length !== 8) {
    throw new CryptoError('spi_length', `IKE SPIs must be 8 bytes each (got ${spiI.length} and ${spiR.length})`);
  }
}

/** Byte lengths of the seven IKE SA keys for a suite. */
export function ikeSaKeyLengths(suite: IkeSaSuite): { prfKey: number; integKey: number; encrKey: number; total: number } {
  const prfKey = requirePrf(suite.prf).keyLength;
  const integKey = requireIntegrity(suite.integ).keyLength;
  const encrKey = encryptionKeyMaterialLength(suite.encr, suite.encrKeyBits);
  return { prfKey, integKey, encrKey, total: 3 * prfKey + 2 * integKey + 2 * encrKey };
}

function expandIkeSaKeys(params: IkeSaKeyParams, skeyseed: Uint8Array): IkeSaKeys {
  checkSpis(params.spiI, params.spiR);
  const lengths = ikeSaKeyLengths(params);
  const keymat = prfPlus(params.prf, skeyseed, concatBytes(params.ni, params.nr, params.spiI, params.spiR), lengths.total);
  let offset = 0;
  const take = (length: number): Uint8Array => {
    const key = keymat.slice(offset, offset + length);
    offset += length;
    return key;
  };
  return {
    suite: { prf: params.prf, encr: params.encr, encrKeyBits: params.encrKeyBits, integ: params.integ },
    skeyseed,
    skD: take(lengths.prfKey),
    skAi: take(lengths.integKey),
    skAr: take(lengths.integKey),
    skEi: take(lengths.encrKey),
    skEr: take(lengths.encrKey),
    skPi: take(lengths.prfKey),
    skPr: take(lengths.prfKey),
  };
}

/** Keys of a new IKE SA from IKE_SA_INIT (RFC 7296 §2.14). */
export function deriveIkeSaKeys(params: IkeSaKeyParams): IkeSaKeys {
  const skeyseed = prf(params.prf, concatBytes(params.ni, params.nr), params.sharedSecret);
  return expandIkeSaKeys(params, skeyseed);
}

/** Keys of the IKE SA created by rekeying with CREATE_CHILD_SA (RFC 7296 §2.18). */
export function deriveRekeyedIkeSaKeys(params: RekeyedIkeSaKeyParams): IkeSaKeys {
  const skeyseed = prf(params.oldPrf, params.oldSkD, concatBytes(params.sharedSecret, params.ni, params.nr));
  return expandIkeSaKeys(params, skeyseed);
}

/** One direction of a CHILD SA (ESP): encryption key (with salt for AEAD) and integrity key. */
export interface ChildSaDirectionKeys {
  readonly encKey: Uint8Array;
  readonly integKey: Uint8Array;
}

export interface ChildSaKeys {
  /** Protects traffic the IKE initiator sends (the SA whose SPI the responder chose). */
  readonly initiatorToResponder: ChildSaDirectionKeys;
  readonly responderToInitiator: ChildSaDirectionKeys;
}

export interface ChildSaKeyParams {
  /** PRF of the IKE SA. */
  readonly prf: number;
  readonly skD: Uint8Array;
  /** Nonces of the exchange creating the CHILD SA (IKE_AUTH: those of IKE_SA_INIT). */
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
  /** g^ir of the CREATE_CHILD_SA KE payloads (PFS); omit when there is none. */
  readonly sharedSecret?: Uint8Array | undefined;
  /** The CHILD SA's ESP transforms. */
  readonly encr: number;
  readonly encrKeyBits: number;
  readonly integ: number;
}

/** Byte lengths of one direction's ESP keys. */
export function childSaKeyLengths(encr: number, encrKeyBits: number, integ: number): { encrKey: number; integKey: number } {
  return { encrKey: encryptionKeyMaterialLength(encr, encrKeyBits), integKey: requireIntegrity(integ).keyLength };
}

/** CHILD SA KEYMAT (RFC 7296 §2.17), split per direction. */
export function deriveChildSaKeys(params: ChildSaKeyParams): ChildSaKeys {
  const lengths = childSaKeyLengths(params.encr, params.encrKeyBits, params.integ);
  const seed = params.sharedSecret
    ? concatBytes(params.sharedSecret, params.ni, params.nr)
    : concatBytes(params.ni, params.nr);
  const keymat = prfPlus(params.prf, params.skD, seed, 2 * (lengths.encrKey + lengths.integKey));
  let offset = 0;
  const take = (length: number): Uint8Array => {
    const key = keymat.slice(offset, offset + length);
    offset += length;
    return key;
  };
  const initiatorToResponder = { encKey: take(lengths.encrKey), integKey: take(lengths.integKey) };
  const responderToInitiator = { encKey: take(lengths.encrKey), integKey: take(lengths.integKey) };
  return { initiatorToResponder, responderToInitiator };
}
