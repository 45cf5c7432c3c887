/**
 * IKE_SA_INIT (RFC 7296 §1.2): proposal and DH group agreement, nonces,
 * NAT detection (§2.23), COOKIE challenge (§2.6, cookies.ts), IKE
 * fragmentation support (RFC 7383), then keys.
 *
 *   initiator                                    responder
 *   SA KE Ni N(NATD_S) N(NATD_D) [N(FRAG_SUP)] -->
 *                                                (cookie check, tunnel selection, proposal, KE group)
 *                  <-- N(COOKIE)                  too many half-open SAs: stateless challenge
 *                  <-- N(INVALID_KE_PAYLOAD)      wrong group guessed: retry once with it
 *                  <-- N(NO_PROPOSAL_CHOSEN)      nothing in common
 *                  <-- SA KE Nr N(NATD_S) N(NATD_D) [N(FRAG_SUP)] N(MULT_AUTH)
 *   keys, NAT? -> move to the NAT-T port, then IKE_AUTH (ike-auth.ts)
 */
import { initiatorInitCertificatePayloads, responderInitCertificatePayloads } from './certificate-auth.ts';
import type { TunnelConfig } from '@tunnelscope/api';
import {
  ExchangeType,
  NotifyType,
  PayloadType,
  createKeyExchange,
  decodeMessage,
  deriveIkeSaKeys,
  dhGroup,
  encryptionKeyBits,
  natDetectionHash,
  viewNotify,
  type IkeHeader,
  type IkeMessage,
  type KeyExchange,
  type Payload,
  type Proposal,
} from '@tunnelscope/ike';
import { selectTunnelForInit } from '../selection/select-tunnel.ts';
import type { Datagram, Endpoint } from '../io/transport.ts';
import type { StoredDatagram } from '../snoop/datagram-store.ts';
import type { GatewayCommandResult } from './core-io.ts';
import { errorText, type IkeDaemonCore } from './daemon-core.ts';
import type { IkeSa, OutstandingRequest } from './ike-sa.ts';
import { sendAuthRequest } from './ike-auth.ts';
import { startCreateChild } from './create-child-sa.ts';
import { acceptsChosenProposal, dhGroupOf, matchProposals } from './proposal-match.ts';
import { firstIkeGroup, ikeGroupsOf, ikeProposalsOf, proposalText, tunnelRemoteEndpoint } from './tunnel-profile.ts';
import { errorNotify, findKe, findNonce, findNotify, findSa, hasNotify, notifiesOf, notifyPayload, vendorIdsOf } from './wire.ts';
import { checkCookie } from './cookies.ts';
import { systemEntropy } from './entropy.ts';
import { describeIkeFailureNotify } from './notify-failures.ts';

const NONCE_LENGTH = 32;
const ZERO_SPI = new Uint8Array(8);
const MAX_COOKIE_RETRIES = 2;

/** A key exchange whose private value comes from the core's entropy (deterministic in tests). */
export function newKeyExchange(core: IkeDaemonCore, group: number): KeyExchange {
  const definition = dhGroup(group);
  if (!definition) return createKeyExchange(group);
  // With system entropy nothing is replayed, so let OpenSSL draw the X25519
  // key itself: importing 32 given bytes goes through OpenSSL 3's PKCS#8
  // decoder and costs ~10x a generated key (300 vs 30 µs), a tenth of a
  // whole responder handshake (bench/README.md, handshake section).
  if (definition.id === 31 && core.entropy === systemEntropy) return createKeyExchange(group);
  for (let attempt = 0; attempt < 4; attempt++) {
    const privateKey = core.entropy.bytes(definition.privateKeyLength);
    if (definition.id === 21) privateKey[0]! &= 0x01;
    try {
      return createKeyExchange(group, privateKey);
    } catch {
      // A scalar outside the curve order: draw again.
    }
  }
  return createKeyExchange(group);
}

/** The IKE SA suite of a chosen IKE proposal. */
export function ikeSuiteOf(proposal: Proposal): { prf: number; encr: number; encrKeyBits: number; integ: number } {
  const pick = (type: number) => proposal.transforms.find((t) => t.transformType === type);
  const encr = pick(1)!;
  const keyLengthAttribute = encr.attributes.find((a) => a.format === 'tv' && a.type === 14);
  const keyLength = keyLengthAttribute?.format === 'tv' ? keyLengthAttribute.value : undefined;
  return {
    prf: pick(2)?.transformId ?? 0,
    encr: encr.transformId,
    encrKeyBits: encryptionKeyBits({ type: 1, id: encr.transformId, keyLength }),
    integ: pick(3)?.transformId ?? 0,
  };
}

