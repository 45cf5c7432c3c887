/**
 * strongSwan's proposal syntax ("aes128gcm16-prfsha256-x25519"), used by our
 * config model and by the generated swanctl.conf: dash-separated algorithm
 * keywords, any order, several per transform type allowed.
 *
 * The keyword spellings are those of strongSwan's proposal_keywords_static.txt
 * (facts learned from it, not its code). Keywords of algorithms this engine
 * does not implement still parse: their transforms carry `supported: false`
 * (and `deprecated: true` where RFC 8247 says SHOULD NOT / MUST NOT), so the
 * config layer can say "3des is not supported" instead of "syntax error".
 * strongSwan's private-use algorithms (serpent, twofish, ...) have no IANA
 * number: `id: null`.
 *
 * Semantics follow strongSwan's proposal checks:
 * - IKE without a PRF keyword takes the PRFs matching its integrity keywords
 *   (sha256 -> prfsha256, ...); those are marked `implied`. No PRF at all, no
 *   DH group or no ENCR is an error.
 * - With only AEAD ciphers the integrity keywords are dropped (after they
 *   implied PRFs, so "aes128gcm16-sha256-x25519" means PRF_HMAC_SHA2_256).
 *   Mixing AEAD and non-AEAD ciphers is an error; non-AEAD IKE needs INTEG.
 * - "none"/"modpnone" is dropped from IKE proposals, PRF keywords from ESP
 *   proposals (as strongSwan does), and ESN keywords from IKE proposals (where
 *   strongSwan keeps them). Each drop adds a warning.
 * - ESP without esn/noesn gets an implied noesn.
 */
import { DhGroupId, EncrId, EsnId, IntegId, PrfId, TransformType } from '../constants.ts';
import { isSupported } from './algorithms.ts';
import type { TransformRef } from './algorithms.ts';
import { ProposalSyntaxError } from './errors.ts';
import { deprecatedByRfc8247, rfc8247Level } from './rfc8247.ts';
import type { Rfc8247Level } from './rfc8247.ts';

export type ProposalProtocol = 'ike' | 'esp';

export interface ProposalKeyword {
  readonly keyword: string;
  readonly type: TransformType;
  /** IANA transform ID; null for strongSwan private-use algorithms. */
  readonly id: number | null;
  /** Key Length attribute in bits, when the transform carries one. */
  readonly keyLength?: number;
}

const E = TransformType.ENCR;
const P = TransformType.PRF;
const I = TransformType.INTEG;
const D = TransformType.DH;
const N = TransformType.ESN;

function aesFamily(prefix: string, suffixes: readonly string[], id: number, bits: readonly number[]): ProposalKeyword[] {
  return bits.flatMap((keyLength) => suffixes.map((suffix) => ({ keyword: `${prefix}${keyLength}${suffix}`, type: E, id, keyLength })));
}

/**
 * Every keyword, canonical spelling first for each (type, id, key length):
 * `formatProposal` and `keywordForTransform` write the first match.
 */
