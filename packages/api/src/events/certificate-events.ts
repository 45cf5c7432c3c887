/**
 * Events of the certificate subsystem (stream topic `cert`). A failed
 * certificate authentication itself is an `ike.negotiation.failed` with
 * code `no_public_key_found` and `evidence.cause` one of
 * CERTIFICATE_FAILURE_CAUSES.
 */
import { Type, type Static } from '@sinclair/typebox';

const base = { time: Type.Number({ description: 'ms since epoch (engine clock)' }) };

/** The precise causes behind "No public key found" (seed 13.6.6 #5, 13.6.2). */
export const CERTIFICATE_FAILURE_CAUSES = [
  'no_certificate',
  'other_ca',
  'expired',
  'not_yet_valid',
  'revoked',
  'crl_unreachable',
  'crl_dns_failure',
  'no_dns_servers',
  'crl_invalid',
  'identity_mismatch',
  'wrong_purpose',
  'bad_signature',
  'local_certificate',
] as const;
export type CertificateFailureCause = (typeof CERTIFICATE_FAILURE_CAUSES)[number];

export const CertificateCacheChangedEventSchema = Type.Object(
  {
    type: Type.Literal('cert.cache.changed'),
    ...base,
    reason: Type.Union([
      Type.Literal('added'),
      Type.Literal('flushed'),
      Type.Literal('crl_fetched'),
      Type.Literal('expired'),
      Type.Literal('now_valid'),
      Type.Literal('revoked'),
      Type.Literal('crl_stale'),
    ], { description: 'added/flushed/crl_fetched: the cache changed; expired, now_valid, revoked, crl_stale: a cached entry crossed one of its own times (notAfter, notBefore, a revocation date, a CRL nextUpdate) on the gateway clock' }),
    certificates: Type.Integer({ description: 'Certificates in the cache now' }),
    crls: Type.Integer(),
    subject: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const CrlFetchEventSchema = Type.Object(
  {
    type: Type.Literal('cert.crl.fetch'),
    ...base,
    url: Type.String(),
    issuer: Type.String(),
    ok: Type.Boolean(),
    state: Type.String({ description: 'valid, unreachable, dns_failure, no_dns_servers, invalid' }),
    error: Type.Optional(Type.String()),
    dnsServers: Type.Array(Type.String()),
    resolvedAddress: Type.Optional(Type.String()),
    nextUpdate: Type.Optional(Type.Number()),
    revokedCount: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false, description: 'A CRL fetch over HTTP ended.' },
);

export const CertificateStoreProblemEventSchema = Type.Object(
  {
    type: Type.Literal('cert.store.problem'),
    ...base,
    name: Type.String({ description: 'File or certificate name' }),
    code: Type.Union([
      Type.Literal('missing_key'),
      Type.Literal('missing_certificate'),
      Type.Literal('name_mismatch'),
      Type.Literal('key_mismatch'),
      Type.Literal('unparsable'),
      Type.Literal('expired'),
      Type.Literal('not_yet_valid'),
      Type.Literal('wrong_purpose'),
    ]),
    message: Type.String(),
  },
  { additionalProperties: false, description: 'A problem found loading the certificate directory (reported by name, never skipped silently).' },
);

export const CertificateEventSchema = Type.Union([CertificateCacheChangedEventSchema, CrlFetchEventSchema, CertificateStoreProblemEventSchema]);
export type CertificateEvent = Static<typeof CertificateEventSchema>;
