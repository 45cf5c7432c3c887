/**
 * IKE_AUTH with a pre-shared key (RFC 7296 §1.2, §2.15) and the first
 * CHILD_SA.
 *
 *   initiator                                       responder
 *   SK{ IDi [N(INITIAL_CONTACT)] AUTH SA TSi TSr } -->
 *                                                   re-select by IDi (seed: only if IDi matches
 *                                                   another tunnel and not this one), verify AUTH
 *                 <-- SK{ N(AUTHENTICATION_FAILED) }   AUTH does not verify: PSK diagnosis, SA gone
 *                 <-- SK{ IDr AUTH SA TSi TSr N(AUTH_LIFETIME) }
 *                 <-- SK{ IDr AUTH N(NO_PROPOSAL_CHOSEN|TS_UNACCEPTABLE) N(AUTH_LIFETIME) }
 *                                                     IKE SA up, first CHILD_SA refused
 *   verify AUTH (fails: INFORMATIONAL N(AUTHENTICATION_FAILED), SA gone)
 *
 * Certificate tunnels take the same path with CERT/CERTREQ and signature
 * AUTH; their verification is asynchronous (certificate-auth.ts parks the
 * exchange and continues with completeAuthAsResponder/completeAuthAsInitiator).
 */
import {
  AuthMethod,
  ExchangeType,
  NotifyType,
  PayloadType,
  computePskAuth,
  signedOctets,
  verifyPskAuth,
  viewNotify,
  type IdPayload,
  type IkeHeader,
  type IkeMessage,
  type Payload,
} from '@tunnelscope/ike';
import { certificateIdentityMatcher, certificateRefusedByPeer, handleCertificateAuthRequest, handleCertificateAuthResponse, sendCertificateAuthRequest } from './certificate-auth.ts';
import { reselectTunnelForAuth } from '../selection/select-tunnel.ts';
import { describePeerIdentity } from '../selection/identity-matcher.ts';
import { acceptChildAnswer, childOfferPayloads, installChildKeys, negotiateChildAsResponder, newInitiatorChild } from './child-negotiation.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import { acceptConfigReply, answerRoamingClient, clientAuthPayloads, refusedFirstChild } from './config-payloads.ts';
import { failNegotiation } from './ike-sa-init.ts';
import type { IkeSa, OutstandingRequest } from './ike-sa.ts';
import { describeIkeFailureNotify } from './notify-failures.ts';
import { pskCandidates, pskDiagnosisEvent, testCandidates, type PskFailureRecord } from './psk-candidates.ts';
import { idPayloadBody, localIdPayload, tunnelPsk } from './tunnel-profile.ts';
import { errorNotify, findAuth, findId, findNotify, findSa, hasNotify, notifyPayload, u32Bytes, u32Of } from './wire.ts';
import { spi32Hex } from './ike-sa.ts';

// --- initiator ---------------------------------------------------------------------

export function sendAuthRequest(core: IkeDaemonCore, sa: IkeSa): void {
  const tunnel = sa.tunnel!;
  const keys = sa.keys!;
  const psk = tunnelPsk(tunnel);
  const child = newInitiatorChild(core, sa, tunnel);
  if (!psk) {
    sendCertificateAuthRequest(core, sa, child.id);
    return;
  }
  const idi = localIdPayload(tunnel, 'i', sa.local.address);
  const octets = signedOctets({ prf: keys.suite.prf, realMessage: sa.initRequest!, peerNonce: sa.nonceR, skP: keys.skPi, idPayloadBody: idPayloadBody(idi) });
  const auth = computePskAuth(keys.suite.prf, psk, octets);
  const hasOtherSa = [...core.ikeSas.values()].some((other) => other !== sa && other.state === 'established' && other.tunnel?.name === tunnel.name && other.remote.address === sa.remote.address);
  const payloads: Payload[] = [idi];
  if (!hasOtherSa) payloads.push(notifyPayload(NotifyType.INITIAL_CONTACT));
  payloads.push({ type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: auth }, ...clientAuthPayloads(tunnel, child, childOfferPayloads(core, child, tunnel, false)));
  core.sendRequest(sa, ExchangeType.IKE_AUTH, payloads, { kind: 'ike_auth', childSaId: child.id });
}

