/**
 * Seed 13.6.6 #1, "Could not find acceptable proposal / no proposal
 * chosen", and its flavours: no common DH group, PFS mismatch (seen at the
 * first CHILD_SA rekey: the first CHILD_SA of IKE_AUTH negotiates no DH),
 * a different preferred DH group (INVALID_KE_PAYLOAD round trip that then
 * succeeds: informational), and an IKEv1 peer.
 */
import type { ProposalProtocol } from '@tunnelscope/ike';
import type { FindingPhase, FixOption } from '../model/finding.ts';
import type { IndexedLog } from '../events/event-index.ts';
import {
  TRANSFORM_TYPE_WORDS,
  acceptableProposalFromOffer,
  dhGroupKeyword,
  dhGroupsOf,
  keywordsOf,
  parseProposalTexts,
  proposalWithGroup,
  unmatchedTransformTypes,
  type TransformTypeLabel,
} from '../proposals/proposal-analysis.ts';
import { field, groupBy, lifecycleTwins, numberField, quote, stringField, stringList } from './evidence-fields.ts';
import { addProposalFix, preferDhGroupFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

const RESPONDER_PROPOSAL_CONDITIONS = ['ike_proposal_unacceptable', 'child_proposal_unacceptable'] as const;
const NO_PROPOSAL_CONDITIONS = [...RESPONDER_PROPOSAL_CONDITIONS, 'no_proposal_chosen_received', 'response_proposal_invalid'] as const;

function phaseOf(log: IndexedLog): FindingPhase {
  return log.event.phase ?? 'ike';
}

function protocolOf(phase: FindingPhase): ProposalProtocol {
  return phase === 'ike' ? 'ike' : 'esp';
}

/** The peer's proposals as the evidence has them, or undefined ("unknown"). */
function peerProposalsOf(log: IndexedLog): string[] | undefined {
  const condition = log.event.condition ?? '';
  if ((RESPONDER_PROPOSAL_CONDITIONS as readonly string[]).includes(condition)) return stringList(field(log.event, 'offered'));
  if (condition === 'no_proposal_chosen_received') return stringList(field(log.event, 'peerProposals'));
  return undefined;
}

function unmatchedOf(log: IndexedLog): TransformTypeLabel[] | undefined {
  const list = stringList(field(log.event, 'unmatchedTransformTypes'));
  return list as TransformTypeLabel[] | undefined;
}

function ourProposals(ctx: RuleContext, tunnelName: string | null, phase: FindingPhase): string[] {
  const tunnel = ctx.tunnel(tunnelName);
  if (!tunnel) return [];
  return [...(phase === 'ike' ? tunnel.ikeProposals : tunnel.ipsecProposals)];
}

/** Our one PFS group, when every ESP proposal names the same one (kept on a proposal we add). */
function ourPfsGroup(ctx: RuleContext, tunnelName: string | null): string | undefined {
  const groups = dhGroupsOf(ourProposals(ctx, tunnelName, 'ipsec'), 'esp');
  return groups.length === 1 && groups[0] !== 'none' ? groups[0] : undefined;
}

function describeTypes(types: readonly TransformTypeLabel[]): string {
  return types.map((t) => `${t} (${TRANSFORM_TYPE_WORDS[t]})`).join(', ');
}

function citeWithTwins(ctx: RuleContext, logs: readonly IndexedLog[]): number[] {
  return logs.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
}

function listText(list: readonly string[]): string {
  return list.map((p) => p.replace(/^(IKE|ESP):/, '')).join(', ') || '(none)';
}

const PHASE_WORDS: Record<FindingPhase, string> = { ike: 'phase-1 (IKE)', ipsec: 'phase-2 (IPsec)' };

function seedPhaseAdvice(phase: FindingPhase): string {
  return phase === 'ike'
    ? 'At least one IKE proposal has to match for phase-1 to pass. The DH group is part of the IKE proposal. Lifetimes are not negotiated in IKEv2 (RFC 7296 §2.8), so unlike IKEv1 they do not cause this.'
    : 'At least one IPsec proposal has to match. What is extra in phase-2: the networks are negotiated here too, and the PFS group (a DH group in the IPsec proposal) must agree; even when the proposal lists seem to match, mismatching networks fail the CHILD_SA.';
}

// ---------------------------------------------------------------------------------

function draftNoProposal(ctx: RuleContext, group: IndexedLog[]): FindingDraft {
  const latest = group[group.length - 1]!;
  const phase = phaseOf(latest);
  const protocol = protocolOf(phase);
  const tunnelName = latest.tunnel;
  const tunnel = ctx.tunnel(tunnelName);
  const ours = ourProposals(ctx, tunnelName, phase);
  const cited = citeWithTwins(ctx, group);
  const base = { tunnel: tunnelName, peer: latest.peer, phase, evidenceEventIds: cited, explains: cited, occurrences: group.length };
  const listName = phase === 'ike' ? 'ikeProposals' : 'ipsecProposals';
  const configPaths = tunnel ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].${listName}`] : [];

  if (!tunnel && latest.event.condition === 'ike_proposal_unacceptable') {
    const reason = stringField(latest.event, 'selection') ?? 'no tunnel matched';
    return {
      ...base,
      side: 'either',
      score: 0.8,
      reasoning: ['we were the responder and no tunnel was selected for this peer, so no proposal list could match', `selection: ${reason}`],
      configPaths: [],
      explanation: `IKE_SA_INIT from ${latest.peer ?? 'the peer'} found no tunnel (${reason}), so no proposal could be chosen. Check that all IP addresses have been specified correctly (13.6.1): the tunnel meant for this peer must have ${latest.peer ?? 'its address'} (or none, for roaming peers) as remote endpoint and the address the request arrived on as local endpoint.`,
      fixSteps: [
        `Find the tunnel meant for ${latest.peer ?? 'this peer'} and check its remote endpoint and local endpoint.`,
        'If the peer is a roaming client, its tunnel needs remote endpoint none.',
      ],
      fixes: [],
      facts: { role: 'responder', selection: reason, offered: stringList(field(latest.event, 'offered')) ?? [] },
      resolvedBy: 'ike.sa.up',
    };
  }

  if (latest.event.condition === 'response_proposal_invalid') {
    return {
      ...base,
      side: 'remote',
      score: 0.6,
      reasoning: ['we were the initiator and the peer answered with a proposal or KE we did not offer'],
      configPaths,
      explanation: `${PHASE_WORDS[phase]}: ${latest.peer ?? 'the peer'} chose a proposal, transform or DH group that is not in our offer (${listText(ours)}). A correct peer only ever picks from what was offered (RFC 7296 §2.7); its implementation or a device in the path changed the exchange.`,
      fixSteps: ['Compare the peer\'s configured proposals with ours; look at its logs for the proposal it selected.', 'Capture with ike -snoop -full to see the answer as it arrived.'],
      fixes: [],
      facts: { role: 'initiator', ourProposals: ours, answered: stringList(field(latest.event, 'answered')) ?? [] },
      resolvedBy: phase === 'ike' ? 'ike.sa.up' : 'child.sa.up',
    };
  }

  const withOffer = [...group].reverse().find((log) => peerProposalsOf(log) !== undefined);
  const peerConfigured = tunnelName ? ctx.peerConfig[tunnelName]?.[listName] : undefined;
  const peerOffer = withOffer ? peerProposalsOf(withOffer) : peerConfigured ? [...peerConfigured] : undefined;
  const role = (RESPONDER_PROPOSAL_CONDITIONS as readonly string[]).includes(latest.event.condition ?? '') ? 'responder' : 'initiator';

  if (peerOffer === undefined) {
    return {
      ...base,
      side: 'either',
      score: 0.75,
      reasoning: [
        'the peer answered NO_PROPOSAL_CHOSEN to our offer',
        'we were the initiator and the peer has never initiated to us, so its proposals are unknown: the transform type that had no match cannot be named',
      ],
      configPaths,
      explanation: `${PHASE_WORDS[phase]} failed: ${latest.peer ?? 'the peer'} found none of our ${phase === 'ike' ? 'IKE' : 'IPsec'} proposals (${listText(ours)}) acceptable. Which transform type had no match is unknown from this side: we only see the peer's refusal. ${seedPhaseAdvice(phase)}`,
      fixSteps: [
        'Run ike -snoop -full and get the tunnel initiated from the remote side: its proposals then show, and diagnosis compares them with ours (guided wizard 13.6.4).',
        `Or ask the peer's administrator which proposals it allows and compare them with ours: ${listText(ours)}.`,
        phase === 'ike' ? 'Check the DH group on both sides: it is part of the IKE proposal.' : 'Check the PFS setting (DH group in the IPsec proposal) and the networks on both sides.',
      ],
      fixes: [],
      facts: { role, ourProposals: ours, peerProposals: 'unknown', unmatchedTransformTypes: 'unknown' },
      resolvedBy: phase === 'ike' ? 'ike.sa.up' : 'child.sa.up',
    };
  }

  const parsedOffer = parseProposalTexts(peerOffer, protocol);
  const unmatchedFromEvidence = withOffer ? unmatchedOf(withOffer) : undefined;
  const unmatched =
    unmatchedFromEvidence && unmatchedFromEvidence.length > 0
      ? unmatchedFromEvidence
      : unmatchedTransformTypes(parsedOffer, parseProposalTexts(ours, protocol), {
          // The first CHILD_SA (IKE_AUTH) negotiates no DH; a CREATE_CHILD_SA does.
          ignoreDh: phase === 'ipsec' && !group.some((log) => failedAtRekey(ctx, log) || childUpEarlierOnSameSa(ctx, log)),
        });
  const combination = withOffer ? field(withOffer.event, 'combination') === true : unmatched.length === 0;
  const addable = acceptableProposalFromOffer(parsedOffer, protocol, phase === 'ipsec' ? { ...(ourPfsGroup(ctx, tunnelName) ? { pfsGroup: ourPfsGroup(ctx, tunnelName)! } : {}) } : {});
  const fixes: FixOption[] = tunnelName && addable ? [addProposalFix(tunnelName, listName, addable)] : [];
  const whatDiffers =
    unmatched.length > 0
      ? `no common ${describeTypes(unmatched)}`
      : combination
        ? 'every transform type has a common algorithm, but no single offered proposal agrees with one of ours on all of them'
        : 'no proposal pair agrees';
  const source = withOffer ? (role === 'responder' ? 'the offer the peer sent us in this exchange' : 'the offer the peer sent when it last initiated to us') : 'the peer configuration you supplied';
  return {
    ...base,
    side: fixes.length > 0 ? 'local' : 'remote',
    score: withOffer ? 0.95 : 0.85,
    reasoning: [
      `the peer's proposals are known from ${source}`,
      `compared with our list: ${whatDiffers}`,
      fixes.length > 0 ? `"${addable}" is in the peer's offer and uses no algorithm RFC 8247 deprecates` : 'every proposal the peer offers needs an algorithm RFC 8247 deprecates or this engine lacks, so the fix belongs on the peer',
    ],
    configPaths,
    explanation: `${PHASE_WORDS[phase]} failed: the ${phase === 'ike' ? 'IKE' : 'IPsec'} proposal list does not match that of the remote side. The peer offers ${listText(peerOffer)}; "${tunnel?.name ?? '?'}" allows ${listText(ours)}: ${whatDiffers}. ${seedPhaseAdvice(phase)}`,
    fixSteps:
      fixes.length > 0
        ? [
            `Add "${addable}" to the ${phase === 'ike' ? 'IKE' : 'IPsec'} proposal list of "${tunnel?.name ?? '?'}" (machine fix below), or configure one of our proposals on the peer: ${listText(ours)}.`,
            'Then initiate the tunnel again and check that it comes up.',
          ]
        : [
            `Configure the peer with one of our proposals: ${listText(ours)}. Its own offer (${listText(peerOffer)}) needs algorithms RFC 8247 deprecates or this engine does not implement; we do not add those.`,
          ],
    fixes,
    facts: { role, ourProposals: ours, peerProposals: peerOffer, unmatchedTransformTypes: unmatched, combination, proposalToAdd: addable ?? null },
    resolvedBy: phase === 'ike' ? 'ike.sa.up' : 'child.sa.up',
  };
}

