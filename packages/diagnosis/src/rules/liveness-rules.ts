/**
 * SAs that exist on one side only (seed 13.6.6 #3 "Ike_invalid_payload,
 * Ike_invalid_cookie"), messages that do not decode or fail their integrity
 * check (#4 "Payload_Malformed"), and a peer that does not answer.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import type { FindingPhase } from '../model/finding.ts';
import type { IndexedLog } from '../events/event-index.ts';
import { groupBy, lifecycleTwins, numberField, quote, stringField } from './evidence-fields.ts';
import { enableDpdFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

function liveness(tunnel: TunnelConfig | undefined): string {
  if (!tunnel) return 'no tunnel could be named, so our DPD and keep-alive settings are unknown';
  const dpd = tunnel.dpd.enabled ? `DPD is on here (every ${tunnel.dpd.intervalSeconds} s, dead after ${tunnel.dpd.timeoutSeconds} s)` : 'DPD is OFF here';
  const keepAlive = tunnel.keepAlive.enabled ? 'keep-alive is on' : 'keep-alive is off';
  return `${dpd}; ${keepAlive}`;
}

const ONE_SIDED_CONDITIONS = ['unknown_ike_sa', 'invalid_ike_spi_received', 'unknown_child_sa'] as const;

function isNegotiationExchange(exchange: string | undefined): boolean {
  return exchange === 'IKE_AUTH' || exchange === 'IKE_SA_INIT';
}

export const tunnelUpOneSideRule: DiagnosisRule = {
  code: 'tunnel_up_one_side',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ONE_SIDED_CONDITIONS, eventTypes: ['ike.sa.down', 'ike.datagram.dropped'], config: ['tunnels[].dpd', 'tunnels[].keepAlive'] },
  when: 'a message arrived for an IKE SA or CHILD_SA we do not have, or the peer answered INVALID_IKE_SPI / INVALID_SPI',
  evaluate(ctx) {
    // An IKE_AUTH (or IKE_SA_INIT) for an unknown SA is a negotiation we gave up, not a tunnel up on one side.
    const logs = ctx.index
      .logsWithCondition(ONE_SIDED_CONDITIONS)
      .filter((log) => !ctx.isExplained(log.id) && !(log.event.condition === 'unknown_ike_sa' && isNegotiationExchange(stringField(log.event, 'exchange'))));
    const family = (log: IndexedLog): string => (log.event.condition === 'unknown_child_sa' ? 'child' : log.event.condition === 'unknown_ike_sa' ? 'ours-gone' : 'peers-gone');
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}|${family(log)}`).values()].map((group): FindingDraft => draftOneSided(ctx, group, family(group[0]!)));
  },
};

function draftOneSided(ctx: RuleContext, group: IndexedLog[], family: string): FindingDraft {
  const latest = group[group.length - 1]!;
  const tunnelName = latest.tunnel;
  const tunnel = ctx.tunnel(tunnelName);
  const phase: FindingPhase = family === 'child' ? 'ipsec' : 'ike';
  const peer = latest.peer ?? 'the peer';
  const before = ctx.index.ofType('ike.sa.down').filter((down) => down.id < group[0]!.id && (down.peer === latest.peer || down.tunnel === tunnelName)).at(-1);
  const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
  const droppedUnknown = ctx.index.ofType('ike.datagram.dropped').filter((d) => d.event.reason === 'unknown_spi' && d.peer === latest.peer && group.some((log) => log.event.evidence.datagramIds.includes(d.event.datagramId ?? -1)));
  const seedCause = 'It could be that DPD and/or Keep-Alive is only used on one side; another possible cause is that a side received a DELETE but did not remove the tunnel, or restarted and lost its state.';
  const dpdOff = tunnel !== undefined && !tunnel.dpd.enabled;
  const base = {
    tunnel: tunnelName,
    peer: latest.peer,
    phase,
    evidenceEventIds: [...cited, ...droppedUnknown.map((d) => d.id), ...(before ? [before.id] : [])],
    explains: cited,
    occurrences: group.length,
    configPaths: tunnel ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].dpd`, `tunnels[${ctx.tunnelIndex(tunnelName)}].keepAlive`] : [],
  };
  if (family === 'ours-gone') {
    return {
      ...base,
      side: 'remote',
      score: 0.85,
      reasoning: [
        `${peer} sent ${group.length} message(s) for an IKE SA we do not have: the tunnel is up on its side only`,
        before ? `our IKE SA with it went down before (${before.event.reason})` : 'no earlier IKE SA with this peer went down in the events: we may have restarted and lost it',
        liveness(tunnel),
      ],
      explanation: `Ike_invalid_cookie: the IPsec engine received an IKE packet from ${peer} but could not match it against an existing IKE SA. The tunnel is only established on the peer's side: it still sees it as up and sends through it, we drop what arrives (and answer INVALID_IKE_SPI). ${seedCause} Here: ${liveness(tunnel)}.`,
      fixSteps: [
        `Remove the tunnel on ${peer}, the side that believes it is still up (it should do so itself on our INVALID_IKE_SPI), then initiate again.`,
        tunnel?.dpd.enabled ? 'Check that the peer runs DPD (or keep-alive) too: ours is on.' : 'Enable DPD on both sides (machine fix below for ours).',
        before ? `Find out why our side removed it (${before.event.reason}) without the peer noticing: was the DELETE lost?` : 'Find out why our side lost the tunnel (restart?).',
      ],
      fixes: dpdOff && tunnelName ? [enableDpdFix(tunnelName)] : [],
      facts: { upOn: 'peer', dpdEnabledHere: tunnel?.dpd.enabled ?? null, keepAliveEnabledHere: tunnel?.keepAlive.enabled ?? null, previousDownReason: before?.event.reason ?? null },
      discriminator: 'ours-gone',
    };
  }
  if (family === 'peers-gone') {
    return {
      ...base,
      side: dpdOff ? 'local' : 'either',
      score: 0.9,
      reasoning: [
        `${peer} answered INVALID_IKE_SPI: it no longer has the IKE SA we still considered up`,
        dpdOff ? 'DPD is off on our side, so nothing here noticed the peer had dropped it' : 'DPD is on here; the peer dropped the SA between two checks, or without sending DELETE',
      ],
      explanation: `Ike_invalid_cookie: the tunnel was established on our side only. ${peer} no longer knows the IKE SA (restart, or deleted without a DELETE reaching us); our next request met INVALID_IKE_SPI and we removed it here too. ${seedCause} Here: ${liveness(tunnel)}.`,
      fixSteps: [
        'Initiate the tunnel again (our side already removed the stale SA).',
        dpdOff ? 'Enable DPD on this tunnel (machine fix below) so a tunnel gone on the peer\'s side is noticed within seconds.' : 'Check why the peer dropped the SA (restart, deleted without DELETE); make sure it also runs DPD.',
      ],
      fixes: dpdOff && tunnelName ? [enableDpdFix(tunnelName)] : [],
      facts: { upOn: 'us', dpdEnabledHere: tunnel?.dpd.enabled ?? null, keepAliveEnabledHere: tunnel?.keepAlive.enabled ?? null },
      discriminator: 'peers-gone',
    };
  }
  return {
    ...base,
    side: 'either',
    score: 0.75,
    reasoning: [`a CHILD_SA referred to in an exchange with ${peer} exists on one side only`, liveness(tunnel)],
    explanation: `Ike_invalid_payload: the exchange refers to a CHILD_SA (SPI) one side does not have: the IPsec SA is up on one side only. ${seedCause}`,
    fixSteps: ['Delete the CHILD_SA on the side that still has it, or rekey the IKE SA; then check both sides list the same SAs.', dpdOff ? 'Enable DPD on this tunnel (machine fix below).' : 'Check DPD on the peer too.'],
    fixes: dpdOff && tunnelName ? [enableDpdFix(tunnelName)] : [],
    facts: { upOn: 'one side', childSa: latest.event.childSaId ?? null },
    discriminator: 'child',
  };
}

// ---------------------------------------------------------------------------------

const MALFORMED_CONDITIONS = ['sk_integrity_failed', 'undecodable_message', 'invalid_syntax_received', 'payload_not_allowed', 'unsupported_critical_payload'] as const;
const TIMEOUT_CONDITIONS = ['half_open_timeout', 'retransmits_exhausted', 'fragments_incomplete'] as const;

export const payloadMalformedRule: DiagnosisRule = {
  code: 'payload_malformed',
  severity: 'error',
  basis: 'events',
  reads: { conditions: [...MALFORMED_CONDITIONS, ...TIMEOUT_CONDITIONS], eventTypes: ['ike.datagram.dropped'], config: ['tunnels[].auth.psk.type'] },
  when: 'messages from the peer fail their integrity check, do not decode, or break the exchange\'s payload rules',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(MALFORMED_CONDITIONS).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const first = group[0]!;
      const tunnel = ctx.tunnel(latest.tunnel);
      const integrity = group.filter((log) => log.event.condition === 'sk_integrity_failed').length;
      const undecodable = group.filter((log) => log.event.condition === 'undecodable_message').length;
      const structural = group.length - integrity - undecodable;
      // Timeouts of the same peer while its messages were being dropped are consequences, not a second problem.
      // So are its retransmitted IKE_AUTHs once we gave the half-open SA up (they meet an unknown SA).
      const consequences = [
        ...ctx.index.logsWithCondition(TIMEOUT_CONDITIONS),
        ...ctx.index.logsWithCondition(['unknown_ike_sa']).filter((log) => isNegotiationExchange(stringField(log.event, 'exchange'))),
      ].filter((log) => log.peer === latest.peer && log.time >= first.time && log.time - latest.time <= 300_000 && !ctx.isExplained(log.id));
      const drops = ctx.index
        .ofType('ike.datagram.dropped')
        .filter((d) => d.peer === latest.peer && ['integrity_failed', 'malformed', 'truncated', 'invalid_syntax', 'critical_payload'].includes(d.event.reason) && d.time >= first.time && d.time <= latest.time);
      const cited = [...group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]), ...drops.map((d) => d.id), ...consequences.map((c) => c.id)];
      const kinds = [
        integrity > 0 ? `${integrity} failed the SK integrity check` : '',
        undecodable > 0 ? `${undecodable} did not decode` : '',
        structural > 0 ? `${structural} broke the payload rules of the exchange` : '',
      ].filter(Boolean);
      const pskText = tunnel?.auth.method === 'psk' ? ` This tunnel's key is configured as ${tunnel.auth.psk.type === 'hex' ? 'Hex' : 'Passphrase'}.` : '';
      return {
        tunnel: latest.tunnel,
        peer: latest.peer,
        phase: latest.event.phase ?? 'ike',
        side: 'either',
        score: integrity > 0 ? 0.8 : 0.7,
        reasoning: [
          `${group.length} message(s) from ${latest.peer ?? 'the peer'}: ${kinds.join(', ')}`,
          integrity > 0 ? 'an integrity failure means the peer encrypts with other keys than ours: other vendors report a PSK type mismatch this way' : 'undecodable messages point at the path (truncation, MTU) or the peer\'s implementation',
          ...(consequences.length > 0 ? [`the ${consequences.length} timeout(s) with this peer in the same period follow from the dropped messages`] : []),
        ],
        evidenceEventIds: cited,
        explains: [...cited],
        occurrences: group.length,
        configPaths: tunnel ? [`tunnels[${ctx.tunnelIndex(latest.tunnel)}].auth`] : [],
        explanation: `Payload_Malformed: messages from ${latest.peer ?? 'the peer'} ${quote(latest.tunnel) === '(no tunnel)' ? '' : `for ${quote(latest.tunnel)} `}could not be used: ${kinds.join(', ')}. This is very similar to the incorrect pre-shared key problem: a possible reason is that the PSK is of the wrong TYPE on one side (Passphrase or Hex key), which makes the two sides derive different keys.${pskText} Undecodable datagrams can also come from truncation on the path (MTU, fragmentation) or a broken implementation.`,
        fixSteps: [
          'Verify that the pre-shared key has the same type on both sides (Passphrase or Hex).',
          'Capture with ike -snoop -full on both sides and compare what was sent with what arrived (truncation, rewriting by a device in the path).',
          undecodable > 0 ? 'Check the path MTU; enable IKE fragmentation on both sides if large messages are cut.' : 'Re-enter the key on both sides.',
        ],
        fixes: [],
        facts: { integrityFailures: integrity, undecodable, structural, detail: stringField(latest.event, 'detail') ?? null, pskType: tunnel?.auth.method === 'psk' ? tunnel.auth.psk.type : null },
        resolvedBy: 'ike.sa.up',
      };
    });
  },
};

// ---------------------------------------------------------------------------------

const NOT_RESPONDING_CONDITIONS = ['retransmits_exhausted', 'dead_peer', 'half_open_timeout', 'silent_after_nat_t_move', 'fragments_incomplete'] as const;

/** What each liveness condition means and what to check, as data. */
const NOT_RESPONDING_MEANING: Record<(typeof NOT_RESPONDING_CONDITIONS)[number], { score: number; meaning: string; check: string }> = {
  retransmits_exhausted: {
    score: 0.85,
    meaning: 'our request got no answer after every retransmission',
    check: 'Check that all IP addresses have been specified correctly: our remote endpoint must be the peer\'s address and the peer must have ours; check that UDP 500 (and 4500) reach the peer (firewalls, routes).',
  },
  dead_peer: {
    score: 0.8,
    meaning: 'dead peer detection got no answer: the peer went away while the tunnel was up',
    check: 'Check whether the peer restarted or lost connectivity; the tunnel is removed here and will be set up again on demand.',
  },
  half_open_timeout: {
    score: 0.6,
    meaning: 'the peer started IKE_SA_INIT but never sent IKE_AUTH',
    check: 'The peer may have refused our IKE_SA_INIT answer (check its log), or its IKE_AUTH is lost on the way (often NAT-T port 4500 blocked, or fragments dropped).',
  },
  silent_after_nat_t_move: {
    score: 0.85,
    meaning: 'the peer answered IKE_SA_INIT, but nothing came back once we moved to the NAT-T port',
    check: 'A NAT was detected and IKE moved to UDP 4500: allow UDP 4500 between the two gateways.',
  },
  fragments_incomplete: {
    score: 0.7,
    meaning: 'a fragmented IKE message never completed: fragments were lost',
    check: 'Fragments are dropped on the path: check the MTU and any firewall that drops IP fragments.',
  },
};

