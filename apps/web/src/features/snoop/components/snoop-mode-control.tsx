/** The engine's snoop mode (`ike -snoop -brief|-full|-off`, optional peer): operators change it, others see it. */
import { useState } from 'react';
import type { SnoopModeName } from '../../../lib/api-types.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useHasRole } from '../../../lib/session-context.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchSnoopSettings, updateSnoopSettings } from '../api/snoop-api.ts';

export function SnoopModeControl() {
  const canChange = useHasRole('operator');
  const settings = useAsync(() => fetchSnoopSettings(), []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mode = settings.data?.mode;
  const peer = settings.data?.peer ?? '';

  async function change(next: SnoopModeName, nextPeer: string) {
    setBusy(true);
    setError(null);
    try {
      await updateSnoopSettings({ mode: next, peer: nextPeer === '' ? null : nextPeer });
      settings.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  if (mode === undefined) return <span className="muted">engine snoop: …</span>;
  return (
    <span className="snoop-mode" data-testid="snoop-mode" data-mode={mode}>
      engine snoop:{' '}
      {canChange ? (
        <>
          <select aria-label="Engine snoop mode" value={mode} disabled={busy} onChange={(e) => void change(e.target.value as SnoopModeName, peer)}>
            <option value="off">off</option>
            <option value="brief">-brief</option>
            <option value="full">-full</option>
          </select>
          <input
            aria-label="Engine snoop peer"
            placeholder="all peers"
            defaultValue={peer}
            size={14}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void change(mode, e.currentTarget.value.trim());
            }}
          />
        </>
      ) : (
        <strong>
          {mode}
          {peer ? ` (peer ${peer})` : ''}
        </strong>
      )}
      {mode === 'off' ? <span className="muted"> — no live lines; the history below still has every datagram</span> : null}
      {error ? <span className="state-error"> {error}</span> : null}
    </span>
  );
}
