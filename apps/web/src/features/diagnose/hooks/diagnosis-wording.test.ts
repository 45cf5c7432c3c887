import { describe, expect, it } from 'vitest';
import type { WizardRunStep } from '../api/diagnose-api.ts';
import { stepVerdict, suggestedStepId, suggestedWizard, wizardForCode } from './diagnosis-wording.ts';

function step(id: string, patch: Partial<WizardRunStep> = {}): WizardRunStep {
  return {
    id,
    title: id,
    instruction: '',
    action: { action: 'check-config' },
    startedAt: null,
    startedBy: null,
    performed: null,
    status: 'not-started',
    citing: [],
    configPaths: [],
    message: 'not started',
    next: null,
    findings: [],
    ...patch,
  };
}

describe('step verdicts', () => {
  it('never shows a step without evidence as OK', () => {
    expect(stepVerdict(step('a', { status: 'verified-ok' }))).toMatchObject({ label: 'not verified', shownStatus: 'not-verified' });
    expect(stepVerdict(step('a', { status: 'verified-ok', citing: [12] }))).toMatchObject({ label: 'OK (verified)', shownStatus: 'verified-ok' });
    expect(stepVerdict(step('a', { status: 'verified-ok', configPaths: ['tunnels[0]'] }))).toMatchObject({ shownStatus: 'verified-ok' });
  });

  it('keeps problems and missing evidence apart', () => {
    expect(stepVerdict(step('a', { status: 'problem-found', citing: [3] })).label).toBe('problem found');
    expect(stepVerdict(step('a', { status: 'not-verified' })).label).toBe('not verified');
    expect(stepVerdict(step('a')).label).toBe('not started');
  });
});

describe('the step to run next', () => {
  it('is the first step before any has started', () => {
    expect(suggestedStepId({ wizardId: 'w', steps: [step('a'), step('b')] })).toBe('a');
  });

  it('follows the most recently started step', () => {
    const steps = [
      step('a', { startedAt: 10, status: 'verified-ok', configPaths: ['x'], next: { step: 'b' } }),
      step('b', { startedAt: 20, status: 'not-verified', next: { step: 'b' } }),
      step('c'),
    ];
    expect(suggestedStepId({ wizardId: 'w', steps })).toBe('b');
  });

  it('points to another wizard when the latest step says so', () => {
    const steps = [step('a', { startedAt: 10, status: 'problem-found', citing: [1], next: { wizard: 'general-checks', reason: 'tunnel order' } })];
    expect(suggestedStepId({ wizardId: 'w', steps })).toBeNull();
    expect(suggestedWizard({ wizardId: 'w', steps })).toEqual({ wizard: 'general-checks', reason: 'tunnel order' });
  });

  it('goes on with the following step when the latest points to this same wizard', () => {
    const steps = [step('a', { startedAt: 10, status: 'problem-found', citing: [1], next: { wizard: 'w', reason: 'the key does not verify' } }), step('b')];
    expect(suggestedStepId({ wizardId: 'w', steps })).toBe('b');
    expect(suggestedWizard({ wizardId: 'w', steps })).toBeNull();
  });
});

describe('wizard for a failure code', () => {
  it('prefers the server table, then the event codes that are not finding codes', () => {
    const forFinding = { incorrect_psk: 'error-incorrect-psk' };
    expect(wizardForCode('incorrect_psk', forFinding)).toBe('error-incorrect-psk');
    expect(wizardForCode('ike_invalid_cookie', forFinding)).toBe('error-invalid-payload-cookie');
    expect(wizardForCode('unknown_code', forFinding)).toBeUndefined();
  });
});
