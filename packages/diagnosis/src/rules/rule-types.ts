/**
 * The shape of a diagnosis rule and what it is given. A rule reads the
 * indexed events, the config and the optional SA snapshot / peer config,
 * and returns finding drafts; `diagnose` turns drafts into findings (title
 * and section from the catalogue, evidence resolved against the input so
 * nothing cited is invented, confidence, sorting).
 *
 * Rules run in table order, most specific first. A draft lists the events
 * it `explains`; later (more generic) rules skip explained events, so one
 * failed AUTH is reported once — as a PSK type mismatch when the candidate
 * check proves it, otherwise as an incorrect pre-shared key.
 */
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import type { PeerTunnelConfig, SaStateSnapshot, TunnelscopeEventType } from '../model/diagnosis-input.ts';
import type { FindingCode, FindingPhase, FindingSeverity, FindingSide, FixOption } from '../model/finding.ts';
import type { EventIndex } from '../events/event-index.ts';
import type { AddressBook } from '../net/tunnel-networks.ts';

export interface RuleContext {
  readonly config: GatewayConfig;
  readonly book: AddressBook;
  readonly index: EventIndex;
  readonly saState: SaStateSnapshot | undefined;
  readonly peerConfig: Readonly<Record<string, PeerTunnelConfig>>;
  readonly now: number;
  /** True when a rule earlier in the table already explained this event. */
  isExplained(eventId: number): boolean;
  tunnel(name: string | null): TunnelConfig | undefined;
  tunnelIndex(name: string | null): number;
}

/** What would show the problem is gone: a later success of this kind for the same tunnel (and peer, when known). */
export type ResolutionSignal = 'ike.sa.up' | 'child.sa.up' | 'child.sa.rekeyed' | 'ike.sa.rekeyed';

export interface FindingDraft {
  readonly tunnel: string | null;
  readonly peer: string | null;
  readonly side: FindingSide;
  readonly phase: FindingPhase;
  /** Overrides the rule's severity (e.g. a config smell that is only informational). */
  readonly severity?: FindingSeverity;
  readonly score: number;
  readonly reasoning: readonly string[];
  /** Input events the finding rests on (ids); ids not in the input are dropped, never shown. */
  readonly evidenceEventIds: readonly number[];
  readonly occurrences?: number;
  readonly configPaths: readonly string[];
  readonly explanation: string;
  readonly fixSteps: readonly string[];
  readonly fixes: readonly FixOption[];
  readonly facts: Readonly<Record<string, unknown>>;
  /** Events this finding accounts for (generic rules later in the table skip them). */
  readonly explains: readonly number[];
  readonly resolvedBy?: ResolutionSignal;
  /** Distinguishes two findings of one code, tunnel and phase (part of the finding id). */
  readonly discriminator?: string;
}

export interface RuleReads {
  /** Daemon conditions (error-codes table keys) of log.event. */
  readonly conditions?: readonly string[];
  /** Informational log codes (invalid_ke_retry, rekey_collision, ...). */
  readonly infoCodes?: readonly string[];
  readonly eventTypes?: readonly TunnelscopeEventType[];
  /** Config fields, as JSON path patterns. */
  readonly config?: readonly string[];
  readonly saState?: boolean;
  readonly peerConfig?: boolean;
}

export interface DiagnosisRule {
  readonly code: FindingCode;
  readonly severity: FindingSeverity;
  /** What the finding rests on: observed events, or the config alone (a smell: what WILL go wrong). */
  readonly basis: 'events' | 'config';
  /** What the rule reads: documentation, and what the table test enumerates. */
  readonly reads: RuleReads;
  /** One line: when the rule fires. */
  readonly when: string;
  readonly evaluate: (context: RuleContext) => FindingDraft[];
}
