/**
 * Seed 13.6.6 #2 "Incorrect pre-shared key" and its three causes, most
 * specific first:
 *
 *   wrong_tunnel_selected  the key of ANOTHER tunnel verifies the peer's AUTH,
 *                          or a roaming tunnel above the peer's own tunnel
 *                          caught it (13.6.1: the list is scanned top down)
 *   psk_type_mismatch      our key verifies when read as the other type
 *                          (Passphrase vs Hex; #4 Payload_Malformed on other
 *                          vendors)
 *   incorrect_psk          no configured key verifies: the key itself differs
 *
 * plus #5 "No public key found" (the peer signs, the tunnel has no key for it).
 * The PSK candidate results are the daemon's (it tested the keys when the
 * AUTH failed); diagnosis interprets them, it does no crypto here.
 */
import type { IndexedEvent, IndexedLog } from '../events/event-index.ts';
import { field, groupBy, lifecycleTwins, pskCandidatesOf, stringField } from './evidence-fields.ts';
import { moveTunnelFix, pskTypeFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

/** tunnel.selected events of the same IKE SA before the failure (the selection trail). */
function selectionTrail(ctx: RuleContext, log: IndexedLog): Array<IndexedEvent & { event: { type: 'tunnel.selected' } }> {
  return ctx.index
    .ofType('tunnel.selected')
    .filter((entry) => entry.ikeSaId === log.ikeSaId && entry.id < log.id && log.time - entry.time <= 120_000);
}

/** The daemon's PSK diagnosis event and lifecycle outcome for the same failure. */
function companions(ctx: RuleContext, log: IndexedLog): number[] {
  const diagnoses = ctx.index.ofType('ike.psk.diagnosis').filter((entry) => entry.ikeSaId === log.ikeSaId && Math.abs(entry.time - log.time) <= 1_000 && Math.abs(entry.id - log.id) <= 5);
  return [...diagnoses.map((e) => e.id), ...lifecycleTwins(ctx.index, log).map((e) => e.id)];
}

interface WrongTunnel {
  readonly selected: string;
  readonly correct: string;
  readonly proven: boolean;
  readonly shadowedInTrace: boolean;
}

function wrongTunnelOf(ctx: RuleContext, log: IndexedLog): WrongTunnel | undefined {
  const selected = stringField(log.event, 'selectedTunnel') ?? log.tunnel;
  if (!selected) return undefined;
  const verifying = pskCandidatesOf(log.event).find((c) => c.source.startsWith('tunnel:') && c.verifies && c.tunnel !== undefined && c.tunnel !== selected);
  const trail = selectionTrail(ctx, log);
  const shadowed = new Set(trail.flatMap((entry) => entry.event.selection.trace.filter((step) => step.verdict === 'shadowed').map((step) => step.tunnel)));
  if (verifying?.tunnel) return { selected, correct: verifying.tunnel, proven: true, shadowedInTrace: shadowed.has(verifying.tunnel) };
  const selectedConfig = ctx.tunnel(selected);
  if (!selectedConfig || selectedConfig.remoteEndpoint !== 'none' || log.peer === null) return undefined;
  // A roaming tunnel caught the peer; its own tunnel (remote endpoint = its address) was shadowed below.
  const own = ctx.config.tunnels.find((t) => t.enabled && t.remoteEndpoint === log.peer && shadowed.has(t.name));
  return own ? { selected, correct: own.name, proven: false, shadowedInTrace: true } : undefined;
}

export const wrongTunnelSelectedRule: DiagnosisRule = {
  code: 'wrong_tunnel_selected',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['auth_psk_mismatch'], eventTypes: ['tunnel.selected', 'ike.psk.diagnosis'], config: ['tunnels (order)', 'tunnels[].remoteEndpoint'] },
  when: 'the peer\'s AUTH failed on the selected tunnel but verifies with another tunnel\'s key, or a roaming tunnel above the peer\'s own tunnel was selected',
  evaluate(ctx) {
    const matches = ctx.index
      .logsWithCondition(['auth_psk_mismatch'])
      .filter((log) => !ctx.isExplained(log.id))
      .flatMap((log) => {
        const wrong = wrongTunnelOf(ctx, log);
        return wrong ? [{ log, wrong }] : [];
      });
    return [...groupBy(matches, (m) => `${m.wrong.selected}|${m.wrong.correct}|${m.log.peer}`).values()].map((group): FindingDraft => {
      const { log: latest, wrong } = group[group.length - 1]!;
      const selectedIndex = ctx.tunnelIndex(wrong.selected);
      const correctIndex = ctx.tunnelIndex(wrong.correct);
      const selectedConfig = ctx.tunnel(wrong.selected);
      const roaming = selectedConfig?.remoteEndpoint === 'none';
      const canMove = correctIndex > selectedIndex && selectedIndex >= 0;
      const cited = group.flatMap(({ log }) => [...selectionTrail(ctx, log).map((e) => e.id), log.id, ...companions(ctx, log)]);
      const proven = group.some((m) => m.wrong.proven);
      return {
        tunnel: wrong.correct,
        peer: latest.peer,
        phase: 'ike',
        side: 'local',
        score: proven ? (wrong.shadowedInTrace || roaming ? 0.97 : 0.9) : 0.8,
        reasoning: [
          `"${wrong.selected}" (tunnels[${selectedIndex}]) was selected for ${latest.peer ?? 'the peer'} and the peer's AUTH did not verify with its key`,
          proven ? `the key of "${wrong.correct}" verifies the same AUTH (the daemon tested it when the AUTH failed)` : `the key of "${wrong.correct}" was not proven to verify: the key may also differ`,
          wrong.shadowedInTrace ? `the selection trace lists "${wrong.correct}" as shadowed by "${wrong.selected}" above it` : `"${wrong.correct}" is tunnels[${correctIndex}]`,
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: [`tunnels[${selectedIndex}]`, `tunnels[${correctIndex}]`],
        explanation: `Incorrect pre-shared key, because the wrong tunnel is triggering: the tunnel list is scanned from the top and matched against the remote gateway first. ${
          roaming
            ? `"${wrong.selected}" above is a roaming tunnel (remote endpoint none${selectedConfig && selectedConfig.remoteNetworks.length > 0 ? `, remote network ${selectedConfig.remoteNetworks.join(', ')}` : ''}) and catches ${latest.peer ?? 'the peer'} before its own tunnel "${wrong.correct}" is reached`
            : `"${wrong.selected}" is matched before "${wrong.correct}"`
        }; IKE_AUTH does not move to "${wrong.correct}" because the peer's identity also matches "${wrong.selected}". The peer authenticates with the key of "${wrong.correct}", which is not the selected tunnel's key.`,
        fixSteps: [
          canMove ? `Move "${wrong.correct}" above "${wrong.selected}" in the tunnel list (machine fix below).` : `Make "${wrong.selected}" not match ${latest.peer ?? 'this peer'}: narrow its remote identity.`,
          `Or narrow the remote identity of "${wrong.selected}" so the peer's identity (${stringField(latest.event, 'peerIdentity') ?? 'its IDi'}) no longer matches it.`,
          'Then have the peer initiate again.',
        ],
        fixes: canMove ? [moveTunnelFix(wrong.correct, wrong.selected)] : [],
        facts: { selectedTunnel: wrong.selected, selectedIndex, correctTunnel: wrong.correct, correctIndex, keyOfCorrectTunnelVerifies: proven, roamingSelected: roaming },
        resolvedBy: 'ike.sa.up',
        discriminator: wrong.selected,
      };
    });
  },
};

export const pskTypeMismatchRule: DiagnosisRule = {
  code: 'psk_type_mismatch',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['auth_psk_mismatch'], eventTypes: ['ike.psk.diagnosis'], config: ['tunnels[].auth.psk.type'] },
  when: 'the peer\'s AUTH verifies with our key read as the other type (Passphrase vs Hex)',
  evaluate(ctx) {
    const logs = ctx.index
      .logsWithCondition(['auth_psk_mismatch'])
      .filter((log) => !ctx.isExplained(log.id) && pskCandidatesOf(log.event).some((c) => (c.source === 'hex_reading' || c.source === 'passphrase_reading') && c.verifies));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.tunnel;
      const reading = pskCandidatesOf(latest.event).find((c) => (c.source === 'hex_reading' || c.source === 'passphrase_reading') && c.verifies)!;
      const peerType = reading.source === 'hex_reading' ? 'hex' : 'passphrase';
      const ourType = peerType === 'hex' ? 'passphrase' : 'hex';
      const words = { hex: 'Hex', passphrase: 'Passphrase' } as const;
      const cited = group.flatMap((log) => [log.id, ...companions(ctx, log)]);
      return {
        tunnel: tunnelName,
        peer: latest.peer,
        phase: 'ike',
        side: 'local',
        score: 0.97,
        reasoning: [
          `the peer's AUTH does not verify with the key of ${tunnelName ? `"${tunnelName}"` : 'the tunnel'} as configured (${words[ourType]})`,
          `it verifies with the same key read as ${words[peerType]}: the key text agrees, its type does not`,
        ],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: tunnelName ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].auth.psk.type`] : [],
        explanation: `Incorrect pre-shared key: the key is of a different TYPE on the two sides. The peer uses it as ${words[peerType]}, ${tunnelName ? `"${tunnelName}"` : 'our tunnel'} as ${words[ourType]}, so the same text gives two different keys. Double-check that the pre-shared key is of the same type (Passphrase or Hex-key) on both sides. On other vendors this mismatch shows as Payload_Malformed (seed 13.6.6 #4).`,
        fixSteps: [
          `Set the key type of "${tunnelName ?? '?'}" to ${words[peerType]} (machine fix below), or set the peer's to ${words[ourType]}.`,
          'Then have the peer initiate again.',
        ],
        fixes: tunnelName ? [pskTypeFix(tunnelName, peerType)] : [],
        facts: { ourPskType: ourType, peerPskType: peerType, failureId: stringField(latest.event, 'failureId') ?? null },
        resolvedBy: 'ike.sa.up',
      };
    });
  },
};