export function natPayloads(spiI: Uint8Array, spiR: Uint8Array, source: Endpoint, destination: Endpoint): Payload[] {
  return [
    notifyPayload(NotifyType.NAT_DETECTION_SOURCE_IP, natDetectionHash(spiI, spiR, source.address, source.port)),
    notifyPayload(NotifyType.NAT_DETECTION_DESTINATION_IP, natDetectionHash(spiI, spiR, destination.address, destination.port)),
  ];
}

/**
 * NAT detection from the peer's NAT_DETECTION_* notifies (RFC 7296 §2.23).
 * `remote`: none of its source hashes matches where the packet came from;
 * `local`: its destination hash does not match our address.
 */
export function detectNat(payloads: readonly Payload[], spiI: Uint8Array, spiR: Uint8Array, local: Endpoint, remote: Endpoint): { local: boolean; remote: boolean; present: boolean } {
  const notifies = notifiesOf(payloads);
  const sources = notifies.filter((n) => n.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP);
  const destinations = notifies.filter((n) => n.notifyType === NotifyType.NAT_DETECTION_DESTINATION_IP);
  if (sources.length === 0 || destinations.length === 0) return { local: false, remote: false, present: false };
  const expectedSource = natDetectionHash(spiI, spiR, remote.address, remote.port);
  const expectedDestination = natDetectionHash(spiI, spiR, local.address, local.port);
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  return {
    remote: !sources.some((n) => same(n.data, expectedSource)),
    local: !destinations.some((n) => same(n.data, expectedDestination)),
    present: true,
  };
}

