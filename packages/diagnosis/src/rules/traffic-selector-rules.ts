/**
 * Networks that do not agree (phase-2 of seed 13.6.6 #1: "The Local
 * Network(s) on your side needs to be the Remote Network on the other side
 * and vice versa") and the seed's symptom 13.6.7, "The tunnel can only be
 * initiated from one side": a strict responder refuses a proposed network
 * larger than its own, while a smaller one is accepted, so the side with
 * the smaller definition can initiate and the other cannot.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import type { FixOption } from '../model/finding.ts';
import type { IndexedLog } from '../events/event-index.ts';
import { describeRange, isAllNets, parseRange, rangeContains, rangesOverlap, rangeToCidr, sameRangeSet, type IpRange } from '../net/ip-networks.ts';
import { describeRanges, resolveReferences } from '../net/tunnel-networks.ts';
import { field, groupBy, lifecycleTwins, stringList } from './evidence-fields.ts';
import { responderPolicyFix, setNetworksFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

/** "a.b.c.d-e.f.g.h[6/0-65535]" as the daemon describes a selector: the address part. */
export function selectorRange(text: string): IpRange | undefined {
  return parseRange(text.split('[')[0] ?? text);
}

export type NetworkRelation = 'equal' | 'smaller' | 'larger' | 'partial' | 'disjoint';

/** How proposed networks relate to configured ones. */
export function relateNetworks(proposed: readonly IpRange[], configured: readonly IpRange[]): NetworkRelation {
  if (proposed.length === 0 || configured.length === 0) return 'disjoint';
  if (sameRangeSet(proposed, configured)) return 'equal';
  if (proposed.every((p) => configured.some((c) => rangeContains(c, p)))) return 'smaller';
  if (configured.every((c) => proposed.some((p) => rangeContains(p, c)))) return 'larger';
  if (proposed.some((p) => configured.some((c) => rangesOverlap(p, c)))) return 'partial';
  return 'disjoint';
}

interface SideComparison {
  /** Whose network: ours (TSr as responder) or the peer's (TSi as responder). */
  readonly field: 'localNetworks' | 'remoteNetworks';
  readonly proposed: readonly IpRange[];
  readonly configured: readonly IpRange[];
  readonly relation: NetworkRelation;
}

function compareAsResponder(log: IndexedLog): SideComparison[] | undefined {
  const ranges = (key: string): IpRange[] | undefined => {
    const list = stringList(field(log.event, key));
    if (!list) return undefined;
    return list.flatMap((text) => selectorRange(text) ?? []);
  };
  const tsi = ranges('proposedTsi');
  const tsr = ranges('proposedTsr');
  const local = ranges('configuredLocal');
  const remote = ranges('configuredRemote');
  if (!tsi || !tsr || !local || !remote) return undefined;
  // As responder, TSi is the initiator's (the peer's) side = our remote network; TSr is ours.
  return [
    { field: 'localNetworks', proposed: tsr, configured: local, relation: relateNetworks(tsr, local) },
    { field: 'remoteNetworks', proposed: tsi, configured: remote, relation: relateNetworks(tsi, remote) },
  ];
}

/** A network we may put into the config as a fix: an exact CIDR, never all-nets. */
function networkFixValue(ranges: readonly IpRange[]): string[] | undefined {
  if (ranges.length === 0 || ranges.some(isAllNets)) return undefined;
  const cidrs = ranges.map(rangeToCidr);
  return cidrs.every((c): c is string => c !== undefined) ? cidrs : undefined;
}

const WHOSE: Record<SideComparison['field'], { ours: string; theirs: string }> = {
  localNetworks: { ours: 'our local network', theirs: "the peer's remote network" },
  remoteNetworks: { ours: 'our remote network', theirs: "the peer's local network" },
};

