/**
 * Public API of the IKEv2 crypto layer (node:crypto only, pure functions:
 * no sockets, timers, clock or files; randomness only where a caller does not
 * hand in an IV or private key).
 */
export {
  CRYPTO_ERROR_CODES,
  CryptoError,
  KeyExchangeError,
  PskFormatError,
  ProposalSyntaxError,
} from './errors.ts';
export type { CryptoErrorCode, KeyExchangeErrorCode, PskErrorCode, ProposalErrorCode } from './errors.ts';

export {
  DH_GROUPS,
  ENCRYPTION_ALGORITHMS,
  INTEGRITY_ALGORITHMS,
  PRF_ALGORITHMS,
  dhGroup,
  encryptionAlgorithm,
  encryptionKeyBits,
  encryptionKeyMaterialLength,
  integrityAlgorithm,
  isSupported,
  prfAlgorithm,
} from './algorithms.ts';
export type { DhGroup, EncryptionAlgorithm, HashName, IntegrityAlgorithm, PrfAlgorithm, TransformRef } from './algorithms.ts';

export { RFC8247_REQUIREMENTS, deprecatedByRfc8247, rfc8247Level } from './rfc8247.ts';
export type { Rfc8247Level, Rfc8247Requirement } from './rfc8247.ts';

export { prf, prfOfParts, prfPlus } from './prf.ts';
export { computeIntegrity, verifyIntegrity } from './integrity.ts';
export { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from './encryption.ts';

export { checkPeerPublicValue, createKeyExchange, keyExchangeLength } from './dh.ts';
export type { KeyExchange } from './dh.ts';

export {
  childSaKeyLengths,
  deriveChildSaKeys,
  deriveIkeSaKeys,
  deriveRekeyedIkeSaKeys,
  ikeSaKeyLengths,
} from './key-derivation.ts';
export type {
  ChildSaDirectionKeys,
  ChildSaKeyParams,
  ChildSaKeys,
  IkeSaKeyParams,
  IkeSaKeys,
  IkeSaSuite,
  RekeyedIkeSaKeyParams,
} from './key-derivation.ts';

export { openSk, sealSk, skBodyLength, skKeyPairFor, skKeysFor, skSuiteOf } from './sk.ts';
export type { OpenSkResult, SkKeys, SkSuite } from './sk.ts';

export { computePskAuth, pskBytes, signedOctets, verifyPskAuth } from './auth.ts';
export type { PskInput, SignedOctetsParams } from './auth.ts';

export {
  DIGITAL_SIGNATURE_ALGORITHMS,
  RFC7427_APPENDIX_A,
  SUPPORTED_SIGNATURE_HASH_ALGORITHMS,
  parseSignatureAlgorithmIdentifier,
  signAuth,
  verifySignatureAuth,
} from './signature-auth.ts';
export type {
  DigitalSignatureAlgorithm,
  ParsedSignatureAlgorithm,
  SignAuthParams,
  SignatureAlgorithmParse,
  SignatureHash,
  SignatureScheme,
  VerifyAuthParams,
  VerifyAuthResult,
} from './signature-auth.ts';

export { addressBytes, ipAddressBytes, natDetectionHash } from './nat-detection.ts';

export { COOKIE_LENGTH, computeCookie, initialCookieSecrets, rotateCookieSecret, verifyCookie } from './cookie.ts';
export type { CookieCheck, CookieSecret, CookieSecrets } from './cookie.ts';

export {
  PROPOSAL_KEYWORDS,
  formatProposal,
  keywordForTransform,
  parseProposal,
  parseProposalList,
  proposalTransforms,
} from './proposal-keywords.ts';
export type { ParsedProposal, ProposalKeyword, ProposalProtocol, ProposalTransform } from './proposal-keywords.ts';

