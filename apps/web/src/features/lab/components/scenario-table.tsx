/**
 * The lab's scenarios: the seed's words, the section, the peer and our
 * tunnel it exercises (with our tunnel's live state), whether it runs and
 * what the lab last did; start/stop for operators, and links from a running
 * scenario to its tunnel's snoop, overview and diagnosis.
 */
import { Link } from 'react-router';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { StatusBadge, type BadgeTone } from '../../../components/ui/status-badge.tsx';
import { formatAgo } from '../../../lib/format.ts';
import { buildQuery } from '../../../lib/http-client.ts';
import { useNow } from '../../../lib/use-now.ts';
import type { LabScenario, TunnelStatusView } from '../api/lab-api.ts';

const KIND_TONES: Record<LabScenario['kind'], BadgeTone> = { healthy: 'ok', informational: 'info', failing: 'bad' };
const TUNNEL_TONES: Record<TunnelStatusView['state'], BadgeTone> = { up: 'ok', connecting: 'warn', down: 'muted' };

interface ScenarioTableProps {
  scenarios: LabScenario[];
  tunnels: Map<string, TunnelStatusView>;
  busy: string | null;
  onStart: (scenario: LabScenario) => void;
  onStop: (scenario: LabScenario) => void;
}

function peerView(scenario: LabScenario): string {
  const run = scenario.run;
  if (!run) return '';
  if (run.peerTunnelUp === null) return 'nothing listens at the peer';
  return run.peerTunnelUp ? "peer's tunnel up" : "peer's tunnel not up";
}

function RunState({ scenario, now }: { scenario: LabScenario; now: number }) {
  const run = scenario.run;
  return (
    <div className="lab-run">
      <StatusBadge tone={scenario.running ? 'ok' : 'muted'}>{scenario.running ? 'running' : 'stopped'}</StatusBadge>
      {scenario.running && run ? (
        <div className="muted small">
          started {formatAgo(run.startedAt, now)}, {run.attempts} negotiation{run.attempts === 1 ? '' : 's'} started; {peerView(scenario)}
          {run.waitingForLocalGateway ? '; waiting for our gateway' : ''}
          {run.lastAction ? (
            <div className={run.lastAction.ok ? undefined : 'state-error'}>
              last: {run.lastAction.detail} ({formatAgo(run.lastAction.time, now)})
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function ScenarioTable({ scenarios, tunnels, busy, onStart, onStop }: ScenarioTableProps) {
  const now = useNow(5000);
  return (
    <div className="table-scroll lab-table-scroll">
      <table className="grid lab-scenarios" data-testid="lab-scenarios">
        <thead>
          <tr>
            <th>Scenario</th>
            <th>Seed</th>
            <th>Kind</th>
            <th>Peer</th>
            <th>Our tunnel</th>
            <th>Lab</th>
            <th>Expected</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {scenarios.map((scenario) => {
            const tunnel = tunnels.get(scenario.localTunnel);
            return (
              <tr key={scenario.id} data-scenario={scenario.id} data-running={scenario.running ? 'true' : 'false'}>
                <td className="lab-title">
                  <strong>{scenario.title}</strong>
                  <div className="muted small lab-description" title={scenario.description}>
                    <code>{scenario.id}</code> — {scenario.description}
                  </div>
                </td>
                <td className="mono">{scenario.seedSection}</td>
                <td>
                  <StatusBadge tone={KIND_TONES[scenario.kind]}>{scenario.kind}</StatusBadge>
                </td>
                <td>
                  <span className="mono">{scenario.peerAddress}</span>
                  <div className="muted small">
                    {scenario.peerListens ? (scenario.initiator === 'peer' ? 'peer initiates' : 'we initiate') : 'nothing listens (we initiate)'}
                  </div>
                </td>
                <td>
                  {scenario.localTunnel}{' '}
                  {tunnel ? (
                    <span data-testid="lab-tunnel-state" data-state={tunnel.state}>
                      <StatusBadge tone={TUNNEL_TONES[tunnel.state]}>{tunnel.state}</StatusBadge>
                    </span>
                  ) : (
                    <span className="muted small">not configured</span>
                  )}
                </td>
                <td>
                  <RunState scenario={scenario} now={now} />
                </td>
                <td className="small" title={scenario.expectedLocalOutcome}>
                  {scenario.expectedFinding ? <code>{scenario.expectedFinding}</code> : <span className="muted">no finding</span>}
                  {scenario.expectedLocalCode && scenario.expectedLocalCode !== scenario.expectedFinding ? (
                    <div className="muted">
                      event <code>{scenario.expectedLocalCode}</code>
                    </div>
                  ) : null}
                </td>
                <td className="lab-actions">
                  <RoleGate role="operator">
                    {scenario.running ? (
                      <button type="button" onClick={() => onStop(scenario)} disabled={busy !== null} data-testid="lab-stop">
                        Stop
                      </button>
                    ) : (
                      <button type="button" className="primary" onClick={() => onStart(scenario)} disabled={busy !== null} data-testid="lab-start">
                        Start
                      </button>
                    )}
                  </RoleGate>
                  {scenario.running ? (
                    <div className="lab-links" data-testid="lab-links">
                      <Link to={`/snoop${buildQuery({ peer: scenario.peerAddress })}`}>snoop</Link>
                      <Link to="/">overview</Link>
                      <Link to={`/timeline${buildQuery({ tunnel: scenario.localTunnel })}`}>timeline</Link>
                      <Link to={`/diagnose${buildQuery({ tunnel: scenario.localTunnel })}`} data-testid="lab-diagnose-link">
                        diagnose
                      </Link>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
