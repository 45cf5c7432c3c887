/**
 * Lifetimes that differ between the two sides. In IKEv2 lifetimes are not
 * negotiated (RFC 7296 §2.8): each side rekeys at its own soft lifetime, so
 * the side with the shorter lifetime always rekeys and nothing fails (in
 * IKEv1 it did: seed 13.6.7 "This also applies to the lifetimes"). Worth a
 * warning: the other side's settings are not what it thinks they are, and
 * close lifetimes make simultaneous rekeys (collisions) likelier.
 *
 * Evidence, best first: the peer config an operator supplied; the
 * AUTH_LIFETIME the peer sent in IKE_AUTH (its IKE SA lifetime, RFC 4478);
 * the observed rekey cadence: an SA rekeyed well before OUR soft lifetime
 * could fall due was rekeyed by the peer.
 */
import type { TunnelConfig } from '@tunnelscope/api';
import type { FindingPhase, FixOption } from '../model/finding.ts';
import { lifetimeFix } from './fix-options.ts';
import type { DiagnosisRule, FindingDraft, RuleContext } from './rule-types.ts';

/**
 * When the engine rekeys: at lifetime × (SOFT_FRACTION − jitter), jitter
 * uniform in [0, JITTER) (daemon-core `lifetimeSchedule`). An SA rekeyed
 * before lifetime × (SOFT_FRACTION − JITTER − TOLERANCE) was not rekeyed by us.
 */
export const OUR_REKEY_SCHEDULE = { softFraction: 0.9, jitter: 0.05, tolerance: 0.02 } as const;

/** Early rekeys needed before the cadence counts as the peer's. */
const MIN_EARLY_REKEYS = 2;

interface RekeyObservation {
  readonly eventId: number;
  readonly startEventId: number;
  readonly intervalMs: number;
}

type Kind = 'ike' | 'child';

/** Age of each SA when its (first) rekey started, per tunnel. */
function observeRekeys(ctx: RuleContext, kind: Kind): Map<string, RekeyObservation[]> {
  const started = new Map<string, { time: number; eventId: number }>();
  const seen = new Set<string>();
  const out = new Map<string, RekeyObservation[]>();
  for (const entry of ctx.index.entries) {
    const event = entry.event;
    if (kind === 'child') {
      if (event.type === 'child.sa.up') started.set(event.childSaId, { time: entry.time, eventId: entry.id });
      else if (event.type === 'child.sa.rekeyed') started.set(event.newChildSaId, { time: entry.time, eventId: entry.id });
      else if (event.type === 'child.rekey.started' && !seen.has(event.childSaId)) {
        seen.add(event.childSaId);
        const start = started.get(event.childSaId);
        if (start && entry.tunnel) out.set(entry.tunnel, [...(out.get(entry.tunnel) ?? []), { eventId: entry.id, startEventId: start.eventId, intervalMs: entry.time - start.time }]);
      }
    } else {
      if (event.type === 'ike.sa.up') started.set(event.ikeSaId, { time: entry.time, eventId: entry.id });
      else if (event.type === 'ike.sa.rekeyed') started.set(event.newIkeSaId, { time: entry.time, eventId: entry.id });
      else if (event.type === 'ike.rekey.started' && !seen.has(event.ikeSaId)) {
        seen.add(event.ikeSaId);
        const start = started.get(event.ikeSaId);
        if (start && entry.tunnel) out.set(entry.tunnel, [...(out.get(entry.tunnel) ?? []), { eventId: entry.id, startEventId: start.eventId, intervalMs: entry.time - start.time }]);
      }
    }
  }
  return out;
}

