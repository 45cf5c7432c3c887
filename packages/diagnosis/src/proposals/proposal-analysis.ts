/**
 * Proposal lists as diagnosis sees them: the strongSwan-style strings of
 * our config and the daemon's evidence ("IKE:aes128gcm16-prfsha256-x25519"),
 * parsed with @tunnelscope/ike's keyword table. Finds which transform type
 * has nothing in common, and builds proposals both sides would accept —
 * never with a transform RFC 8247 deprecates (SHOULD NOT / MUST NOT) or one
 * this engine does not implement.
 */
import {
  TransformType,
  formatProposal,
  keywordForTransform,
  parseProposal,
  proposalTransforms,
  type ParsedProposal,
  type ProposalProtocol,
  type ProposalTransform,
} from '@tunnelscope/ike';

export type TransformTypeLabel = 'ENCR' | 'PRF' | 'INTEG' | 'DH' | 'ESN';

/** What each transform type is called where the seed names it. */
export const TRANSFORM_TYPE_WORDS: Readonly<Record<TransformTypeLabel, string>> = {
  ENCR: 'encryption algorithm',
  PRF: 'pseudo-random function (PRF)',
  INTEG: 'integrity (hash) algorithm',
  DH: 'DH group',
  ESN: 'extended sequence numbers setting',
};

/** "IKE:..." / "ESP:..." as the daemon writes proposals in evidence, or a config string. */
export function parseProposalText(text: string, protocol: ProposalProtocol): ParsedProposal | undefined {
  const body = text.replace(/^(IKE|ESP):/i, '');
  try {
    return parseProposal(body, protocol);
  } catch {
    return undefined;
  }
}

export function parseProposalTexts(texts: readonly string[], protocol: ProposalProtocol): ParsedProposal[] {
  return texts.flatMap((text) => parseProposalText(text, protocol) ?? []);
}

function transformsOf(proposal: ParsedProposal, type: TransformTypeLabel): readonly ProposalTransform[] {
  switch (type) {
    case 'ENCR':
      return proposal.encryption;
    case 'PRF':
      return proposal.prf;
    case 'INTEG':
      return proposal.integrity;
    case 'DH':
      return proposal.dh;
    case 'ESN':
      return proposal.esn;
  }
}

/** Keywords of one type; ESP without a DH group reads "none" (no PFS). */
export function keywordsOf(proposal: ParsedProposal, type: TransformTypeLabel): string[] {
  const keywords = transformsOf(proposal, type).map((t) => t.keyword);
  if (type === 'DH' && proposal.protocol === 'esp' && keywords.length === 0) return ['none'];
  return keywords;
}

/**
 * Transform types on which the two lists have no algorithm in common at all
 * (RFC 7296 §3.3.6: every type needs one). `ignoreDh` for the first CHILD_SA
 * of IKE_AUTH, which negotiates no DH.
 */
export function unmatchedTransformTypes(
  offered: readonly ParsedProposal[],
  configured: readonly ParsedProposal[],
  options: { ignoreDh?: boolean } = {},
): TransformTypeLabel[] {
  const protocol = offered[0]?.protocol ?? configured[0]?.protocol ?? 'ike';
  const types: TransformTypeLabel[] = protocol === 'ike' ? ['ENCR', 'PRF', 'INTEG', 'DH'] : ['ENCR', 'INTEG', 'DH', 'ESN'];
  const unmatched: TransformTypeLabel[] = [];
  for (const type of types) {
    if (type === 'DH' && options.ignoreDh) continue;
    const ours = new Set(configured.flatMap((p) => keywordsOf(p, type)));
    const theirs = new Set(offered.flatMap((p) => keywordsOf(p, type)));
    if (type === 'INTEG' && ours.size === 0 && theirs.size === 0) continue;
    if (![...theirs].some((keyword) => ours.has(keyword))) unmatched.push(type);
  }
  return unmatched;
}

/** Transforms of a proposal RFC 8247 deprecates. */
export function deprecatedTransformsOf(proposal: ParsedProposal): ProposalTransform[] {
  return proposalTransforms(proposal).filter((t) => t.deprecated);
}

/** Transforms this engine does not implement. */
export function unsupportedTransformsOf(proposal: ParsedProposal): ProposalTransform[] {
  return proposalTransforms(proposal).filter((t) => !t.supported && !t.implied);
}

