/**
 * Certificates over REST: the IKE certificate cache (`ike -certshow` as
 * data; flush = `ike -certflush`), the gateway's own certificates (.cer +
 * .key pairs), the CA trust anchors and CRL status. Private keys are
 * write-only: uploaded, never returned.
 */
import { Type, type Static } from '@sinclair/typebox';

export const CertificateStatus = Type.Union(
  [
    Type.Literal('Valid'),
    Type.Literal('Expired'),
    Type.Literal('Not yet valid'),
    Type.Literal('Revoked'),
    Type.Literal('Untrusted'),
    Type.Literal('Unchecked'),
  ],
  { description: 'As the cache judges it at `time`, in UTC (RFC 5280)' },
);
export type CertificateStatus = Static<typeof CertificateStatus>;

export const CertificateExtensionView = Type.Object({
  oid: Type.String(),
  name: Type.String({ description: 'basicConstraints, keyUsage, extendedKeyUsage, subjectAltName, cRLDistributionPoints, ...' }),
  critical: Type.Boolean(),
  value: Type.String({ description: 'Human-readable value, e.g. "digitalSignature, keyEncipherment"' }),
});
export type CertificateExtensionView = Static<typeof CertificateExtensionView>;

export const CertificateSummary = Type.Object({
  id: Type.String({ description: 'SHA-256 fingerprint, hex' }),
  subject: Type.String({ description: '"C=SE, O=Clavister, OU=R&D, CN=TTG"' }),
  issuer: Type.String(),
  serialNumber: Type.String({ description: 'hex' }),
  validFrom: Type.Number({ description: 'ms since epoch (UTC)' }),
  validTo: Type.Number(),
  status: CertificateStatus,
  statusDetail: Type.Optional(Type.String({ description: 'Why the status is what it is, e.g. the revocation date or the trust anchor missing' })),
  isCa: Type.Boolean(),
  keyType: Type.String({ description: 'RSA-2048, ECDSA P-256, ...' }),
  source: Type.Union([Type.Literal('peer'), Type.Literal('local'), Type.Literal('ca')], { description: 'Received from a peer, our own, or a trust anchor' }),
  receivedFrom: Type.Optional(Type.String({ description: 'Peer address it was received from' })),
  cachedAt: Type.Optional(Type.Number()),
});
export type CertificateSummary = Static<typeof CertificateSummary>;

export const CertificateDetail = Type.Object({
  certificate: CertificateSummary,
  subjectAltNames: Type.Array(Type.String()),
  extensions: Type.Array(CertificateExtensionView),
  crlDistributionPoints: Type.Array(Type.String()),
  fingerprintSha1: Type.String(),
  pem: Type.String({ description: 'The certificate (public) in PEM' }),
  chain: Type.Array(CertificateSummary, { description: 'From this certificate up to its trust anchor, as built at `time`' }),
  chainError: Type.Optional(Type.String({ description: 'Why no complete chain could be built' })),
});
export type CertificateDetail = Static<typeof CertificateDetail>;

export const CrlView = Type.Object({
  issuer: Type.String(),
  url: Type.String(),
  state: Type.Union([
    Type.Literal('valid'),
    Type.Literal('stale'),
    Type.Literal('unreachable'),
    Type.Literal('dns_failure'),
    Type.Literal('no_dns_servers'),
    Type.Literal('invalid'),
    Type.Literal('never_fetched'),
  ]),
  thisUpdate: Type.Optional(Type.Number()),
  nextUpdate: Type.Optional(Type.Number()),
  fetchedAt: Type.Optional(Type.Number()),
  revokedCount: Type.Optional(Type.Integer()),
  lastError: Type.Optional(Type.String()),
});
export type CrlView = Static<typeof CrlView>;

export const CertificateCacheView = Type.Object({
  time: Type.Number({ description: 'Engine clock when the cache was read' }),
  timeZone: Type.String(),
  certificates: Type.Array(CertificateSummary, { description: 'In -certshow order' }),
  crls: Type.Array(CrlView),
  text: Type.String({ description: '`ike -certshow -verbose` text' }),
});
export type CertificateCacheView = Static<typeof CertificateCacheView>;

export const CertificateFlushResult = Type.Object({
  flushedCertificates: Type.Integer(),
  flushedCrls: Type.Integer(),
});
export type CertificateFlushResult = Static<typeof CertificateFlushResult>;

export const LocalCertificateView = Type.Object({
  name: Type.String({ description: 'File stem: name.cer + name.key' }),
  certificate: Type.Optional(CertificateSummary),
  hasKey: Type.Boolean({ description: 'A matching name.key exists (the key itself is never returned)' }),
  keyMatches: Type.Optional(Type.Boolean({ description: 'The key is the certificate\'s private key' })),
  problems: Type.Array(Type.String({ description: 'e.g. "my_cert.cer has no my_cert.key (found my-cert.key)"' })),
  usedBy: Type.Array(Type.String({ description: 'Tunnels that name it' })),
});
export type LocalCertificateView = Static<typeof LocalCertificateView>;

export const CertificateStoreView = Type.Object({
  directory: Type.String(),
  local: Type.Array(LocalCertificateView),
  authorities: Type.Array(CertificateSummary),
});
export type CertificateStoreView = Static<typeof CertificateStoreView>;

export const CertificateUpload = Type.Object(
  {
    kind: Type.Union([Type.Literal('local'), Type.Literal('ca')]),
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }),
    certificate: Type.String({ description: 'PEM, or DER as base64' }),
    privateKey: Type.Optional(Type.String({ description: 'local only: PEM (PKCS#8/PKCS#1/SEC1) or DER as base64; write-only' })),
  },
  { additionalProperties: false },
);
export type CertificateUpload = Static<typeof CertificateUpload>;

export const CertificateIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'SHA-256 fingerprint, hex' }) });

export const CrlList = Type.Object({ time: Type.Number(), items: Type.Array(CrlView) });
export type CrlList = Static<typeof CrlList>;
