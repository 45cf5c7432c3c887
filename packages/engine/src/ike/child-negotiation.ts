/**
 * CHILD_SA negotiation shared by IKE_AUTH (the first CHILD_SA) and
 * CREATE_CHILD_SA (new CHILD_SAs and rekeys):
 *
 *   responder: ESP proposal match (PFS group from KE in CREATE_CHILD_SA;
 *              DH ignored in IKE_AUTH) -> traffic selectors through
 *              selectTunnelForTrafficSelectors (strict/narrow policy, may
 *              move the CHILD_SA to a better-fitting tunnel) -> keys
 *   initiator: the responder's choice must be one we offered; its
 *              selectors must be inside ours -> keys
 *
 * KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr) (RFC 7296 §2.17), split by
 * crypto's deriveChildSaKeys.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import {
  NotifyType,
  PayloadType,
  ProtocolId,
  deriveChildSaKeys,
  encryptionKeyBits,
  type Payload,
  type Proposal,
  type TrafficSelector as WireSelector,
} from '@tunnelscope/ike';
import { selectTunnelForTrafficSelectors, type TunnelWithNetworks } from '../selection/select-tunnel.ts';
import type { IkeDaemonCore } from './daemon-core.ts';
import { randomSpi32 } from './entropy.ts';
import type { ChildSa, IkeSa } from './ike-sa.ts';
import { acceptsChosenProposal, dhGroupOf, matchProposals } from './proposal-match.ts';
import { describeWireSelector, espProposalsOf, fromWireSelector, proposalText, toWireSelector, tunnelNetworksOf, tunnelSelectors } from './tunnel-profile.ts';
import { findSa, findTs, notifyPayload, u32Bytes, u32Of } from './wire.ts';

export interface ChildKeyMaterial {
  ni: Uint8Array;
  nr: Uint8Array;
  sharedSecret?: Uint8Array;
}

/** ESP transforms of a chosen proposal. */
export function espSuiteOf(proposal: Proposal): { encr: number; encrKeyBits: number; integ: number } {
  const encr = proposal.transforms.find((t) => t.transformType === 1)!;
  const attribute = encr.attributes.find((a) => a.format === 'tv' && a.type === 14);
  const keyLength = attribute?.format === 'tv' ? attribute.value : undefined;
  return {
    encr: encr.transformId,
    encrKeyBits: encryptionKeyBits({ type: 1, id: encr.transformId, keyLength }),
    integ: proposal.transforms.find((t) => t.transformType === 3)?.transformId ?? 0,
  };
}

export function installChildKeys(core: IkeDaemonCore, sa: IkeSa, child: ChildSa, material: ChildKeyMaterial): void {
  const keys = sa.keys!;
  child.keys = deriveChildSaKeys({ prf: keys.suite.prf, skD: keys.skD, ni: material.ni, nr: material.nr, ...(material.sharedSecret ? { sharedSecret: material.sharedSecret } : {}), ...espSuiteOf(child.proposal!) });
  child.state = 'installed';
  child.establishedAt = core.now;
  core.childSaChanges.add(child.id);
  const tunnel = child.tunnel;
  if (tunnel) {
    const schedule = core.lifetimeSchedule(tunnel.ipsecLifetimeSeconds);
    child.rekeyAt = schedule.rekeyAt;
    child.expireAt = schedule.expireAt;
    core.scheduleChildLifetimes(child);
  }
}

/** A CHILD_SA being set up by us as initiator, with our inbound SPI. */
export function newInitiatorChild(core: IkeDaemonCore, sa: IkeSa, tunnel: TunnelConfig): ChildSa {
  const child: ChildSa = {
    id: core.newChildSaId(),
    ikeSaId: sa.id,
    tunnel,
    state: 'installing',
    role: 'initiator',
    spiIn: randomSpi32(core.entropy),
    spiOut: 0,
    pfsGroup: 0,
    localTs: [],
    remoteTs: [],
    createdAt: core.now,
    nonces: [],
  };
  core.childSas.set(child.id, child);
  sa.children.add(child.id);
  return child;
}

