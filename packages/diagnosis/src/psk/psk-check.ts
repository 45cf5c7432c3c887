/**
 * "Would this PSK work?" (seed 13.6.6 #2): the daemon keeps, for a bounded
 * time, what a failed AUTH was computed over (the signed octets and the
 * AUTH value, never a key). Given that material and a candidate key, this
 * says whether the candidate verifies, with @tunnelscope/ike's PSK AUTH
 * functions (no crypto of its own). The gateway's `testPsk` runs the same
 * check inside the engine, where the material lives; `applyPskTestResult`
 * turns its answer into an updated finding.
 */
import { pskBytes, verifyPskAuth, type PskInput } from '@tunnelscope/ike';
import type { Finding } from '../model/finding.ts';

/** The kept material of a failed AUTH (the engine's PskFailureRecord has these fields). */
export interface FailedAuthMaterial {
  /** PRF transform id of the IKE SA. */
  readonly prf: number;
  readonly signedOctets: Uint8Array;
  readonly receivedAuth: Uint8Array;
}

export type PskCandidateVerdict =
  | { readonly result: 'match' }
  | { readonly result: 'mismatch' }
  | { readonly result: 'invalid-candidate'; readonly problem: string };

export function wouldPskVerify(material: FailedAuthMaterial, candidate: PskInput): PskCandidateVerdict {
  let key: Uint8Array;
  try {
    key = pskBytes(candidate);
  } catch (error) {
    return { result: 'invalid-candidate', problem: error instanceof Error ? error.message : 'the candidate key does not parse' };
  }
  return verifyPskAuth(material.prf, key, material.signedOctets, material.receivedAuth) ? { result: 'match' } : { result: 'mismatch' };
}

/** What the gateway's testPsk / POST /diagnose/test-psk answer. */
export interface PskTestOutcome {
  readonly result: 'match' | 'mismatch' | 'no_evidence';
  readonly detail: string;
}

/**
 * An incorrect-PSK finding updated with an operator's candidate test: a
 * match proves the candidate is the peer's key (confidence 0.99, the fix is
 * entering it here, with its type); a mismatch rules one more key out; no
 * evidence leaves the finding as it was.
 */
export function applyPskTestResult(finding: Finding, candidateKind: PskInput['kind'], outcome: PskTestOutcome): Finding {
  if (finding.code !== 'incorrect_psk' && finding.code !== 'psk_type_mismatch' && finding.code !== 'wrong_tunnel_selected') return finding;
  const tested = { ...(finding.facts.operatorTests as Record<string, number> | undefined) };
  tested[outcome.result] = (tested[outcome.result] ?? 0) + 1;
  const facts = { ...finding.facts, operatorTests: tested };
  const kind = candidateKind === 'hex' ? 'Hex' : 'Passphrase';
  switch (outcome.result) {
    case 'match':
      return {
        ...finding,
        side: 'local',
        confidence: { score: 0.99, reasoning: [...finding.confidence.reasoning, `an operator's candidate ${kind} key verifies the AUTH the peer sent: that is the peer's key`] },
        fixSteps: [`Enter the tested key as a ${kind} key on "${finding.tunnel ?? '?'}" (the key is not stored by diagnosis: type it into the tunnel's settings).`, ...finding.fixSteps],
        facts: { ...facts, verifiedCandidateType: candidateKind },
      };
    case 'mismatch':
      return {
        ...finding,
        confidence: { score: finding.confidence.score, reasoning: [...finding.confidence.reasoning, `an operator's candidate ${kind} key does not verify either: ${outcome.detail}`] },
        facts,
      };
    case 'no_evidence':
      return { ...finding, confidence: { score: finding.confidence.score, reasoning: [...finding.confidence.reasoning, `a candidate could not be tested: ${outcome.detail}`] }, facts };
  }
}
