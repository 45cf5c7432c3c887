/** The `ike -stat` rows as live tiles, in the seed's order and wording. */
import { NoData } from '../../../components/ui/async-content.tsx';
import { IKE_STAT_ROWS } from '../../../lib/ike-stat-rows.ts';
import { formatClock } from '../../../lib/format.ts';
import type { LiveCounters } from '../hooks/use-live-counters.ts';

export function CounterTiles({ live }: { live: LiveCounters }) {
  if (live.counters === null) {
    return live.error ? <p className="state-error">Could not load the counters: {live.error}</p> : <NoData text="No counters yet." />;
  }
  const counters = live.counters;
  return (
    <div data-testid="counter-tiles">
      {(['ike', 'ipsec'] as const).map((block) => (
        <div className="tiles" key={block}>
          {IKE_STAT_ROWS.filter((row) => row.block === block).map((row) => {
            const value = counters[row.key];
            const alarming = row.key.endsWith('Failed') && value > 0;
            return (
              <div className={`tile${alarming ? ' tile-bad' : ''}`} key={row.key} data-counter={row.key}>
                <span className="tile-value">{value}</span>
                <span className="tile-label">{row.label}</span>
              </div>
            );
          })}
        </div>
      ))}
      {live.time !== null ? <p className="muted small">as of {formatClock(live.time)}</p> : null}
    </div>
  );
}