function oneSidedDraftAsResponder(ctx: RuleContext, group: IndexedLog[], comparisons: SideComparison[], tunnel: TunnelConfig | undefined): FindingDraft {
  const latest = group[group.length - 1]!;
  const tunnelName = latest.tunnel;
  const larger = comparisons.filter((c) => c.relation === 'larger');
  const fixes: FixOption[] = [];
  if (tunnelName) {
    for (const comparison of larger) {
      const value = networkFixValue(comparison.proposed);
      if (value) fixes.push(setNetworksFix(tunnelName, comparison.field, value, `the same size as ${WHOSE[comparison.field].theirs}`));
    }
    if (tunnel?.responderPolicy === 'strict') fixes.push(responderPolicyFix(tunnelName, 'narrow'));
  }
  const named = larger.map((c) => `${WHOSE[c.field].theirs} ${describeRanges(c.proposed)} is larger than ${WHOSE[c.field].ours} ${describeRanges(c.configured)}`).join('; ');
  const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
  const policy = tunnel?.responderPolicy ?? 'strict';
  return {
    tunnel: tunnelName,
    peer: latest.peer,
    phase: 'ipsec',
    side: fixes.length > 0 ? 'local' : 'remote',
    score: 0.93,
    reasoning: [
      `we were the responder and refused the networks ${latest.peer ?? 'the peer'} proposed (TS_UNACCEPTABLE) under the ${policy} policy`,
      `${named}`,
      'a proposal inside our networks would have been accepted: initiating from our side works, from the peer\'s side it does not',
    ],
    evidenceEventIds: cited,
    explains: cited,
    occurrences: group.length,
    configPaths: tunnel ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].localNetworks`, `tunnels[${ctx.tunnelIndex(tunnelName)}].remoteNetworks`, `tunnels[${ctx.tunnelIndex(tunnelName)}].responderPolicy`] : [],
    explanation: `The tunnel can only be initiated from one side: ${named}. When the peer initiates, we reject it because the network is bigger than what is defined here; when we initiate, our smaller network is inside the peer's and is accepted (a smaller network is considered more secure). The defined network size must be exactly the same on both sides.`,
    fixSteps: [
      `Best: on the peer, set ${larger.map((c) => `${WHOSE[c.field].theirs} to ${describeRanges(c.configured)}`).join(' and ')}, so both sides define the same size.`,
      ...(fixes.length > 0 ? ['Or apply one of the machine fixes below on our side: define the same network size here (never all-nets), or narrow larger proposals instead of refusing them.'] : []),
      'Then initiate from the peer\'s side and check that the CHILD_SA comes up.',
    ],
    fixes,
    facts: {
      role: 'responder',
      policy,
      comparisons: comparisons.map((c) => ({ field: c.field, proposed: c.proposed.map(describeRange), configured: c.configured.map(describeRange), relation: c.relation })),
    },
  };
}

function mismatchDraftAsResponder(ctx: RuleContext, group: IndexedLog[], comparisons: SideComparison[]): FindingDraft {
  const latest = group[group.length - 1]!;
  const tunnelName = latest.tunnel;
  const off = comparisons.filter((c) => c.relation === 'disjoint' || c.relation === 'partial');
  const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
  const named = off.map((c) => `${WHOSE[c.field].theirs} is ${describeRanges(c.proposed)}, ${WHOSE[c.field].ours} is ${describeRanges(c.configured)} (${c.relation === 'disjoint' ? 'no overlap' : 'partly overlapping'})`).join('; ');
  return {
    tunnel: tunnelName,
    peer: latest.peer,
    phase: 'ipsec',
    side: 'either',
    score: 0.88,
    reasoning: [`we were the responder and refused the proposed networks: ${named}`],
    evidenceEventIds: cited,
    explains: cited,
    occurrences: group.length,
    configPaths: tunnelName ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].localNetworks`, `tunnels[${ctx.tunnelIndex(tunnelName)}].remoteNetworks`] : [],
    explanation: `Phase-2 (IPsec) failed on the networks, not the proposals: ${named}. The Local Network(s) on one side need to be the Remote Network on the other side and vice versa; remember that multiple networks generate multiple IPsec SAs.`,
    fixSteps: ['Decide which side has the intended networks, and make the other side\'s local network equal this side\'s remote network (and vice versa).'],
    fixes: [],
    facts: { role: 'responder', comparisons: comparisons.map((c) => ({ field: c.field, proposed: c.proposed.map(describeRange), configured: c.configured.map(describeRange), relation: c.relation })) },
    discriminator: 'mismatch',
  };
}

/** As initiator: the peer refused our selectors. What do we know of its networks? */
function draftAsInitiator(ctx: RuleContext, group: IndexedLog[]): FindingDraft {
  const latest = group[group.length - 1]!;
  const tunnelName = latest.tunnel;
  const tunnel = ctx.tunnel(tunnelName);
  const ourLocal = tunnel ? resolveReferences(tunnel.localNetworks, ctx.book) : [];
  const ourRemote = tunnel ? resolveReferences(tunnel.remoteNetworks, ctx.book) : [];
  const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
  // The peer's own definition, from a CHILD_SA it initiated (it proposed its networks, we accepted them) or its config.
  const installed = ctx.saState?.childSas.find((c) => c.tunnel === tunnelName && c.state === 'installed');
  const peer = tunnelName ? ctx.peerConfig[tunnelName] : undefined;
  const peerLocal = peer?.localNetworks ? resolveReferences(peer.localNetworks, ctx.book) : installed ? installed.remoteTs.flatMap((t) => selectorRange(t) ?? []) : undefined;
  const peerRemote = peer?.remoteNetworks ? resolveReferences(peer.remoteNetworks, ctx.book) : installed ? installed.localTs.flatMap((t) => selectorRange(t) ?? []) : undefined;
  const source = peer?.localNetworks ? 'the peer configuration you supplied' : installed ? `the installed CHILD_SA ${installed.id}` : undefined;
  const base = {
    tunnel: tunnelName,
    peer: latest.peer,
    phase: 'ipsec' as const,
    evidenceEventIds: cited,
    explains: cited,
    occurrences: group.length,
    configPaths: tunnel ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].localNetworks`, `tunnels[${ctx.tunnelIndex(tunnelName)}].remoteNetworks`] : [],
  };
  if (peerLocal && peerRemote && tunnelName) {
    const comparisons: SideComparison[] = [
      // What we propose vs what the peer defines: our remote vs its local, our local vs its remote.
      { field: 'remoteNetworks', proposed: ourRemote, configured: peerLocal, relation: relateNetworks(ourRemote, peerLocal) },
      { field: 'localNetworks', proposed: ourLocal, configured: peerRemote, relation: relateNetworks(ourLocal, peerRemote) },
    ];
    const larger = comparisons.filter((c) => c.relation === 'larger');
    if (larger.length > 0) {
      const fixes = larger.flatMap((c) => {
        const value = networkFixValue(c.configured);
        return value ? [setNetworksFix(tunnelName, c.field, value, `the same size as ${WHOSE[c.field].theirs}`)] : [];
      });
      const named = larger.map((c) => `${WHOSE[c.field].ours} ${describeRanges(c.proposed)} is larger than ${WHOSE[c.field].theirs} ${describeRanges(c.configured)}`).join('; ');
      return {
        ...base,
        side: fixes.length > 0 ? 'local' : 'either',
        score: 0.9,
        reasoning: ['the peer refused our networks (TS_UNACCEPTABLE)', `the peer's networks are known from ${source}`, named],
        explanation: `The tunnel can only be initiated from one side: ${named}. Our proposal is bigger than what the peer defines, so the peer rejects it; the peer's own (smaller) proposal is accepted here, so it can initiate and we cannot. The defined network size must be exactly the same on both sides.`,
        fixSteps: [...fixes.map((f) => `${f.summary} (machine fix below).`), 'Or make the peer\'s networks as large as ours. Then initiate from our side again.'],
        fixes,
        facts: { role: 'initiator', source, comparisons: comparisons.map((c) => ({ field: c.field, ours: c.proposed.map(describeRange), peers: c.configured.map(describeRange), relation: c.relation })) },
      };
    }
  }
  return {
    ...base,
    side: 'either',
    score: 0.6,
    reasoning: [
      'the peer refused the networks we proposed (TS_UNACCEPTABLE)',
      'we were the initiator and the peer\'s networks are unknown: larger-than-the-peer (13.6.7) and plain mismatching networks look the same from here',
    ],
    explanation: `The peer rejected our networks (local ${describeRanges(ourLocal)}, remote ${describeRanges(ourRemote)}). Most often this is 13.6.7: our definition is larger than the peer's, so only the peer can initiate the tunnel; or the networks do not match at all (the Local Network on one side must be the Remote Network on the other).`,
    fixSteps: [
      'Initiate the tunnel from the peer\'s side: if that works, our networks are larger than the peer\'s (13.6.7), and diagnosis can then compare the networks it proposed.',
      'Or compare the networks with the peer\'s administrator (or supply the peer\'s config to diagnosis).',
    ],
    fixes: [],
    facts: { role: 'initiator', ourLocal: ourLocal.map(describeRange), ourRemote: ourRemote.map(describeRange), peerNetworks: 'unknown' },
  };
}