/** A proposal string we may add to a config: parses, nothing deprecated, nothing unsupported. */
export function checkAddableProposal(text: string, protocol: ProposalProtocol): { ok: true; canonical: string } | { ok: false; reason: string } {
  let parsed: ParsedProposal;
  try {
    parsed = parseProposal(text, protocol);
  } catch (error) {
    return { ok: false, reason: `"${text}" does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
  const deprecated = deprecatedTransformsOf(parsed);
  if (deprecated.length > 0) {
    return { ok: false, reason: `"${text}" uses ${deprecated.map((t) => `${t.keyword} (RFC 8247: ${t.rfc8247 ?? 'deprecated'})`).join(', ')}; a fix never adds an algorithm RFC 8247 deprecates` };
  }
  const unsupported = unsupportedTransformsOf(parsed);
  if (unsupported.length > 0) {
    return { ok: false, reason: `"${text}" uses ${unsupported.map((t) => t.keyword).join(', ')}, which this engine does not implement` };
  }
  return { ok: true, canonical: formatProposal(parsed) };
}

function acceptable(transform: ProposalTransform): boolean {
  return !transform.deprecated && transform.supported;
}

/**
 * The first proposal, in the peer's order, that we could add to our list so
 * that the peer's offer matches it, using only acceptable transforms of
 * that offered proposal. For ESP offered in IKE_AUTH (no DH there),
 * `pfsGroup` keeps our own PFS setting. Undefined when every offered
 * proposal needs a deprecated or unsupported transform.
 */
export function acceptableProposalFromOffer(
  offered: readonly ParsedProposal[],
  protocol: ProposalProtocol,
  options: { pfsGroup?: string } = {},
): string | undefined {
  for (const proposal of offered) {
    const encr = proposal.encryption.find(acceptable);
    if (!encr) continue;
    const tokens = [encr.keyword];
    if (!proposal.aead) {
      const integ = proposal.integrity.find(acceptable);
      if (!integ) continue;
      tokens.push(integ.keyword);
    }
    if (protocol === 'ike') {
      const prf = proposal.prf.find(acceptable);
      const dh = proposal.dh.find(acceptable);
      if (!prf || !dh) continue;
      // Leave the PRF out when the integrity keyword implies the same one (strongSwan's short form).
      const implied = parseProposalText([...tokens, dh.keyword].join('-'), 'ike');
      if (!(implied && implied.prf.length === 1 && implied.prf[0]?.keyword === prf.keyword)) tokens.push(prf.keyword);
      tokens.push(dh.keyword);
    } else {
      const offeredGroups = proposal.dh.filter((t) => t.id !== 0);
      if (offeredGroups.length > 0) {
        const dh = offeredGroups.find(acceptable);
        if (!dh) continue;
        tokens.push(dh.keyword);
      } else if (options.pfsGroup) {
        tokens.push(options.pfsGroup);
      }
      // noesn is strongSwan's default; name ESN only when the peer insists on it.
      if (proposal.esn.length > 0 && proposal.esn.every((t) => t.keyword === 'esn')) tokens.push('esn');
    }
    const checked = checkAddableProposal(tokens.join('-'), protocol);
    if (checked.ok) return checked.canonical;
  }
  return undefined;
}

/** Our first proposal with its DH groups replaced by `group` (for "no common DH group"). */
export function proposalWithGroup(configured: string, protocol: ProposalProtocol, group: string): string | undefined {
  const parsed = parseProposalText(configured, protocol);
  if (!parsed) return undefined;
  const tokens = [
    ...parsed.encryption.map((t) => t.keyword),
    ...parsed.integrity.map((t) => t.keyword),
    ...parsed.prf.filter((t) => !t.implied).map((t) => t.keyword),
    group,
    ...parsed.esn.filter((t) => !t.implied).map((t) => t.keyword),
  ];
  const checked = checkAddableProposal(tokens.join('-'), protocol);
  return checked.ok ? checked.canonical : undefined;
}

/** Canonical keyword of DH group `id`, or "group N". */
export function dhGroupKeyword(id: number): string {
  return keywordForTransform({ type: TransformType.DH, id }) ?? `group ${id}`;
}

/** Every DH group keyword a proposal list allows (ESP: PFS groups; "none" when a proposal has none). */
export function dhGroupsOf(texts: readonly string[], protocol: ProposalProtocol): string[] {
  return [...new Set(parseProposalTexts(texts, protocol).flatMap((p) => keywordsOf(p, 'DH')))];
}

/**
 * The proposal list reordered so `group` is the DH group we send first: the
 * first proposal that allows it moves to the front with the group first in
 * it. Same proposals, same transforms, other order; undefined if no
 * proposal allows the group.
 */
export function listPreferringGroup(texts: readonly string[], protocol: ProposalProtocol, group: string): string[] | undefined {
  const index = texts.findIndex((text) => parseProposalText(text, protocol)?.dh.some((t) => t.keyword === group));
  if (index < 0) return undefined;
  const parsed = parseProposalText(texts[index] ?? '', protocol);
  if (!parsed) return undefined;
  const reordered: ParsedProposal = { ...parsed, dh: [...parsed.dh.filter((t) => t.keyword === group), ...parsed.dh.filter((t) => t.keyword !== group)] };
  const rest = texts.filter((_, i) => i !== index);
  return [formatProposal(reordered), ...rest];
}

/** Same transforms (by keyword) in two proposal strings, order aside. */
export function sameTransformSet(a: string, b: string, protocol: ProposalProtocol): boolean {
  const pa = parseProposalText(a, protocol);
  const pb = parseProposalText(b, protocol);
  if (!pa || !pb) return false;
  const keys = (p: ParsedProposal) => proposalTransforms(p).map((t) => `${t.type}:${t.keyword}`).sort().join(',');
  return keys(pa) === keys(pb);
}
