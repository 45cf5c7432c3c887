/**
 * Guided wizards: one per seed section, each a list of steps. A step is
 * data (id, title, the instruction in the seed's words, the live action it
 * asks the server to run) plus an evaluator that reads the events published
 * AFTER the step began and says what they show:
 *
 *   verified-ok     the evidence shows the step's check passed (cited)
 *   problem-found   the evidence shows a problem (cited, with the finding)
 *   not-verified    no evidence yet — never reported as OK
 *
 * Config checks read the config itself: their evidence is config paths.
 */
import type { GatewayConfig } from '@tunnelscope/api';
import type { DiagnosisEvent, SaStateSnapshot } from '../model/diagnosis-input.ts';
import type { Finding } from '../model/finding.ts';

export type ConfigCheck = 'addresses' | 'tunnel-order' | 'network-overlap' | 'dpd' | 'psk-type' | 'auth-method' | 'lifetimes';

/** What a step asks the server (or the operator, for `from: 'remote'`) to do, for one tunnel. */
export type LiveAction =
  | { readonly action: 'initiate'; readonly tunnel: string; readonly from: 'local' | 'remote' }
  | { readonly action: 'snoop'; readonly mode: 'brief' | 'full' | 'off'; readonly peer: string | null }
  | { readonly action: 'compare-proposals'; readonly tunnel: string }
  | { readonly action: 'check-rules'; readonly tunnel: string }
  | { readonly action: 'check-config'; readonly tunnel: string; readonly check: ConfigCheck }
  | { readonly action: 'test-psk'; readonly tunnel: string }
  | { readonly action: 'rekey'; readonly tunnel: string; readonly what: 'child' | 'ike' }
  | { readonly action: 'delete-sa'; readonly tunnel: string; readonly side: 'local' | 'remote' }
  | { readonly action: 'generate-peer-config'; readonly tunnel: string };

export type LiveActionKind = LiveAction['action'];

/** A step's action before a tunnel is chosen (the tunnel and peer are filled in by `instantiateWizard`). */
export type ActionTemplate =
  | { readonly action: 'initiate'; readonly from: 'local' | 'remote' }
  | { readonly action: 'snoop'; readonly mode: 'brief' | 'full' | 'off' }
  | { readonly action: 'compare-proposals' }
  | { readonly action: 'check-rules' }
  | { readonly action: 'check-config'; readonly check: ConfigCheck }
  | { readonly action: 'test-psk' }
  | { readonly action: 'rekey'; readonly what: 'child' | 'ike' }
  | { readonly action: 'delete-sa'; readonly side: 'local' | 'remote' }
  | { readonly action: 'generate-peer-config' };

export type StepStatus = 'verified-ok' | 'problem-found' | 'not-verified';

/** Where to go next: a step of this wizard, another wizard, or done. */
export type NextStep = { readonly step: string } | { readonly wizard: string; readonly reason: string } | null;

export interface StepEvaluation {
  readonly status: StepStatus;
  /** Input event ids the verdict rests on (empty for not-verified). */
  readonly citing: readonly number[];
  /** Config paths the verdict rests on (config checks). */
  readonly configPaths: readonly string[];
  readonly message: string;
  readonly next: NextStep;
  /** Findings diagnosis made from the step's events (problem-found). */
  readonly findings: readonly Finding[];
}

export interface StepContext {
  readonly config: GatewayConfig;
  readonly tunnel: string;
  /** ms since epoch: only events at or after it count. */
  readonly stepStartedAt: number;
  /** All events (ids as stored); the evaluator keeps those after stepStartedAt. */
  readonly events: readonly DiagnosisEvent[];
  readonly now: number;
  readonly saState?: SaStateSnapshot;
}

export interface WizardStep {
  readonly id: string;
  readonly title: string;
  /** The instruction, in the seed's words; "{tunnel}" and "{peer}" are filled in. */
  readonly instruction: string;
  readonly action: ActionTemplate;
  /** Where to go when the step verifies OK (problems route by finding). */
  readonly nextOnOk: string | null;
  readonly evaluate: (context: StepContext) => Omit<StepEvaluation, 'next'> & { readonly next?: NextStep };
}

export interface Wizard {
  readonly id: string;
  readonly seedSection: string;
  readonly title: string;
  readonly summary: string;
  readonly steps: readonly WizardStep[];
}

/** A step made concrete for one tunnel. */
export interface InstantiatedStep {
  readonly id: string;
  readonly title: string;
  readonly instruction: string;
  readonly action: LiveAction;
}