export function handleAuthResponse(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], outstanding: OutstandingRequest): void {
  if (outstanding.purpose.kind !== 'ike_auth') return;
  const tunnel = sa.tunnel!;
  const keys = sa.keys!;
  const auth = findAuth(payloads);
  const idr = findId(payloads, 'r');
  if (!auth || !idr) {
    const error = errorNotify(payloads);
    const described = error
      ? tunnel.auth.method === 'certificate' && error.notifyType === NotifyType.AUTHENTICATION_FAILED
        ? certificateRefusedByPeer(core, sa)
        : describeIkeFailureNotify(core, sa, error.notifyType, 'ike')
      : { condition: 'payload_not_allowed' as const, message: `${sa.remote.address} answered IKE_AUTH without IDr/AUTH`, evidence: {} };
    if (described.condition === 'authentication_failed_received') {
      core.emit({
        type: 'ike.psk.diagnosis',
        time: core.now,
        failureId: '',
        tunnel: tunnel.name,
        peer: { ...sa.remote },
        ikeSaId: sa.id,
        testable: false,
        results: [],
        conclusion: 'we are the initiator: the peer checked our AUTH with its key, which cannot be tested here; initiate from the peer (or check its log) for a testable failure',
      });
    }
    failNegotiation(core, sa, outstanding, { ...described, phase: 'ike', datagramIds: [] });
    return;
  }
  if (tunnel.auth.method === 'certificate') {
    handleCertificateAuthResponse(core, sa, payloads, outstanding, idr, auth);
    return;
  }
  const psk = tunnelPsk(tunnel)!;
  const octets = signedOctets({ prf: keys.suite.prf, realMessage: sa.initResponse!, peerNonce: sa.nonceI, skP: keys.skPr, idPayloadBody: idPayloadBody(idr) });
  if (auth.method !== AuthMethod.SHARED_KEY_MIC || !verifyPskAuth(keys.suite.prf, psk, octets, auth.data)) {
    const record = auth.method === AuthMethod.SHARED_KEY_MIC ? keepPskFailure(core, sa, 'responder', octets, auth.data, outstanding.datagramIds) : undefined;
    const results = record ? testCandidates(record, pskCandidates(core.config, tunnel)) : [];
    if (record) core.emit(pskDiagnosisEvent(record, results, core.now));
    // RFC 7296 §2.21.2: tell the responder, then forget the SA.
    core.sendFinalNotice(sa, [notifyPayload(NotifyType.AUTHENTICATION_FAILED)]);
    failNegotiation(core, sa, outstanding, {
      condition: auth.method === AuthMethod.SHARED_KEY_MIC ? 'auth_psk_mismatch' : 'auth_method_without_public_key',
      phase: 'ike',
      datagramIds: [],
      message: `the AUTH of ${sa.remote.address} does not verify with the pre-shared key of "${tunnel.name}"`,
      evidence: { authMethod: auth.method, ...(record ? { failureId: record.failureId, pskCandidates: results } : {}) },
    });
    return;
  }
  completeAuthAsInitiator(core, sa, payloads, outstanding, idr);
}

