/**
 * A wizard run: each step with its instruction, a "Run step" button (the
 * server records the start and performs the step's live action), and the
 * verdict the server reaches from the events recorded after the step began,
 * with the event ids it cites. Without evidence a step reads "not
 * verified", never OK. The suggested next step is marked.
 */
import { Link } from 'react-router';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatClock, formatDateTime } from '../../../lib/format.ts';
import { buildQuery } from '../../../lib/http-client.ts';
import type { WizardInfo, WizardRun, WizardRunStep } from '../api/diagnose-api.ts';
import { stepVerdict, suggestedStepId, suggestedWizard } from '../hooks/diagnosis-wording.ts';
import { useWizardRun } from '../hooks/use-wizard-run.ts';
import { PskTestForm } from './psk-test-form.tsx';
import { SwanctlConf } from './swanctl-conf.tsx';

interface WizardRunViewProps {
  runId: string;
  wizards: WizardInfo[];
  onSelectFinding: (id: string) => void;
}

/** The step's live action in words (its parameters are extra fields of the action object). */
function describeAction(action: WizardRunStep['action']): string {
  const fields: Record<string, unknown> = action;
  const from = fields['from'];
  const mode = fields['mode'];
  const check = fields['check'];
  switch (action.action) {
    case 'initiate':
      return from === 'remote' ? 'initiate from the remote side' : 'initiate from this side';
    case 'snoop':
      return mode === 'off' ? 'ike -snoop -off' : `ike -snoop -${typeof mode === 'string' ? mode : 'brief'}`;
    case 'check-config':
      return `check the config${typeof check === 'string' ? ` (${check})` : ''}`;
    case 'check-rules':
      return 'check the IP rule set';
    case 'compare-proposals':
      return 'compare proposals';
    case 'test-psk':
      return 'test a candidate key';
    case 'rekey':
      return `rekey the ${fields['what'] === 'ike' ? 'IKE SA' : 'CHILD_SA'}`;
    case 'delete-sa':
      return fields['side'] === 'remote' ? 'remove the SA on the peer' : 'delete the SA here';
    case 'generate-peer-config':
      return 'swanctl.conf for the peer';
    default:
      return action.action;
  }
}

function StepEvidence({ step }: { step: WizardRunStep }) {
  const verdict = stepVerdict(step);
  if (step.startedAt === null) return null;
  if (!verdict.hasEvidence) {
    return (
      <p className="muted small" data-testid="step-no-evidence">
        No evidence since this step began: not verified.
      </p>
    );
  }
  return (
    <p className="small step-evidence" data-testid="step-evidence">
      {step.citing.length > 0 ? (
        <>
          <span className="muted">Cites event{step.citing.length === 1 ? '' : 's'} </span>
          {step.citing.map((id) => (
            <Link key={id} to={`/snoop?evidence=${id}`} className="event-id" data-testid="step-cited-event">
              {id}
            </Link>
          ))}
        </>
      ) : null}
      {step.configPaths.length > 0 ? (
        <>
          <span className="muted"> config </span>
          {step.configPaths.map((path) => (
            <code key={path} className="config-path">
              {path}
            </code>
          ))}
        </>
      ) : null}
    </p>
  );
}

function StepNext({ step, run, wizards }: { step: WizardRunStep; run: WizardRun; wizards: WizardInfo[] }) {
  const next = step.next;
  if (step.startedAt === null || next === null) return null;
  if ('step' in next) {
    if (next.step === step.id) return <p className="muted small">Next: run this step again once something has happened.</p>;
    const target = run.steps.find((candidate) => candidate.id === next.step);
    return <p className="muted small">Next: {target ? target.title : next.step}.</p>;
  }
  if (next.wizard === run.wizardId) {
    const following = run.steps[run.steps.findIndex((candidate) => candidate.id === step.id) + 1];
    return (
      <p className="muted small">
        Next: {next.reason} — {following ? `go on with "${following.title}"` : 'this was the last step'}.
      </p>
    );
  }
  const target = wizards.find((wizard) => wizard.id === next.wizard);
  return (
    <p className="small">
      Next: {next.reason} —{' '}
      <Link to={`/diagnose${buildQuery({ wizard: next.wizard, tunnel: run.tunnel, peer: run.peer ?? undefined })}`} data-testid="step-next-wizard">
        open the wizard {target ? `${target.title} (seed ${target.seedSection})` : next.wizard}
      </Link>
    </p>
  );
}

