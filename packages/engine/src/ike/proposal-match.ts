/**
 * Proposal selection (RFC 7296 §2.7, §3.3.6). The responder picks one
 * proposal from the peer's SA payload and exactly one transform of each
 * type; as strongSwan does by default, our configured order wins (the first
 * configured proposal that any offered proposal can satisfy).
 *
 * When nothing matches, the result says *why* for the operator: which
 * transform types had no algorithm in common at all (`unmatchedTypes`,
 * e.g. only DH when the DH groups differ), or none individually but no
 * single proposal pair agrees on all of them (`combination`).
 *
 * The initiator checks the responder's choice with `acceptsChosenProposal`:
 * it must be one of our offers, reduced to one transform per type.
 */
import { ProtocolId, TransformType, type Proposal, type Transform } from '@tunnelscope/ike';

export type ProposalMatch =
  | { ok: true; chosen: Proposal; offeredIndex: number; configuredIndex: number }
  | { ok: false; unmatchedTypes: string[]; combination: boolean };

const TRANSFORM_TYPE_NAMES: Record<number, string> = {
  [TransformType.ENCR]: 'ENCR',
  [TransformType.PRF]: 'PRF',
  [TransformType.INTEG]: 'INTEG',
  [TransformType.DH]: 'DH',
  [TransformType.ESN]: 'ESN',
};

export function transformTypeName(type: number): string {
  return TRANSFORM_TYPE_NAMES[type] ?? `type ${type}`;
}

function keyLength(transform: Transform): number | undefined {
  for (const attribute of transform.attributes) if (attribute.format === 'tv' && attribute.type === 14) return attribute.value;
  return undefined;
}

export function sameTransform(a: Transform, b: Transform): boolean {
  return a.transformType === b.transformType && a.transformId === b.transformId && keyLength(a) === keyLength(b);
}

/** Transforms of one type; ESP without an ESN transform means "no ESN" (RFC 7296 §3.3.3). */
function transformsOfType(proposal: Proposal, type: number): Transform[] {
  const list = proposal.transforms.filter((t) => t.transformType === type);
  if (list.length === 0 && type === TransformType.ESN && proposal.protocol !== ProtocolId.IKE) {
    return [{ transformType: TransformType.ESN, transformId: 0, attributes: [] }];
  }
  if (list.length === 0 && type === TransformType.DH && proposal.protocol !== ProtocolId.IKE) {
    return [{ transformType: TransformType.DH, transformId: 0, attributes: [] }];
  }
  return list;
}

function typesIn(proposals: readonly Proposal[]): number[] {
  const types = new Set<number>();
  for (const p of proposals) for (const t of p.transforms) types.add(t.transformType);
  return [...types].sort((a, b) => a - b);
}

/**
 * Picks one transform per type common to `configured` and `offered`, in the
 * configured preference, or undefined. `preferredDhGroup` (the KE payload's
 * group) wins among common DH groups, so no INVALID_KE_PAYLOAD round trip is
 * needed when the initiator guessed a group we also accept.
 */
function intersect(configured: Proposal, offered: Proposal, types: number[], preferredDhGroup?: number): Transform[] | undefined {
  if (configured.protocol !== offered.protocol) return undefined;
  const chosen: Transform[] = [];
  for (const type of types) {
    const ours = transformsOfType(configured, type);
    const theirs = transformsOfType(offered, type);
    if (ours.length === 0 && theirs.length === 0) continue;
    const common = ours.filter((o) => theirs.some((t) => sameTransform(o, t)));
    if (common.length === 0) return undefined;
    const pick =
      type === TransformType.DH && preferredDhGroup !== undefined
        ? (common.find((t) => t.transformId === preferredDhGroup) ?? common[0]!)
        : common[0]!;
    // "No ESN"/"no DH" stand-ins are not sent back when the offer had no such transform.
    if (offered.transforms.some((t) => t.transformType === type)) chosen.push(pick);
  }
  return chosen;
}

export interface MatchOptions {
  /** The KE payload's group (IKE_SA_INIT, CREATE_CHILD_SA with KE). */
  preferredDhGroup?: number;
  /** IKE_AUTH: the first CHILD_SA takes its keys from the IKE SA, DH transforms are ignored (RFC 7296 §1.2). */
  ignoreDh?: boolean;
}

export function withoutDh(proposal: Proposal): Proposal {
  return { ...proposal, transforms: proposal.transforms.filter((t) => t.transformType !== TransformType.DH) };
}

export function matchProposals(
  offered: readonly Proposal[],
  configured: readonly Proposal[],
  options: MatchOptions = {},
): ProposalMatch {
  const offers = options.ignoreDh ? offered.map(withoutDh) : [...offered];
  const ours = options.ignoreDh ? configured.map(withoutDh) : [...configured];
  const types = typesIn([...offers, ...ours]);
  for (let c = 0; c < ours.length; c++) {
    for (let o = 0; o < offers.length; o++) {
      const offer = offers[o]!;
      const transforms = intersect(ours[c]!, offer, types, options.preferredDhGroup);
      if (transforms) {
        return {
          ok: true,
          chosen: { number: offer.number, protocol: offer.protocol, spi: offer.spi, transforms },
          offeredIndex: o,
          configuredIndex: c,
        };
      }
    }
  }
  const unmatchedTypes: string[] = [];
  for (const type of types) {
    const anyCommon = ours.some((c) =>
      offers.some(
        (o) =>
          c.protocol === o.protocol &&
          transformsOfType(c, type).some((a) => transformsOfType(o, type).some((b) => sameTransform(a, b))),
      ),
    );
    if (!anyCommon) unmatchedTypes.push(transformTypeName(type));
  }
  const protocolsMatch = ours.some((c) => offers.some((o) => c.protocol === o.protocol));
  if (!protocolsMatch) unmatchedTypes.unshift('PROTOCOL');
  return { ok: false, unmatchedTypes, combination: unmatchedTypes.length === 0 };
}

/**
 * Initiator side: the responder's SA payload must hold exactly one proposal,
 * numbered as one of ours, with one transform per type, each of which we
 * offered in that proposal.
 */
export function acceptsChosenProposal(offered: readonly Proposal[], chosen: readonly Proposal[]): Proposal | undefined {
  if (chosen.length !== 1) return undefined;
  const answer = chosen[0]!;
  const offer = offered.find((p) => p.number === answer.number && p.protocol === answer.protocol);
  if (!offer) return undefined;
  const seenTypes = new Set<number>();
  for (const t of answer.transforms) {
    if (seenTypes.has(t.transformType)) return undefined;
    seenTypes.add(t.transformType);
    if (!transformsOfType(offer, t.transformType).some((o) => sameTransform(o, t))) return undefined;
  }
  for (const t of offer.transforms) {
    if (t.transformType !== TransformType.DH && t.transformType !== TransformType.ESN && !seenTypes.has(t.transformType)) return undefined;
  }
  return answer;
}

/** The DH group of a proposal (0 when none). */
export function dhGroupOf(proposal: Proposal): number {
  return proposal.transforms.find((t) => t.transformType === TransformType.DH)?.transformId ?? 0;
}
