/**
 * Public entry of @tunnelscope/diagnosis: pure functions from (config,
 * events, SA state, peer evidence, now) to findings, their machine fixes,
 * the swanctl.conf a peer needs, and the guided wizards' steps.
 */
export { diagnose, compareFindings, findingsForTunnel } from './diagnose.ts';
export { toDiagnosisEvents } from './model/diagnosis-input.ts';
export type {
  ChildSaSnapshot,
  DiagnosisEvent,
  DiagnosisInput,
  IkeSaSnapshot,
  PeerTunnelConfig,
  SaStateSnapshot,
  TunnelscopeEvent,
  TunnelscopeEventType,
} from './model/diagnosis-input.ts';
export { FINDING_CATALOGUE, FINDING_CODES, MAX_EVIDENCE_EVENTS } from './model/finding.ts';
export type {
  Confidence,
  EvidenceItem,
  Finding,
  FindingCode,
  FindingEvidence,
  FindingPhase,
  FindingSeverity,
  FindingSide,
  FixAction,
  FixActionKind,
  FixOption,
} from './model/finding.ts';
export { DIAGNOSIS_RULES } from './rules/rule-table.ts';
export type { DiagnosisRule, RuleReads } from './rules/rule-types.ts';
export { OUR_REKEY_SCHEDULE } from './rules/lifetime-rules.ts';
export { proposeFix } from './fixes/propose-fix.ts';
export type { ProposedFix, RefusedFix } from './fixes/propose-fix.ts';
export { applyFixActions } from './fixes/apply-fix-actions.ts';
export { redactSecrets, unifiedConfigDiff } from './fixes/config-diff.ts';
export type { ConfigChange } from './fixes/config-diff.ts';
export { applyPskTestResult, wouldPskVerify } from './psk/psk-check.ts';
export type { FailedAuthMaterial, PskCandidateVerdict, PskTestOutcome } from './psk/psk-check.ts';
export { generateSwanctlConf, swanctlIdentity } from './swanctl/generate-swanctl-conf.ts';
export type { SwanctlConfOptions } from './swanctl/generate-swanctl-conf.ts';
export { WIZARDS, wizardById } from './wizards/wizard-table.ts';
export { WIZARD_FOR_FINDING } from './wizards/step-evaluators.ts';
export { evaluateWizardStep, instantiateWizard } from './wizards/run-wizard.ts';
export type {
  ActionTemplate,
  CertificateCheck,
  ConfigCheck,
  InstantiatedStep,
  LiveAction,
  LiveActionKind,
  NextStep,
  StepContext,
  StepEvaluation,
  StepStatus,
  Wizard,
  WizardLiveInputs,
  WizardStep,
} from './wizards/wizard-types.ts';
export { CERTIFICATE_CAUSE_TABLE, findingCodeForCause } from './rules/certificate-rules.ts';
