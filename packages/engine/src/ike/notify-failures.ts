/**
 * An error notify the peer answered with, as a failure condition of the
 * error-codes table plus the operator's explanation. As initiator we never
 * saw the peer's configuration, so a NO_PROPOSAL_CHOSEN says "unknown" for
 * the transform type unless the peer once offered us its proposals for the
 * same tunnel (then the two lists are compared here).
 */
import { NotifyType } from '@tunnelscope/ike';
import type { IkeDaemonCore } from './daemon-core.ts';
import type { IkeFailureCondition } from './error-codes.ts';
import type { IkeSa } from './ike-sa.ts';
import { matchProposals } from './proposal-match.ts';
import { espProposalsOf, ikeProposalsOf, proposalText } from './tunnel-profile.ts';
import { notifyName } from './wire.ts';

export interface DescribedFailure {
  condition: IkeFailureCondition;
  message: string;
  evidence: Record<string, unknown>;
}

export function describeIkeFailureNotify(core: IkeDaemonCore, sa: IkeSa, notifyType: number, phase: 'ike' | 'ipsec'): DescribedFailure {
  const tunnel = sa.tunnel;
  const peer = sa.remote.address;
  const name = notifyName(notifyType);
  switch (notifyType) {
    case NotifyType.NO_PROPOSAL_CHOSEN: {
      const kind = phase === 'ike' ? 'ike' : 'esp';
      const ours = tunnel ? (kind === 'ike' ? ikeProposalsOf(tunnel) : espProposalsOf(tunnel, true)) : [];
      const seen = core.peerOffer(tunnel?.name, kind);
      // The first CHILD_SA is offered without DH (IKE_AUTH): compare ESP lists without PFS groups.
      const comparison = seen ? matchProposals(seen, ours, { ignoreDh: kind === 'esp' }) : undefined;
      const unmatched = comparison && !comparison.ok ? comparison.unmatchedTypes : comparison?.ok ? [] : 'unknown';
      return {
        condition: 'no_proposal_chosen_received',
        message: `phase ${phase === 'ike' ? '1 (IKE)' : '2 (IPsec)'}: ${peer} answered NO_PROPOSAL_CHOSEN to our ${phase === 'ike' ? 'IKE' : 'ESP'} proposals${
          unmatched === 'unknown' ? ' (its own proposals are unknown until it initiates to us: use ike -snoop -full then)' : ` (from its last offer to us: no common ${(unmatched as string[]).join(', ') || 'combination'})`
        }`,
        evidence: {
          offered: ours.map(proposalText),
          peerProposals: seen ? seen.map(proposalText) : 'unknown',
          unmatchedTransformTypes: unmatched,
          receivedNotify: name,
        },
      };
    }
    case NotifyType.AUTHENTICATION_FAILED:
      return {
        condition: 'authentication_failed_received',
        message: `${peer} answered AUTHENTICATION_FAILED: our AUTH did not verify with its pre-shared key for "${tunnel?.name ?? '?'}" (check the key and its type, Passphrase or Hex, on both sides)`,
        evidence: { receivedNotify: name, pskTestable: false, note: 'we are the initiator: the peer checked our AUTH, so its key cannot be tested here; ask the peer side, or initiate from it to get a testable failure here' },
      };
    case NotifyType.TS_UNACCEPTABLE:
      return {
        condition: 'ts_unacceptable_received',
        message: `${peer} refused our traffic selectors (TS_UNACCEPTABLE): its networks for "${tunnel?.name ?? '?'}" do not contain what we proposed (13.6.7: a larger network on our side is refused by a strict peer)`,
        evidence: { receivedNotify: name },
      };
    case NotifyType.INVALID_SYNTAX:
      return { condition: 'invalid_syntax_received', message: `${peer} could not parse our message (INVALID_SYNTAX)`, evidence: { receivedNotify: name } };
    case NotifyType.INVALID_MAJOR_VERSION:
      return { condition: 'invalid_major_version_received', message: `${peer} does not speak IKEv2 (INVALID_MAJOR_VERSION)`, evidence: { receivedNotify: name } };
    case NotifyType.INVALID_IKE_SPI:
      return { condition: 'invalid_ike_spi_received', message: `${peer} does not know this IKE SA (INVALID_IKE_SPI)`, evidence: { receivedNotify: name } };
    case NotifyType.INVALID_SPI:
    case NotifyType.CHILD_SA_NOT_FOUND:
      return { condition: 'unknown_child_sa', message: `${peer} does not know the CHILD_SA we referred to (${name})`, evidence: { receivedNotify: name } };
    case NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD:
      return { condition: 'unsupported_critical_payload', message: `${peer} does not support a critical payload we sent`, evidence: { receivedNotify: name } };
    default:
      return {
        condition: phase === 'ike' ? 'no_proposal_chosen_received' : 'ts_unacceptable_received',
        message: `${peer} answered ${name}`,
        evidence: { receivedNotify: name },
      };
  }
}
