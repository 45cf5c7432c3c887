/**
 * "Correct certificates for the correct purposes" (seed 13.6.2), as rules
 * the verifier applies to each certificate of a chain:
 *
 *   end entity  basicConstraints CA:TRUE              -> wrong_purpose (a CA used as end entity)
 *               keyUsage present without digitalSignature -> wrong_purpose (IKE AUTH is a signature)
 *               extendedKeyUsage present without one of
 *               serverAuth, clientAuth, ipsecIKE, anyExtendedKeyUsage -> wrong_purpose
 *               (RFC 4945 5.1.3.12 and RFC 4809: IKE peers accept these; a
 *               certificate limited to e.g. emailProtection or codeSigning is refused)
 *   CA          basicConstraints CA:TRUE required (RFC 5280 4.2.1.9)
 *               keyUsage present without keyCertSign -> wrong_purpose (4.2.1.3)
 *   CRL issuer  keyUsage present without cRLSign -> the CRL is refused (crl_invalid)
 */
import { EXTENDED_KEY_USAGE_NAMES, type ParsedCertificate } from './parse-certificate.ts';

/** extendedKeyUsage OIDs that allow IKE authentication. */
export const IKE_EXTENDED_KEY_USAGES: readonly string[] = [
  '1.3.6.1.5.5.7.3.1', // serverAuth
  '1.3.6.1.5.5.7.3.2', // clientAuth
  '1.3.6.1.5.5.7.3.17', // ipsecIKE
  '2.5.29.37.0', // anyExtendedKeyUsage
];

export type PurposeRole = 'end_entity' | 'ca';

/** Undefined when the certificate may serve `role`, else why not. */
export function purposeProblem(certificate: ParsedCertificate, role: PurposeRole): string | undefined {
  if (role === 'end_entity') {
    if (certificate.isCa) {
      return `"${certificate.subject}" is a CA certificate (basicConstraints CA:TRUE) used as an end-entity certificate`;
    }
    if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes('digitalSignature')) {
      return `"${certificate.subject}" has keyUsage ${certificate.keyUsage.join(', ') || '(none)'} without digitalSignature, which IKE authentication needs`;
    }
    if (certificate.extendedKeyUsage !== undefined && !certificate.extendedKeyUsage.some((oid) => IKE_EXTENDED_KEY_USAGES.includes(oid))) {
      const names = certificate.extendedKeyUsage.map((oid) => EXTENDED_KEY_USAGE_NAMES.get(oid) ?? oid).join(', ');
      return `"${certificate.subject}" has extendedKeyUsage ${names}, none of serverAuth, clientAuth, ipsecIKE, anyExtendedKeyUsage`;
    }
    return undefined;
  }
  if (!certificate.isCa) {
    return `"${certificate.subject}" issues certificates but is not a CA (basicConstraints CA:TRUE missing)`;
  }
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes('keyCertSign')) {
    return `CA "${certificate.subject}" has keyUsage ${certificate.keyUsage.join(', ') || '(none)'} without keyCertSign`;
  }
  return undefined;
}

export function mayIssueCrls(certificate: ParsedCertificate): boolean {
  return certificate.keyUsage === undefined || certificate.keyUsage.includes('cRLSign');
}
