/**
 * CREATE_CHILD_SA (RFC 7296 §1.3): a new CHILD_SA, a CHILD_SA rekey (with
 * PFS when the ESP proposal names a group) and an IKE SA rekey, including
 * simultaneous rekeys (§2.8.1, §2.8.2).
 *
 *   new child:   SA Ni [KEi] TSi TSr                 --> SA Nr [KEr] TSi TSr
 *   child rekey: N(REKEY_SA, old SPI) SA Ni [KEi] TSi TSr --> SA Nr [KEr] TSi TSr
 *   IKE rekey:   SA(IKE, new SPIi) Ni KEi             --> SA(IKE, new SPIr) Nr KEr
 *
 * After a rekey the initiator of the rekey deletes the old SA. When both
 * peers rekey the same SA at once, each answers the other; once both
 * exchanges are done, the new SA created with the lowest of the four nonces
 * is deleted by whoever created it, and the survivor's creator deletes the
 * old SA:
 *
 *   [installed] --rekey sent--> [rekeying] --peer's rekey of it arrives--> collision.theirs
 *        our response arrives --> collision.ours --both known--> resolveCollision
 *
 * A CHILD_SA exchange never overlaps an IKE SA rekey (RFC 7296 §2.25.1,
 * §2.25.2, strongSwan's behaviour): we start neither while the other is in
 * flight on the same IKE SA (the later one is deferred by a short random
 * delay), and we answer a peer's request that would overlap with
 * TEMPORARY_FAILURE, which its sender retries later. When an IKE SA is
 * rekeyed anyway, every CHILD_SA and every CHILD_SA request still queued on
 * it moves to the new IKE SA (§2.8).
 */
import type { TunnelConfig } from '@tunnelscope/api';
import {
  ExchangeType,
  NotifyType,
  PayloadType,
  ProtocolId,
  deriveRekeyedIkeSaKeys,
  viewNotify,
  type IkeMessage,
  type Payload,
  type Proposal,
} from '@tunnelscope/ike';
import type { GatewayCommandResult } from './core-io.ts';
import { acceptChildAnswer, childOfferPayloads, installChildKeys, negotiateChildAsResponder, newInitiatorChild } from './child-negotiation.ts';
import { narrowClientRequest, virtualIpChildOffer } from './config-payloads.ts';
import { errorText, type IkeDaemonCore } from './daemon-core.ts';
import { randomBelow, randomIkeSpi } from './entropy.ts';
import { ikeSuiteOf, newKeyExchange } from './ike-sa-init.ts';
import { spi32Hex, type ChildSa, type IkeSa, type OutstandingRequest, type RekeyCollision, type RequestPurpose } from './ike-sa.ts';
import { describeIkeFailureNotify } from './notify-failures.ts';
import { acceptsChosenProposal, dhGroupOf, matchProposals } from './proposal-match.ts';
import { ikeProposalsOf, pfsGroupOf, proposalText } from './tunnel-profile.ts';
import { compareBytes, errorNotify, findKe, findNonce, findNotify, findSa, notifyPayload, u32Bytes, u32Of } from './wire.ts';
import { startDeleteChild, startDeleteIke } from './informational.ts';

const NONCE_LENGTH = 32;
/** A deferred or refused (TEMPORARY_FAILURE) rekey is retried after this much plus a random part (so both peers do not retry in step). */
const REKEY_RETRY_BASE_MS = 2_000;
const REKEY_RETRY_SPREAD_MS = 8_000;

export function rekeyRetryDelayMs(core: IkeDaemonCore): number {
  return REKEY_RETRY_BASE_MS + randomBelow(core.entropy, REKEY_RETRY_SPREAD_MS);
}

function isChildExchange(purpose: RequestPurpose): boolean {
  return purpose.kind === 'create_child' || purpose.kind === 'rekey_child';
}

/** We are creating or rekeying a CHILD_SA on this IKE SA (request outstanding or queued). */
export function childExchangeInFlight(sa: IkeSa): boolean {
  return (sa.outstanding !== undefined && isChildExchange(sa.outstanding.purpose)) || sa.queue.some((request) => isChildExchange(request.purpose));
}

/** Why a CHILD_SA rekey may not start on this IKE SA now (undefined: it may). */
function childRekeyBlocker(sa: IkeSa): string | undefined {
  if (sa.ikeRekeyInProgress) return `IKE SA ${sa.id} is being rekeyed`;
  if (sa.rekeyCollision) return `IKE SA ${sa.id} is resolving a simultaneous rekey`;
  return undefined;
}

