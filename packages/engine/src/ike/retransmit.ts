/**
 * Request retransmission (RFC 7296 §2.1, §2.4). Only the initiator of an
 * exchange retransmits; a responder answers a retransmitted request by
 * resending its cached response (never re-processing it).
 *
 * The schedule is charon's default: the n-th wait is `timeout * base^n`
 * (4 s, 7.2 s, 13 s, 23.3 s, 42 s), and after `tries` retransmissions a last
 * wait of `timeout * base^tries` (75.6 s) ends in `peer_not_responding`
 * (≈ 165 s in all).
 *
 *     send(request) --> [waiting(attempt=0)] --timeout--> resend --> [waiting(attempt+1)]
 *                            |                                           |
 *                            +-- response --> done      attempt > tries -+--> give up
 */

export interface RetransmitPolicy {
  /** First wait in ms. */
  timeoutMs: number;
  /** Multiplier between waits. */
  base: number;
  /** Retransmissions before giving up. */
  tries: number;
}

export const DEFAULT_RETRANSMIT_POLICY: RetransmitPolicy = { timeoutMs: 4000, base: 1.8, tries: 5 };

/** Wait after sending attempt `attempt` (0 = the original transmission). */
export function retransmitDelayMs(policy: RetransmitPolicy, attempt: number): number {
  return Math.round(policy.timeoutMs * policy.base ** attempt);
}

/** Total time from the first transmission to giving up. */
export function retransmitBudgetMs(policy: RetransmitPolicy): number {
  let total = 0;
  for (let attempt = 0; attempt <= policy.tries; attempt++) total += retransmitDelayMs(policy, attempt);
  return total;
}

/** What to do when the retransmit timer of an outstanding request fires. */
export type RetransmitDecision = { action: 'resend'; attempt: number; nextAt: number } | { action: 'give_up'; attempts: number };

export function onRetransmitTimer(policy: RetransmitPolicy, attempt: number, now: number): RetransmitDecision {
  if (attempt >= policy.tries) return { action: 'give_up', attempts: attempt + 1 };
  const next = attempt + 1;
  return { action: 'resend', attempt: next, nextAt: now + retransmitDelayMs(policy, next) };
}
