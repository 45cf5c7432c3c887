/**
 * A finding's machine fixes: "Preview fix" shows the exact config diff the
 * server would make (secrets as <secret>) and whether the engine accepts
 * it; "Apply" (after a confirmation) saves it as a new config version on
 * top of the previewed one, initiates the tunnel, and then shows the
 * tunnel's state live. Operators only; viewers read the summaries.
 */
import { useState } from 'react';
import { NoData } from '../../../components/ui/async-content.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { ApiRequestError, describeError } from '../../../lib/http-client.ts';
import { applyFix, previewFix, type FixApplyResponse, type FixOption, type FixPreviewResponse } from '../api/diagnose-api.ts';
import { LiveTunnelState } from './live-tunnel-state.tsx';

type FixPhase =
  | { kind: 'idle' }
  | { kind: 'previewing' }
  | { kind: 'previewed'; preview: FixPreviewResponse }
  | { kind: 'confirming'; preview: FixPreviewResponse }
  | { kind: 'applying'; preview: FixPreviewResponse }
  | { kind: 'applied'; preview: FixPreviewResponse; applied: FixApplyResponse };

function showValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

function diffLineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return '';
}

function FixDiffView({ preview }: { preview: FixPreviewResponse }) {
  return (
    <div className="fix-diff" data-testid="fix-diff">
      <p className="small">
        Against config version <strong>{preview.baseVersion}</strong>:{' '}
        {preview.valid ? (
          <span className="notice">the engine accepts the config with this fix.</span>
        ) : (
          <span className="state-error">the engine refuses the config with this fix.</span>
        )}
      </p>
      {preview.errors.length > 0 ? (
        <ul className="state-error" data-testid="fix-errors">
          {preview.errors.map((error) => (
            <li key={`${error.path}:${error.message}`}>
              <code>{error.path}</code>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
      {preview.diff.changes.length > 0 ? (
        <table className="grid compact diff">
          <thead>
            <tr>
              <th>Field</th>
              <th>Now</th>
              <th>With the fix</th>
            </tr>
          </thead>
          <tbody>
            {preview.diff.changes.map((change) => (
              <tr key={change.path} className="diff-changed">
                <td className="mono">{change.path}</td>
                <td className="mono diff-before">{showValue(change.before)}</td>
                <td className="mono diff-after">{showValue(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <pre className="unified-diff" data-testid="fix-diff-text">
        {preview.diff.text.split('\n').map((line, index) => (
          <span key={index} className={diffLineClass(line)}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}

function FixOptionCard({ findingId, fix, tunnel, onApplied }: { findingId: string; fix: FixOption; tunnel: string | null; onApplied: () => void }) {
  const [phase, setPhase] = useState<FixPhase>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);

  async function preview() {
    setError(null);
    setPhase({ kind: 'previewing' });
    try {
      setPhase({ kind: 'previewed', preview: await previewFix(findingId, fix.id) });
    } catch (err) {
      setError(describeError(err));
      setPhase({ kind: 'idle' });
    }
  }

  async function apply(current: FixPreviewResponse) {
    setError(null);
    setPhase({ kind: 'applying', preview: current });
    try {
      const applied = await applyFix(findingId, fix.id, current.baseVersion);
      setPhase({ kind: 'applied', preview: current, applied });
      onApplied();
    } catch (err) {
      const stale = err instanceof ApiRequestError && err.status === 409;
      setError(stale ? `The config changed since this preview (${describeError(err)}): preview again.` : describeError(err));
      setPhase(stale ? { kind: 'idle' } : { kind: 'previewed', preview: current });
    }
  }

  const shownPreview = phase.kind === 'idle' || phase.kind === 'previewing' ? null : phase.preview;
  const appliedTunnel = phase.kind === 'applied' ? (phase.applied.initiated?.tunnel ?? tunnel) : null;
  return (
    <li className="fix-option" data-testid="fix-option" data-fix-id={fix.id}>
      <p>
        <strong>{fix.summary}</strong> <code className="muted small">{fix.id}</code>
      </p>
      <RoleGate role="operator" fallback={<p className="muted small">Previewing and applying a fix needs the operator role.</p>}>
        <div className="toolbar">
          {phase.kind !== 'applied' ? (
            <button type="button" onClick={() => void preview()} disabled={phase.kind === 'previewing' || phase.kind === 'applying'}>
              {phase.kind === 'previewing' ? 'Previewing…' : shownPreview ? 'Preview again' : 'Preview fix'}
            </button>
          ) : null}
          {phase.kind === 'previewed' && phase.preview.valid ? (
            <button type="button" className="primary" onClick={() => setPhase({ kind: 'confirming', preview: phase.preview })}>
              Apply
            </button>
          ) : null}
        </div>
        {phase.kind === 'confirming' ? (
          <div className="confirm-box" role="alertdialog" aria-label="Confirm the fix">
            <p>
              Save this change as a new config version on top of version {phase.preview.baseVersion}
              {tunnel ? ` and initiate "${tunnel}"` : ''}?
            </p>
            <button type="button" className="primary" onClick={() => void apply(phase.preview)}>
              Confirm apply
            </button>{' '}
            <button type="button" onClick={() => setPhase({ kind: 'previewed', preview: phase.preview })}>
              Cancel
            </button>
          </div>
        ) : null}
        {phase.kind === 'applying' ? <p className="state-loading">Applying…</p> : null}
        {error ? (
          <p className="state-error" role="alert">
            {error}
          </p>
        ) : null}
        {phase.kind === 'applied' ? (
          <div className="fix-applied" data-testid="fix-applied">
            <p className="notice">
              Applied as config version {phase.applied.version.id} by {phase.applied.version.author}.
              {phase.applied.initiated
                ? ` Initiate "${phase.applied.initiated.tunnel}": ${phase.applied.initiated.accepted ? 'accepted' : 'refused'} (${phase.applied.initiated.message}).`
                : ''}
            </p>
            {appliedTunnel ? <LiveTunnelState name={appliedTunnel} /> : null}
          </div>
        ) : null}
      </RoleGate>
      {shownPreview ? <FixDiffView preview={shownPreview} /> : null}
    </li>
  );
}

export function MachineFixes({ findingId, fixes, tunnel, onApplied }: { findingId: string; fixes: FixOption[]; tunnel: string | null; onApplied: () => void }) {
  if (fixes.length === 0) return <NoData text="No machine fix for this finding: follow the steps above." />;
  return (
    <ul className="fix-options">
      {fixes.map((fix) => (
        <FixOptionCard key={fix.id} findingId={findingId} fix={fix} tunnel={tunnel} onApplied={onApplied} />
      ))}
    </ul>
  );
}