/** Why an IKE SA rekey may not start now (undefined: it may). */
function ikeRekeyBlocker(sa: IkeSa): string | undefined {
  if (sa.ikeRekeyInProgress) return `${sa.id} is already being rekeyed`;
  if (childExchangeInFlight(sa)) return `a CHILD_SA exchange is in flight on ${sa.id}`;
  return undefined;
}

/** The soft-lifetime rekey of a CHILD_SA, or a short deferral while its IKE SA is being rekeyed. */
export function rekeyChildWhenDue(core: IkeDaemonCore, child: ChildSa): void {
  if (child.state !== 'installed') return;
  const sa = core.ikeSas.get(child.ikeSaId);
  const blocker = sa ? childRekeyBlocker(sa) : undefined;
  if (!blocker) {
    startChildRekey(core, child);
    return;
  }
  child.rekeyAt = core.now + rekeyRetryDelayMs(core);
  core.scheduleChildLifetimes(child);
}

/** The soft-lifetime rekey of an IKE SA, or a short deferral while a CHILD_SA exchange is in flight on it. */
export function rekeyIkeWhenDue(core: IkeDaemonCore, sa: IkeSa): void {
  if (sa.state !== 'established' || sa.ikeRekeyInProgress) return;
  if (!childExchangeInFlight(sa)) {
    startIkeRekey(core, sa);
    return;
  }
  sa.rekeyAt = core.now + rekeyRetryDelayMs(core);
  core.scheduleIkeLifetimes(sa);
}

// --- initiator ---------------------------------------------------------------------