/** The responder's AUTH verified (PSK or certificate): IKE SA up, then the first CHILD_SA from the response. */
export function completeAuthAsInitiator(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], outstanding: OutstandingRequest, idr: IdPayload): void {
  if (outstanding.purpose.kind !== 'ike_auth') return;
  const childSaId = outstanding.purpose.childSaId;
  const tunnel = sa.tunnel!;
  established(core, sa, { idType: idr.idType, data: idr.data });
  acceptConfigReply(core, sa, payloads);
  const lifetime = findNotify(payloads, NotifyType.AUTH_LIFETIME);
  if (lifetime) {
    const view = viewNotify(lifetime);
    if (view.kind === 'auth_lifetime') sa.peerAuthLifetimeSeconds = view.seconds;
  }
  const child = core.childSas.get(childSaId);
  if (!child) return;
  core.emit({ type: 'child.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId, role: 'initiator' });
  const refusal = errorNotify(payloads);
  const answer = refusal ? undefined : acceptChildAnswer(child, payloads);
  if (!answer) {
    const described = refusal
      ? describeIkeFailureNotify(core, sa, refusal.notifyType, 'ipsec')
      : { condition: 'response_proposal_invalid' as const, message: `${sa.remote.address} answered the CHILD_SA with a proposal or selectors we did not offer`, evidence: {} };
    const event = core.log(described.condition, { sa, childSaId, phase: 'ipsec', datagramIds: outstanding.datagramIds, messageIds: [outstanding.messageId], message: described.message, evidence: described.evidence });
    core.emit({ type: 'child.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId, code: event.code, message: event.message, evidence: { ...event.evidence } });
    core.discardChild(childSaId);
    return;
  }
  child.proposal = answer.proposal;
  child.spiOut = u32Of(answer.proposal.spi);
  child.localTs = answer.tsi;
  child.remoteTs = answer.tsr;
  installChildKeys(core, sa, child, { ni: sa.nonceI, nr: sa.nonceR });
  core.emit({ type: 'child.sa.up', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId, spiIn: spi32Hex(child.spiIn), spiOut: spi32Hex(child.spiOut) });
}

/** The IKE SA is authenticated: state, timers, ike.sa.up. */
export function established(core: IkeDaemonCore, sa: IkeSa, peerId: { idType: number; data: Uint8Array }): void {
  sa.state = 'established';
  sa.establishedAt = core.now;
  sa.peerIdWire = peerId;
  sa.peerIdentity = describePeerIdentity(peerId);
  core.clearTimer(`${sa.id}/half-open`);
  const schedule = core.lifetimeSchedule(sa.tunnel!.ikeLifetimeSeconds);
  sa.rekeyAt = schedule.rekeyAt;
  sa.expireAt = schedule.expireAt;
  core.scheduleIkeLifetimes(sa);
  core.scheduleDpd(sa);
  core.emit({ type: 'ike.sa.up', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, role: sa.role, local: { ...sa.local }, remote: { ...sa.remote } });
}

function keepPskFailure(core: IkeDaemonCore, sa: IkeSa, authOf: 'initiator' | 'responder', octets: Uint8Array, receivedAuth: Uint8Array, datagramIds: number[]): PskFailureRecord {
  const record: PskFailureRecord = {
    failureId: core.pskFailures.newId(),
    tunnel: sa.tunnel!.name,
    peer: { ...sa.remote },
    ikeSaId: sa.id,
    authOf,
    prf: sa.keys!.suite.prf,
    signedOctets: octets,
    receivedAuth: new Uint8Array(receivedAuth),
    keptUntil: core.now + core.options.pskEvidenceKeepMs,
    datagramIds: [...datagramIds],
  };
  core.pskFailures.add(record);
  return record;
}

// --- responder ---------------------------------------------------------------------

export function handleAuthRequest(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], datagramIds: number[]): void {
  const header = message.header;
  if (sa.state !== 'half_open') {
    core.sendResponse(sa, header, [notifyPayload(NotifyType.INVALID_SYNTAX)]);
    return;
  }
  const idi = findId(payloads, 'i');
  const auth = findAuth(payloads);
  const refuseAuth = (): void => {
    core.sendResponse(sa, header, [notifyPayload(NotifyType.AUTHENTICATION_FAILED)]);
  };
  const failed = (event: ReturnType<IkeDaemonCore['log']>): void => {
    sa.negotiationReported = true;
    core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: event.code, message: event.message, evidence: { ...event.evidence, condition: event.condition } });
    core.destroyIkeSa(sa, undefined);
  };
  if (!idi || !auth) {
    refuseAuth();
    failed(core.log('payload_not_allowed', { sa, phase: 'ike', datagramIds, message: `IKE_AUTH from ${sa.remote.address} without IDi/AUTH (EAP is not supported)` }));
    return;
  }
  const peerId = { idType: idi.idType, data: idi.data };
  const selection = reselectTunnelForAuth(core.config.tunnels, sa.tunnel!.name, peerId, { remoteAddress: sa.remote.address, localAddress: sa.local.address }, certificateIdentityMatcher(payloads));
  core.emitSelection(sa, selection.record);
  if (selection.tunnel) sa.tunnel = selection.tunnel;
  const tunnel = sa.tunnel!;
  const keys = sa.keys!;
  const psk = tunnelPsk(tunnel);
  if (tunnel.auth.method === 'certificate') {
    handleCertificateAuthRequest(core, sa, header, payloads, datagramIds, { idi, auth, selection: selection.record });
    return;
  }
  if (auth.method !== AuthMethod.SHARED_KEY_MIC || !psk) {
    refuseAuth();
    failed(
      core.log('auth_method_without_public_key', {
        sa,
        phase: 'ike',
        datagramIds,
        message: `${sa.remote.address} authenticates with AUTH method ${auth.method}, "${tunnel.name}" ${psk ? 'expects a pre-shared key' : 'has no certificate support in this build'}`,
        evidence: { authMethod: auth.method },
      }),
    );
    return;
  }
  const octets = signedOctets({ prf: keys.suite.prf, realMessage: sa.initRequest!, peerNonce: sa.nonceR, skP: keys.skPi, idPayloadBody: idPayloadBody(idi) });
  if (!verifyPskAuth(keys.suite.prf, psk, octets, auth.data)) {
    const record = keepPskFailure(core, sa, 'initiator', octets, auth.data, sa.datagramIds);
    const results = testCandidates(record, pskCandidates(core.config, tunnel));
    const diagnosis = pskDiagnosisEvent(record, results, core.now);
    refuseAuth();
    const event = core.log('auth_psk_mismatch', {
      sa,
      phase: 'ike',
      messageIds: [header.messageId],
      datagramIds: sa.datagramIds,
      message: `incorrect pre-shared key: the AUTH of ${sa.remote.address} (IDi ${sa.peerIdentity ?? describePeerIdentity(peerId)}) does not verify with the key of "${tunnel.name}"; ${diagnosis.conclusion}`,
      evidence: { failureId: record.failureId, selection: selection.record.reason, selectedTunnel: tunnel.name, peerIdentity: describePeerIdentity(peerId), pskCandidates: results, conclusion: diagnosis.conclusion },
    });
    core.emit(diagnosis);
    failed(event);
    return;
  }
  const idr = localIdPayload(tunnel, 'r', sa.local.address);
  const ourOctets = signedOctets({ prf: keys.suite.prf, realMessage: sa.initResponse!, peerNonce: sa.nonceI, skP: keys.skPr, idPayloadBody: idPayloadBody(idr) });
  completeAuthAsResponder(core, sa, header, payloads, datagramIds, peerId, [idr, { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: computePskAuth(keys.suite.prf, psk, ourOctets) }]);
}

/**
 * The initiator's AUTH verified (PSK or certificate): INITIAL_CONTACT, IKE
 * SA up, the first CHILD_SA, and the response with `ourAuth` (IDr [CERT]
 * AUTH) first.
 */
export function completeAuthAsResponder(core: IkeDaemonCore, sa: IkeSa, header: IkeHeader, payloads: Payload[], datagramIds: number[], peerId: { idType: number; data: Uint8Array }, ourAuth: Payload[]): void {
  const tunnel = sa.tunnel!;
  if (hasNotify(payloads, NotifyType.INITIAL_CONTACT)) {
    for (const other of [...core.ikeSas.values()]) {
      if (other !== sa && other.state === 'established' && other.tunnel?.name === tunnel.name && other.remote.address === sa.remote.address) {
        core.destroyIkeSa(other, 'initial-contact');
      }
    }
  }
  established(core, sa, peerId);
  const config = answerRoamingClient(core, sa, payloads, datagramIds);
  const response: Payload[] = [...ourAuth, ...config.reply];
  // RFC 6023: an IKE_AUTH without SA/TS creates no CHILD_SA (childless), which is not a failure.
  const outcome = !findSa(payloads) ? undefined : config.refusal ? refusedFirstChild(core, sa, config.refusal) : negotiateFirstChild(core, sa, config.payloads, datagramIds, header.messageId);
  if (outcome?.ok) response.push(...outcome.payloads);
  else if (outcome) response.push(outcome.notify);
  const remaining = Math.max(0, Math.round(((sa.expireAt ?? core.now) - core.now) / 1000));
  response.push(notifyPayload(NotifyType.AUTH_LIFETIME, u32Bytes(remaining)));
  core.sendResponse(sa, header, response);
  if (outcome?.ok) {
    const child = outcome.child;
    core.emit({ type: 'child.sa.up', time: core.now, ikeSaId: sa.id, tunnel: child.tunnel?.name ?? tunnel.name, childSaId: child.id, spiIn: spi32Hex(child.spiIn), spiOut: spi32Hex(child.spiOut) });
  } else if (outcome) {
    core.emit({ type: 'child.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: outcome.childSaId, code: outcome.code, message: outcome.message });
  }
}

function negotiateFirstChild(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], datagramIds: number[], messageId: number): ReturnType<typeof negotiateChildAsResponder> {
  const childSaId = core.newChildSaId();
  core.emit({ type: 'child.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, childSaId, role: 'responder' });
  const outcome = negotiateChildAsResponder(core, sa, payloads, { inIkeAuth: true, childSaId, datagramIds, messageId });
  if (outcome.ok) installChildKeys(core, sa, outcome.child, { ni: sa.nonceI, nr: sa.nonceR });
  return outcome;
}
