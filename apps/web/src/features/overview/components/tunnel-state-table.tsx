/** The tunnel list in configured order (the order the gateway scans it), with live states. */
import { Link } from 'react-router';
import { NoData } from '../../../components/ui/async-content.tsx';
import { StatusBadge, type BadgeTone } from '../../../components/ui/status-badge.tsx';
import { formatAgo } from '../../../lib/format.ts';
import { useNow } from '../../../lib/use-now.ts';
import type { TunnelDisplayState, TunnelRow } from '../hooks/use-tunnel-overview.ts';

const TONES: Record<TunnelDisplayState, BadgeTone> = { up: 'ok', negotiating: 'warn', failed: 'bad', down: 'muted' };

export function TunnelStateTable({ tunnels }: { tunnels: TunnelRow[] }) {
  const now = useNow(5000);
  if (tunnels.length === 0) return <NoData text="No tunnels configured yet." />;
  return (
    <table className="grid" data-testid="tunnel-states">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Tunnel</th>
          <th>Remote endpoint</th>
          <th>State</th>
          <th>Last error</th>
          <th className="num">IKE SAs</th>
          <th className="num">CHILD_SAs</th>
          <th>Last change</th>
        </tr>
      </thead>
      <tbody>
        {tunnels.map((tunnel) => (
          <tr key={tunnel.name} data-tunnel={tunnel.name} data-state={tunnel.display}>
            <td className="num">{tunnel.position + 1}</td>
            <td>
              <Link to={`/sas?tunnel=${encodeURIComponent(tunnel.name)}`}>{tunnel.name}</Link>
            </td>
            <td className="mono">{tunnel.remote}</td>
            <td>
              <StatusBadge tone={TONES[tunnel.display]}>{tunnel.display}</StatusBadge>
            </td>
            <td className="mono">
              {tunnel.display === 'failed' && tunnel.lastFailure ? (
                <Link to={`/snoop?evidence=${tunnel.lastFailure.id}`} title="Show the evidence" data-testid="tunnel-error-code">
                  {tunnel.lastFailure.code ?? tunnel.lastFailure.type}
                </Link>
              ) : (
                ''
              )}
            </td>
            <td className="num">{tunnel.ikeSaCount}</td>
            <td className="num">{tunnel.childSaCount}</td>
            <td>
              {tunnel.lastChangeAt !== null ? (
                <Link to={`/timeline?tunnel=${encodeURIComponent(tunnel.name)}`}>{formatAgo(tunnel.lastChangeAt, now)}</Link>
              ) : (
                <span className="muted">no events yet</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
