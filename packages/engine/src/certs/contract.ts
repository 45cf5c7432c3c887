/**
 * The certificate subsystem's contract with the IKE daemon, the gateway
 * shell and the server.
 *
 *   IKE_AUTH with CERT payloads --> core parks the exchange, outputs a
 *   verification request --> gateway shell --> CertificatePort.verifyPeer
 *   (chain to the tunnel's trust anchors, purposes, validity in UTC against
 *   the engine clock, CRL over HTTP via the configured DNS servers, the
 *   cache) --> result fed back to the core --> AUTH verified with the
 *   peer's public key, or "No public key found" with its precise cause.
 *
 * Local credentials come from the certificate directory by the seed's
 * convention: `name.cer` + `name.key` (PEM or DER).
 */
import type { KeyObject } from 'node:crypto';
import type {
  CertificateCacheView,
  CertificateDetail,
  CertificateEvent,
  CertificateFailureCause,
  CertificateFlushResult,
  CertificateStoreView,
  CertificateSummary,
  CertificateUpload,
  GatewayConfig,
  TunnelIdentity,
} from '@tunnelscope/api';
import type { CertShowEntry } from '../cli/format-cert-show-table.ts';

export interface LocalCredential {
  name: string;
  /** DER of the end-entity certificate, sent in a CERT payload (encoding 4). */
  certificate: Uint8Array;
  /** Intermediates to send after it (may be empty). */
  chain: Uint8Array[];
  privateKey: KeyObject;
  subject: string;
  /** subjectAltName entries as IKE identities would spell them (fqdn/email/ipv4/ipv6). */
  subjectAltNames: string[];
}

export type LocalCredentialResult =
  | { ok: true; credential: LocalCredential }
  | { ok: false; cause: 'local_certificate'; message: string };

export interface PeerCertificateInput {
  tunnel: string;
  /** DER, as received in CERT payloads: end entity first, then intermediates. */
  certificates: Uint8Array[];
  /** Names of the trust anchors the tunnel accepts (tunnel.auth.rootCertificates). */
  rootCertificates: string[];
  /** The identity the tunnel expects of the peer (remoteId). */
  expectedIdentity: TunnelIdentity;
  /** The peer's IDi/IDr as received, in config spelling ({type:'dn', value:'C=SE, ...'}). */
  peerIdentity: TunnelIdentity;
  crlChecking: boolean;
  peerAddress: string;
}

export type PeerVerification =
  | { ok: true; publicKey: KeyObject; certificate: CertificateSummary; chain: CertificateSummary[] }
  | {
      ok: false;
      cause: CertificateFailureCause;
      /** Operator text naming the certificate, the CA, the times or the CRL URL involved. */
      message: string;
      evidence: Record<string, unknown>;
    };

export interface CertificatePort {
  applyConfig(config: GatewayConfig): void;
  /** (Re)reads the certificate directory; problems are reported as cert.store.problem events, by name. */
  load(): Promise<void>;
  localCredential(name: string): LocalCredentialResult;
  /**
   * Optional (added for IKE_AUTH): the SHA-1 hash of the subjectPublicKeyInfo
   * of each named trust anchor (tunnel.auth.rootCertificates), for CERTREQ
   * payloads (RFC 7296 §3.7). Unknown names are left out. Without it the
   * daemon sends an X.509 CERTREQ with no hashes.
   */
  trustAnchorKeyHashes?(names: string[]): Uint8Array[];
  verifyPeer(input: PeerCertificateInput): Promise<PeerVerification>;
  cache(): CertificateCacheView;
  detail(id: string): CertificateDetail | undefined;
  /** `ike -certflush`: empties the cache of peer certificates and CRLs; the next negotiation refetches. */
  flush(): CertificateFlushResult;
  certShowEntries(): CertShowEntry[];
  store(): CertificateStoreView;
  upload(upload: CertificateUpload): Promise<{ ok: true } | { ok: false; field: string; message: string }>;
  subscribe(listener: (event: CertificateEvent) => void): () => void;
  /** Stops the timer that announces cached entries expiring, becoming valid or going stale. */
  close?(): void;
}
