/**
 * Before a run: the wizard's steps in the seed's words, and the tunnel and
 * peer it will run for — pre-filled from the URL (a failure's "Diagnose"
 * link) or from a finding this wizard is for. An operator starts the run.
 */
import { useState, type FormEvent } from 'react';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { describeError } from '../../../lib/http-client.ts';
import { createWizardRun, type Finding, type WizardInfo, type WizardRun, type WizardRunRequest } from '../api/diagnose-api.ts';

interface WizardLauncherProps {
  wizard: WizardInfo;
  tunnelNames: string[];
  findings: Finding[];
  initial: { tunnel: string; peer: string; findingId: string };
  onStarted: (run: WizardRun) => void;
}

/** The finding a run should start from: the one named in the URL, else one of this wizard about the same peer or tunnel. */
export function findingForLaunch(wizard: WizardInfo, findings: Finding[], initial: WizardLauncherProps['initial']): Finding | undefined {
  const forWizard = findings.filter((finding) => finding.wizard === wizard.id);
  return (
    forWizard.find((finding) => finding.id === initial.findingId) ??
    (initial.peer !== '' ? forWizard.find((finding) => finding.peer === initial.peer) : undefined) ??
    (initial.tunnel !== '' ? forWizard.find((finding) => finding.tunnel === initial.tunnel) : undefined)
  );
}

function fillIn(instruction: string, tunnel: string, peer: string): string {
  return instruction.replaceAll('{tunnel}', tunnel ? `"${tunnel}"` : 'the tunnel').replaceAll('{peer}', peer || 'the peer');
}

export function WizardLauncher({ wizard, tunnelNames, findings, initial, onStarted }: WizardLauncherProps) {
  const forWizard = findings.filter((finding) => finding.wizard === wizard.id);
  const preselected = findingForLaunch(wizard, findings, initial);
  const [findingId, setFindingId] = useState(preselected?.id ?? '');
  const [tunnel, setTunnel] = useState(preselected?.tunnel ?? initial.tunnel);
  const [peer, setPeer] = useState(preselected?.peer ?? initial.peer);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function chooseFinding(id: string) {
    setFindingId(id);
    const finding = forWizard.find((candidate) => candidate.id === id);
    if (finding?.tunnel) setTunnel(finding.tunnel);
    if (finding?.peer) setPeer(finding.peer);
  }

  async function start(event: FormEvent) {
    event.preventDefault();
    const request: WizardRunRequest = {};
    if (tunnel !== '') request.tunnel = tunnel;
    if (peer.trim() !== '') request.peer = peer.trim();
    if (findingId !== '') request.findingId = findingId;
    setBusy(true);
    setError(null);
    try {
      onStarted(await createWizardRun(wizard.id, request));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const tunnelChoices = tunnel !== '' && !tunnelNames.includes(tunnel) ? [tunnel, ...tunnelNames] : tunnelNames;
  return (
    <div className="wizard-launcher" data-testid="wizard-launcher" data-wizard={wizard.id}>
      <p>{wizard.summary}</p>
      <form className="toolbar" onSubmit={(event) => void start(event)}>
        {forWizard.length > 0 ? (
          <label>
            From finding
            <select value={findingId} onChange={(event) => chooseFinding(event.target.value)} aria-label="From finding">
              <option value="">none</option>
              {forWizard.map((finding) => (
                <option key={finding.id} value={finding.id}>
                  {finding.title} — {finding.tunnel ?? 'no tunnel'} ({finding.code})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Tunnel
          <select value={tunnel} onChange={(event) => setTunnel(event.target.value)} aria-label="Wizard tunnel">
            <option value="">choose a tunnel</option>
            {tunnelChoices.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Peer
          <input value={peer} onChange={(event) => setPeer(event.target.value)} placeholder="the tunnel's remote endpoint" size={16} aria-label="Wizard peer" />
        </label>
        <RoleGate role="operator" fallback={<span className="muted small">Running a wizard needs the operator role.</span>}>
          <button type="submit" className="primary" disabled={busy || (tunnel === '' && findingId === '')} data-testid="wizard-start">
            {busy ? 'Starting…' : 'Start wizard'}
          </button>
        </RoleGate>
      </form>
      {error ? (
        <p className="state-error" role="alert">
          {error}
        </p>
      ) : null}
      <ol className="wizard-steps preview">
        {wizard.steps.map((step) => (
          <li key={step.id} data-step={step.id}>
            <strong>{step.title}</strong>
            <p>{fillIn(step.instruction, tunnel, peer)}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