export const peerNotRespondingRule: DiagnosisRule = {
  code: 'peer_not_responding',
  severity: 'error',
  basis: 'events',
  reads: { conditions: NOT_RESPONDING_CONDITIONS, config: ['tunnels[].remoteEndpoint', 'tunnels[].localEndpoint', 'interfaces[].addresses'] },
  when: 'the peer did not answer (retransmissions exhausted, DPD, half-open timeout, NAT-T silence, lost fragments)',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(NOT_RESPONDING_CONDITIONS).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}|${log.event.condition}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const condition = latest.event.condition as (typeof NOT_RESPONDING_CONDITIONS)[number];
      const meaning = NOT_RESPONDING_MEANING[condition];
      const tunnel = ctx.tunnel(latest.tunnel);
      const interfaceAddresses = ctx.config.interfaces.flatMap((i) => i.addresses.map((a) => a.split('/')[0] ?? a));
      const localEndpointMissing = tunnel !== undefined && interfaceAddresses.length > 0 && !interfaceAddresses.includes(tunnel.localEndpoint);
      const transmissions = numberField(latest.event, 'transmissions');
      const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
      return {
        tunnel: latest.tunnel,
        peer: latest.peer,
        phase: latest.event.phase ?? 'ike',
        side: localEndpointMissing ? 'local' : 'either',
        score: localEndpointMissing ? Math.min(0.95, meaning.score + 0.1) : meaning.score,
        reasoning: [
          `${meaning.meaning}${transmissions !== undefined ? ` (${transmissions} transmissions)` : ''}`,
          ...(localEndpointMissing ? [`our local endpoint ${tunnel?.localEndpoint} is not an address of any configured interface`] : []),
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: tunnel ? [`tunnels[${ctx.tunnelIndex(latest.tunnel)}].remoteEndpoint`, `tunnels[${ctx.tunnelIndex(latest.tunnel)}].localEndpoint`] : [],
        explanation: `Peer not responding: ${meaning.meaning}${latest.peer ? ` (${latest.peer})` : ''}. ${meaning.check}`,
        fixSteps: [
          ...(localEndpointMissing ? [`Set the local endpoint of "${tunnel?.name}" to an address of one of our interfaces (${interfaceAddresses.join(', ')}).`] : []),
          meaning.check,
          tunnel ? `Our side: local endpoint ${tunnel.localEndpoint}, remote endpoint ${tunnel.remoteEndpoint}; compare with the peer's settings.` : 'Compare the addresses on both sides.',
        ],
        fixes: [],
        facts: { condition, transmissions: transmissions ?? null, localEndpointOnInterface: !localEndpointMissing },
        resolvedBy: 'ike.sa.up',
        discriminator: condition,
      };
    });
  },
};
