/**
 * RFC 8247 ("Algorithm Implementation Requirements and Usage Guidance for
 * IKEv2") requirement levels for IKE SA transforms, as a table (§3.1 ENCR,
 * §3.2 PRF, §3.3 INTEG, §3.4 DH). Transforms the RFC does not list have no
 * level (undefined). A transform is "deprecated" when its level is SHOULD NOT
 * or MUST NOT.
 *
 * RFC 8247 covers IKEv2 SAs; the ESP levels of RFC 8221 are not encoded here.
 * For AES the levels apply to 128- and 256-bit keys; 192-bit keys are MAY
 * (§3.1 note [1]).
 */
import { DhGroupId, EncrId, IntegId, PrfId, TransformType } from '../constants.ts';
import type { TransformRef } from './algorithms.ts';

export type Rfc8247Level = 'MUST' | 'MUST-' | 'SHOULD+' | 'SHOULD' | 'MAY' | 'SHOULD NOT' | 'MUST NOT';

export interface Rfc8247Requirement {
  readonly type: number;
  readonly id: number;
  readonly level: Rfc8247Level;
  /** Section of RFC 8247 listing it. */
  readonly section: string;
  /** Level for 192-bit AES keys where it differs. */
  readonly level192?: Rfc8247Level;
}

const ENCR = TransformType.ENCR;
const PRF = TransformType.PRF;
const INTEG = TransformType.INTEG;
const DH = TransformType.DH;

export const RFC8247_REQUIREMENTS: readonly Rfc8247Requirement[] = [
  { type: ENCR, id: EncrId.AES_CBC, level: 'MUST', level192: 'MAY', section: '3.1' },
  { type: ENCR, id: EncrId.CHACHA20_POLY1305, level: 'SHOULD', section: '3.1' },
  { type: ENCR, id: EncrId.AES_GCM_16, level: 'SHOULD', level192: 'MAY', section: '3.1' },
  { type: ENCR, id: EncrId.AES_CCM_8, level: 'SHOULD', level192: 'MAY', section: '3.1' },
  { type: ENCR, id: EncrId.AES_CTR, level: 'MAY', section: '3.1' },
  { type: ENCR, id: EncrId.DES3, level: 'MAY', section: '3.1' },
  { type: ENCR, id: EncrId.DES, level: 'MUST NOT', section: '3.1' },
  { type: ENCR, id: EncrId.IDEA, level: 'MUST NOT', section: '3.1' },
  { type: ENCR, id: EncrId.BLOWFISH, level: 'MUST NOT', section: '3.1' },
  { type: ENCR, id: EncrId.IDEA3, level: 'MUST NOT', section: '3.1' },
  { type: ENCR, id: EncrId.DES_IV64, level: 'MUST NOT', section: '3.1' },
  { type: ENCR, id: EncrId.DES_IV32, level: 'MUST NOT', section: '3.1' },
  // IKE messages are always encrypted; ENCR_NULL is for ESP only (RFC 8221).
  { type: ENCR, id: EncrId.NULL, level: 'MUST NOT', section: '3.1' },
  { type: PRF, id: PrfId.HMAC_SHA2_256, level: 'MUST', section: '3.2' },
  { type: PRF, id: PrfId.HMAC_SHA2_512, level: 'SHOULD+', section: '3.2' },
  { type: PRF, id: PrfId.HMAC_SHA1, level: 'MUST-', section: '3.2' },
  { type: PRF, id: PrfId.AES128_XCBC, level: 'SHOULD', section: '3.2' },
  { type: PRF, id: PrfId.HMAC_MD5, level: 'MUST NOT', section: '3.2' },
  { type: INTEG, id: IntegId.HMAC_SHA2_256_128, level: 'MUST', section: '3.3' },
  { type: INTEG, id: IntegId.HMAC_SHA2_512_256, level: 'SHOULD', section: '3.3' },
  { type: INTEG, id: IntegId.AES_XCBC_96, level: 'SHOULD', section: '3.3' },
  { type: INTEG, id: IntegId.HMAC_SHA1_96, level: 'MUST-', section: '3.3' },
  { type: INTEG, id: IntegId.HMAC_MD5_96, level: 'MUST NOT', section: '3.3' },
  { type: INTEG, id: IntegId.DES_MAC, level: 'MUST NOT', section: '3.3' },
  { type: INTEG, id: IntegId.KPDK_MD5, level: 'MUST NOT', section: '3.3' },
  { type: DH, id: DhGroupId.MODP_2048, level: 'MUST', section: '3.4' },
  { type: DH, id: DhGroupId.ECP_256, level: 'SHOULD', section: '3.4' },
  { type: DH, id: DhGroupId.CURVE_25519, level: 'SHOULD', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_3072, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_4096, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_6144, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_8192, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.ECP_384, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.ECP_521, level: 'MAY', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_1536, level: 'SHOULD NOT', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_1024, level: 'SHOULD NOT', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_768, level: 'MUST NOT', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_1024_160, level: 'SHOULD NOT', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_2048_224, level: 'SHOULD NOT', section: '3.4' },
  { type: DH, id: DhGroupId.MODP_2048_256, level: 'SHOULD NOT', section: '3.4' },
];

/** RFC 8247 level of a transform, or undefined when the RFC does not list it. */
export function rfc8247Level(transform: TransformRef): Rfc8247Level | undefined {
  const entry = RFC8247_REQUIREMENTS.find((r) => r.type === transform.type && r.id === transform.id);
  if (!entry) return undefined;
  if (transform.keyLength === 192 && entry.level192) return entry.level192;
  return entry.level;
}

/** True when RFC 8247 says SHOULD NOT or MUST NOT for the transform. */
export function deprecatedByRfc8247(transform: TransformRef): boolean {
  const level = rfc8247Level(transform);
  return level === 'SHOULD NOT' || level === 'MUST NOT';
}
