/**
 * How the Diagnose view words the server's verdicts, as tables: which wizard
 * a failure code leads to, what a step's status reads as, and the seed's
 * names for sides and phases. Pure, so the rules are tested without a DOM.
 *
 * The one rule the view adds to the server's: a step is only shown as OK
 * when it cites evidence (event ids or config paths). A step without
 * evidence reads "not verified", whatever it says.
 */
import type { Finding, WizardRun, WizardRunStep } from '../api/diagnose-api.ts';

/**
 * Coded failure events (as the overview and snoop show them) whose code is
 * not itself a finding code, and the wizard for them (seed 13.6.6 / 13.6.7).
 * Finding codes are resolved through the server's `forFinding` table first.
 */
export const WIZARD_FOR_EVENT_CODE: Readonly<Record<string, string>> = {
  ike_invalid_payload: 'error-invalid-payload-cookie',
  ike_invalid_cookie: 'error-invalid-payload-cookie',
  ts_unacceptable: 'one-sided-initiation',
  invalid_ke_requested: 'error-no-proposal-chosen',
};

export function wizardForCode(code: string, forFinding: Readonly<Record<string, string>>): string | undefined {
  return forFinding[code] ?? WIZARD_FOR_EVENT_CODE[code];
}

export type VerdictTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface StepVerdict {
  label: string;
  tone: VerdictTone;
  /** The status as shown (a verified-ok without evidence shows as not-verified). */
  shownStatus: WizardRunStep['status'];
  hasEvidence: boolean;
}

export function stepVerdict(step: Pick<WizardRunStep, 'status' | 'citing' | 'configPaths'>): StepVerdict {
  const hasEvidence = step.citing.length > 0 || step.configPaths.length > 0;
  switch (step.status) {
    case 'not-started':
      return { label: 'not started', tone: 'muted', shownStatus: 'not-started', hasEvidence };
    case 'verified-ok':
      return hasEvidence
        ? { label: 'OK (verified)', tone: 'ok', shownStatus: 'verified-ok', hasEvidence }
        : { label: 'not verified', tone: 'warn', shownStatus: 'not-verified', hasEvidence };
    case 'problem-found':
      return { label: 'problem found', tone: 'bad', shownStatus: 'problem-found', hasEvidence };
    case 'not-verified':
      return { label: 'not verified', tone: 'warn', shownStatus: 'not-verified', hasEvidence };
  }
}

function latestStartedStep(run: Pick<WizardRun, 'steps'>): { step: WizardRunStep; index: number } | null {
  let latest: { step: WizardRunStep; index: number } | null = null;
  run.steps.forEach((step, index) => {
    if (step.startedAt !== null && (latest === null || step.startedAt >= (latest.step.startedAt ?? 0))) latest = { step, index };
  });
  return latest;
}

/**
 * The step to run next: where the most recently started step points (a
 * step, or this same wizard: its following step), or the first step before
 * any has started. Null when the run points to another wizard or is done.
 */
export function suggestedStepId(run: Pick<WizardRun, 'wizardId' | 'steps'>): string | null {
  const latest = latestStartedStep(run);
  if (latest === null) return run.steps[0]?.id ?? null;
  const next = latest.step.next;
  if (next === null) return null;
  if ('step' in next) return next.step;
  if (next.wizard === run.wizardId) return run.steps[latest.index + 1]?.id ?? null;
  return null;
}

/** The other wizard the latest step sends the operator to, if any. */
export function suggestedWizard(run: Pick<WizardRun, 'wizardId' | 'steps'>): { wizard: string; reason: string } | null {
  const next = latestStartedStep(run)?.step.next ?? null;
  return next !== null && 'wizard' in next && next.wizard !== run.wizardId ? next : null;
}

export const SIDE_WORDS: Record<Finding['side'], string> = {
  local: 'our side',
  remote: 'the peer',
  either: 'either side',
};

export const PHASE_WORDS: Record<Finding['phase'], string> = {
  ike: 'phase-1 (IKE)',
  ipsec: 'phase-2 (IPsec)',
};

export const SEVERITY_TONES: Record<Finding['severity'], VerdictTone> = {
  error: 'bad',
  warning: 'warn',
  info: 'muted',
};

export function formatConfidence(score: number): string {
  return `${Math.round(score * 100)}%`;
}
