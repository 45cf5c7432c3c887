/**
 * IKE_AUTH with certificates (RFC 7296 §1.2, §2.15, §3.6-3.8; RFC 7427).
 *
 *   IKE_SA_INIT   initiator --> N(SIGNATURE_HASH_ALGORITHMS)
 *                 responder <-- CERTREQ(SHA-1 of our trust anchors' SPKI) N(SIGNATURE_HASH_ALGORITHMS)
 *   IKE_AUTH      initiator --> SK{ IDi CERT+ [N(INITIAL_CONTACT)] CERTREQ AUTH SA TSi TSr }
 *                 responder: re-select by IDi (DN, or a subjectAltName of the CERT),
 *                   park the request --verify--> shell: CertificatePort.verifyPeer (async)
 *                   <--cert_verified-- public key, or the precise cause
 *                   verify AUTH with it --> SK{ IDr CERT+ AUTH SA TSi TSr N(AUTH_LIFETIME) }
 *                   (any failure: N(AUTHENTICATION_FAILED), "No public key found" with the cause)
 *                 initiator: park the response, verify the same way, then the first CHILD_SA
 *                   (failure: INFORMATIONAL N(AUTHENTICATION_FAILED), SA forgotten, as the PSK path)
 *
 * AUTH is an RFC 7427 Digital Signature (method 14) when the peer announced
 * SIGNATURE_HASH_ALGORITHMS, else the classic method of our key: RSA (1) or
 * ECDSA (9/10/11 by curve). The parked exchange lives in
 * `core.pendingCertAuth` with a `${sa}/cert-verify` timer: a verification
 * that does not answer in time fails as crl_unreachable; retransmissions of
 * the parked request are dropped by the core (no second verification).
 */
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import type { TunnelConfig, TunnelIdentity, TunnelSelectionRecord } from '@tunnelscope/api';
import {
  AuthMethod,
  CertEncoding,
  ExchangeType,
  HashAlgorithmId,
  IdType,
  NotifyType,
  PayloadType,
  SUPPORTED_SIGNATURE_HASH_ALGORITHMS,
  decodeMessage,
  formatDistinguishedName,
  notifyData,
  signAuth,
  signedOctets,
  verifySignatureAuth,
  viewNotify,
  type AuthPayload,
  type IdPayload,
  type IkeHeader,
  type Payload,
  type SignatureHash,
} from '@tunnelscope/ike';
import type { CertificatePort, LocalCredential, LocalCredentialResult, PeerVerification } from '../certs/contract.ts';
import { createIdentityMatcher, describePeerIdentity, describeTunnelIdentity, matchIdentity, type IdentityMatcher, type PeerIdentity } from '../selection/identity-matcher.ts';
import { childOfferPayloads } from './child-negotiation.ts';
import { clientAuthPayloads } from './config-payloads.ts';
import { certificateSubjectAltNames, certificateSubjectDer, encodeDistinguishedName, peerIdentityAsConfig } from './certificate-identity.ts';
import type { CoreCertificates, IkeDaemonCore } from './daemon-core.ts';
import type { IkeFailureCondition } from './error-codes.ts';
import { completeAuthAsInitiator, completeAuthAsResponder } from './ike-auth.ts';
import { failNegotiation } from './ike-sa-init.ts';
import type { IkeSa, OutstandingRequest } from './ike-sa.ts';
import { idPayloadBody, localIdPayload } from './tunnel-profile.ts';
import { notifyPayload } from './wire.ts';

/** An IKE_AUTH waiting for its certificate verification. */
export interface PendingCertAuth {
  requestId: string;
  ikeSaId: string;
  role: 'initiator' | 'responder';
  /** The peer's ID payload (IDi as responder, IDr as initiator) and AUTH. */
  peerId: IdPayload;
  auth: AuthPayload;
  payloads: Payload[];
  datagramIds: number[];
  /** Responder: the parked request's header (the answer's message id). */
  header?: IkeHeader;
  selection?: TunnelSelectionRecord;
  /** Initiator: our IKE_AUTH request, whose response is parked. */
  outstanding?: OutstandingRequest;
  /** Subject of the peer's end-entity certificate (for evidence), if one came. */
  peerSubject?: string;
  startedAt: number;
}

