/**
 * Running a wizard for one tunnel: its steps made concrete (actions with
 * the tunnel and peer filled in), and the evaluation of one step from the
 * events after it began, with the rule that a verdict without evidence is
 * never "verified-ok".
 */
import type { GatewayConfig } from '@tunnelscope/api';
import type { InstantiatedStep, LiveAction, StepContext, StepEvaluation, Wizard, WizardStep } from './wizard-types.ts';
import { wizardById } from './wizard-table.ts';

function fill(text: string, tunnel: string, peer: string): string {
  return text.replaceAll('{tunnel}', `"${tunnel}"`).replaceAll('{peer}', peer);
}

function concreteAction(step: WizardStep, tunnel: string, peer: string | null): LiveAction {
  const template = step.action;
  switch (template.action) {
    case 'snoop':
      return { action: 'snoop', mode: template.mode, peer };
    case 'initiate':
      return { action: 'initiate', tunnel, from: template.from };
    case 'check-config':
      return { action: 'check-config', tunnel, check: template.check };
    case 'rekey':
      return { action: 'rekey', tunnel, what: template.what };
    case 'delete-sa':
      return { action: 'delete-sa', tunnel, side: template.side };
    case 'ping':
      return { action: 'ping', tunnel, to: template.to };
    case 'check-certificates':
      return { action: 'check-certificates', tunnel, check: template.check };
    case 'compare-proposals':
    case 'check-rules':
    case 'test-psk':
    case 'generate-peer-config':
    case 'flush-certificates':
    case 'trace-management':
      return { action: template.action, tunnel };
  }
}

export function instantiateWizard(wizard: Wizard, config: GatewayConfig, tunnelName: string): InstantiatedStep[] {
  const tunnel = config.tunnels.find((t) => t.name === tunnelName);
  if (!tunnel) throw new Error(`no tunnel "${tunnelName}"`);
  const peer = tunnel.remoteEndpoint === 'none' ? null : tunnel.remoteEndpoint;
  return wizard.steps.map((step) => ({
    id: step.id,
    title: step.title,
    instruction: fill(step.instruction, tunnel.name, peer ?? 'the remote side'),
    action: concreteAction(step, tunnel.name, peer),
  }));
}

/** Evaluates step `stepId` of wizard `wizardId` from the events after `context.stepStartedAt`. */
export function evaluateWizardStep(wizardId: string, stepId: string, context: StepContext): StepEvaluation {
  const wizard = wizardById(wizardId);
  const step = wizard?.steps.find((s) => s.id === stepId);
  if (!wizard || !step) throw new Error(`no step "${stepId}" in wizard "${wizardId}"`);
  const known = new Set(context.events.filter((e) => e.event.time >= context.stepStartedAt && e.event.time <= context.now).map((e) => e.id));
  const verdict = step.evaluate(context);
  // Only events after the step began may be cited; an OK without any evidence is not an OK.
  const citing = verdict.citing.filter((id) => known.has(id));
  const hasEvidence = citing.length > 0 || verdict.configPaths.length > 0;
  const status = verdict.status !== 'not-verified' && !hasEvidence ? 'not-verified' : verdict.status;
  // OK: on to the next step; a problem: where the finding belongs; not verified: this step again, unless it says otherwise.
  const next = status === 'verified-ok' ? (step.nextOnOk ? { step: step.nextOnOk } : null) : status === 'problem-found' ? (verdict.next ?? null) : verdict.next !== undefined ? verdict.next : { step: step.id };
  return {
    status,
    citing,
    configPaths: verdict.configPaths,
    message: status === verdict.status ? verdict.message : `not verified: ${verdict.message}`,
    next,
    findings: verdict.findings,
  };
}