/** SA, TSi and TSr payloads we offer for a tunnel's CHILD_SA. */
export function childOfferPayloads(core: IkeDaemonCore, child: ChildSa, tunnel: TunnelConfig, withPfs: boolean): Payload[] {
  const spi = u32Bytes(child.spiIn);
  child.offeredProposals = espProposalsOf(tunnel, withPfs).map((p) => ({ ...p, spi }));
  const selectors = tunnelSelectors(core.config, tunnel);
  child.offeredTs = { tsi: selectors.local.map(toWireSelector), tsr: selectors.remote.map(toWireSelector) };
  return [
    { type: PayloadType.SA, proposals: child.offeredProposals },
    { type: PayloadType.TSi, selectors: child.offeredTs.tsi },
    { type: PayloadType.TSr, selectors: child.offeredTs.tsr },
  ];
}

export type ResponderChildOutcome =
  | { ok: true; child: ChildSa; payloads: Payload[] }
  | { ok: false; notify: Payload; code: string; message: string; childSaId: string };

/**
 * Responder side of a CHILD_SA negotiation. On success the CHILD_SA is
 * created (keys derived by the caller once the nonces are final) and the
 * SA/TSi/TSr answer is returned; on failure the coded event is emitted and
 * the notify to send back is returned.
 */
