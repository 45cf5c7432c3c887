/**
 * Data-plane counters as small tiles: the flow table, forwarding, drops by
 * reason, ESP errors by kind and keep-alive per tunnel — all as the engine
 * counts them; a reason that never happened has no tile.
 */
import type { DataPlaneCounters } from '@tunnelscope/api';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import { formatDateTime } from '../../../lib/format.ts';

function Tile({ label, value, bad, testId }: { label: string; value: number; bad?: boolean; testId?: string }) {
  return (
    <div className={`tile ${bad && value > 0 ? 'tile-bad' : ''}`} data-testid={testId}>
      <span className="tile-value">{value}</span>
      <span className="tile-label">{label}</span>
    </div>
  );
}

export function DataPlaneTiles({ counters }: { counters: DataPlaneCounters }) {
  const drops = Object.entries(counters.dropsByReason).filter(([, n]) => n > 0);
  const espErrors = Object.entries(counters.espErrors).filter(([, n]) => n > 0);
  return (
    <div className="dp-counters" data-testid="dataplane-counters">
      <div className="tiles">
        <Tile label="flows now" value={counters.flows} testId="tile-flows" />
        <Tile label="flows created" value={counters.flowsCreated} />
        <Tile label="flows expired" value={counters.flowsExpired} />
        <Tile label="packets forwarded" value={counters.packetsForwarded} />
        <Tile label="delivered to core" value={counters.packetsDelivered} />
        <Tile label="packets dropped" value={counters.packetsDropped} bad />
        <Tile label="ESP in" value={counters.espIn} />
        <Tile label="ESP out" value={counters.espOut} />
      </div>
      <h3 className="dp-subhead">Drops by reason</h3>
      {drops.length === 0 ? (
        <p className="no-data">No packet dropped.</p>
      ) : (
        <div className="tiles">
          {drops.map(([reason, n]) => (
            <Tile key={reason} label={reason} value={n} bad testId={`drop-${reason}`} />
          ))}
        </div>
      )}
      <h3 className="dp-subhead">ESP errors</h3>
      {espErrors.length === 0 ? (
        <p className="no-data">No ESP error.</p>
      ) : (
        <div className="tiles">
          {espErrors.map(([code, n]) => (
            <Tile key={code} label={code} value={n} bad testId={`esp-error-${code}`} />
          ))}
        </div>
      )}
      <h3 className="dp-subhead">Keep-alive</h3>
      {counters.keepAlive.length === 0 ? (
        <p className="no-data">No tunnel has keep-alive configured.</p>
      ) : (
        <div className="tiles">
          {counters.keepAlive.map((k) => (
            <div key={k.tunnel} className={`tile ${k.state === 'failing' ? 'tile-bad' : ''}`} data-testid={`keepalive-${k.tunnel}`}>
              <span className="tile-label">
                {k.tunnel} <StatusBadge tone={k.state === 'ok' ? 'ok' : k.state === 'failing' ? 'bad' : 'muted'}>{k.state}</StatusBadge>
              </span>
              <span className="mono small">
                sent {k.sent} · received {k.received} · lost {k.lost}
              </span>
              {k.renegotiations > 0 ? (
                <span className="small" data-testid={`keepalive-renegotiations-${k.tunnel}`}>
                  renegotiated the tunnel {k.renegotiations}× after lost probes
                </span>
              ) : null}
              <span className="muted small">{k.lastReplyAt !== undefined ? `last reply ${formatDateTime(k.lastReplyAt)}` : 'no reply yet'}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
