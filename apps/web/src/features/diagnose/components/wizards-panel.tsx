/**
 * The guided wizards, one per seed section. Without a chosen wizard: the
 * catalogue. With one (`?wizard=`): its launcher, or its run (`?run=`).
 */
import { Link } from 'react-router';
import { NoData } from '../../../components/ui/async-content.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { buildQuery } from '../../../lib/http-client.ts';
import type { Finding, WizardInfo, WizardRun } from '../api/diagnose-api.ts';
import { WizardLauncher } from './wizard-launcher.tsx';
import { WizardRunView } from './wizard-run-view.tsx';

interface WizardsPanelProps {
  wizards: WizardInfo[];
  wizardId: string;
  runId: string;
  tunnel: string;
  peer: string;
  findingId: string;
  /** The code of the failure the operator came from (a "Diagnose" link), when it names no wizard. */
  unresolvedCode: string;
  tunnelNames: string[];
  findings: Finding[] | undefined;
  onChooseWizard: (wizardId: string) => void;
  onRunStarted: (run: WizardRun) => void;
  onClose: () => void;
  onSelectFinding: (id: string) => void;
}

function WizardCatalogue({ wizards, tunnel, peer }: { wizards: WizardInfo[]; tunnel: string; peer: string }) {
  if (wizards.length === 0) return <NoData text="No wizards." />;
  return (
    <ul className="wizard-catalogue" data-testid="wizard-catalogue">
      {wizards.map((wizard) => (
        <li key={wizard.id} data-wizard={wizard.id}>
          <span className="muted mono">{wizard.seedSection}</span>{' '}
          <Link to={`/diagnose${buildQuery({ wizard: wizard.id, tunnel, peer })}`}>{wizard.title}</Link>
          <span className="muted small"> — {wizard.summary}</span>
        </li>
      ))}
    </ul>
  );
}

export function WizardsPanel(props: WizardsPanelProps) {
  const { wizards, wizardId, runId } = props;
  const wizard = wizards.find((candidate) => candidate.id === wizardId);
  const open = wizardId !== '' || runId !== '';
  return (
    <Panel
      title={wizard ? `Wizard: ${wizard.title} (seed ${wizard.seedSection})` : 'Guided wizards'}
      testId="panel-wizard"
      actions={
        open ? (
          <>
            <label className="muted">
              Wizard{' '}
              <select value={wizardId} onChange={(event) => props.onChooseWizard(event.target.value)} aria-label="Wizard">
                {wizardId === '' ? <option value="">choose</option> : null}
                {wizards.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.seedSection} {candidate.title}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={props.onClose}>
              Close wizard
            </button>
          </>
        ) : null
      }
    >
      {props.unresolvedCode !== '' && !wizard ? (
        <p className="muted">No wizard is made for the code {props.unresolvedCode}: choose one of the seed's sections below.</p>
      ) : null}
      {runId !== '' ? (
        <WizardRunView runId={runId} wizards={wizards} onSelectFinding={props.onSelectFinding} />
      ) : wizard ? (
        props.findings === undefined ? (
          <p className="state-loading">Loading the findings to pre-fill the wizard…</p>
        ) : (
          <WizardLauncher
            key={wizard.id}
            wizard={wizard}
            tunnelNames={props.tunnelNames}
            findings={props.findings}
            initial={{ tunnel: props.tunnel, peer: props.peer, findingId: props.findingId }}
            onStarted={props.onRunStarted}
          />
        )
      ) : (
        <WizardCatalogue wizards={wizards} tunnel={props.tunnel} peer={props.peer} />
      )}
    </Panel>
  );
}
