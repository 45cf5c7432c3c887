/**
 * Proposal strings ("aes128gcm16-prfsha256-x25519", "aes256-sha256") are
 * checked by the IKE package's keyword parser, the same one the daemon
 * uses to build SA payloads, so config validation and negotiation cannot
 * disagree about what a keyword means. This adapter turns its verdict into
 * config language: unknown keywords with a "did you mean", algorithms this
 * engine cannot negotiate, RFC 8247 deprecations and the parser's own
 * notes as warnings.
 */
import { DhGroupId, PROPOSAL_KEYWORDS, ProposalSyntaxError, parseProposal, type ProposalTransform } from '@tunnelscope/ike';
import { closestName } from '@tunnelscope/api';

export type ProposalKind = 'ike' | 'esp';

export type ProposalCheck =
  | {
      readonly ok: true;
      /** Number of key exchange (DH) groups the proposal names ("modpnone" not counted). */
      readonly keyExchangeGroups: number;
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly message: string;
      /** The only problem is that no DH group is named (IKE). */
      readonly missingKeyExchange: boolean;
    };

export type ProposalChecker = (text: string, kind: ProposalKind) => ProposalCheck;

const KEYWORDS = PROPOSAL_KEYWORDS.map((entry) => entry.keyword);
/** A group every build implements; used only to test whether a missing group is the sole problem. */
const PROBE_GROUP = 'modp2048';

function describeFailure(error: unknown): string {
  if (error instanceof ProposalSyntaxError && error.code === 'proposal_unknown_keyword' && error.token !== undefined) {
    const suggestion = closestName(error.token.toLowerCase(), KEYWORDS);
    return `unknown algorithm "${error.token}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
  }
  if (error instanceof ProposalSyntaxError) return error.message.replace(/^crypto: [a-z_]+: /, '');
  return error instanceof Error ? error.message : String(error);
}

function parsesWithProbeGroup(text: string, kind: ProposalKind): boolean {
  try {
    parseProposal(`${text}-${PROBE_GROUP}`, kind);
    return true;
  } catch {
    return false;
  }
}

export const checkProposalWithIke: ProposalChecker = (text, kind) => {
  let parsed;
  try {
    parsed = parseProposal(text, kind);
  } catch (error) {
    const missingKeyExchange =
      error instanceof ProposalSyntaxError && error.code === 'proposal_missing_transform' && parsesWithProbeGroup(text, kind);
    return { ok: false, message: describeFailure(error), missingKeyExchange };
  }
  const groups: readonly ProposalTransform[] = parsed.dh.filter((transform) => transform.id !== DhGroupId.NONE);
  const required: [string, readonly ProposalTransform[]][] = [
    ['encryption', parsed.encryption],
    ['integrity', parsed.integrity],
    ['PRF', parsed.prf],
    ['DH group', groups],
  ];
  for (const [label, transforms] of required) {
    if (transforms.length > 0 && transforms.every((transform) => !transform.supported)) {
      const names = transforms.map((transform) => transform.keyword).join(', ');
      return { ok: false, message: `"${text}": ${label} ${names} is not supported by this engine`, missingKeyExchange: false };
    }
  }
  const all = [...parsed.encryption, ...parsed.prf, ...parsed.integrity, ...groups];
  const warnings = [...parsed.warnings];
  const unsupported = all.filter((transform) => !transform.supported && transform.implied !== true);
  if (unsupported.length > 0) {
    warnings.push(`${unsupported.map((transform) => transform.keyword).join(', ')} not supported by this engine; never negotiated`);
  }
  const deprecated = all.filter((transform) => transform.deprecated && transform.implied !== true);
  if (deprecated.length > 0) {
    warnings.push(`${deprecated.map((transform) => transform.keyword).join(', ')} deprecated by RFC 8247`);
  }
  return { ok: true, keyExchangeGroups: groups.length, warnings };
};