function hexLooking(value: string): boolean {
  return /^(0x)?[0-9a-fA-F]+$/.test(value) && value.replace(/^0x/, '').length % 2 === 0;
}

export const incorrectPskRule: DiagnosisRule = {
  code: 'incorrect_psk',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['auth_psk_mismatch', 'authentication_failed_received'], eventTypes: ['ike.psk.diagnosis'], config: ['tunnels[].auth'] },
  when: 'an AUTH failed and no more specific cause (other tunnel\'s key, other key type) was proven',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(['auth_psk_mismatch', 'authentication_failed_received']).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const tunnelName = latest.tunnel;
      const tunnel = ctx.tunnel(tunnelName);
      const testedHere = group.filter((log) => log.event.condition === 'auth_psk_mismatch');
      const latestTested = testedHere[testedHere.length - 1];
      const candidates = latestTested ? pskCandidatesOf(latestTested.event) : [];
      const keyText = tunnel?.auth.method === 'psk' ? tunnel.auth.psk.value : '';
      const typeDoubt = tunnel?.auth.method === 'psk' && (tunnel.auth.psk.type === 'hex' || hexLooking(keyText));
      const cited = group.flatMap((log) => [log.id, ...companions(ctx, log)]);
      const reasoning = latestTested
        ? [
            `we were the responder and checked the peer's AUTH: it does not verify with the key of ${tunnelName ? `"${tunnelName}"` : 'the tunnel'}`,
            candidates.length > 0
              ? `none of the other candidates verifies either (${candidates.map((c) => c.source).join(', ')}): not the other key type, not another tunnel's key`
              : 'no other candidate key could be tested',
          ]
        : [
            'we were the initiator: the peer answered AUTHENTICATION_FAILED, so it did not accept our AUTH',
            'its key cannot be tested from this side: a wrong key, a key of the other type, or the wrong tunnel selected on the peer all look the same here',
          ];
      if (!latestTested && typeDoubt) reasoning.push('our key is written in hex digits, so a Passphrase/Hex type mismatch is plausible');
      return {
        tunnel: tunnelName,
        peer: latest.peer,
        phase: 'ike',
        side: 'either',
        score: latestTested ? 0.9 : 0.75,
        reasoning,
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: tunnelName ? [`tunnels[${ctx.tunnelIndex(tunnelName)}].auth.psk`] : [],
        explanation: latestTested
          ? `Incorrect pre-shared key: the key ${latest.peer ?? 'the peer'} uses is not the key of "${tunnelName ?? '?'}", nor that key read as the other type, nor any other tunnel's key. It can be only one thing: the key itself differs between the two sides.`
          : `Incorrect pre-shared key: ${latest.peer ?? 'the peer'} could not verify our AUTH with its key for this tunnel. Double-check that the pre-shared key is the same and of the same type (Passphrase or Hex-key) on both sides. On the peer, the wrong tunnel may also be triggering (a roaming tunnel above the one for us, 13.6.1).`,
        fixSteps: [
          'Enter the pre-shared key again on both sides, with the same type (Passphrase or Hex).',
          latestTested
            ? `Test a candidate key against the AUTH the peer sent ("would this PSK work?", failure ${stringField(latestTested.event, 'failureId') ?? '?'}) before changing the config.`
            : 'Initiate the tunnel from the peer: then this side checks the peer\'s AUTH and can tell a wrong key from a wrong key type or a wrong tunnel.',
          ...(latestTested ? [] : ['Ask the peer\'s administrator whether a roaming tunnel above the tunnel for us is selected for our address.']),
        ],
        fixes: [],
        facts: {
          role: latestTested ? 'responder' : 'initiator',
          pskTestable: latestTested !== undefined,
          failureId: latestTested ? (stringField(latestTested.event, 'failureId') ?? null) : null,
          candidates,
          ourPskType: tunnel?.auth.method === 'psk' ? tunnel.auth.psk.type : null,
          selection: latestTested ? (field(latestTested.event, 'selection') ?? null) : null,
        },
        resolvedBy: 'ike.sa.up',
      };
    });
  },
};