export const noProposalChosenRule: DiagnosisRule = {
  code: 'no_proposal_chosen',
  severity: 'error',
  basis: 'events',
  reads: { conditions: NO_PROPOSAL_CONDITIONS, config: ['tunnels[].ikeProposals', 'tunnels[].ipsecProposals'], peerConfig: true },
  when: 'a proposal negotiation failed (we refused the peer\'s offer, or the peer refused ours) and no more specific rule explained it',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(NO_PROPOSAL_CONDITIONS).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${phaseOf(log)}|${log.peer}|${log.tunnel === null ? 'none' : ''}`).values()].map((group) => draftNoProposal(ctx, group));
  },
};

// ---------------------------------------------------------------------------------

function onlyDhUnmatched(log: IndexedLog): boolean {
  const unmatched = unmatchedOf(log);
  return unmatched !== undefined && unmatched.length === 1 && unmatched[0] === 'DH';
}

export const noCommonDhGroupRule: DiagnosisRule = {
  code: 'no_common_dh_group',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['ike_proposal_unacceptable', 'no_proposal_chosen_received', 'ke_group_unacceptable'], config: ['tunnels[].ikeProposals'] },
  when: 'an IKE proposal failed on the DH group alone, or the peer asked (INVALID_KE_PAYLOAD) for a group we do not allow',
  evaluate(ctx) {
    const logs = ctx.index
      .logsWithCondition(['ike_proposal_unacceptable', 'no_proposal_chosen_received', 'ke_group_unacceptable'])
      .filter((log) => !ctx.isExplained(log.id) && phaseOf(log) === 'ike' && log.tunnel !== null)
      .filter((log) => log.event.condition === 'ke_group_unacceptable' || onlyDhUnmatched(log));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.tunnel;
      const ours = ourProposals(ctx, tunnelName, 'ike');
      const ourGroups = dhGroupsOf(ours, 'ike');
      const requested = numberField(latest.event, 'requestedGroup');
      const offered = peerProposalsOf(latest);
      const peerGroups =
        latest.event.condition === 'ke_group_unacceptable' && requested !== undefined
          ? [dhGroupKeyword(requested)]
          : [...new Set(parseProposalTexts(offered ?? [], 'ike').flatMap((p) => keywordsOf(p, 'DH')))];
      let addable: string | undefined;
      for (const candidate of peerGroups) {
        addable = ours[0] ? proposalWithGroup(ours[0], 'ike', candidate) : undefined;
        if (addable) break;
      }
      const fixes = tunnelName && addable ? [addProposalFix(tunnelName, 'ikeProposals', addable)] : [];
      const cited = citeWithTwins(ctx, group);
      return {
        tunnel: tunnelName,
        peer: latest.peer,
        phase: 'ike',
        side: fixes.length > 0 ? 'local' : 'remote',
        score: 0.93,
        reasoning: [
          latest.event.condition === 'ke_group_unacceptable'
            ? `the peer asked with INVALID_KE_PAYLOAD for group ${peerGroups.join(', ')}, which "${tunnelName}" does not allow`
            : 'the daemon compared the two proposal lists: only the DH transform type has no algorithm in common',
          fixes.length > 0 ? `${addable} is our first proposal with a group the peer allows; it uses nothing RFC 8247 deprecates` : `every group the peer allows (${peerGroups.join(', ') || 'unknown'}) is deprecated by RFC 8247 or not implemented here`,
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: [`tunnels[${ctx.tunnelIndex(tunnelName)}].ikeProposals`],
        explanation: `Phase-1 (IKE) failed on the DH group: the peer allows ${peerGroups.join(', ') || 'other groups'}, "${tunnelName}" allows ${ourGroups.join(', ')}. Everything else in the proposals could agree; the DH group setting (seed 13.6.6 #1: "DH Group (for the IKE phase)") does not.`,
        fixSteps:
          fixes.length > 0
            ? [`Add "${addable}" to the IKE proposals of "${tunnelName}" (machine fix below), or configure one of ${ourGroups.join(', ')} on the peer.`]
            : [`Configure the peer to allow one of ${ourGroups.join(', ')}; its groups are ones we do not add (RFC 8247).`],
        fixes,
        facts: { ourGroups, peerGroups, proposalToAdd: addable ?? null },
        resolvedBy: 'ike.sa.up',
      };
    });
  },
};

