/**
 * What a certificate scenario of the lab is made of, as data (seed 13.6.2,
 * 13.6.6 #5): the peer's certificate (issuer, validity, CRL location,
 * revocation), how our own certificate is stored, and the DNS client the
 * scenario needs. `certificateTunnels()` gives the tunnel differences of
 * both sides: certificate authentication, DN identities, CRL checking on
 * our side only.
 *
 * The DNS client is gateway-wide (config.dnsServers), so "no DNS client
 * for the CRL host" cannot share a lab with scenarios that need one: it
 * runs in a lab created with `certificates: { dnsClient: false }`, where
 * scenarios that fetch a CRL by name cannot run (and are refused by name).
 */
import type { TunnelInput } from '@tunnelscope/api';

/** The lab CA: issues our certificate and every peer's but the "other CA" one. */
export const LAB_CA = { name: 'labca', subject: 'C=SE, O=Tunnelscope Lab, CN=Lab CA' } as const;
/** A CA our gateway does not trust. */
export const OTHER_CA = { subject: 'C=SE, O=Branch Office IT, CN=Branch Office CA' } as const;
/** Our gateway's certificate (hq.cer + hq.key), used by every certificate tunnel unless a scenario stores its own. */
export const HQ_CERTIFICATE = { name: 'hq', subject: 'C=SE, O=Tunnelscope Lab, CN=hq-gateway' } as const;
/** The name of each peer's own certificate in its directory. */
export const PEER_CERTIFICATE_NAME = 'gateway';

/** Where the peer certificate's cRLDistributionPoints points. */
export type CrlLocation =
  /** The lab CA server, by its host name (resolved by the lab DNS): the CA's current CRL. */
  | 'lab-ca'
  /** The lab CA's host name, on a port where nothing listens. */
  | 'closed-port'
  /** A host name the lab DNS does not know (NXDOMAIN). */
  | 'unknown-host'
  /** A CRL path of the lab CA whose first version has the certificate on hold; the CA lifts the hold right after that version was fetched. */
  | 'on-hold-then-lifted'
  /** No cRLDistributionPoints. */
  | 'none';

export interface CertificateScenarioSpec {
  readonly peerCertificate: {
    readonly issuer: 'lab-ca' | 'other-ca';
    /** `starts-in-one-hour`: notBefore = now + 1 h, what a CA does whose local time (UTC+1) was taken as UTC. */
    readonly validity: 'valid' | 'expired' | 'starts-in-one-hour';
    readonly crl: CrlLocation;
    /** Listed (keyCompromise) in the lab CA's CRL. */
    readonly revoked?: true;
  };
  /** Our certificate stored under two names (name.cer + keyFileName.key) instead of the shared hq pair. */
  readonly localCertificate?: { readonly name: string; readonly keyFileName: string };
  readonly dnsClient: 'configured' | 'none' | 'either';
}

/** The DN of a certificate scenario's peer. */
export function peerSubject(tunnel: string): string {
  return `C=SE, O=Tunnelscope Lab, CN=${tunnel}`;
}

/** Both sides' tunnel differences for a certificate scenario whose local tunnel is `tunnel`. */
export function certificateTunnels(tunnel: string, spec: CertificateScenarioSpec): { local: Partial<TunnelInput>; peer: Partial<TunnelInput> } {
  const peerDn = peerSubject(tunnel);
  return {
    local: {
      auth: { method: 'certificate', certificate: spec.localCertificate?.name ?? HQ_CERTIFICATE.name, rootCertificates: [LAB_CA.name] },
      localId: { type: 'dn', value: HQ_CERTIFICATE.subject },
      remoteId: { type: 'dn', value: peerDn },
      crlChecking: true,
    },
    peer: {
      auth: { method: 'certificate', certificate: PEER_CERTIFICATE_NAME, rootCertificates: [LAB_CA.name] },
      localId: { type: 'dn', value: peerDn },
      remoteId: { type: 'dn', value: HQ_CERTIFICATE.subject },
      crlChecking: false,
    },
  };
}