export function startCreateChild(core: IkeDaemonCore, sa: IkeSa, tunnel: TunnelConfig): GatewayCommandResult {
  const child = newInitiatorChild(core, sa, tunnel);
  sendChildRequest(core, sa, child, tunnel, undefined);
  core.emit({ type: 'child.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: child.id, role: 'initiator' });
  return { ok: true, ikeSaId: sa.id, childSaId: child.id };
}

function sendChildRequest(core: IkeDaemonCore, sa: IkeSa, child: ChildSa, tunnel: TunnelConfig, rekeyOf: ChildSa | undefined, group = pfsGroupOf(tunnel)): void {
  child.nonceLocal = core.entropy.bytes(NONCE_LENGTH);
  child.pfsGroup = group;
  const payloads: Payload[] = [];
  if (rekeyOf) payloads.push(notifyPayload(NotifyType.REKEY_SA, new Uint8Array(0), ProtocolId.ESP, u32Bytes(rekeyOf.spiIn)));
  const offer = virtualIpChildOffer(sa, tunnel, child, childOfferPayloads(core, child, tunnel, true));
  payloads.push(offer[0]!, { type: PayloadType.NONCE, data: child.nonceLocal });
  if (group !== 0) {
    child.keyExchange = newKeyExchange(core, group);
    payloads.push({ type: PayloadType.KE, group, data: child.keyExchange.publicValue });
  }
  payloads.push(offer[1]!, offer[2]!);
  const purpose = rekeyOf ? { kind: 'rekey_child' as const, oldChildSaId: rekeyOf.id, childSaId: child.id } : { kind: 'create_child' as const, childSaId: child.id };
  core.sendRequest(sa, ExchangeType.CREATE_CHILD_SA, payloads, purpose);
}

export function startChildRekey(core: IkeDaemonCore, old: ChildSa): GatewayCommandResult {
  const sa = core.ikeSas.get(old.ikeSaId);
  const tunnel = old.tunnel ?? sa?.tunnel;
  if (!sa || sa.state !== 'established' || !tunnel) return { ok: false, error: `the IKE SA of ${old.id} is not established` };
  if (old.state !== 'installed') return { ok: false, error: `${old.id} is ${old.state}` };
  const blocker = childRekeyBlocker(sa);
  if (blocker) return { ok: false, error: `${blocker}; rekey ${old.id} once it is done` };
  old.state = 'rekeying';
  const child = newInitiatorChild(core, sa, tunnel);
  child.rekeyOf = old.id;
  core.emit({ type: 'child.rekey.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: old.id });
  sendChildRequest(core, sa, child, tunnel, old);
  return { ok: true, ikeSaId: sa.id, childSaId: child.id };
}

export function startIkeRekey(core: IkeDaemonCore, sa: IkeSa): GatewayCommandResult {
  const blocker = ikeRekeyBlocker(sa);
  if (blocker) return { ok: false, error: blocker };
  const tunnel = sa.tunnel!;
  const fresh = core.createIkeSa({ role: 'initiator', tunnel, local: sa.local, remote: sa.remote, spiI: randomIkeSpi(core.entropy) });
  fresh.nonceI = core.entropy.bytes(NONCE_LENGTH);
  const group = sa.proposal ? dhGroupOf(sa.proposal) : 0;
  fresh.keyExchange = newKeyExchange(core, group);
  fresh.offeredProposals = ikeProposalsOf(tunnel).map((p) => ({ ...p, spi: fresh.spiI }));
  fresh.rekeyOf = sa.id;
  sa.ikeRekeyInProgress = fresh;
  core.emit({ type: 'ike.rekey.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name });
  core.sendRequest(
    sa,
    ExchangeType.CREATE_CHILD_SA,
    [
      { type: PayloadType.SA, proposals: fresh.offeredProposals },
      { type: PayloadType.NONCE, data: fresh.nonceI },
      { type: PayloadType.KE, group, data: fresh.keyExchange.publicValue },
    ],
    { kind: 'rekey_ike', newIkeSaId: fresh.id },
  );
  return { ok: true, ikeSaId: sa.id };
}

export function handleCreateChildResponse(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], outstanding: OutstandingRequest): void {
  const purpose = outstanding.purpose;
  if (purpose.kind === 'rekey_ike') {
    onIkeRekeyResponse(core, sa, payloads, outstanding);
    return;
  }
  if (purpose.kind !== 'create_child' && purpose.kind !== 'rekey_child') return;
  const child = core.childSas.get(purpose.childSaId);
  const old = purpose.kind === 'rekey_child' ? core.childSas.get(purpose.oldChildSaId) : undefined;
  const tunnel = child?.tunnel ?? sa.tunnel!;
  if (!child) return;
  const fail = (code: string, message: string, evidence: Record<string, unknown>): void => {
    if (purpose.kind === 'rekey_child' && old) {
      if (old.state === 'rekeying') old.state = 'installed';
      core.emit({ type: 'child.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: old.id, code, message, evidence });
      // A rekey that was due, or one the peer asked us to retry (TEMPORARY_FAILURE, RFC 7296 §2.25), is tried again soon.
      const retryAt = core.now + rekeyRetryDelayMs(core);
      if (old.state === 'installed' && (old.rekeyAt === undefined || old.rekeyAt <= core.now || (code === 'temporary_failure' && retryAt < old.rekeyAt))) {
        old.rekeyAt = retryAt;
        core.scheduleChildLifetimes(old);
      }
    } else {
      core.emit({ type: 'child.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: child.id, code, message, evidence });
    }
    core.discardChild(child.id);
  };
  const refusal = errorNotify(payloads);
  if (refusal?.notifyType === NotifyType.INVALID_KE_PAYLOAD) {
    const view = viewNotify(refusal);
    const wanted = view.kind === 'invalid_ke_payload' ? view.group : 0;
    const allowed = child.offeredProposals?.some((p) => p.transforms.some((t) => t.transformType === 4 && t.transformId === wanted)) ?? false;
    if (allowed && wanted !== child.pfsGroup) {
      core.info('invalid_ke_retry', { sa, message: `${sa.remote.address} wants PFS group ${wanted}: retrying CREATE_CHILD_SA`, datagramIds: outstanding.datagramIds });
      sendChildRequest(core, sa, child, tunnel, old, wanted);
      return;
    }
  }
  if (refusal?.notifyType === NotifyType.TEMPORARY_FAILURE) {
    fail('temporary_failure', `${sa.remote.address} answered TEMPORARY_FAILURE (it is busy with another exchange on this SA); will retry`, {});
    return;
  }
  const answer = refusal ? undefined : acceptChildAnswer(child, payloads);
  const nonce = findNonce(payloads);
  const ke = findKe(payloads);
  if (!answer || !nonce) {
    const described = refusal
      ? describeIkeFailureNotify(core, sa, refusal.notifyType, 'ipsec')
      : { condition: 'response_proposal_invalid' as const, message: `${sa.remote.address} answered CREATE_CHILD_SA with something we did not offer`, evidence: {} };
    const event = core.log(described.condition, { sa, childSaId: child.id, phase: 'ipsec', datagramIds: outstanding.datagramIds, messageIds: [outstanding.messageId], message: described.message, evidence: described.evidence });
    fail(event.code, event.message, { ...event.evidence });
    return;
  }
  let sharedSecret: Uint8Array | undefined;
  const group = dhGroupOf(answer.proposal);
  if (group !== 0) {
    if (!ke || ke.group !== group || !child.keyExchange || child.keyExchange.group !== group) {
      const event = core.log('response_proposal_invalid', { sa, childSaId: child.id, phase: 'ipsec', datagramIds: outstanding.datagramIds, message: `${sa.remote.address} chose PFS group ${group} without a matching KE` });
      fail(event.code, event.message, { ...event.evidence });
      return;
    }
    try {
      sharedSecret = child.keyExchange.computeSharedSecret(ke.data);
    } catch (error) {
      const event = core.log('undecodable_message', { sa, childSaId: child.id, phase: 'ipsec', datagramIds: outstanding.datagramIds, message: `PFS key exchange failed: ${errorText(error)}` });
      fail(event.code, event.message, {});
      return;
    }
  }
  child.proposal = answer.proposal;
  child.spiOut = u32Of(answer.proposal.spi);
  child.localTs = answer.tsi;
  child.remoteTs = answer.tsr;
  child.nonces = [child.nonceLocal!, nonce.data];
  installChildKeys(core, sa, child, { ni: child.nonceLocal!, nr: nonce.data, ...(sharedSecret ? { sharedSecret } : {}) });
  if (purpose.kind === 'create_child' || !old) {
    core.emit({ type: 'child.sa.up', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, childSaId: child.id, spiIn: spi32Hex(child.spiIn), spiOut: spi32Hex(child.spiOut) });
    return;
  }
  const collision: RekeyCollision = old.rekeyCollision ?? {};
  collision.ours = { newId: child.id, nonces: child.nonces };
  old.rekeyCollision = collision;
  if (collision.theirs) {
    resolveChildCollision(core, sa, old);
    return;
  }
  finishChildRekey(core, sa, old, child, true);
}

/** The old CHILD_SA is replaced by `fresh`; the rekey's initiator deletes the old one. */
function finishChildRekey(core: IkeDaemonCore, sa: IkeSa, old: ChildSa, fresh: ChildSa, initiatedByUs: boolean): void {
  old.state = 'rekeyed';
  old.replacedBy = fresh.id;
  fresh.rekeyOf = old.id;
  core.emit({ type: 'child.sa.rekeyed', time: core.now, ikeSaId: sa.id, tunnel: old.tunnel?.name ?? sa.tunnel?.name ?? null, childSaId: old.id, newChildSaId: fresh.id });
  if (initiatedByUs) startDeleteChild(core, old);
}

/** RFC 7296 §2.8.1: the new CHILD_SA made with the lowest of the four nonces goes; its creator deletes it. */
function resolveChildCollision(core: IkeDaemonCore, sa: IkeSa, old: ChildSa): void {
  const collision = old.rekeyCollision!;
  const ours = collision.ours!;
  const theirs = collision.theirs!;
  const lowest = (nonces: Uint8Array[]) => nonces.reduce((a, b) => (compareBytes(a, b) <= 0 ? a : b));
  const oursLoses = compareBytes(lowest(ours.nonces), lowest(theirs.nonces)) < 0;
  const loser = core.childSas.get(oursLoses ? ours.newId : theirs.newId);
  const winner = core.childSas.get(oursLoses ? theirs.newId : ours.newId);
  old.rekeyCollision = undefined;
  core.info('rekey_collision', {
    sa,
    message: `simultaneous CHILD_SA rekey of ${old.id}: ${oursLoses ? 'our' : "the peer's"} new CHILD_SA has the lowest nonce and is deleted; ${winner?.id ?? '?'} replaces ${old.id}`,
    datagramIds: [],
    evidence: { oldChildSaId: old.id, ours: ours.newId, theirs: theirs.newId, deleted: loser?.id ?? null },
  });
  const tunnelName = old.tunnel?.name ?? sa.tunnel?.name ?? null;
  // Our rekey's outcome: done if ours won, failed (redundant) if it lost. The peer's rekey outcome likewise.
  if (oursLoses) {
    core.emit({ type: 'child.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId: old.id, code: 'rekey_collision', message: 'simultaneous rekey: the peer\'s rekey won (lowest nonce rule)' });
    if (loser) {
      loser.state = 'rekeyed';
      startDeleteChild(core, loser);
    }
    if (winner) finishChildRekey(core, sa, old, winner, false);
  } else {
    core.emit({ type: 'child.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId: old.id, code: 'rekey_collision', message: 'simultaneous rekey: our rekey won (lowest nonce rule); the peer deletes its redundant CHILD_SA' });
    if (loser) loser.state = 'rekeyed';
    if (winner) finishChildRekey(core, sa, old, winner, true);
  }
}

function onIkeRekeyResponse(core: IkeDaemonCore, sa: IkeSa, payloads: Payload[], outstanding: OutstandingRequest): void {
  const fresh = sa.ikeRekeyInProgress;
  sa.ikeRekeyInProgress = undefined;
  const tunnel = sa.tunnel!;
  const fail = (code: string, message: string): void => {
    core.emit({ type: 'ike.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, code, message });
    const retryAt = core.now + rekeyRetryDelayMs(core);
    if (sa.rekeyAt !== undefined && (sa.rekeyAt <= core.now || (code === 'temporary_failure' && retryAt < sa.rekeyAt))) {
      sa.rekeyAt = retryAt;
      core.scheduleIkeLifetimes(sa);
    }
  };
  if (!fresh) return;
  const refusal = errorNotify(payloads);
  const chosen = findSa(payloads) ? acceptsChosenProposal(fresh.offeredProposals ?? [], findSa(payloads)!.proposals) : undefined;
  const nonce = findNonce(payloads);
  const ke = findKe(payloads);
  if (refusal || !chosen || !nonce || !ke || chosen.spi.length !== 8 || ke.group !== fresh.keyExchange?.group) {
    if (refusal?.notifyType === NotifyType.TEMPORARY_FAILURE) {
      fail('temporary_failure', `${sa.remote.address} answered TEMPORARY_FAILURE to our IKE SA rekey; will retry`);
      return;
    }
    const described = refusal
      ? describeIkeFailureNotify(core, sa, refusal.notifyType, 'ike')
      : { condition: 'response_proposal_invalid' as const, message: `${sa.remote.address} answered the IKE SA rekey with something we did not offer`, evidence: {} };
    const event = core.log(described.condition, { sa, phase: 'ike', datagramIds: outstanding.datagramIds, messageIds: [outstanding.messageId], message: described.message, evidence: described.evidence });
    fail(event.code, event.message);
    return;
  }
  fresh.spiR = new Uint8Array(chosen.spi);
  fresh.nonceR = nonce.data;
  try {
    keyRekeyedSa(sa, fresh, chosen, fresh.keyExchange.computeSharedSecret(ke.data));
  } catch (error) {
    fail('payload_malformed', `IKE SA rekey key exchange failed: ${errorText(error)}`);
    return;
  }
  activateRekeyedSa(core, sa, fresh);
  const collision: RekeyCollision = sa.rekeyCollision ?? {};
  collision.ours = { newId: fresh.id, nonces: [fresh.nonceI, fresh.nonceR] };
  sa.rekeyCollision = collision;
  if (collision.theirs) {
    resolveIkeCollision(core, sa);
    return;
  }
  finishIkeRekey(core, sa, fresh, true);
}

function keyRekeyedSa(old: IkeSa, fresh: IkeSa, chosen: Proposal, sharedSecret: Uint8Array): void {
  fresh.proposal = { ...chosen, spi: new Uint8Array(0) };
  fresh.keys = deriveRekeyedIkeSaKeys({
    ...ikeSuiteOf(chosen),
    ni: fresh.nonceI,
    nr: fresh.nonceR,
    sharedSecret,
    spiI: fresh.spiI,
    spiR: fresh.spiR,
    oldPrf: old.keys!.suite.prf,
    oldSkD: old.keys!.skD,
  });
}

/** The new IKE SA takes over the peer facts and starts its own lifetime. */
function activateRekeyedSa(core: IkeDaemonCore, old: IkeSa, fresh: IkeSa): void {
  fresh.state = 'established';
  fresh.establishedAt = core.now;
  fresh.lastPeerPacketAt = core.now;
  fresh.nat = { ...old.nat };
  fresh.peerFragmentation = old.peerFragmentation;
  fresh.peerVendorIds = [...old.peerVendorIds];
  if (old.peerIdentity !== undefined) fresh.peerIdentity = old.peerIdentity;
  if (old.peerIdWire) fresh.peerIdWire = old.peerIdWire;
  if (old.floatedAt !== undefined) fresh.floatedAt = old.floatedAt;
  fresh.local = { ...old.local };
  fresh.remote = { ...old.remote };
  fresh.rekeyOf = old.id;
  core.registerIkeSa(fresh);
  const schedule = core.lifetimeSchedule(fresh.tunnel!.ikeLifetimeSeconds);
  fresh.rekeyAt = schedule.rekeyAt;
  fresh.expireAt = schedule.expireAt;
  core.scheduleIkeLifetimes(fresh);
  core.scheduleDpd(fresh);
}

/** Children move to the new IKE SA; the old one is deleted by the rekey's initiator. */
function finishIkeRekey(core: IkeDaemonCore, old: IkeSa, fresh: IkeSa, initiatedByUs: boolean): void {
  for (const childId of [...old.children]) {
    const child = core.childSas.get(childId);
    if (!child) continue;
    old.children.delete(childId);
    child.ikeSaId = fresh.id;
    fresh.children.add(childId);
  }
  moveQueuedChildRequests(core, old, fresh);
  old.state = 'rekeyed';
  old.replacedBy = fresh.id;
  for (const key of ['rekey', 'expire', 'dpd']) core.clearTimer(`${old.id}/${key}`);
  core.emit({ type: 'ike.sa.rekeyed', time: core.now, ikeSaId: old.id, tunnel: old.tunnel?.name ?? null, newIkeSaId: fresh.id });
  if (initiatedByUs) startDeleteIke(core, old, undefined);
  else core.setTimer(`${old.id}/expire`, core.now + 30_000, () => core.destroyIkeSa(old, undefined));
}

/**
 * CHILD_SA requests still waiting for the old IKE SA's window go out on the
 * new one instead (their payloads do not depend on the IKE SA; the keys of
 * the CHILD_SA come from the SK_d of the IKE SA that carries the exchange).
 */
function moveQueuedChildRequests(core: IkeDaemonCore, old: IkeSa, fresh: IkeSa): void {
  const moving = old.queue.filter((request) => isChildExchange(request.purpose) || request.purpose.kind === 'delete_child');
  if (moving.length === 0) return;
  old.queue = old.queue.filter((request) => !moving.includes(request));
  for (const request of moving) core.sendRequest(fresh, request.exchange, request.payloads, request.purpose, request.deadline !== undefined ? { deadline: request.deadline } : {});
}

function resolveIkeCollision(core: IkeDaemonCore, old: IkeSa): void {
  const collision = old.rekeyCollision!;
  const ours = collision.ours!;
  const theirs = collision.theirs!;
  old.rekeyCollision = undefined;
  const lowest = (nonces: Uint8Array[]) => nonces.reduce((a, b) => (compareBytes(a, b) <= 0 ? a : b));
  const oursLoses = compareBytes(lowest(ours.nonces), lowest(theirs.nonces)) < 0;
  const loser = core.ikeSas.get(oursLoses ? ours.newId : theirs.newId);
  const winner = core.ikeSas.get(oursLoses ? theirs.newId : ours.newId);
  core.info('rekey_collision', {
    sa: old,
    message: `simultaneous IKE SA rekey of ${old.id}: ${oursLoses ? 'our' : "the peer's"} new IKE SA has the lowest nonce and is deleted; ${winner?.id ?? '?'} replaces ${old.id}`,
    datagramIds: [],
    evidence: { ours: ours.newId, theirs: theirs.newId, deleted: loser?.id ?? null },
  });
  const tunnelName = old.tunnel?.name ?? null;
  core.emit({ type: 'ike.rekey.failed', time: core.now, ikeSaId: old.id, tunnel: tunnelName, code: 'rekey_collision', message: `simultaneous rekey: ${oursLoses ? "the peer's" : 'our'} rekey won (lowest nonce rule)` });
  if (loser) {
    loser.state = 'rekeyed';
    if (oursLoses) startDeleteIke(core, loser, undefined);
  }
  if (winner) finishIkeRekey(core, old, winner, !oursLoses);
}

// --- responder ---------------------------------------------------------------------

export function handleCreateChildRequest(core: IkeDaemonCore, sa: IkeSa, message: IkeMessage, payloads: Payload[], datagramIds: number[]): void {
  const header = message.header;
  if (sa.state !== 'established') {
    core.sendResponse(sa, header, [notifyPayload(NotifyType.TEMPORARY_FAILURE)]);
    return;
  }
  const saPayload = findSa(payloads);
  const nonce = findNonce(payloads);
  if (!saPayload || !nonce) {
    core.sendResponse(sa, header, [notifyPayload(NotifyType.INVALID_SYNTAX)]);
    return;
  }
  if (saPayload.proposals[0]?.protocol === ProtocolId.IKE) {
    if (childExchangeInFlight(sa)) {
      refuseOverlap(core, sa, header, datagramIds, 'an IKE SA rekey while our CHILD_SA exchange on it is in flight (RFC 7296 §2.25.2)');
      return;
    }
    onIkeRekeyRequest(core, sa, header, saPayload.proposals, nonce.data, payloads, datagramIds);
    return;
  }
  const blocker = childRekeyBlocker(sa);
  if (blocker) {
    refuseOverlap(core, sa, header, datagramIds, `a CHILD_SA exchange while ${blocker} (RFC 7296 §2.25.1)`);
    return;
  }
  const rekey = findNotify(payloads, NotifyType.REKEY_SA);
  const old = rekey ? core.childByOutboundSpi(sa, u32Of(rekey.spi)) : undefined;
  if (rekey && (!old || (old.state !== 'installed' && old.state !== 'rekeying'))) {
    core.log('unknown_child_sa', {
      sa,
      phase: 'ipsec',
      messageIds: [header.messageId],
      datagramIds,
      message: `${sa.remote.address} asks to rekey CHILD_SA SPI ${rekey.spi.length === 4 ? spi32Hex(u32Of(rekey.spi)) : '?'}, which we do not have`,
      severity: 'warning',
    });
    core.sendResponse(sa, header, [notifyPayload(NotifyType.CHILD_SA_NOT_FOUND, new Uint8Array(0), ProtocolId.ESP, rekey.spi)]);
    return;
  }
  const childSaId = core.newChildSaId();
  const tunnelName = old?.tunnel?.name ?? sa.tunnel?.name ?? null;
  if (old) core.emit({ type: 'child.rekey.started', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId: old.id });
  else core.emit({ type: 'child.negotiation.started', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId, role: 'responder' });
  const ke = findKe(payloads);
  const outcome = negotiateChildAsResponder(core, sa, narrowClientRequest(sa, payloads), { inIkeAuth: false, childSaId, datagramIds, messageId: header.messageId, ...(ke ? { keGroup: ke.group } : {}) });
  if (!outcome.ok) {
    core.sendResponse(sa, header, [outcome.notify]);
    if (old) core.emit({ type: 'child.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId: old.id, code: outcome.code, message: outcome.message });
    else core.emit({ type: 'child.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId, code: outcome.code, message: outcome.message });
    return;
  }
  const child = outcome.child;
  const nonceR = core.entropy.bytes(NONCE_LENGTH);
  let sharedSecret: Uint8Array | undefined;
  let kePayload: Payload | undefined;
  if (child.pfsGroup !== 0 && ke) {
    const exchange = newKeyExchange(core, child.pfsGroup);
    try {
      sharedSecret = exchange.computeSharedSecret(ke.data);
    } catch (error) {
      core.discardChild(child.id);
      core.sendResponse(sa, header, [notifyPayload(NotifyType.INVALID_SYNTAX)]);
      const event = core.log('undecodable_message', { sa, phase: 'ipsec', datagramIds, message: `PFS KE from ${sa.remote.address} is invalid: ${errorText(error)}` });
      if (old) core.emit({ type: 'child.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId: old.id, code: event.code, message: event.message });
      else core.emit({ type: 'child.negotiation.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnelName, childSaId, code: event.code, message: event.message });
      return;
    }
    kePayload = { type: PayloadType.KE, group: child.pfsGroup, data: exchange.publicValue };
  }
  child.nonces = [nonce.data, nonceR];
  installChildKeys(core, sa, child, { ni: nonce.data, nr: nonceR, ...(sharedSecret ? { sharedSecret } : {}) });
  const [saAnswer, tsi, tsr] = outcome.payloads;
  core.sendResponse(sa, header, [saAnswer!, { type: PayloadType.NONCE, data: nonceR }, ...(kePayload ? [kePayload] : []), tsi!, tsr!]);
  if (!old) {
    core.emit({ type: 'child.sa.up', time: core.now, ikeSaId: sa.id, tunnel: child.tunnel?.name ?? tunnelName, childSaId: child.id, spiIn: spi32Hex(child.spiIn), spiOut: spi32Hex(child.spiOut) });
    return;
  }
  if (old.state === 'rekeying') {
    const collision: RekeyCollision = old.rekeyCollision ?? {};
    collision.theirs = { newId: child.id, nonces: child.nonces };
    old.rekeyCollision = collision;
    if (collision.ours) resolveChildCollision(core, sa, old);
    return;
  }
  finishChildRekey(core, sa, old, child, false);
}

/** TEMPORARY_FAILURE: the peer retries once our exchange on this IKE SA is done. */
function refuseOverlap(core: IkeDaemonCore, sa: IkeSa, header: IkeMessage['header'], datagramIds: number[], what: string): void {
  core.sendResponse(sa, header, [notifyPayload(NotifyType.TEMPORARY_FAILURE)]);
  core.info('rekey_overlap_refused', { sa, message: `${sa.remote.address} asked for ${what}: answered TEMPORARY_FAILURE, the peer retries`, datagramIds, messageIds: [header.messageId] });
}

function onIkeRekeyRequest(core: IkeDaemonCore, sa: IkeSa, header: IkeMessage['header'], offered: readonly Proposal[], nonceI: Uint8Array, payloads: Payload[], datagramIds: number[]): void {
  const tunnel = sa.tunnel!;
  core.emit({ type: 'ike.rekey.started', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name });
  const ke = findKe(payloads);
  const configured = ikeProposalsOf(tunnel);
  const match = matchProposals(offered, configured, ke ? { preferredDhGroup: ke.group } : {});
  const refuse = (notify: number, data: Uint8Array | undefined, code: string, message: string): void => {
    core.sendResponse(sa, header, [notifyPayload(notify, data)]);
    core.emit({ type: 'ike.rekey.failed', time: core.now, ikeSaId: sa.id, tunnel: tunnel.name, code, message });
  };
  if (!match.ok || match.chosen.spi.length !== 8) {
    const event = core.log('ike_proposal_unacceptable', {
      sa,
      phase: 'ike',
      messageIds: [header.messageId],
      datagramIds,
      message: `IKE SA rekey from ${sa.remote.address}: no acceptable proposal`,
      evidence: { offered: offered.map(proposalText), configured: configured.map(proposalText), unmatchedTransformTypes: match.ok ? [] : match.unmatchedTypes },
    });
    refuse(NotifyType.NO_PROPOSAL_CHOSEN, undefined, event.code, event.message);
    return;
  }
  const group = dhGroupOf(match.chosen);
  if (!ke || ke.group !== group) {
    refuse(NotifyType.INVALID_KE_PAYLOAD, Uint8Array.of(group >> 8, group & 0xff), 'invalid_ke_payload', `IKE SA rekey: KE group ${ke?.group ?? 'none'}, we chose ${group}`);
    return;
  }
  const fresh = core.createIkeSa({ role: 'responder', tunnel, local: sa.local, remote: sa.remote, spiI: new Uint8Array(match.chosen.spi) });
  fresh.nonceI = nonceI;
  fresh.nonceR = core.entropy.bytes(NONCE_LENGTH);
  const exchange = newKeyExchange(core, group);
  try {
    keyRekeyedSa(sa, fresh, match.chosen, exchange.computeSharedSecret(ke.data));
  } catch (error) {
    refuse(NotifyType.INVALID_SYNTAX, undefined, 'payload_malformed', `IKE SA rekey KE is invalid: ${errorText(error)}`);
    return;
  }
  const answer: Proposal = { ...match.chosen, spi: fresh.spiR };
  core.sendResponse(sa, header, [{ type: PayloadType.SA, proposals: [answer] }, { type: PayloadType.NONCE, data: fresh.nonceR }, { type: PayloadType.KE, group, data: exchange.publicValue }]);
  activateRekeyedSa(core, sa, fresh);
  if (sa.ikeRekeyInProgress) {
    const collision: RekeyCollision = sa.rekeyCollision ?? {};
    collision.theirs = { newId: fresh.id, nonces: [fresh.nonceI, fresh.nonceR] };
    sa.rekeyCollision = collision;
    return;
  }
  finishIkeRekey(core, sa, fresh, false);
}
