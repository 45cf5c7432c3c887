/**
 * Statistics: the `ike -stat` rows over time. URL: ?range=15m|1h|6h|24h|7d
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { NoData } from '../../../components/ui/async-content.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import type { IkeStatCounterName } from '../../../lib/api-types.ts';
import { formatClock, formatDateTime } from '../../../lib/format.ts';
import { IKE_STAT_ROWS } from '../../../lib/ike-stat-rows.ts';
import { useQueryParam } from '../../../lib/use-query-state.ts';
import { gaugeSeries, latestCounters, ratePerMinuteSeries, type ChartPoint } from '../hooks/stats-series.ts';
import { RANGES, useStatsHistory, type RangeName } from '../hooks/use-stats-history.ts';

const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)'];
const LABELS = Object.fromEntries(IKE_STAT_ROWS.map((row) => [row.key, row.label])) as Record<IkeStatCounterName, string>;

function CounterChart({ points, keys, unit }: { points: ChartPoint[]; keys: readonly IkeStatCounterName[]; unit: string }) {
  if (points.length === 0) return <NoData text="Not enough samples in this range yet." />;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--grid-line)" strokeDasharray="3 3" />
        <XAxis dataKey="time" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatClock} stroke="var(--muted)" fontSize={11} />
        <YAxis allowDecimals={unit !== 'count'} stroke="var(--muted)" fontSize={11} width={40} />
        <Tooltip
          labelFormatter={(value) => formatDateTime(Number(value))}
          contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }}
        />
        <Legend />
        {keys.map((key, index) => (
          <Line key={key} dataKey={key} name={`${LABELS[key]}${unit === 'count' ? '' : ` (${unit})`}`} stroke={COLORS[index % COLORS.length]} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function StatsPage() {
  const [rangeParam, setRange] = useQueryParam('range', '1h');
  const range: RangeName = rangeParam in RANGES ? (rangeParam as RangeName) : '1h';
  const history = useStatsHistory(range);
  const samples = history.samples;
  const latest = samples ? latestCounters(samples) : null;

  return (
    <div className="page stats-page" data-testid="stats">
      <div className="toolbar">
        <span className="segmented" role="group" aria-label="Time range">
          {(Object.keys(RANGES) as RangeName[]).map((name) => (
            <button key={name} type="button" aria-pressed={name === range} onClick={() => setRange(name)}>
              {name}
            </button>
          ))}
        </span>
        {history.intervalMs !== null ? <span className="muted small">one sample every {Math.round(history.intervalMs / 1000)} s</span> : null}
        {samples ? <span className="muted small">{samples.length} samples</span> : null}
      </div>
      {history.error ? <p className="state-error">{history.error}</p> : null}
      {samples === null ? (
        <p className="state-loading">Loading…</p>
      ) : samples.length === 0 ? (
        <NoData text="No statistics recorded in this range yet." />
      ) : (
        <>
          <Panel title="SAs active">
            <CounterChart points={gaugeSeries(samples, ['ikeSasActive', 'ipsecSasActive'])} keys={['ikeSasActive', 'ipsecSasActive']} unit="count" />
          </Panel>
          <Panel title="Negotiations per minute">
            <CounterChart
              points={ratePerMinuteSeries(samples, ['ikeNegotiationsDone', 'ikeNegotiationsFailed', 'ipsecNegotiationsDone', 'ipsecNegotiationsFailed'])}
              keys={['ikeNegotiationsDone', 'ikeNegotiationsFailed', 'ipsecNegotiationsDone', 'ipsecNegotiationsFailed']}
              unit="/min"
            />
          </Panel>
          <Panel title="Rekeys per minute">
            <CounterChart
              points={ratePerMinuteSeries(samples, ['ikeRekeysDone', 'ikeRekeysFailed', 'ipsecRekeysDone', 'ipsecRekeysFailed'])}
              keys={['ikeRekeysDone', 'ikeRekeysFailed', 'ipsecRekeysDone', 'ipsecRekeysFailed']}
              unit="/min"
            />
          </Panel>
          {latest ? (
            <Panel title="Latest sample">
              <table className="grid compact" data-testid="stats-latest">
                <tbody>
                  {IKE_STAT_ROWS.map((row) => (
                    <tr key={row.key}>
                      <td>{row.label}</td>
                      <td className="num">{latest[row.key]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Panel>
          ) : null}
        </>
      )}
    </div>
  );
}