export function vendorIdText(data: Uint8Array): string {
  const printable = data.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? new TextDecoder().decode(data) : Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

// --- initiator -------------------------------------------------------------------

export function startInitiator(core: IkeDaemonCore, tunnel: TunnelConfig): GatewayCommandResult {
  const existing = [...core.ikeSas.values()].find((sa) => sa.tunnel?.name === tunnel.name && sa.state === 'established');
  // The tunnel is up already: another CHILD_SA on its IKE SA.
  if (existing) return startCreateChild(core, existing, tunnel);
  const remote = tunnelRemoteEndpoint(tunnel, core.config.engine.ikePort);
  if (!remote) return { ok: false, error: `tunnel "${tunnel.name}" has remote endpoint none (roaming): it can only respond` };
  const group = firstIkeGroup(tunnel);
  if (group === undefined) return { ok: false, error: `tunnel "${tunnel.name}" has no usable IKE proposal` };
  const local = { address: tunnel.localEndpoint, port: core.config.engine.ikePort };
  const sa = core.createIkeSa({ role: 'initiator', tunnel, local, remote });
  core.registerIkeSa(sa);
  const index = core.config.tunnels.findIndex((t) => t.name === tunnel.name);
  core.emitSelection(sa, {
    phase: 'IKE_SA_INIT',
    outcome: 'selected',
    tunnel: tunnel.name,
    tunnelIndex: index,
    previousTunnel: null,
    reason: `initiating "${tunnel.name}" towards ${remote.address}:${remote.port}`,
    trace: [{ index, tunnel: tunnel.name, verdict: 'selected', reason: 'named by the initiate command' }],
  });
  core.emit({ type: 'ike.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, role: 'initiator', local: { ...local }, remote: { ...remote } });
  sendInitRequest(core, sa, group, true);
  return { ok: true, ikeSaId: sa.id };
}

/** (Re)sends IKE_SA_INIT; `fresh` draws a new nonce and KE (not for a COOKIE retry). */
function sendInitRequest(core: IkeDaemonCore, sa: IkeSa, group: number, fresh: boolean): void {
  const tunnel = sa.tunnel!;
  if (fresh || !sa.keyExchange || sa.keyExchange.group !== group) {
    sa.nonceI = core.entropy.bytes(NONCE_LENGTH);
    sa.keyExchange = newKeyExchange(core, group);
  }
  sa.offeredProposals = ikeProposalsOf(tunnel);
  const payloads: Payload[] = [];
  if (sa.cookie) payloads.push(notifyPayload(NotifyType.COOKIE, sa.cookie));
  payloads.push(
    { type: PayloadType.SA, proposals: sa.offeredProposals },
    { type: PayloadType.KE, group, data: sa.keyExchange.publicValue },
    { type: PayloadType.NONCE, data: sa.nonceI },
    ...natPayloads(sa.spiI, ZERO_SPI, sa.local, sa.remote),
  );
  if (core.options.fragmentMtu > 0) payloads.push(notifyPayload(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
  payloads.push(...initiatorInitCertificatePayloads(tunnel));
  sa.outstanding = undefined;
  core.clearTimer(`${sa.id}/retransmit`);
  sa.nextRequestId = 0;
  core.sendRequest(sa, ExchangeType.IKE_SA_INIT, payloads, { kind: 'ike_sa_init' });
}

/** Fails an initiator negotiation in IKE_SA_INIT/IKE_AUTH and removes the SA. */
export function failNegotiation(core: IkeDaemonCore, sa: IkeSa, outstanding: OutstandingRequest, failure: Parameters<IkeDaemonCore['log']>[1] & { condition: Parameters<IkeDaemonCore['log']>[0] }): void {
  const { condition, ...fields } = failure;
  const event = core.log(condition, { sa, ...fields, datagramIds: [...outstanding.datagramIds, ...fields.datagramIds] });
  core.failOutstanding(sa, outstanding.purpose, event);
  core.destroyIkeSa(sa, undefined);
}

export function handleInitResponse(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], outstanding: OutstandingRequest, bytes: Uint8Array): void {
  const tunnel = sa.tunnel!;
  const evidence = outstanding.datagramIds;
  const cookie = findNotify(payloads, NotifyType.COOKIE);
  if (cookie && !findSa(payloads)) {
    const retries = sa.cookie ? 1 : 0;
    if (retries >= MAX_COOKIE_RETRIES) {
      failNegotiation(core, sa, outstanding, { condition: 'invalid_cookie', datagramIds: [], message: `${sa.remote.address} keeps asking for a COOKIE` });
      return;
    }
    sa.cookie = cookie.data;
    core.info('cookie_challenge', { sa, message: `${sa.remote.address} answered with N(COOKIE) (too many half-open IKE SAs there); retrying with the cookie`, datagramIds: evidence });
    sendInitRequest(core, sa, sa.keyExchange!.group, false);
    return;
  }
  const invalidKe = findNotify(payloads, NotifyType.INVALID_KE_PAYLOAD);
  if (invalidKe) {
    const view = viewNotify(invalidKe);
    const requested = view.kind === 'invalid_ke_payload' ? view.group : 0;
    const allowed = ikeGroupsOf(tunnel);
    if (!sa.invalidKeRetried && allowed.includes(requested) && requested !== sa.keyExchange?.group) {
      sa.invalidKeRetried = true;
      core.info('invalid_ke_retry', {
        sa,
        message: `${sa.remote.address} wants DH group ${requested} instead of ${sa.keyExchange?.group}: retrying IKE_SA_INIT with it`,
        datagramIds: evidence,
        evidence: { sentGroup: sa.keyExchange?.group ?? 0, requestedGroup: requested },
      });
      sendInitRequest(core, sa, requested, true);
      return;
    }
    failNegotiation(core, sa, outstanding, {
      condition: 'ke_group_unacceptable',
      phase: 'ike',
      datagramIds: [],
      message: `${sa.remote.address} asks for DH group ${requested}, which "${tunnel.name}" ${allowed.includes(requested) ? 'was already retried with' : 'does not allow'} (allowed: ${allowed.join(', ')})`,
      evidence: { requestedGroup: requested, configuredGroups: allowed, offered: sa.offeredProposals?.map(proposalText) ?? [] },
    });
    return;
  }
  const error = errorNotify(payloads);
  if (error) {
    const described = describeIkeFailureNotify(core, sa, error.notifyType, 'ike');
    failNegotiation(core, sa, outstanding, { ...described, phase: 'ike', datagramIds: [] });
    return;
  }
  const saPayload = findSa(payloads);
  const chosen = saPayload ? acceptsChosenProposal(sa.offeredProposals ?? [], saPayload.proposals) : undefined;
  const ke = findKe(payloads);
  const nonce = findNonce(payloads);
  if (!chosen || !ke || !nonce || ke.group !== dhGroupOf(chosen) || ke.group !== sa.keyExchange?.group) {
    failNegotiation(core, sa, outstanding, {
      condition: 'response_proposal_invalid',
      phase: 'ike',
      datagramIds: [],
      message: `${sa.remote.address} answered IKE_SA_INIT with a proposal or KE we did not offer`,
      evidence: { offered: sa.offeredProposals?.map(proposalText) ?? [], answered: saPayload?.proposals.map(proposalText) ?? [], keGroup: ke?.group ?? null },
    });
    return;
  }
  sa.spiR = new Uint8Array(message.header.responderSpi);
  sa.nonceR = nonce.data;
  sa.proposal = chosen;
  sa.initResponse = new Uint8Array(bytes);
  try {
    const sharedSecret = sa.keyExchange.computeSharedSecret(ke.data);
    sa.keys = deriveIkeSaKeys({ ...ikeSuiteOf(chosen), ni: sa.nonceI, nr: sa.nonceR, sharedSecret, spiI: sa.spiI, spiR: sa.spiR });
  } catch (failure) {
    failNegotiation(core, sa, outstanding, { condition: 'undecodable_message', datagramIds: [], message: `key exchange with ${sa.remote.address} failed: ${errorText(failure)}` });
    return;
  }
  sa.peerFragmentation = core.options.fragmentMtu > 0 && hasNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
  sa.peerVendorIds = vendorIdsOf(payloads).map((v) => vendorIdText(v.data));
  const nat = detectNat(payloads, sa.spiI, sa.spiR, sa.local, sa.remote);
  sa.nat = { local: nat.local, remote: nat.remote };
  if (nat.local || nat.remote) {
    floatToNatT(core, sa);
    core.info('nat_detected', {
      sa,
      message: `NAT detected: ${[nat.local ? 'we are behind a NAT' : '', nat.remote ? `${sa.remote.address} is behind a NAT` : ''].filter(Boolean).join(', ')}; moving to ${sa.local.address}:${sa.local.port} -> ${sa.remote.address}:${sa.remote.port}`,
      datagramIds: evidence,
      evidence: { localBehindNat: nat.local, remoteBehindNat: nat.remote },
    });
  }
  sa.state = 'auth_sent';
  sendAuthRequest(core, sa);
}

/** RFC 7296 §2.23 / charon: after IKE_SA_INIT with a NAT, continue from our NAT-T port (and to 4500 if the peer was on 500). */
function floatToNatT(core: IkeDaemonCore, sa: IkeSa): void {
  const { ikePort, natTPort } = core.config.engine;
  if (sa.local.port === ikePort && natTPort !== ikePort) sa.local = { ...sa.local, port: natTPort };
  if (sa.remote.port === 500) sa.remote = { ...sa.remote, port: 4500 };
  sa.floatedAt = core.now;
}

// --- responder -------------------------------------------------------------------

export function handleInitRequest(core: IkeDaemonCore, datagram: Datagram, header: IkeHeader, record: StoredDatagram): void {
  let message: IkeMessage;
  try {
    message = decodeMessage(datagram.payload);
  } catch (error) {
    core.snoopDecodeFailure(datagram, record, header, error);
    return;
  }
  const existing = core.findHalfOpen(header.initiatorSpi, datagram.remote);
  if (existing) {
    core.attachRecord(record, existing);
    const same = existing.initRequest !== undefined && existing.initRequest.length === datagram.payload.length && existing.initRequest.every((b, i) => b === datagram.payload[i]);
    core.snoopMessage(message, { direction: 'in', local: datagram.local, remote: datagram.remote, marker: datagram.marker, datagramIds: [record.id], sa: existing });
    if (same && existing.lastResponse?.messageId === 0) {
      core.resendResponseTo(existing, datagram);
    } else {
      core.drop('replayed', datagram, record, 'IKE_SA_INIT with the SPI of a half-open IKE SA', existing);
    }
    return;
  }
  core.snoopMessage(message, { direction: 'in', local: datagram.local, remote: datagram.remote, marker: datagram.marker, datagramIds: [record.id] });
  const payloads = [...message.payloads];
  const nonce = findNonce(payloads);
  const ke = findKe(payloads);
  const saPayload = findSa(payloads);
  if (!nonce || !ke || !saPayload) {
    core.drop('invalid_syntax', datagram, record, 'IKE_SA_INIT without SA, KE or Nonce');
    return;
  }
  // RFC 7296 §2.6: past the half-open threshold, demand a cookie before keeping any state.
  const cookieVerdict = checkCookie(core, payloads, nonce.data, datagram.remote, header.initiatorSpi);
  if (cookieVerdict.action !== 'accept') {
    const reply: IkeMessage = {
      header: { initiatorSpi: header.initiatorSpi, responderSpi: ZERO_SPI, exchangeType: ExchangeType.IKE_SA_INIT, messageId: 0, initiator: false, response: true },
      payloads: [notifyPayload(NotifyType.COOKIE, cookieVerdict.cookie)],
    };
    core.transmitMessage(undefined, reply, datagram.local, datagram.remote, undefined);
    if (cookieVerdict.action === 'reject_invalid') {
      core.drop('invalid_cookie', datagram, record);
      core.log('invalid_cookie', { peer: datagram.remote, datagramIds: [record.id], messageIds: [0], message: `IKE_SA_INIT from ${datagram.remote.address} carried a COOKIE we did not issue (or an expired one): challenged again`, severity: 'warning' });
    } else {
      core.info('cookie_challenge', { peer: datagram.remote, datagramIds: [record.id], message: `${core.halfOpenCount()} half-open IKE SAs (threshold ${core.config.engine.halfOpenThreshold}): ${datagram.remote.address} must return a COOKIE` });
    }
    return;
  }
  const saId = core.newIkeSaId();
  const selection = selectTunnelForInit(core.config.tunnels, { remoteAddress: datagram.remote.address, localAddress: datagram.local.address });
  const sa = core.createIkeSa({ role: 'responder', tunnel: selection.tunnel, local: datagram.local, remote: datagram.remote, spiI: new Uint8Array(header.initiatorSpi), id: saId });
  core.attachRecord(record, sa);
  sa.messageIds.push(0);
  core.emitSelection(sa, selection.record);
  const offered = saPayload.proposals;
  core.rememberPeerOffer(selection.tunnel?.name, 'ike', offered);
  const refuse = (notify: number, data?: Uint8Array): void => {
    const reply: IkeMessage = {
      header: { initiatorSpi: header.initiatorSpi, responderSpi: ZERO_SPI, exchangeType: ExchangeType.IKE_SA_INIT, messageId: 0, initiator: false, response: true },
      payloads: [notifyPayload(notify, data)],
    };
    const sent = core.transmitMessage(undefined, reply, datagram.local, datagram.remote, undefined);
    sa.datagramIds.push(...sent.ids);
  };
  const tunnel = selection.tunnel;
  if (!tunnel) {
    core.emit({ type: 'ike.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: null, role: 'responder', local: { ...datagram.local }, remote: { ...datagram.remote } });
    refuse(NotifyType.NO_PROPOSAL_CHOSEN);
    const event = core.log('ike_proposal_unacceptable', {
      sa,
      phase: 'ike',
      messageIds: [0],
      datagramIds: sa.datagramIds,
      message: `IKE_SA_INIT from ${datagram.remote.address}: ${selection.record.reason}`,
      evidence: { offered: offered.map(proposalText), configured: [], unmatchedTransformTypes: [], selection: selection.record.reason },
    });
    core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: null, code: event.code, message: event.message, evidence: { ...event.evidence } });
    return;
  }
  const configured = ikeProposalsOf(tunnel);
  const match = matchProposals(offered, configured, { preferredDhGroup: ke.group });
  if (!match.ok) {
    core.emit({ type: 'ike.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, role: 'responder', local: { ...datagram.local }, remote: { ...datagram.remote } });
    refuse(NotifyType.NO_PROPOSAL_CHOSEN);
    const which = match.combination ? 'every transform type has a common algorithm, but no single proposal pair agrees on all of them' : `no common ${match.unmatchedTypes.join(', ')}`;
    const event = core.log('ike_proposal_unacceptable', {
      sa,
      phase: 'ike',
      messageIds: [0],
      datagramIds: sa.datagramIds,
      message: `phase 1 (IKE) proposal mismatch with ${datagram.remote.address} on "${tunnel.name}": ${which}`,
      evidence: { offered: offered.map(proposalText), configured: configured.map(proposalText), unmatchedTransformTypes: match.unmatchedTypes, combination: match.combination },
    });
    core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, code: event.code, message: event.message, evidence: { ...event.evidence } });
    return;
  }
  const group = dhGroupOf(match.chosen);
  if (group !== ke.group) {
    // Stateless: the initiator retries with the group we name (RFC 7296 §1.3).
    refuse(NotifyType.INVALID_KE_PAYLOAD, Uint8Array.of(group >> 8, group & 0xff));
    core.info('invalid_ke_requested', {
      sa,
      peer: datagram.remote,
      message: `${datagram.remote.address} sent KE for group ${ke.group}; "${tunnel.name}" chose group ${group}: answered INVALID_KE_PAYLOAD`,
      datagramIds: sa.datagramIds,
      evidence: { receivedGroup: ke.group, chosenGroup: group },
    });
    return;
  }
  core.emit({ type: 'ike.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, role: 'responder', local: { ...datagram.local }, remote: { ...datagram.remote } });
  sa.nonceI = nonce.data;
  sa.nonceR = core.entropy.bytes(NONCE_LENGTH);
  sa.proposal = { ...match.chosen, spi: new Uint8Array(0) };
  sa.initRequest = new Uint8Array(datagram.payload);
  const keyExchange = newKeyExchange(core, group);
  try {
    const sharedSecret = keyExchange.computeSharedSecret(ke.data);
    sa.keys = deriveIkeSaKeys({ ...ikeSuiteOf(match.chosen), ni: sa.nonceI, nr: sa.nonceR, sharedSecret, spiI: sa.spiI, spiR: sa.spiR });
  } catch (failure) {
    refuse(NotifyType.INVALID_SYNTAX);
    const event = core.log('undecodable_message', { sa, phase: 'ike', messageIds: [0], datagramIds: sa.datagramIds, message: `KE from ${datagram.remote.address} is not a valid group ${group} value: ${errorText(failure)}` });
    core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, code: event.code, message: event.message });
    return;
  }
  const nat = detectNat(payloads, sa.spiI, ZERO_SPI, datagram.local, datagram.remote);
  sa.nat = { local: nat.local, remote: nat.remote };
  sa.peerFragmentation = core.options.fragmentMtu > 0 && hasNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
  sa.peerVendorIds = vendorIdsOf(payloads).map((v) => vendorIdText(v.data));
  sa.nextPeerRequestId = 1;
  core.registerIkeSa(sa);
  core.registerHalfOpen(sa);
  const response: Payload[] = [
    { type: PayloadType.SA, proposals: [sa.proposal] },
    { type: PayloadType.KE, group, data: keyExchange.publicValue },
    { type: PayloadType.NONCE, data: sa.nonceR },
    ...natPayloads(sa.spiI, sa.spiR, datagram.local, datagram.remote),
  ];
  if (sa.peerFragmentation) response.push(notifyPayload(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
  response.push(...responderInitCertificatePayloads(core, tunnel, payloads));
  response.push(notifyPayload(NotifyType.MULTIPLE_AUTH_SUPPORTED));
  core.sendResponse(sa, header, response);
  if (nat.local || nat.remote) {
    core.info('nat_detected', {
      sa,
      message: `NAT detected: ${[nat.local ? 'we are behind a NAT' : '', nat.remote ? `${sa.remote.address} is behind a NAT` : ''].filter(Boolean).join(', ')}`,
      datagramIds: [record.id],
      evidence: { localBehindNat: nat.local, remoteBehindNat: nat.remote },
    });
  }
  core.setTimer(`${sa.id}/half-open`, core.now + core.options.halfOpenTimeoutMs, () => onHalfOpenTimeout(core, sa));
}

function onHalfOpenTimeout(core: IkeDaemonCore, sa: IkeSa): void {
  if (sa.state !== 'half_open' || !core.ikeSas.has(sa.id)) return;
  const reassembly = sa.reassembly;
  sa.reassembly = undefined;
  const seconds = Math.round(core.options.halfOpenTimeoutMs / 1000);
  const event = reassembly
    ? core.log('fragments_incomplete', {
        sa,
        phase: 'ike',
        messageIds: [reassembly.messageId],
        datagramIds: [...sa.datagramIds],
        message: `the fragmented IKE_AUTH from ${sa.remote.address} never completed in ${seconds} s: ${reassembly.state?.pieces.size ?? 0} of ${reassembly.state?.totalFragments ?? '?'} fragments arrived (a path that drops some fragments, or an MTU problem)`,
        evidence: { received: reassembly.state?.pieces.size ?? 0, total: reassembly.state?.totalFragments ?? 0 },
      })
    : core.log('half_open_timeout', {
        sa,
        phase: 'ike',
        datagramIds: sa.datagramIds,
        message: `${sa.remote.address} never sent IKE_AUTH after our IKE_SA_INIT response (${seconds} s)${sa.nat.remote || sa.nat.local ? '; NAT was detected: the peer may have moved to a NAT-T port we never heard from' : ''}`,
      });
  sa.negotiationReported = true;
  core.emit({ type: 'ike.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: sa.tunnel?.name ?? null, code: event.code, message: event.message, evidence: { ...event.evidence } });
  core.destroyIkeSa(sa, undefined);
}

