/** Public entry of the IKE daemon core: pure, deterministic, no IO. */
export { IkeDaemonCore } from './daemon-core.ts';
export type { CoreOptions } from './daemon-core.ts';
export type { CoreInput, CoreOutput, GatewayCommandResult, GatewayEvent, TimerRequest } from './core-io.ts';
export { seededEntropy, systemEntropy } from './entropy.ts';
export type { Entropy } from './entropy.ts';
export {
  DAEMON_ERROR_CODES,
  DAEMON_ERROR_MESSAGES,
  DROP_REASONS,
  IKE_FAILURE_CONDITIONS,
  seedCodeFor,
} from './error-codes.ts';
export type { ConditionMapping, DaemonErrorCode, DropReason, IkeFailureCondition } from './error-codes.ts';
export { DEFAULT_RETRANSMIT_POLICY, retransmitBudgetMs, retransmitDelayMs } from './retransmit.ts';
export type { RetransmitPolicy } from './retransmit.ts';
export { matchProposals, acceptsChosenProposal } from './proposal-match.ts';
export type { ProposalMatch } from './proposal-match.ts';
export type { ChildSa, ChildSaState, IkeSa, IkeSaState } from './ike-sa.ts';
export type { PskCandidateResult, PskFailureRecord } from './psk-candidates.ts';
