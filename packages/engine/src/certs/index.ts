/** The certificate subsystem's public surface (CertificatePort and its implementation). */
export type { CertificatePort, LocalCredential, LocalCredentialResult, PeerCertificateInput, PeerVerification } from './contract.ts';
export { CertificateService, certificateHasIdentity, type CertificateServiceOptions } from './certificate-service.ts';
export { fetchCrlOverHttp, DEFAULT_CRL_TIMEOUT_MS, type CrlFetcher, type CrlFetchRequest, type CrlFetchResult } from './crl-fetcher.ts';
export { distinguishedNamesEqual } from './distinguished-name.ts';
export { CertificateParseError, parseCertificates, parseCertificateDer, type ParsedCertificate, type SubjectAltName } from './parse-certificate.ts';
export { PrivateKeyParseError, parsePrivateKey, keyPairMatches } from './private-key.ts';
export { judgeValidity, likelyZoneOffsetHours, type ValidityVerdict } from './validity.ts';
export { purposeProblem, IKE_EXTENDED_KEY_USAGES } from './purposes.ts';
export { scanCertificateFiles, nearMissKey, CA_SUBDIRECTORY, type CertificateFile, type DirectoryScan, type StoreProblem } from './certificate-directory.ts';