export const PROPOSAL_KEYWORDS: readonly ProposalKeyword[] = [
  // ENCR
  { keyword: 'aes128', type: E, id: EncrId.AES_CBC, keyLength: 128 },
  { keyword: 'aes192', type: E, id: EncrId.AES_CBC, keyLength: 192 },
  { keyword: 'aes256', type: E, id: EncrId.AES_CBC, keyLength: 256 },
  { keyword: 'aes', type: E, id: EncrId.AES_CBC, keyLength: 128 },
  ...aesFamily('aes', ['gcm16', 'gcm128', 'gcm'], EncrId.AES_GCM_16, [128, 192, 256]),
  ...aesFamily('aes', ['gcm12', 'gcm96'], EncrId.AES_GCM_12, [128, 192, 256]),
  ...aesFamily('aes', ['gcm8', 'gcm64'], EncrId.AES_GCM_8, [128, 192, 256]),
  ...aesFamily('aes', ['ccm16', 'ccm128', 'ccm'], EncrId.AES_CCM_16, [128, 192, 256]),
  ...aesFamily('aes', ['ccm12', 'ccm96'], EncrId.AES_CCM_12, [128, 192, 256]),
  ...aesFamily('aes', ['ccm8', 'ccm64'], EncrId.AES_CCM_8, [128, 192, 256]),
  ...aesFamily('aes', ['ctr'], EncrId.AES_CTR, [128, 192, 256]),
  ...aesFamily('aes', ['gmac'], EncrId.NULL_AUTH_AES_GMAC, [128, 192, 256]),
  { keyword: 'chacha20poly1305', type: E, id: EncrId.CHACHA20_POLY1305 },
  { keyword: 'chacha20poly1305compat', type: E, id: EncrId.CHACHA20_POLY1305, keyLength: 256 },
  { keyword: '3des', type: E, id: EncrId.DES3 },
  { keyword: 'des', type: E, id: EncrId.DES },
  { keyword: 'null', type: E, id: EncrId.NULL },
  { keyword: 'cast128', type: E, id: EncrId.CAST, keyLength: 128 },
  { keyword: 'blowfish128', type: E, id: EncrId.BLOWFISH, keyLength: 128 },
  { keyword: 'blowfish', type: E, id: EncrId.BLOWFISH, keyLength: 128 },
  { keyword: 'blowfish192', type: E, id: EncrId.BLOWFISH, keyLength: 192 },
  { keyword: 'blowfish256', type: E, id: EncrId.BLOWFISH, keyLength: 256 },
  { keyword: 'camellia128', type: E, id: EncrId.CAMELLIA_CBC, keyLength: 128 },
  { keyword: 'camellia', type: E, id: EncrId.CAMELLIA_CBC, keyLength: 128 },
  { keyword: 'camellia192', type: E, id: EncrId.CAMELLIA_CBC, keyLength: 192 },
  { keyword: 'camellia256', type: E, id: EncrId.CAMELLIA_CBC, keyLength: 256 },
  { keyword: 'camellia128ctr', type: E, id: EncrId.CAMELLIA_CTR, keyLength: 128 },
  { keyword: 'camellia192ctr', type: E, id: EncrId.CAMELLIA_CTR, keyLength: 192 },
  { keyword: 'camellia256ctr', type: E, id: EncrId.CAMELLIA_CTR, keyLength: 256 },
  ...aesFamily('camellia', ['ccm16', 'ccm128'], EncrId.CAMELLIA_CCM_16, [128, 192, 256]),
  ...aesFamily('camellia', ['ccm12', 'ccm96'], EncrId.CAMELLIA_CCM_12, [128, 192, 256]),
  ...aesFamily('camellia', ['ccm8', 'ccm64'], EncrId.CAMELLIA_CCM_8, [128, 192, 256]),
  { keyword: 'serpent128', type: E, id: null, keyLength: 128 },
  { keyword: 'serpent', type: E, id: null, keyLength: 128 },
  { keyword: 'serpent192', type: E, id: null, keyLength: 192 },
  { keyword: 'serpent256', type: E, id: null, keyLength: 256 },
  { keyword: 'twofish128', type: E, id: null, keyLength: 128 },
  { keyword: 'twofish', type: E, id: null, keyLength: 128 },
  { keyword: 'twofish192', type: E, id: null, keyLength: 192 },
  { keyword: 'twofish256', type: E, id: null, keyLength: 256 },
  // INTEG
  { keyword: 'sha1', type: I, id: IntegId.HMAC_SHA1_96 },
  { keyword: 'sha', type: I, id: IntegId.HMAC_SHA1_96 },
  { keyword: 'sha256', type: I, id: IntegId.HMAC_SHA2_256_128 },
  { keyword: 'sha2_256', type: I, id: IntegId.HMAC_SHA2_256_128 },
  { keyword: 'sha384', type: I, id: IntegId.HMAC_SHA2_384_192 },
  { keyword: 'sha2_384', type: I, id: IntegId.HMAC_SHA2_384_192 },
  { keyword: 'sha512', type: I, id: IntegId.HMAC_SHA2_512_256 },
  { keyword: 'sha2_512', type: I, id: IntegId.HMAC_SHA2_512_256 },
  { keyword: 'sha1_160', type: I, id: IntegId.HMAC_SHA1_160 },
  { keyword: 'md5', type: I, id: IntegId.HMAC_MD5_96 },
  { keyword: 'md5_128', type: I, id: IntegId.HMAC_MD5_128 },
  { keyword: 'aesxcbc', type: I, id: IntegId.AES_XCBC_96 },
  { keyword: 'aescmac', type: I, id: IntegId.AES_CMAC_96 },
  { keyword: 'sha256_96', type: I, id: null },
  { keyword: 'sha2_256_96', type: I, id: null },
  { keyword: 'camelliaxcbc', type: I, id: null },
  // PRF
  { keyword: 'prfsha1', type: P, id: PrfId.HMAC_SHA1 },
  { keyword: 'prfsha256', type: P, id: PrfId.HMAC_SHA2_256 },
  { keyword: 'prfsha384', type: P, id: PrfId.HMAC_SHA2_384 },
  { keyword: 'prfsha512', type: P, id: PrfId.HMAC_SHA2_512 },
  { keyword: 'prfmd5', type: P, id: PrfId.HMAC_MD5 },
  { keyword: 'prfaesxcbc', type: P, id: PrfId.AES128_XCBC },
  { keyword: 'prfaescmac', type: P, id: PrfId.AES128_CMAC },
  { keyword: 'prfcamelliaxcbc', type: P, id: null },
  // DH
  { keyword: 'modp2048', type: D, id: DhGroupId.MODP_2048 },
  { keyword: 'modp3072', type: D, id: DhGroupId.MODP_3072 },
  { keyword: 'modp4096', type: D, id: DhGroupId.MODP_4096 },
  { keyword: 'modp6144', type: D, id: DhGroupId.MODP_6144 },
  { keyword: 'modp8192', type: D, id: DhGroupId.MODP_8192 },
  { keyword: 'modp768', type: D, id: DhGroupId.MODP_768 },
  { keyword: 'modp1024', type: D, id: DhGroupId.MODP_1024 },
  { keyword: 'modp1536', type: D, id: DhGroupId.MODP_1536 },
  { keyword: 'modp1024s160', type: D, id: DhGroupId.MODP_1024_160 },
  { keyword: 'modp2048s224', type: D, id: DhGroupId.MODP_2048_224 },
  { keyword: 'modp2048s256', type: D, id: DhGroupId.MODP_2048_256 },
  { keyword: 'ecp256', type: D, id: DhGroupId.ECP_256 },
  { keyword: 'ecp384', type: D, id: DhGroupId.ECP_384 },
  { keyword: 'ecp521', type: D, id: DhGroupId.ECP_521 },
  { keyword: 'ecp192', type: D, id: DhGroupId.ECP_192 },
  { keyword: 'ecp224', type: D, id: DhGroupId.ECP_224 },
  { keyword: 'ecp224bp', type: D, id: DhGroupId.BRAINPOOL_P224 },
  { keyword: 'ecp256bp', type: D, id: DhGroupId.BRAINPOOL_P256 },
  { keyword: 'ecp384bp', type: D, id: DhGroupId.BRAINPOOL_P384 },
  { keyword: 'ecp512bp', type: D, id: DhGroupId.BRAINPOOL_P512 },
  { keyword: 'x25519', type: D, id: DhGroupId.CURVE_25519 },
  { keyword: 'curve25519', type: D, id: DhGroupId.CURVE_25519 },
  { keyword: 'x448', type: D, id: DhGroupId.CURVE_448 },
  { keyword: 'curve448', type: D, id: DhGroupId.CURVE_448 },
  { keyword: 'none', type: D, id: DhGroupId.NONE },
  { keyword: 'modpnone', type: D, id: DhGroupId.NONE },
  { keyword: 'modpnull', type: D, id: null },
  // ESN
  { keyword: 'noesn', type: N, id: EsnId.NO_ESN },
  { keyword: 'esn', type: N, id: EsnId.ESN },
];

