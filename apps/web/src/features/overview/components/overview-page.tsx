import { Panel } from '../../../components/ui/panel.tsx';
import { useLiveCounters } from '../hooks/use-live-counters.ts';
import { useTunnelOverview } from '../hooks/use-tunnel-overview.ts';
import { CounterTiles } from './counter-tiles.tsx';
import { RecentFailures } from './recent-failures.tsx';
import { TunnelStateTable } from './tunnel-state-table.tsx';

export function OverviewPage() {
  const overview = useTunnelOverview();
  const counters = useLiveCounters();
  return (
    <div className="page overview-page" data-testid="overview">
      <Panel title="Tunnels (configured order)" testId="panel-tunnels">
        {overview.error ? <p className="state-error">{overview.error}</p> : null}
        {overview.tunnels === null ? <p className="state-loading">Loading…</p> : <TunnelStateTable tunnels={overview.tunnels} />}
      </Panel>
      <Panel title="ike -stat" testId="panel-counters">
        <CounterTiles live={counters} />
      </Panel>
      <Panel title="Recent failures" testId="panel-failures">
        <RecentFailures failures={overview.failures} />
      </Panel>
    </div>
  );
}
