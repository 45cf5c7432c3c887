/** A tunnel's state, live (after a fix is applied): the server's state, never a guess. */
import { StatusBadge, type BadgeTone } from '../../../components/ui/status-badge.tsx';
import { formatClock } from '../../../lib/format.ts';
import type { TunnelStatusView } from '../api/diagnose-api.ts';
import { useLiveTunnelState } from '../hooks/use-live-tunnel-state.ts';

const TONES: Record<TunnelStatusView['state'], BadgeTone> = { up: 'ok', connecting: 'warn', down: 'bad' };

export function LiveTunnelState({ name }: { name: string }) {
  const live = useLiveTunnelState(name);
  if (live.error && live.tunnel === null) return <p className="state-error">Could not read the tunnel state: {live.error}</p>;
  if (live.missing) return <p className="state-error">Tunnel "{name}" is not in the running config.</p>;
  if (live.tunnel === null) return <p className="state-loading">Reading the tunnel state…</p>;
  return (
    <p className="live-tunnel-state" data-testid="fix-tunnel-state" data-state={live.tunnel.state}>
      Tunnel <strong>{name}</strong> now: <StatusBadge tone={TONES[live.tunnel.state]}>{live.tunnel.state}</StatusBadge>{' '}
      <span className="muted">
        {live.tunnel.ikeSaCount} IKE SA{live.tunnel.ikeSaCount === 1 ? '' : 's'}, {live.tunnel.childSaCount} CHILD_SA{live.tunnel.childSaCount === 1 ? '' : 's'}
        {live.checkedAt !== null ? ` (live, checked ${formatClock(live.checkedAt)})` : ''}
      </span>
    </p>
  );
}
