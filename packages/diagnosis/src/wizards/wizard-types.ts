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
import type { CertificateCacheView, CertificateStoreView, FlowPage, FlowQuery, GatewayConfig, PingResult, TraceRequest, TraceResult } from '@tunnelscope/api';
import type { DiagnosisEvent, SaStateSnapshot } from '../model/diagnosis-input.ts';
import type { Finding } from '../model/finding.ts';

export type ConfigCheck = 'addresses' | 'tunnel-order' | 'network-overlap' | 'dpd' | 'psk-type' | 'auth-method' | 'lifetimes' | 'management-route';

/** What a certificate step reads from the live certificate subsystem (seed 13.6.2 checklist). */
export type CertificateCheck = 'purposes' | 'file-names' | 'expiry' | 'clock' | 'crl';

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
  | { readonly action: 'generate-peer-config'; readonly tunnel: string }
  /**
   * Ping through the tunnel (seed 13.6.1): `to: 'gateway'` pings our gateway's own address
   * (core) from a host behind the peer, `to: 'peer-network'` pings a host behind the peer
   * from a host behind us. The server runs DataPlanePort.ping and hands the result back in
   * `StepContext.live.pings`.
   */
  | { readonly action: 'ping'; readonly tunnel: string; readonly to: 'gateway' | 'peer-network' }
  /** Read the certificate cache / store for one check (no change). */
  | { readonly action: 'check-certificates'; readonly tunnel: string; readonly check: CertificateCheck }
  /** `ike -certflush`: empty the certificate cache; the next negotiation refetches. */
  | { readonly action: 'flush-certificates'; readonly tunnel: string }
  /** Trace a reply from the gateway to a management host (seed 13.6.5): which route and interface it takes. */
  | { readonly action: 'trace-management'; readonly tunnel: string };

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
  | { readonly action: 'generate-peer-config' }
  | { readonly action: 'ping'; readonly to: 'gateway' | 'peer-network' }
  | { readonly action: 'check-certificates'; readonly check: CertificateCheck }
  | { readonly action: 'flush-certificates' }
  | { readonly action: 'trace-management' };

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
  /** Live reads the server offers the data-plane and certificate steps (absent: those steps fall back to events and config). */
  readonly live?: WizardLiveInputs;
}

/**
 * Capabilities of the running gateway a step evaluator may read. Reads
 * only: the actions that change something (ping, flush) are run by the
 * server when the step starts, and their results are handed in here.
 */
export interface WizardLiveInputs {
  /** Pings run by this wizard's steps, with when they were run (ms, engine clock). */
  readonly pings?: ReadonlyArray<{ readonly at: number; readonly tunnel: string; readonly result: PingResult }>;
  /** The data plane (DataPlanePort.listFlows / trace). */
  readonly dataPlane?: {
    listFlows(query: FlowQuery): FlowPage;
    trace(request: TraceRequest): TraceResult;
  };
  /** The certificate subsystem (CertificatePort.cache / store). */
  readonly certificates?: {
    cache(): CertificateCacheView;
    store(): CertificateStoreView;
  };
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