const KEYWORD_INDEX = new Map(PROPOSAL_KEYWORDS.map((entry) => [entry.keyword, entry]));

/** ENCR ids that are AEAD (strongSwan's encryption_algorithm_is_aead). */
const AEAD_ENCR: ReadonlySet<number> = new Set([
  EncrId.AES_CCM_8, EncrId.AES_CCM_12, EncrId.AES_CCM_16,
  EncrId.AES_GCM_8, EncrId.AES_GCM_12, EncrId.AES_GCM_16,
  EncrId.NULL_AUTH_AES_GMAC,
  EncrId.CAMELLIA_CCM_8, EncrId.CAMELLIA_CCM_12, EncrId.CAMELLIA_CCM_16,
  EncrId.CHACHA20_POLY1305,
]);

/** PRF implied by an integrity algorithm when an IKE proposal names no PRF. */
const PRF_FOR_INTEG: ReadonlyMap<number, number> = new Map([
  [IntegId.HMAC_SHA1_96, PrfId.HMAC_SHA1],
  [IntegId.HMAC_SHA1_160, PrfId.HMAC_SHA1],
  [IntegId.HMAC_SHA2_256_128, PrfId.HMAC_SHA2_256],
  [IntegId.HMAC_SHA2_384_192, PrfId.HMAC_SHA2_384],
  [IntegId.HMAC_SHA2_512_256, PrfId.HMAC_SHA2_512],
  [IntegId.HMAC_MD5_96, PrfId.HMAC_MD5],
  [IntegId.HMAC_MD5_128, PrfId.HMAC_MD5],
  [IntegId.AES_XCBC_96, PrfId.AES128_XCBC],
  [IntegId.AES_CMAC_96, PrfId.AES128_CMAC],
]);

