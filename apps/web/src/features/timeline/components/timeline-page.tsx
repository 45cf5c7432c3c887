/**
 * Tunnel timeline. URL: ?tunnel=<name>&range=1h|6h|24h|7d
 */
import { useMemo } from 'react';
import { Link } from 'react-router';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { eventMessage } from '../../../lib/event-kinds.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import { fetchTunnelNames } from '../api/timeline-api.ts';
import { useTunnelTimeline } from '../hooks/use-tunnel-timeline.ts';
import { TimelineChart } from './timeline-chart.tsx';

const RANGES: Record<string, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

export function TimelinePage() {
  const [params, setParams] = useQueryParams(['tunnel', 'range'] as const);
  const rangeName = params.range in RANGES ? params.range : '1h';
  const tunnels = useAsync((signal) => fetchTunnelNames(signal), []);
  // The range is anchored when the tunnel or range changes; live events extend the list.
  const { from, to } = useMemo(() => {
    const now = Date.now();
    return { from: now - (RANGES[rangeName] ?? 3_600_000), to: now + 24 * 3_600_000 };
  }, [rangeName]);
  const timeline = useTunnelTimeline(params.tunnel, from, to);
  const axisEnd = Date.now();

  return (
    <div className="page timeline-page" data-testid="timeline">
      <div className="toolbar">
        <label>
          Tunnel
          <AsyncContent state={tunnels}>
            {(list) => (
              <select value={params.tunnel} onChange={(e) => setParams({ tunnel: e.target.value })} aria-label="Tunnel" data-shortcut-focus>
                <option value="">choose a tunnel</option>
                {list.items.map((tunnel) => (
                  <option key={tunnel.name} value={tunnel.name}>
                    {tunnel.name}
                  </option>
                ))}
              </select>
            )}
          </AsyncContent>
        </label>
        <span className="segmented" role="group" aria-label="Time range">
          {Object.keys(RANGES).map((name) => (
            <button key={name} type="button" aria-pressed={name === rangeName} onClick={() => setParams({ range: name })}>
              {name}
            </button>
          ))}
        </span>
        {params.tunnel !== '' && timeline.marks ? <span className="muted small">{timeline.flaps} flap{timeline.flaps === 1 ? '' : 's'} in range</span> : null}
      </div>
      {timeline.error ? <p className="state-error">{timeline.error}</p> : null}
      {params.tunnel === '' ? (
        <NoData text="Choose a tunnel to see its timeline." />
      ) : timeline.marks === null ? (
        <p className="state-loading">Loading…</p>
      ) : timeline.marks.length === 0 ? (
        <NoData text="No events for this tunnel in this range yet." />
      ) : (
        <>
          <Panel title={`${params.tunnel}: last ${rangeName}`}>
            <TimelineChart marks={timeline.marks} segments={timeline.segments} from={from} to={axisEnd} />
          </Panel>
          <Panel title="Events">
            <table className="grid" data-testid="timeline-events">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Kind</th>
                  <th>Code / type</th>
                  <th>Detail</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody>
                {[...timeline.marks].reverse().map((mark) => (
                  <tr key={mark.key} className={`kind-${mark.kind}`}>
                    <td className="mono">{formatDateTime(mark.time)}</td>
                    <td>{mark.kind}</td>
                    <td className="mono">{mark.event ? (mark.event.code ?? mark.event.type) : 'config'}</td>
                    <td>{mark.event ? eventMessage(mark.event) : mark.label}</td>
                    <td>
                      {mark.event ? (
                        <Link to={`/snoop?evidence=${mark.event.id}`}>evidence</Link>
                      ) : mark.version ? (
                        <Link to={`/config?version=${mark.version.id}`}>diff</Link>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        </>
      )}
    </div>
  );
}