function earliestOwnRekeyMs(lifetimeSeconds: number): number {
  const { softFraction, jitter, tolerance } = OUR_REKEY_SCHEDULE;
  return lifetimeSeconds * 1000 * (softFraction - jitter - tolerance);
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

const FIELD: Record<Kind, 'ikeLifetimeSeconds' | 'ipsecLifetimeSeconds'> = { ike: 'ikeLifetimeSeconds', child: 'ipsecLifetimeSeconds' };
const WORDS: Record<Kind, string> = { ike: 'IKE SA', child: 'IPsec SA (CHILD_SA)' };
const PHASE: Record<Kind, FindingPhase> = { ike: 'ike', child: 'ipsec' };

function explanation(tunnel: TunnelConfig, kind: Kind, ours: number, theirs: string, shorter: 'peer' | 'us' | 'unknown'): string {
  const who = shorter === 'peer' ? 'the peer rekeys every time' : shorter === 'us' ? 'we rekey every time' : 'the side with the shorter lifetime rekeys';
  return `The ${WORDS[kind]} lifetime of "${tunnel.name}" is ${ours} s here; ${theirs}. IKEv2 does not negotiate lifetimes (RFC 7296 §2.8): each side rekeys at its own, so ${who} and nothing fails (in IKEv1 a lifetime mismatch could make a tunnel initiate from one side only, seed 13.6.7). Still, the configurations disagree, and lifetimes close to each other make both sides rekey at once (collisions, resolved by the nonce rule, RFC 7296 §2.8.1).`;
}

export const lifetimeMismatchRule: DiagnosisRule = {
  code: 'lifetime_mismatch',
  severity: 'warning',
  basis: 'events',
  reads: {
    eventTypes: ['ike.sa.up', 'ike.sa.rekeyed', 'ike.rekey.started', 'child.sa.up', 'child.sa.rekeyed', 'child.rekey.started'],
    infoCodes: ['rekey_collision'],
    config: ['tunnels[].ikeLifetimeSeconds', 'tunnels[].ipsecLifetimeSeconds'],
    saState: true,
    peerConfig: true,
  },
  when: 'the peer\'s lifetime differs from ours: supplied peer config, its AUTH_LIFETIME, or SAs rekeyed before our own soft lifetime could fall due',
  evaluate(ctx) {
    const drafts: FindingDraft[] = [];
    const observed: Record<Kind, Map<string, RekeyObservation[]>> = { ike: observeRekeys(ctx, 'ike'), child: observeRekeys(ctx, 'child') };
    const collisions = ctx.index.logsWithCode(['rekey_collision']);
    for (const tunnel of ctx.config.tunnels) {
      const index = ctx.tunnelIndex(tunnel.name);
      const peer = ctx.peerConfig[tunnel.name];
      for (const kind of ['ike', 'child'] as const) {
        const ours = tunnel[FIELD[kind]];
        const configPaths = [`tunnels[${index}].${FIELD[kind]}`];
        const tunnelCollisions = collisions.filter((c) => c.tunnel === tunnel.name && (kind === 'child') === Boolean(c.event.evidence.oldChildSaId));
        const collisionIds = tunnelCollisions.map((c) => c.id);
        const collisionNote = tunnelCollisions.length > 0 ? [`${tunnelCollisions.length} simultaneous rekey(s) (collisions) seen`] : [];
        const peerValue = peer?.[FIELD[kind]];
        if (peerValue !== undefined) {
          if (peerValue === ours) continue;
          const fixes: FixOption[] = [lifetimeFix(tunnel.name, FIELD[kind], peerValue)];
          drafts.push({
            tunnel: tunnel.name,
            peer: tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint,
            phase: PHASE[kind],
            side: 'either',
            score: 0.95,
            reasoning: [`the peer configuration you supplied has ${peerValue} s, ours is ${ours} s`, ...collisionNote],
            evidenceEventIds: collisionIds,
            explains: [],
            configPaths,
            explanation: explanation(tunnel, kind, ours, `the peer has ${peerValue} s`, peerValue < ours ? 'peer' : 'us'),
            fixSteps: ['Use the same lifetime on both sides (machine fix below sets ours to the peer\'s).'],
            fixes,
            facts: { kind, ourLifetimeSeconds: ours, peerLifetimeSeconds: peerValue, source: 'peer config' },
            discriminator: kind,
          });
          continue;
        }
        if (kind === 'ike') {
          const announced = ctx.saState?.ikeSas.find((sa) => sa.tunnel === tunnel.name && sa.peerAuthLifetimeSeconds !== undefined);
          if (announced?.peerAuthLifetimeSeconds !== undefined && Math.abs(announced.peerAuthLifetimeSeconds - ours) > ours * 0.1) {
            const theirs = announced.peerAuthLifetimeSeconds;
            drafts.push({
              tunnel: tunnel.name,
              peer: announced.remote.address,
              phase: 'ike',
              side: 'either',
              score: 0.85,
              reasoning: [`the peer announced AUTH_LIFETIME ${theirs} s in IKE_AUTH (RFC 4478); ours is ${ours} s`, ...collisionNote],
              evidenceEventIds: collisionIds,
              explains: [],
              configPaths,
              explanation: explanation(tunnel, kind, ours, `the peer announced about ${theirs} s for its IKE SA`, theirs < ours ? 'peer' : 'us'),
              fixSteps: ['Use the same IKE lifetime on both sides.'],
              fixes: [],
              facts: { kind, ourLifetimeSeconds: ours, peerLifetimeSeconds: theirs, source: 'AUTH_LIFETIME' },
              discriminator: kind,
            });
            continue;
          }
        }
        const early = (observed[kind].get(tunnel.name) ?? []).filter((o) => o.intervalMs < earliestOwnRekeyMs(ours));
        // One early rekey is what a manual rekey looks like too: a cadence needs two.
        if (early.length < MIN_EARLY_REKEYS) continue;
        const shortest = Math.min(...early.map((o) => o.intervalMs));
        const longest = Math.max(...early.map((o) => o.intervalMs));
        const consistent = longest <= shortest * 1.15;
        const estimate = `${seconds(shortest)}${longest !== shortest ? `-${seconds(longest)}` : ''} s`;
        drafts.push({
          tunnel: tunnel.name,
          peer: tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint,
          phase: PHASE[kind],
          side: 'either',
          score: consistent ? 0.8 : 0.55,
          reasoning: [
            `${early.length} ${WORDS[kind]} rekey(s) started ${estimate} after the SA came up; our own rekey cannot fall due before ${seconds(earliestOwnRekeyMs(ours))} s (lifetime ${ours} s)`,
            consistent ? 'the cadence is consistent: the peer rekeys on a shorter lifetime' : 'the intervals are uneven (manual rekeys look the same)',
            ...collisionNote,
          ],
          evidenceEventIds: [...early.flatMap((o) => [o.startEventId, o.eventId]), ...collisionIds],
          explains: [],
          configPaths,
          explanation: explanation(tunnel, kind, ours, `the peer rekeys after about ${estimate}, so its lifetime is shorter (around ${seconds(shortest / OUR_REKEY_SCHEDULE.softFraction)} s if it rekeys at 90 % as we do)`, 'peer'),
          fixSteps: ['Compare the lifetimes with the peer\'s administrator and use the same values on both sides.', 'Or supply the peer\'s lifetimes to diagnosis for an exact fix.'],
          fixes: [],
          facts: { kind, ourLifetimeSeconds: ours, observedRekeyAfterSeconds: early.map((o) => seconds(o.intervalMs)), source: 'observed rekeys' },
          discriminator: kind,
        });
      }
    }
    return drafts;
  },
};