// ---------------------------------------------------------------------------------

/** A CHILD_SA of the same IKE SA came up before this failure (the IKE_AUTH one: same ESP lists, no DH). */
function childUpEarlierOnSameSa(ctx: RuleContext, log: IndexedLog): boolean {
  return ctx.index.ofType('child.sa.up').some((up) => up.ikeSaId === log.ikeSaId && up.id < log.id && up.tunnel === log.tunnel);
}

function failedAtRekey(ctx: RuleContext, log: IndexedLog): boolean {
  return ctx.index.entries.some(
    (entry) => entry.event.type === 'child.rekey.started' && entry.ikeSaId === log.ikeSaId && entry.id < log.id && log.time - entry.time <= 60_000,
  );
}

function isPfsMismatch(ctx: RuleContext, log: IndexedLog): boolean {
  if (phaseOf(log) !== 'ipsec') return false;
  if (log.event.condition === 'child_proposal_unacceptable') return onlyDhUnmatched(log);
  if (log.event.condition !== 'no_proposal_chosen_received') return false;
  const unmatched = field(log.event, 'unmatchedTransformTypes');
  // Initiator: the peer refused our CREATE_CHILD_SA although the same ESP list (without DH) was accepted in IKE_AUTH.
  const comparedEmpty = Array.isArray(unmatched) && unmatched.length === 0;
  return (comparedEmpty || unmatched === 'unknown') && childUpEarlierOnSameSa(ctx, log);
}