export function negotiateChildAsResponder(
  core: IkeDaemonCore,
  sa: IkeSa,
  payloads: readonly Payload[],
  options: { inIkeAuth: boolean; keGroup?: number; childSaId: string; datagramIds: number[]; messageId: number },
): ResponderChildOutcome {
  const tunnel = sa.tunnel!;
  const offered = findSa(payloads)?.proposals ?? [];
  core.rememberPeerOffer(tunnel.name, 'esp', offered);
  const tsiPayload = findTs(payloads, 'i');
  const tsrPayload = findTs(payloads, 'r');
  const fail = (notify: number, condition: 'child_proposal_unacceptable' | 'ts_unacceptable_local', message: string, evidence: Record<string, unknown>, data?: Uint8Array): ResponderChildOutcome => {
    const event = core.log(condition, { sa, childSaId: options.childSaId, phase: 'ipsec', messageIds: [options.messageId], datagramIds: options.datagramIds, message, evidence });
    return { ok: false, notify: notifyPayload(notify, data), code: event.code, message: event.message, childSaId: options.childSaId };
  };
  // Traffic selectors first pick the tunnel (it may move), then that tunnel's proposals apply.
  const proposed = {
    tsi: (tsiPayload?.selectors ?? []).map(fromWireSelector).filter((s) => s !== undefined),
    tsr: (tsrPayload?.selectors ?? []).map(fromWireSelector).filter((s) => s !== undefined),
  };
  const candidates: TunnelWithNetworks<TunnelConfig>[] = core.config.tunnels.map((t) => ({ tunnel: t, ...tunnelNetworksOf(core.config, t) }));
  const selection = selectTunnelForTrafficSelectors(candidates, tunnel.name, proposed, {
    remoteAddress: sa.remote.address,
    localAddress: sa.local.address,
    identity: sa.peerIdWire ?? { idType: 0, data: new Uint8Array(0) },
  });
  core.emitSelection(sa, selection.record);
  const describeOffer = (list: readonly WireSelector[] | undefined) => (list ?? []).map(describeWireSelector);
  if (!selection.tunnel || selection.verdict.outcome === 'refused') {
    const ours = tunnelSelectors(core.config, tunnel);
    return fail(
      NotifyType.TS_UNACCEPTABLE,
      'ts_unacceptable_local',
      `phase 2 (IPsec): the networks ${sa.remote.address} proposed are not acceptable for "${tunnel.name}" (${tunnel.responderPolicy} policy): ${selection.verdict.outcome === 'refused' ? selection.verdict.reason : selection.record.reason}`,
      {
        proposedTsi: describeOffer(tsiPayload?.selectors),
        proposedTsr: describeOffer(tsrPayload?.selectors),
        configuredLocal: ours.local.map((s) => describeWireSelector(toWireSelector(s))),
        configuredRemote: ours.remote.map((s) => describeWireSelector(toWireSelector(s))),
        policy: tunnel.responderPolicy,
        selection: selection.record.reason,
      },
    );
  }
  const childTunnel = selection.tunnel;
  const configured = espProposalsOf(childTunnel, !options.inIkeAuth);
  const match = matchProposals(offered, configured, {
    ...(options.inIkeAuth ? { ignoreDh: true } : {}),
    ...(options.keGroup !== undefined ? { preferredDhGroup: options.keGroup } : {}),
  });
  if (!match.ok) {
    return fail(
      NotifyType.NO_PROPOSAL_CHOSEN,
      'child_proposal_unacceptable',
      `phase 2 (IPsec) proposal mismatch with ${sa.remote.address} on "${childTunnel.name}": ${match.combination ? 'no single proposal pair agrees on all transforms' : `no common ${match.unmatchedTypes.join(', ')}`}`,
      { offered: offered.map(proposalText), configured: configured.map(proposalText), unmatchedTransformTypes: match.unmatchedTypes, combination: match.combination },
    );
  }
  const chosenGroup = options.inIkeAuth ? 0 : dhGroupOf(match.chosen);
  if (!options.inIkeAuth && chosenGroup !== 0 && chosenGroup !== options.keGroup) {
    return fail(
      NotifyType.INVALID_KE_PAYLOAD,
      'child_proposal_unacceptable',
      `CREATE_CHILD_SA from ${sa.remote.address}: PFS group ${chosenGroup} chosen but KE is for ${options.keGroup ?? 'no group'}`,
      { offered: offered.map(proposalText), configured: configured.map(proposalText), keGroup: options.keGroup ?? null, chosenGroup },
      Uint8Array.of(chosenGroup >> 8, chosenGroup & 0xff),
    );
  }
  const verdict = selection.verdict;
  const child: ChildSa = {
    id: options.childSaId,
    ikeSaId: sa.id,
    tunnel: childTunnel,
    state: 'installing',
    role: 'responder',
    spiIn: randomSpi32(core.entropy),
    spiOut: u32Of(match.chosen.spi),
    proposal: match.chosen,
    pfsGroup: chosenGroup,
    // As responder TSi is the peer's side.
    localTs: verdict.tsr.map(toWireSelector),
    remoteTs: verdict.tsi.map(toWireSelector),
    createdAt: core.now,
    nonces: [],
  };
  core.childSas.set(child.id, child);
  sa.children.add(child.id);
  const answer: Proposal = { ...match.chosen, protocol: ProtocolId.ESP, spi: u32Bytes(child.spiIn) };
  return {
    ok: true,
    child,
    payloads: [
      { type: PayloadType.SA, proposals: [answer] },
      { type: PayloadType.TSi, selectors: child.remoteTs },
      { type: PayloadType.TSr, selectors: child.localTs },
    ],
  };
}

/** Initiator side: checks the responder's SA/TS answer; undefined when it is not one we offered. */
export function acceptChildAnswer(child: ChildSa, payloads: readonly Payload[]): { proposal: Proposal; tsi: WireSelector[]; tsr: WireSelector[] } | undefined {
  const answer = findSa(payloads);
  const chosen = answer ? acceptsChosenProposal(child.offeredProposals ?? [], answer.proposals) : undefined;
  const tsi = findTs(payloads, 'i')?.selectors;
  const tsr = findTs(payloads, 'r')?.selectors;
  if (!chosen || chosen.spi.length !== 4 || !tsi || !tsr) return undefined;
  return { proposal: chosen, tsi: [...tsi], tsr: [...tsr] };
}