function WizardStepItem({
  step,
  index,
  run,
  wizards,
  suggested,
  starting,
  onStart,
  onSelectFinding,
}: {
  step: WizardRunStep;
  index: number;
  run: WizardRun;
  wizards: WizardInfo[];
  suggested: boolean;
  starting: boolean;
  onStart: () => void;
  onSelectFinding: (id: string) => void;
}) {
  const verdict = stepVerdict(step);
  return (
    <li className={`wizard-step status-${verdict.shownStatus}${suggested ? ' suggested' : ''}`} data-testid="wizard-step" data-step={step.id} data-status={verdict.shownStatus}>
      <div className="wizard-step-head">
        <span className="step-number">{index + 1}</span>
        <strong>{step.title}</strong>
        <StatusBadge tone={verdict.tone}>{verdict.label}</StatusBadge>
        {suggested ? <span className="badge badge-info">next</span> : null}
        <span className="muted small">{describeAction(step.action)}</span>
        <RoleGate role="operator">
          <button type="button" className={suggested ? 'primary' : undefined} onClick={onStart} disabled={starting} data-testid="run-step">
            {starting ? 'Running…' : step.startedAt === null ? 'Run step' : 'Run again'}
          </button>
        </RoleGate>
      </div>
      <p className="step-instruction">{step.instruction}</p>
      {step.startedAt !== null ? (
        <>
          <p className="small muted">
            Started {formatClock(step.startedAt)}
            {step.startedBy ? ` by ${step.startedBy}` : ''}
            {step.performed ? (step.performed.done ? ` — done: ${step.performed.message}` : '') : ''}
          </p>
          {step.performed && !step.performed.done ? (
            <p className="step-todo" data-testid="step-todo">
              For you to do: {step.performed.message}
            </p>
          ) : null}
          <p className="step-message" data-testid="step-message">
            {step.message}
          </p>
          <StepEvidence step={step} />
          {step.findings.length > 0 ? (
            <ul className="step-findings">
              {step.findings.map((finding) => (
                <li key={finding.id} data-code={finding.code} data-testid="step-finding">
                  <button type="button" className="link-button" onClick={() => onSelectFinding(finding.id)}>
                    {finding.title}
                  </button>{' '}
                  <code>{finding.code}</code> {finding.tunnel ? <span className="muted">on {finding.tunnel}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          <StepNext step={step} run={run} wizards={wizards} />
        </>
      ) : null}
      {step.action.action === 'test-psk' ? <PskTestForm tunnel={run.tunnel} /> : null}
      {step.action.action === 'generate-peer-config' ? <SwanctlConf tunnel={run.tunnel} peer={run.peer} /> : null}
    </li>
  );
}

export function WizardRunView({ runId, wizards, onSelectFinding }: WizardRunViewProps) {
  const state = useWizardRun(runId);
  const run = state.run;
  if (run === null) {
    return state.error ? (
      <p className="state-error" role="alert">
        Could not load the wizard run: {state.error}
      </p>
    ) : (
      <p className="state-loading">Loading the run…</p>
    );
  }
  const suggested = suggestedStepId(run);
  const elsewhere = suggestedWizard(run);
  return (
    <div className="wizard-run" data-testid="wizard-run" data-run-id={run.id} data-wizard={run.wizardId}>
      <p className="small">
        <strong>{run.title}</strong> <span className="muted">seed {run.seedSection}</span> — tunnel <strong data-testid="wizard-run-tunnel">{run.tunnel}</strong>
        {run.peer ? (
          <>
            , peer <span className="mono">{run.peer}</span>
          </>
        ) : null}
        <span className="muted">
          {' '}
          · started {formatDateTime(run.createdAt)} by {run.createdBy}
          {run.findingId ? ' from a finding' : ''} · judged {formatClock(run.evaluatedAt)}
        </span>{' '}
        {run.findingId ? (
          <button type="button" className="link-button" onClick={() => onSelectFinding(run.findingId ?? '')}>
            show the finding
          </button>
        ) : null}
      </p>
      {state.error ? (
        <p className="state-error" role="alert">
          {state.error}
        </p>
      ) : null}
      {elsewhere ? (
        <p className="notice small" data-testid="wizard-suggests">
          The latest step points elsewhere: {elsewhere.reason}.
        </p>
      ) : null}
      <ol className="wizard-steps">
        {run.steps.map((step, index) => (
          <WizardStepItem
            key={step.id}
            step={step}
            index={index}
            run={run}
            wizards={wizards}
            suggested={step.id === suggested}
            starting={state.startingStep === step.id}
            onStart={() => void state.startStep(step.id)}
            onSelectFinding={onSelectFinding}
          />
        ))}
      </ol>
    </div>
  );
}