export const oneSidedInitiationRule: DiagnosisRule = {
  code: 'one_sided_initiation',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['ts_unacceptable_local', 'ts_unacceptable_received'], config: ['tunnels[].localNetworks', 'tunnels[].remoteNetworks', 'tunnels[].responderPolicy'], saState: true, peerConfig: true },
  when: 'proposed networks were refused (TS_UNACCEPTABLE) because one side defines a larger network than the other',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(['ts_unacceptable_local', 'ts_unacceptable_received']).filter((log) => !ctx.isExplained(log.id));
    const drafts: FindingDraft[] = [];
    for (const group of groupBy(logs, (log) => `${log.tunnel}|${log.peer}|${log.event.condition}`).values()) {
      const latest = group[group.length - 1]!;
      if (latest.event.condition === 'ts_unacceptable_received') {
        const draft = draftAsInitiator(ctx, group);
        drafts.push(draft);
        continue;
      }
      const comparisons = compareAsResponder(latest);
      if (!comparisons) continue;
      const off = comparisons.some((c) => c.relation === 'disjoint' || c.relation === 'partial');
      if (!off && comparisons.some((c) => c.relation === 'larger')) drafts.push(oneSidedDraftAsResponder(ctx, group, comparisons, ctx.tunnel(latest.tunnel)));
    }
    return drafts;
  },
};

export const networkMismatchRule: DiagnosisRule = {
  code: 'network_mismatch',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['ts_unacceptable_local'], config: ['tunnels[].localNetworks', 'tunnels[].remoteNetworks'] },
  when: 'proposed networks were refused and do not overlap (or only partly overlap) ours',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(['ts_unacceptable_local']).filter((log) => !ctx.isExplained(log.id));
    const drafts: FindingDraft[] = [];
    for (const group of groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()) {
      const comparisons = compareAsResponder(group[group.length - 1]!);
      if (comparisons && comparisons.some((c) => c.relation === 'disjoint' || c.relation === 'partial')) drafts.push(mismatchDraftAsResponder(ctx, group, comparisons));
    }
    return drafts;
  },
};