/** Operator wording for each cause; the certificate subsystem's message follows it. */
const CAUSE_TEXT: Record<string, string> = {
  no_certificate: 'no certificate received',
  other_ca: 'the certificate is not signed by a CA the tunnel trusts (another CA)',
  expired: 'the certificate has expired',
  not_yet_valid: 'the certificate is not yet valid',
  revoked: 'the certificate is revoked',
  crl_unreachable: 'the CRL (CA server) is unreachable',
  crl_dns_failure: 'the CRL host name does not resolve',
  no_dns_servers: 'no DNS servers are configured to resolve the CRL host',
  crl_invalid: 'the CRL is not valid',
  identity_mismatch: 'the identity does not match the certificate or the tunnel',
  wrong_purpose: 'the certificate is not for this purpose',
  bad_signature: 'the AUTH signature does not verify',
  local_certificate: 'our own certificate cannot be used',
};

/**
 * The core's synchronous view of a CertificatePort. CERTREQ hashes come
 * from the port's trustAnchorKeyHashes, or, for a port without it, from
 * every CA certificate in its store (RFC 7296 §3.7 allows listing them all).
 */
export function coreCertificatesOf(port: CertificatePort): CoreCertificates {
  return {
    localCredential: (name) => port.localCredential(name),
    trustAnchorKeyHashes: (names) => port.trustAnchorKeyHashes?.(names) ?? storeAuthorityKeyHashes(port),
  };
}

function storeAuthorityKeyHashes(port: CertificatePort): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (const authority of port.store().authorities) {
    const pem = port.detail(authority.id)?.pem;
    if (!pem) continue;
    try {
      const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
      hashes.push(new Uint8Array(createHash('sha1').update(spki).digest()));
    } catch {
      // A CA the store could not parse is reported by the store itself.
    }
  }
  return hashes;
}

// --- IKE_SA_INIT --------------------------------------------------------------------

/** Initiator's IKE_SA_INIT extras for a certificate tunnel: N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4). */
export function initiatorInitCertificatePayloads(tunnel: TunnelConfig): Payload[] {
  return tunnel.auth.method === 'certificate' ? [notifyData.signatureHashAlgorithms(SUPPORTED_SIGNATURE_HASH_ALGORITHMS)] : [];
}

/**
 * Responder's IKE_SA_INIT extras: CERTREQ with the trust anchors of the
 * selected certificate tunnel (or of every certificate tunnel when the
 * initiator announced signature hashes: IKE_AUTH may re-select into one),
 * and N(SIGNATURE_HASH_ALGORITHMS) when the initiator sent it. Nothing for
 * a configuration without certificate tunnels.
 */
export function responderInitCertificatePayloads(core: IkeDaemonCore, tunnel: TunnelConfig | undefined, peerPayloads: readonly Payload[]): Payload[] {
  const peerSignsWithHashes = peerPayloads.some((p) => p.type === PayloadType.NOTIFY && p.notifyType === NotifyType.SIGNATURE_HASH_ALGORITHMS);
  const certificateTunnels = core.config.tunnels.filter((t) => t.enabled && t.auth.method === 'certificate');
  const out: Payload[] = [];
  if (tunnel?.auth.method === 'certificate') out.push(certReqPayload(core, tunnel.auth.rootCertificates));
  else if (peerSignsWithHashes && certificateTunnels.length > 0) {
    out.push(certReqPayload(core, [...new Set(certificateTunnels.flatMap((t) => (t.auth.method === 'certificate' ? t.auth.rootCertificates : [])))]));
  }
  if (peerSignsWithHashes && (tunnel?.auth.method === 'certificate' || certificateTunnels.length > 0)) {
    out.push(notifyData.signatureHashAlgorithms(SUPPORTED_SIGNATURE_HASH_ALGORITHMS));
  }
  return out;
}

