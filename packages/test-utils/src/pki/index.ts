/** Test PKI: certificates, CRLs and the services a CA runs (CRL over HTTP, DNS), generated at test time. */
export * from './test-pki.ts';
export * from './dns-responder.ts';
export * from './crl-server.ts';