export const pfsMismatchRule: DiagnosisRule = {
  code: 'pfs_mismatch',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['child_proposal_unacceptable', 'no_proposal_chosen_received'], eventTypes: ['child.sa.up', 'child.rekey.started', 'child.rekey.failed'], config: ['tunnels[].ipsecProposals'] },
  when: 'a CREATE_CHILD_SA (usually the first CHILD_SA rekey) fails on the DH transform only, after the IKE_AUTH CHILD_SA with the same ESP lists came up',
  evaluate(ctx) {
    const logs = ctx.index
      .logsWithCondition(['child_proposal_unacceptable', 'no_proposal_chosen_received'])
      .filter((log) => !ctx.isExplained(log.id) && log.tunnel !== null && isPfsMismatch(ctx, log));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.tunnel;
      const ours = ourProposals(ctx, tunnelName, 'ipsec');
      const ourGroups = dhGroupsOf(ours, 'esp');
      const responderView = [...group].reverse().find((log) => log.event.condition === 'child_proposal_unacceptable');
      const peerGroups = responderView ? [...new Set(parseProposalTexts(peerProposalsOf(responderView) ?? [], 'esp').flatMap((p) => keywordsOf(p, 'DH')))] : undefined;
      const weHavePfs = ourGroups.some((g) => g !== 'none');
      const peerGroup = peerGroups?.find((g) => g !== 'none');
      let fixes: FixOption[] = [];
      let addable: string | undefined;
      if (peerGroup && ours[0]) {
        addable = proposalWithGroup(ours[0], 'esp', peerGroup);
        if (addable && tunnelName) fixes = [addProposalFix(tunnelName, 'ipsecProposals', addable)];
      }
      const atRekey = group.some((log) => failedAtRekey(ctx, log));
      const peerWords =
        peerGroups === undefined
          ? weHavePfs
            ? `the peer has PFS off or another group than ${ourGroups.join(', ')}`
            : 'the peer requires PFS (a DH group in its IPsec proposal) and we offer none'
          : `the peer offers PFS ${peerGroups.join(', ')}, "${tunnelName}" allows ${ourGroups.join(', ')}`;
      const cited = citeWithTwins(ctx, group);
      const side = fixes.length > 0 ? 'local' : peerGroups !== undefined && peerGroups.every((g) => g === 'none') && weHavePfs ? 'remote' : 'either';
      return {
        tunnel: tunnelName,
        peer: latest.peer,
        phase: 'ipsec',
        side,
        score: responderView ? 0.95 : 0.85,
        reasoning: [
          'the first CHILD_SA (IKE_AUTH, where no DH is negotiated) came up with these IPsec proposals',
          atRekey ? 'the failure came with a CHILD_SA rekey (CREATE_CHILD_SA), where the PFS group is part of the proposal' : 'the failure came with a CREATE_CHILD_SA, where the PFS group is part of the proposal',
          responderView ? 'we were the responder: the daemon found only the DH transform without a common algorithm' : 'we were the initiator: the peer refused the same list it accepted before, apart from the DH group',
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: [`tunnels[${ctx.tunnelIndex(tunnelName)}].ipsecProposals`],
        explanation: `PFS mismatch (seed 13.6.6 #1: "PFS (for IPsec phase)"): ${peerWords}. The first CHILD_SA comes up in IKE_AUTH, which negotiates no DH, so the mismatch only shows when the CHILD_SA is rekeyed (or a second one is created): the rekey fails with NO_PROPOSAL_CHOSEN and the tunnel drops when the old CHILD_SA's lifetime ends.`,
        fixSteps: [
          ...(fixes.length > 0 ? [`Add "${addable}" to the IPsec proposals of "${tunnelName}" (machine fix below) so the peer's PFS group is accepted.`] : []),
          weHavePfs
            ? `Or set PFS to ${ourGroups.filter((g) => g !== 'none').join(', ')} on the peer (a DH group in its IPsec/ESP proposal).`
            : 'Or agree with the peer on one PFS setting: both with the same DH group in the IPsec proposal, or both without.',
          'Then rekey the CHILD_SA (or wait for its rekey) and check that it succeeds.',
        ],
        fixes,
        facts: { ourPfsGroups: ourGroups, peerPfsGroups: peerGroups ?? 'unknown', atRekey, proposalToAdd: addable ?? null },
        resolvedBy: 'child.sa.rekeyed',
      };
    });
  },
};