function certReqPayload(core: IkeDaemonCore, rootNames: string[]): Payload {
  const hashes = core.certificates?.trustAnchorKeyHashes?.(rootNames) ?? [];
  const authority = new Uint8Array(hashes.reduce((n, h) => n + h.length, 0));
  let at = 0;
  for (const hash of hashes) {
    authority.set(hash, at);
    at += hash.length;
  }
  return { type: PayloadType.CERTREQ, encoding: CertEncoding.X509_SIGNATURE, authority };
}

/** The hash algorithms the peer announced in its IKE_SA_INIT message (RFC 7427 §4); [] if none. */
function peerSignatureHashes(sa: IkeSa): number[] {
  const bytes = sa.role === 'initiator' ? sa.initResponse : sa.initRequest;
  if (!bytes) return [];
  try {
    for (const payload of decodeMessage(bytes).payloads) {
      if (payload.type !== PayloadType.NOTIFY || payload.notifyType !== NotifyType.SIGNATURE_HASH_ALGORITHMS) continue;
      const view = viewNotify(payload);
      if (view.kind === 'signature_hash_algorithms') return [...view.algorithms];
    }
  } catch {
    return [];
  }
  return [];
}

// --- our side: credential, identity, CERT, AUTH ----------------------------------------

function localCredentialOf(core: IkeDaemonCore, tunnel: TunnelConfig): LocalCredentialResult {
  if (tunnel.auth.method !== 'certificate') return { ok: false, cause: 'local_certificate', message: `tunnel "${tunnel.name}" does not use certificates` };
  if (!core.certificates) return { ok: false, cause: 'local_certificate', message: 'no certificate store configured' };
  return core.certificates.localCredential(tunnel.auth.certificate);
}

/**
 * Our IDi/IDr on a certificate tunnel: the certificate's subject DN when
 * localId is "any" (as strongSwan does), a configured DN as DER (the
 * subject's own DER when it is that DN), else the configured identity.
 */
export function certificateLocalIdPayload(tunnel: TunnelConfig, which: 'i' | 'r', credential: LocalCredential, localAddress: string): IdPayload {
  const type = which === 'i' ? PayloadType.IDi : PayloadType.IDr;
  const subject = certificateSubjectDer(credential.certificate);
  const localId = tunnel.localId;
  if (localId.type === 'any' || (localId.type === 'dn' && localId.value.trim() === '')) {
    if (subject) return { type, idType: IdType.DER_ASN1_DN, data: subject };
  } else if (localId.type === 'dn') {
    if (subject && matchIdentity(localId, { idType: IdType.DER_ASN1_DN, data: subject }).quality === 'perfect') return { type, idType: IdType.DER_ASN1_DN, data: subject };
    const encoded = encodeDistinguishedName(localId.value);
    if (encoded) return { type, idType: IdType.DER_ASN1_DN, data: encoded };
  }
  return localIdPayload(tunnel, which, localAddress);
}

function certPayloads(credential: LocalCredential): Payload[] {
  return [credential.certificate, ...credential.chain].map((data) => ({ type: PayloadType.CERT, encoding: CertEncoding.X509_SIGNATURE, data }));
}

const HASH_NAMES: Partial<Record<number, SignatureHash>> = {
  [HashAlgorithmId.SHA2_256]: 'sha256',
  [HashAlgorithmId.SHA2_384]: 'sha384',
  [HashAlgorithmId.SHA2_512]: 'sha512',
};
const CURVE_HASH: Record<string, SignatureHash> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };
const CURVE_METHOD: Record<string, number> = { prime256v1: AuthMethod.ECDSA_SHA256_P256, secp384r1: AuthMethod.ECDSA_SHA384_P384, secp521r1: AuthMethod.ECDSA_SHA512_P521 };