/** The same for strongSwan's private-use integrity algorithms (by keyword). */
const PRIVATE_PRF_FOR_INTEG: Readonly<Record<string, string>> = { camelliaxcbc: 'prfcamelliaxcbc' };

export interface ProposalTransform {
  readonly type: TransformType;
  readonly id: number | null;
  readonly keyLength?: number;
  /** Canonical strongSwan keyword. */
  readonly keyword: string;
  /** Implemented by this engine's crypto (`isSupported`). */
  readonly supported: boolean;
  readonly rfc8247: Rfc8247Level | undefined;
  /** RFC 8247 SHOULD NOT / MUST NOT. */
  readonly deprecated: boolean;
  /** Added by the parser (PRF from INTEG, noesn), not written in the string. */
  readonly implied?: true;
}

export interface ParsedProposal {
  readonly protocol: ProposalProtocol;
  readonly encryption: readonly ProposalTransform[];
  readonly prf: readonly ProposalTransform[];
  readonly integrity: readonly ProposalTransform[];
  readonly dh: readonly ProposalTransform[];
  readonly esn: readonly ProposalTransform[];
  /** All ENCR transforms are AEAD. */
  readonly aead: boolean;
  /** What the parser dropped, in words (for config validation output). */
  readonly warnings: readonly string[];
}

type TransformKey = { type: number; id: number | null; keyLength?: number | undefined; keyword?: string };

/** Same wire transform; private-use (id null) transforms are told apart by keyword. */
function sameTransform(a: TransformKey, b: TransformKey): boolean {
  return a.type === b.type && a.id === b.id && a.keyLength === b.keyLength && (a.id !== null || a.keyword === b.keyword);
}

/** Canonical keyword for a transform, or undefined if strongSwan has none. */
export function keywordForTransform(transform: TransformRef): string | undefined {
  return PROPOSAL_KEYWORDS.find((entry) => entry.type === transform.type && entry.id === transform.id && entry.keyLength === transform.keyLength)?.keyword;
}

function describe(entry: ProposalKeyword, implied?: true): ProposalTransform {
  const ref: TransformRef | undefined = entry.id === null ? undefined : { type: entry.type, id: entry.id, keyLength: entry.keyLength };
  const keyword = ref ? (keywordForTransform(ref) ?? entry.keyword) : entry.keyword;
  return {
    type: entry.type,
    id: entry.id,
    ...(entry.keyLength === undefined ? {} : { keyLength: entry.keyLength }),
    keyword,
    supported: ref ? isSupported(ref) : false,
    rfc8247: ref ? rfc8247Level(ref) : undefined,
    deprecated: ref ? deprecatedByRfc8247(ref) : false,
    ...(implied ? { implied } : {}),
  };
}

function lookupKeyword(type: TransformType, id: number): ProposalKeyword {
  const entry = PROPOSAL_KEYWORDS.find((candidate) => candidate.type === type && candidate.id === id && candidate.keyLength === undefined);
  if (!entry) throw new Error(`proposal keyword table lacks type ${type} id ${id}`);
  return entry;
}

