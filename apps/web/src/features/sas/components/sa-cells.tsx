/** Cells shared by the SA tables: countdowns, "n/a" counters, operator actions. */
import { useState } from 'react';
import { formatBytes, formatDuration } from '../../../lib/format.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useHasRole } from '../../../lib/session-context.tsx';
import { useSecondTick } from '../../../lib/use-now.ts';
import { deleteSa, rekeySa } from '../api/sas-api.ts';

/** Time left until `at` (rekey, expiry); "—" when the server gave none. */
export function Countdown({ at }: { at: number | undefined }) {
  const now = useSecondTick();
  if (at === undefined) return <span className="muted">—</span>;
  const left = at - now;
  return <span className={`mono${left < 60_000 ? ' warn-text' : ''}`}>{formatDuration(left)}</span>;
}

export function Age({ since }: { since: number | undefined }) {
  const now = useSecondTick();
  if (since === undefined) return <span className="muted">—</span>;
  return <span className="mono">{formatDuration(Math.max(0, now - since))}</span>;
}

/** Traffic counters from the ESP layer; "n/a" when the engine reports none — never a made-up 0. */
export function TrafficCounter({ value, unit }: { value: number | undefined; unit: 'bytes' | 'packets' }) {
  if (value === undefined) return <span className="muted" title="not reported by the engine for this SA">n/a</span>;
  return <span className="mono">{unit === 'bytes' ? formatBytes(value) : value}</span>;
}

export function SaActions({ kind, id, onDone }: { kind: 'ike' | 'child'; id: string; onDone: () => void }) {
  const canAct = useHasRole('operator');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!canAct) return null;

  async function run(action: 'rekey' | 'delete') {
    if (action === 'delete' && !window.confirm(`Delete ${kind === 'ike' ? 'IKE SA' : 'CHILD_SA'} ${id}?`)) return;
    setBusy(true);
    try {
      const answer = action === 'rekey' ? await rekeySa(kind, id) : await deleteSa(kind, id);
      setMessage(answer.message);
      onDone();
    } catch (error) {
      setMessage(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="row-actions" data-testid="sa-actions">
      <button type="button" disabled={busy} onClick={() => void run('rekey')}>
        Rekey
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => void run('delete')}>
        Delete
      </button>
      {message ? <span className="muted small">{message}</span> : null}
    </span>
  );
}