// ---------------------------------------------------------------------------------

/** The daemon's CREATE_CHILD_SA (PFS) retry carries no group fields; its IKE_SA_INIT ones do. */
function isPfsRetry(log: IndexedLog): boolean {
  return ['sentGroup', 'requestedGroup', 'receivedGroup', 'chosenGroup'].every((key) => numberField(log.event, key) === undefined);
}

export const dhGroupPreferenceRule: DiagnosisRule = {
  code: 'dh_group_preference',
  severity: 'info',
  basis: 'events',
  reads: { infoCodes: ['invalid_ke_retry', 'invalid_ke_requested'], eventTypes: ['ike.sa.up', 'child.sa.up', 'child.sa.rekeyed'] },
  when: 'an INVALID_KE_PAYLOAD round trip happened and the negotiation then succeeded',
  evaluate(ctx) {
    const events = ctx.index.logsWithCode(['invalid_ke_retry', 'invalid_ke_requested']).filter((log) => log.tunnel !== null && !ctx.isExplained(log.id));
    const succeeded = events.filter((log) => {
      const successTypes = isPfsRetry(log) ? ['child.sa.up', 'child.sa.rekeyed'] : ['ike.sa.up'];
      return ctx.index.entries.some(
        (entry) =>
          successTypes.includes(entry.event.type) &&
          entry.id > log.id &&
          entry.time - log.time <= 60_000 &&
          (log.event.code === 'invalid_ke_retry' ? entry.ikeSaId === log.ikeSaId : entry.peer === log.peer || entry.tunnel === log.tunnel),
      );
    });
    return [...groupBy(succeeded, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.tunnel;
      const pfs = isPfsRetry(latest);
      const asInitiator = latest.event.code === 'invalid_ke_retry';
      const sent = numberField(latest.event, asInitiator ? 'sentGroup' : 'receivedGroup');
      const wanted = numberField(latest.event, asInitiator ? 'requestedGroup' : 'chosenGroup');
      const sentName = sent !== undefined ? dhGroupKeyword(sent) : 'our first group';
      const wantedName = wanted !== undefined ? dhGroupKeyword(wanted) : 'another group';
      const fixes = asInitiator && !pfs && tunnelName && wanted !== undefined ? [preferDhGroupFix(tunnelName, wantedName)] : [];
      return {
        tunnel: tunnelName,
        peer: latest.peer,
        phase: pfs ? 'ipsec' : 'ike',
        side: asInitiator ? 'local' : 'remote',
        score: 0.9,
        reasoning: ['INVALID_KE_PAYLOAD named the group the responder wants', 'the negotiation succeeded right after, with that group'],
        evidenceEventIds: group.map((log) => log.id),
        explains: group.map((log) => log.id),
        occurrences: group.length,
        configPaths: tunnelName ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].${pfs ? 'ipsecProposals' : 'ikeProposals'}`] : [],
        explanation: asInitiator
          ? `Both sides share a DH group, but the peer prefers ${wantedName} while we send our key exchange for ${sentName} first: each ${pfs ? 'CREATE_CHILD_SA with PFS' : 'IKE_SA_INIT'} costs one extra round trip (INVALID_KE_PAYLOAD, RFC 7296 §1.2/§1.3). Nothing fails.`
          : `The peer sends its key exchange for ${sentName}, but "${tunnelName}" chose ${wantedName}: we answer INVALID_KE_PAYLOAD and the peer retries (one extra round trip, RFC 7296 §1.3). Nothing fails.`,
        fixSteps: asInitiator
          ? fixes.length > 0
            ? [`Optional: offer ${wantedName} first (machine fix below) to save the round trip.`]
            : ['Optional: offer the peer\'s preferred group first.']
          : [`Optional: have the peer offer ${wantedName} first.`],
        fixes,
        facts: { sentGroup: sent ?? null, preferredGroup: wanted ?? null, role: asInitiator ? 'initiator' : 'responder', pfs },
      };
    });
  },
};

// ---------------------------------------------------------------------------------

export const ikeVersionMismatchRule: DiagnosisRule = {
  code: 'ike_version_mismatch',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['ikev1_packet', 'invalid_major_version_received'], config: ['tunnels[].ikeVersion'] },
  when: 'the peer sent IKEv1 packets, or answered INVALID_MAJOR_VERSION',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(['ikev1_packet', 'invalid_major_version_received']).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const ikev1 = group.some((log) => log.event.condition === 'ikev1_packet');
      const ids = group.map((log) => log.id);
      return {
        tunnel: latest.tunnel,
        peer: latest.peer,
        phase: 'ike',
        side: 'remote',
        score: ikev1 ? 0.9 : 0.8,
        reasoning: [ikev1 ? 'the datagrams carry IKE major version 1' : 'the peer answered INVALID_MAJOR_VERSION'],
        evidenceEventIds: ids,
        explains: ids,
        occurrences: group.length,
        configPaths: latest.tunnel ? [`tunnels[${ctx.tunnelIndex(latest.tunnel)}].ikeVersion`] : [],
        explanation: `${latest.peer ?? 'The peer'} ${ikev1 ? 'speaks IKEv1 (Main or Aggressive mode)' : 'does not speak IKEv2'}; ${quote(latest.tunnel)} negotiates IKEv2. The seed lists the mode (Main or Aggressive) among the tunnel settings behind "no proposal chosen": the two sides do not even share a protocol version.`,
        fixSteps: ['Configure the peer\'s tunnel for IKEv2.', 'This build negotiates IKEv2 only; an IKEv1 peer cannot be served.'],
        fixes: [],
        facts: { ikev1 },
      };
    });
  },
};