/** RFC 7427 with a hash both sides support, else the key's classic method. */
export function chooseSignatureMethod(key: KeyObject, peerHashes: readonly number[]): { method: number; hash?: SignatureHash } {
  const common = peerHashes.map((id) => HASH_NAMES[id]).filter((h): h is SignatureHash => h !== undefined);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (common.length > 0) {
    const preferred = key.asymmetricKeyType === 'ec' && curve ? CURVE_HASH[curve] : 'sha256';
    return { method: AuthMethod.DIGITAL_SIGNATURE, hash: preferred && common.includes(preferred) ? preferred : common[0]! };
  }
  if (key.asymmetricKeyType === 'rsa') return { method: AuthMethod.RSA_SIGNATURE };
  if (key.asymmetricKeyType === 'ec' && curve && CURVE_METHOD[curve]) return { method: CURVE_METHOD[curve] };
  throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key${curve ? ` on ${curve}` : ''} has no classic IKEv2 AUTH method and the peer announced no RFC 7427 hash`);
}

/** The octets each side signs (RFC 7296 §2.15). */
function octetsSignedBy(sa: IkeSa, signer: 'initiator' | 'responder', id: { idType: number; data: Uint8Array }): Uint8Array {
  const keys = sa.keys!;
  return signer === 'initiator'
    ? signedOctets({ prf: keys.suite.prf, realMessage: sa.initRequest!, peerNonce: sa.nonceR, skP: keys.skPi, idPayloadBody: idPayloadBody(id) })
    : signedOctets({ prf: keys.suite.prf, realMessage: sa.initResponse!, peerNonce: sa.nonceI, skP: keys.skPr, idPayloadBody: idPayloadBody(id) });
}

function ourAuthPayload(sa: IkeSa, credential: LocalCredential, id: IdPayload): AuthPayload {
  const choice = chooseSignatureMethod(credential.privateKey, peerSignatureHashes(sa));
  const data = signAuth({
    method: choice.method,
    privateKey: credential.privateKey,
    signedOctets: octetsSignedBy(sa, sa.role, id),
    ...(choice.hash ? { hash: choice.hash } : {}),
  });
  return { type: PayloadType.AUTH, method: choice.method, data };
}

// --- the peer: identity matcher, verification request -----------------------------------

/** The peer's end-entity certificate (first X.509 CERT) and intermediates, as received. */
function peerCertificates(payloads: readonly Payload[]): Uint8Array[] {
  return payloads.flatMap((p) => (p.type === PayloadType.CERT && p.encoding === CertEncoding.X509_SIGNATURE ? [p.data] : []));
}

/**
 * The engine's identity matcher for one IKE_AUTH message: the built-in rules,
 * plus the subjectAltNames of the CERT it carries (a tunnel with remoteId
 * fqdn "gw.example.com" matches a peer that sent its DN and a certificate
 * whose subjectAltName holds that name).
 */
export function certificateIdentityMatcher(payloads: readonly Payload[]): IdentityMatcher {
  const endEntity = peerCertificates(payloads)[0];
  if (!endEntity) return matchIdentity;
  let names: TunnelIdentity[] | undefined;
  return createIdentityMatcher({
    subjectAltName: (configured, received) => {
      if (configured.type === 'any' || configured.type === 'dn' || configured.type === 'keyid') return undefined;
      names ??= certificateSubjectAltNames(endEntity);
      for (const name of names) {
        if (name.type !== configured.type) continue;
        const asReceived: PeerIdentity | undefined = identityOfName(name);
        if (!asReceived) continue;
        const verdict = matchIdentity(configured, asReceived);
        if (verdict.matched) {
          return { matched: true, quality: verdict.quality, reason: `${describePeerIdentity(received)} carries a certificate with subjectAltName ${name.type}:${name.value} (${verdict.reason})` };
        }
      }
      return undefined;
    },
  });
}

function identityOfName(name: TunnelIdentity): PeerIdentity | undefined {
  const encoder = new TextEncoder();
  if (name.type === 'fqdn') return { idType: IdType.FQDN, data: encoder.encode(name.value) };
  if (name.type === 'email') return { idType: IdType.RFC822_ADDR, data: encoder.encode(name.value) };
  if (name.type === 'ipv4') {
    const parts = name.value.split('.').map(Number);
    return parts.length === 4 && parts.every((n) => n >= 0 && n <= 255) ? { idType: IdType.IPV4_ADDR, data: Uint8Array.from(parts) } : undefined;
  }
  return undefined;
}

function parkForVerification(core: IkeDaemonCore, sa: IkeSa, pending: Omit<PendingCertAuth, 'requestId' | 'ikeSaId' | 'startedAt' | 'peerSubject'>): void {
  const tunnel = sa.tunnel!;
  if (tunnel.auth.method !== 'certificate') return;
  const requestId = `${sa.id}/cert-${pending.datagramIds[pending.datagramIds.length - 1] ?? 0}`;
  const certificates = peerCertificates(pending.payloads);
  const names = certificates[0] ? certificateNamesOf(certificates[0]) : undefined;
  const entry: PendingCertAuth = { ...pending, requestId, ikeSaId: sa.id, startedAt: core.now, ...(names ? { peerSubject: names } : {}) };
  core.pendingCertAuth.set(requestId, entry);
  sa.certVerificationRequestId = requestId;
  // The verification's own timer replaces the half-open one while we wait.
  core.clearTimer(`${sa.id}/half-open`);
  core.setTimer(`${sa.id}/cert-verify`, core.now + core.options.certVerifyTimeoutMs, () => onVerificationTimeout(core, requestId));
  core.info('certificate_verification_started', {
    sa,
    message: `verifying the certificate${certificates.length === 1 ? '' : 's'} of ${sa.remote.address} (${names ?? 'no certificate received'}) for "${tunnel.name}"`,
    datagramIds: pending.datagramIds,
    evidence: { certificates: certificates.length, ...(names ? { subject: names } : {}), rootCertificates: [...tunnel.auth.rootCertificates], crlChecking: tunnel.crlChecking },
  });
  core.requestCertVerification({
    requestId,
    ikeSaId: sa.id,
    role: pending.role,
    input: {
      tunnel: tunnel.name,
      certificates,
      rootCertificates: [...tunnel.auth.rootCertificates],
      expectedIdentity: { ...tunnel.remoteId },
      peerIdentity: peerIdentityAsConfig(pending.peerId),
      crlChecking: tunnel.crlChecking,
      peerAddress: sa.remote.address,
    },
  });
}

function certificateNamesOf(der: Uint8Array): string | undefined {
  const subject = certificateSubjectDer(der);
  return subject ? formatDistinguishedName(subject) : undefined;
}

// --- initiator ------------------------------------------------------------------------

export function sendCertificateAuthRequest(core: IkeDaemonCore, sa: IkeSa, childSaId: string): void {
  const tunnel = sa.tunnel!;
  const credential = localCredentialOf(core, tunnel);
  if (!credential.ok) {
    const event = core.log('local_certificate_unusable', {
      sa,
      phase: 'ike',
      datagramIds: sa.datagramIds,
      message: `No public key found: our certificate for "${tunnel.name}" cannot be used (${credential.message}); IKE_AUTH not sent`,
      evidence: { cause: 'local_certificate', certificate: tunnel.auth.method === 'certificate' ? tunnel.auth.certificate : null },
    });
    core.failOutstanding(sa, { kind: 'ike_auth', childSaId }, event);
    core.destroyIkeSa(sa, undefined);
    return;
  }
  const idi = certificateLocalIdPayload(tunnel, 'i', credential.credential, sa.local.address);
  let auth: AuthPayload;
  try {
    auth = ourAuthPayload(sa, credential.credential, idi);
  } catch (error) {
    const event = core.log('local_certificate_unusable', {
      sa,
      phase: 'ike',
      datagramIds: sa.datagramIds,
      message: `No public key found: cannot sign with the key of "${credential.credential.name}": ${error instanceof Error ? error.message : String(error)}`,
      evidence: { cause: 'local_certificate', certificate: credential.credential.name },
    });
    core.failOutstanding(sa, { kind: 'ike_auth', childSaId }, event);
    core.destroyIkeSa(sa, undefined);
    return;
  }
  const child = core.childSas.get(childSaId)!;
  const hasOtherSa = [...core.ikeSas.values()].some((other) => other !== sa && other.state === 'established' && other.tunnel?.name === tunnel.name && other.remote.address === sa.remote.address);
  const payloads: Payload[] = [idi, ...certPayloads(credential.credential)];
  if (!hasOtherSa) payloads.push(notifyPayload(NotifyType.INITIAL_CONTACT));
  if (tunnel.auth.method === 'certificate') payloads.push(certReqPayload(core, tunnel.auth.rootCertificates));
  payloads.push(auth, ...clientAuthPayloads(tunnel, child, childOfferPayloads(core, child, tunnel, false)));
  core.sendRequest(sa, ExchangeType.IKE_AUTH, payloads, { kind: 'ike_auth', childSaId });
}

/** The responder's IDr and AUTH arrived on a certificate tunnel: park the response for verification. */
export function handleCertificateAuthResponse(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], outstanding: OutstandingRequest, idr: IdPayload, auth: AuthPayload): void {
  if (auth.method === AuthMethod.SHARED_KEY_MIC) {
    failAsInitiator(core, sa, outstanding, 'bad_signature', `${sa.remote.address} authenticates with a pre-shared key (AUTH method 2), "${sa.tunnel!.name}" expects a certificate signature`, { authMethod: auth.method });
    return;
  }
  // As initiator no tunnel selection compared the responder's identity with the one we expect.
  const mismatch = identityMismatch(sa, payloads, idr);
  if (mismatch) {
    failAsInitiator(core, sa, outstanding, 'identity_mismatch', mismatch.detail, mismatch.evidence);
    return;
  }
  parkForVerification(core, sa, { role: 'initiator', peerId: idr, auth, payloads, datagramIds: [...outstanding.datagramIds], outstanding });
}

/**
 * The peer's ID against the tunnel's remoteId, with the same matcher as
 * tunnel selection (subjectAltNames of the CERT included). A certificate
 * from the right CA for ANOTHER gateway must not authenticate this tunnel:
 * as initiator nothing else compares, and as responder selection may have
 * kept the tunnel without an identity match (so a PSK tunnel can still tell
 * a wrong key from a wrong name).
 */
function identityMismatch(sa: IkeSa, payloads: readonly Payload[], id: IdPayload): { detail: string; evidence: Record<string, unknown> } | undefined {
  const tunnel = sa.tunnel!;
  const verdict = certificateIdentityMatcher(payloads)(tunnel.remoteId, id);
  if (verdict.matched) return undefined;
  return {
    detail: `${sa.remote.address} identified as ${describePeerIdentity(id)}, "${tunnel.name}" expects ${describeTunnelIdentity(tunnel.remoteId)} (${verdict.reason})`,
    evidence: { peerIdentity: peerIdentityAsConfig(id), expectedIdentity: { ...tunnel.remoteId } },
  };
}

function failAsInitiator(core: IkeDaemonCore, sa: IkeSa, outstanding: OutstandingRequest, cause: string, detail: string, evidence: Record<string, unknown>): void {
  // RFC 7296 §2.21.2: tell the responder, then forget the SA (as the PSK path does).
  core.sendFinalNotice(sa, [notifyPayload(NotifyType.AUTHENTICATION_FAILED)]);
  failNegotiation(core, sa, outstanding, {
    condition: cause === 'local_certificate' ? 'local_certificate_unusable' : 'peer_certificate_rejected',
    phase: 'ike',
    datagramIds: [],
    message: noPublicKeyMessage(sa, cause, detail),
    evidence: { cause, ...evidence },
  });
}

/** The initiator's reading of N(AUTHENTICATION_FAILED) on a certificate tunnel. */
export function certificateRefusedByPeer(core: IkeDaemonCore, sa: IkeSa): { condition: IkeFailureCondition; message: string; evidence: Record<string, unknown> } {
  const tunnel = sa.tunnel!;
  const certificate = tunnel.auth.method === 'certificate' ? tunnel.auth.certificate : null;
  const credential = core.certificates && certificate ? core.certificates.localCredential(certificate) : undefined;
  const subject = credential?.ok ? credential.credential.subject : undefined;
  return {
    condition: 'certificate_refused_by_peer',
    message: `No public key found (on the peer's side): ${sa.remote.address} answered AUTHENTICATION_FAILED to our certificate${subject ? ` "${subject}"` : ''} for "${tunnel.name}"; the peer's log names why (its CA, the validity times, a CRL, or our identity)`,
    evidence: { peerRefused: true, certificate, ...(subject ? { subject } : {}) },
  };
}

// --- responder ------------------------------------------------------------------------

export function handleCertificateAuthRequest(
  core: IkeDaemonCore,
  sa: IkeSa,
  header: IkeHeader,
  payloads: Payload[],
  datagramIds: number[],
  context: { idi: IdPayload; auth: AuthPayload; selection: TunnelSelectionRecord },
): void {
  const tunnel = sa.tunnel!;
  if (!core.certificates) {
    failAsResponder(core, sa, header, datagramIds, 'local_certificate', `our certificate for "${tunnel.name}" cannot be used: no certificate store configured`, {});
    return;
  }
  if (context.auth.method === AuthMethod.SHARED_KEY_MIC) {
    failAsResponder(core, sa, header, datagramIds, 'bad_signature', `${sa.remote.address} authenticates with a pre-shared key (AUTH method 2), "${tunnel.name}" expects a certificate signature`, { authMethod: context.auth.method });
    return;
  }
  const mismatch = identityMismatch(sa, payloads, context.idi);
  if (mismatch) {
    failAsResponder(core, sa, header, datagramIds, 'identity_mismatch', mismatch.detail, { ...mismatch.evidence, selection: context.selection.outcome });
    return;
  }
  parkForVerification(core, sa, { role: 'responder', peerId: context.idi, auth: context.auth, payloads, datagramIds, header, selection: context.selection });
}

function failAsResponder(core: IkeDaemonCore, sa: IkeSa, header: IkeHeader, datagramIds: number[], cause: string, detail: string, evidence: Record<string, unknown>): void {
  core.sendResponse(sa, header, [notifyPayload(NotifyType.AUTHENTICATION_FAILED)]);
  const event = core.log(cause === 'local_certificate' ? 'local_certificate_unusable' : 'peer_certificate_rejected', {
    sa,
    phase: 'ike',
    messageIds: [header.messageId],
    datagramIds: [...sa.datagramIds, ...datagramIds],
    message: noPublicKeyMessage(sa, cause, detail),
    evidence: { cause, ...evidence },
  });
  sa.negotiationReported = true;
  core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: event.code, message: event.message, evidence: { ...event.evidence, condition: event.condition } });
  core.destroyIkeSa(sa, undefined);
}

function noPublicKeyMessage(sa: IkeSa, cause: string, detail: string): string {
  return `No public key found for "${sa.tunnel?.name ?? '?'}" (${sa.remote.address}): ${CAUSE_TEXT[cause] ?? cause}: ${detail}`;
}

// --- the verification answers ----------------------------------------------------------

export function onCertVerified(core: IkeDaemonCore, requestId: string, verification: PeerVerification): void {
  const pending = core.pendingCertAuth.get(requestId);
  if (!pending) return;
  core.pendingCertAuth.delete(requestId);
  const sa = core.ikeSas.get(pending.ikeSaId);
  if (!sa || sa.certVerificationRequestId !== requestId) return;
  sa.certVerificationRequestId = undefined;
  core.clearTimer(`${sa.id}/cert-verify`);
  const base = { ...(pending.peerSubject ? { subject: pending.peerSubject } : {}), peerIdentity: describePeerIdentity(pending.peerId), verificationMs: core.now - pending.startedAt };
  if (!verification.ok) {
    fail(core, sa, pending, verification.cause, verification.message, { ...base, ...verification.evidence });
    return;
  }
  let result;
  try {
    result = verifySignatureAuth({ method: pending.auth.method, publicKey: verification.publicKey, signedOctets: octetsSignedBy(sa, sa.role === 'initiator' ? 'responder' : 'initiator', pending.peerId), authData: pending.auth.data });
  } catch (error) {
    result = { ok: false as const, reason: 'unsupported_algorithm', detail: error instanceof Error ? error.message : String(error) };
  }
  if (!result.ok) {
    fail(core, sa, pending, 'bad_signature', `the AUTH (method ${pending.auth.method}) of ${sa.remote.address} does not verify with the public key of "${verification.certificate.subject}": ${result.detail}`, {
      ...base,
      authMethod: pending.auth.method,
      reason: result.reason,
      certificate: verification.certificate.subject,
      issuer: verification.certificate.issuer,
    });
    return;
  }
  sa.peerCertificateSubject = verification.certificate.subject;
  core.info('certificate_authenticated', {
    sa,
    message: `${sa.remote.address} authenticated with the certificate "${verification.certificate.subject}" (issuer "${verification.certificate.issuer}", AUTH ${result.scheme} ${result.hash})`,
    datagramIds: pending.datagramIds,
    evidence: { ...base, issuer: verification.certificate.issuer, chain: verification.chain.map((c) => c.subject), authMethod: pending.auth.method, scheme: result.scheme, hash: result.hash },
  });
  if (pending.role === 'initiator') {
    completeAuthAsInitiator(core, sa, pending.payloads, pending.outstanding!, pending.peerId);
    return;
  }
  respondWithCertificate(core, sa, pending);
}

function respondWithCertificate(core: IkeDaemonCore, sa: IkeSa, pending: PendingCertAuth): void {
  const tunnel = sa.tunnel!;
  const header = pending.header!;
  const credential = localCredentialOf(core, tunnel);
  if (!credential.ok) {
    failAsResponder(core, sa, header, pending.datagramIds, 'local_certificate', `our certificate for "${tunnel.name}" cannot be used: ${credential.message}`, {});
    return;
  }
  const idr = certificateLocalIdPayload(tunnel, 'r', credential.credential, sa.local.address);
  let auth: AuthPayload;
  try {
    auth = ourAuthPayload(sa, credential.credential, idr);
  } catch (error) {
    failAsResponder(core, sa, header, pending.datagramIds, 'local_certificate', `cannot sign with the key of "${credential.credential.name}": ${error instanceof Error ? error.message : String(error)}`, {});
    return;
  }
  completeAuthAsResponder(core, sa, header, pending.payloads, pending.datagramIds, { idType: pending.peerId.idType, data: pending.peerId.data }, [idr, ...certPayloads(credential.credential), auth]);
}

function fail(core: IkeDaemonCore, sa: IkeSa, pending: PendingCertAuth, cause: string, detail: string, evidence: Record<string, unknown>): void {
  if (pending.role === 'initiator') failAsInitiator(core, sa, pending.outstanding!, cause, detail, evidence);
  else failAsResponder(core, sa, pending.header!, pending.datagramIds, cause, detail, evidence);
}

function onVerificationTimeout(core: IkeDaemonCore, requestId: string): void {
  const pending = core.pendingCertAuth.get(requestId);
  if (!pending) return;
  core.pendingCertAuth.delete(requestId);
  const sa = core.ikeSas.get(pending.ikeSaId);
  if (!sa || sa.certVerificationRequestId !== requestId) return;
  sa.certVerificationRequestId = undefined;
  const seconds = Math.round(core.options.certVerifyTimeoutMs / 1000);
  fail(core, sa, pending, 'crl_unreachable', `the certificate verification did not finish in ${seconds} s (a CRL server that does not answer)`, {
    timeoutMs: core.options.certVerifyTimeoutMs,
    ...(pending.peerSubject ? { subject: pending.peerSubject } : {}),
  });
}