export const noPublicKeyFoundRule: DiagnosisRule = {
  code: 'no_public_key_found',
  severity: 'error',
  basis: 'events',
  reads: { conditions: ['auth_method_without_public_key', 'certificate_refused_by_peer'], config: ['tunnels[].auth'] },
  when: 'the peer authenticates with a signature the selected tunnel has no certificate or key for, or the peer refused our certificate (its own log names the cause)',
  evaluate(ctx) {
    const logs = ctx.index.logsWithCondition(['auth_method_without_public_key', 'certificate_refused_by_peer']).filter((log) => !ctx.isExplained(log.id));
    return [...groupBy(logs, (log) => `${log.tunnel}|${log.peer}`).values()].map((group): FindingDraft => {
      const latest = group[group.length - 1]!;
      const cited = group.flatMap((log) => [log.id, ...lifecycleTwins(ctx.index, log).map((e) => e.id)]);
      return {
        tunnel: latest.tunnel,
        peer: latest.peer,
        phase: 'ike',
        side: 'either',
        score: 0.85,
        reasoning: ['the daemon reports an authentication method this tunnel has no public key for'],
        evidenceEventIds: cited,
        explains: cited,
        occurrences: group.length,
        configPaths: latest.tunnel ? [`tunnels[${ctx.tunnelIndex(latest.tunnel)}].auth`] : [],
        explanation: `No public key found: ${latest.event.message}. The two sides do not agree on how to authenticate (certificates on one side, a pre-shared key on the other), or the certificate needed to verify the peer is missing.`,
        fixSteps: [
          'Agree on one authentication method on both sides.',
          'For certificates: both certificates signed by the same CA, valid now on both clocks, CRL reachable (or CRL checking off).',
          'Configure the tunnel as PSK first and verify it establishes, then move to certificates.',
        ],
        fixes: [],
        facts: { authMethod: field(latest.event, 'authMethod') ?? null },
        resolvedBy: 'ike.sa.up',
      };
    });
  },
};