/** Parses one strongSwan proposal (no commas) for IKE or ESP. */
export function parseProposal(text: string, protocol: ProposalProtocol): ParsedProposal {
  const trimmed = text.trim();
  if (trimmed === '') throw new ProposalSyntaxError('proposal_empty', 'the proposal is empty');
  const byType = new Map<TransformType, ProposalTransform[]>([[E, []], [P, []], [I, []], [D, []], [N, []]]);
  const list = (type: TransformType): ProposalTransform[] => byType.get(type) ?? [];
  const warnings: string[] = [];
  trimmed.split('-').forEach((raw, index) => {
    const token = raw.trim().toLowerCase();
    if (token === '') throw new ProposalSyntaxError('proposal_empty', `token ${index + 1} of "${trimmed}" is empty`);
    const entry = KEYWORD_INDEX.get(token);
    if (!entry) throw new ProposalSyntaxError('proposal_unknown_keyword', `"${raw.trim()}" is not a known algorithm keyword`, raw.trim());
    const transform = describe(entry);
    const transforms = list(entry.type);
    if (!transforms.some((existing) => sameTransform(existing, transform))) transforms.push(transform);
  });

  if (protocol === 'esp' && list(P).length > 0) {
    warnings.push(`PRF keywords have no meaning in ESP proposals and were dropped: ${list(P).map((t) => t.keyword).join(', ')}`);
    list(P).length = 0;
  }
  if (protocol === 'ike') {
    if (list(N).length > 0) {
      warnings.push(`ESN keywords have no meaning in IKE proposals and were dropped: ${list(N).map((t) => t.keyword).join(', ')}`);
      list(N).length = 0;
    }
    if (list(P).length === 0) {
      for (const integ of list(I)) {
        const prfId = integ.id === null ? undefined : PRF_FOR_INTEG.get(integ.id);
        const prfEntry = prfId === undefined ? KEYWORD_INDEX.get(PRIVATE_PRF_FOR_INTEG[integ.keyword] ?? '') : lookupKeyword(P, prfId);
        if (!prfEntry) continue;
        const implied = describe(prfEntry, true);
        if (!list(P).some((existing) => sameTransform(existing, implied))) list(P).push(implied);
      }
    }
    if (list(P).length === 0) {
      throw new ProposalSyntaxError('proposal_missing_transform', `"${trimmed}": an IKE proposal needs a PRF (prfsha256, ...) or an integrity algorithm that implies one`);
    }
    const noneGroups = list(D).filter((t) => t.id === DhGroupId.NONE);
    if (noneGroups.length > 0) {
      warnings.push(`"${noneGroups[0]?.keyword}" has no meaning in IKE proposals and was dropped`);
      byType.set(D, list(D).filter((t) => t.id !== DhGroupId.NONE));
    }
    if (list(D).length === 0) {
      throw new ProposalSyntaxError('proposal_missing_transform', `"${trimmed}": an IKE proposal needs a DH group (modp2048, ecp256, x25519, ...)`);
    }
  }
  if (list(E).length === 0) {
    throw new ProposalSyntaxError('proposal_missing_transform', `"${trimmed}": an encryption algorithm is required`);
  }
  const aeadFlags = list(E).map((t) => t.id !== null && AEAD_ENCR.has(t.id));
  const aead = aeadFlags.every(Boolean);
  if (!aead && aeadFlags.some(Boolean)) {
    const first = list(E).find((t) => t.id !== null && AEAD_ENCR.has(t.id));
    throw new ProposalSyntaxError('proposal_mixed_aead', `"${trimmed}" mixes AEAD and non-AEAD encryption; put them in separate proposals`, first?.keyword);
  }
  if (aead && list(I).length > 0) {
    warnings.push(`integrity keywords are not used with AEAD ciphers and were dropped: ${list(I).map((t) => t.keyword).join(', ')}`);
    list(I).length = 0;
  }
  if (!aead && list(I).length === 0) {
    if (protocol === 'ike') {
      throw new ProposalSyntaxError('proposal_missing_transform', `"${trimmed}": a non-AEAD IKE proposal needs an integrity algorithm (sha256, ...)`);
    }
    warnings.push('ESP without an integrity algorithm: confidentiality only');
  }
  if (protocol === 'esp' && list(N).length === 0) list(N).push(describe(lookupKeyword(N, EsnId.NO_ESN), true));

  return {
    protocol,
    encryption: list(E),
    prf: list(P),
    integrity: list(I),
    dh: list(D),
    esn: list(N),
    aead,
    warnings,
  };
}

/** Parses a comma-separated proposal list (swanctl `proposals` / `esp_proposals`). */
export function parseProposalList(text: string, protocol: ProposalProtocol): ParsedProposal[] {
  return text.split(',').map((part) => parseProposal(part, protocol));
}

/**
 * The canonical strongSwan string for a parsed proposal. Implied PRFs are
 * left out when the written integrity keywords imply them again; implied
 * noesn is left out. `parseProposal(formatProposal(p))` has the same transforms.
 */
export function formatProposal(proposal: ParsedProposal): string {
  const tokens: string[] = [];
  for (const t of proposal.encryption) tokens.push(t.keyword);
  for (const t of proposal.integrity) tokens.push(t.keyword);
  const reimplied = new Set(proposal.integrity.map((t) => (t.id === null ? undefined : PRF_FOR_INTEG.get(t.id))));
  const prfsAllImplied = proposal.prf.every((t) => t.implied && t.id !== null && reimplied.has(t.id));
  if (!prfsAllImplied) for (const t of proposal.prf) tokens.push(t.keyword);
  for (const t of proposal.dh) tokens.push(t.keyword);
  for (const t of proposal.esn) if (!t.implied) tokens.push(t.keyword);
  return tokens.join('-');
}

/** All transforms of a proposal in SA payload order (ENCR, PRF, INTEG, DH, ESN). */
export function proposalTransforms(proposal: ParsedProposal): ProposalTransform[] {
  return [...proposal.encryption, ...proposal.prf, ...proposal.integrity, ...proposal.dh, ...proposal.esn];
}
