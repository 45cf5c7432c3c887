/**
 * Lab: the demo lab's scenario peers (real IKEv2 gateways on 127.0.1.x,
 * each with one of the seed's misconfigurations), their running state, and
 * for operators start/stop per scenario, the default mix and stop all.
 * URL: ?kind=healthy|informational|failing &running=yes|no
 */
import { Panel } from '../../../components/ui/panel.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import { startLabDefaultMix, startLabScenario, stopAllLabScenarios, stopLabScenario, type LabScenario } from '../api/lab-api.ts';
import { useLab } from '../hooks/use-lab.ts';
import { LabActivity } from './lab-activity.tsx';
import { ScenarioTable } from './scenario-table.tsx';
import './lab.css';

const PARAMS = ['kind', 'running'] as const;

function matchesFilters(scenario: LabScenario, kind: string, running: string): boolean {
  if (kind !== '' && scenario.kind !== kind) return false;
  if (running === 'yes' && !scenario.running) return false;
  if (running === 'no' && scenario.running) return false;
  return true;
}

export function LabPage() {
  const lab = useLab();
  const [params, setParams] = useQueryParams(PARAMS);
  const { availability } = lab;

  if (availability.kind === 'loading') return <p className="state-loading">Loading the lab…</p>;
  if (availability.kind === 'absent') {
    return (
      <div className="page lab-page" data-testid="lab">
        <Panel title="Lab" testId="panel-lab">
          <p className="no-data" data-testid="lab-absent">
            No demo lab on this server: {availability.reason}. Start tunnelscope without --no-lab (and without --config) to get the lab's peers on 127.0.1.x.
          </p>
        </Panel>
      </div>
    );
  }
  if (availability.kind === 'error') {
    return (
      <p className="state-error" role="alert">
        Could not load the lab: {availability.message}
      </p>
    );
  }

  const scenarios = availability.scenarios;
  const shown = scenarios.filter((scenario) => matchesFilters(scenario, params.kind, params.running));
  const runningCount = scenarios.filter((scenario) => scenario.running).length;
  return (
    <div className="page lab-page" data-testid="lab">
      <Panel
        title={`Lab scenarios (${runningCount} of ${scenarios.length} running)`}
        testId="panel-lab"
        actions={
          <>
            <label className="muted">
              Kind{' '}
              <select value={params.kind} onChange={(event) => setParams({ kind: event.target.value })} aria-label="Kind filter" data-shortcut-focus>
                <option value="">all</option>
                <option value="healthy">healthy</option>
                <option value="informational">informational</option>
                <option value="failing">failing</option>
              </select>
            </label>
            <label className="muted">
              State{' '}
              <select value={params.running} onChange={(event) => setParams({ running: event.target.value })} aria-label="Running filter">
                <option value="">all</option>
                <option value="yes">running</option>
                <option value="no">stopped</option>
              </select>
            </label>
            <RoleGate role="operator">
              <button type="button" onClick={() => void lab.run('start the default mix', startLabDefaultMix)} disabled={lab.busy !== null} data-testid="lab-default-mix">
                Start default mix
              </button>
              <button type="button" className="danger" onClick={() => void lab.run('stop all', stopAllLabScenarios)} disabled={lab.busy !== null} data-testid="lab-stop-all">
                Stop all
              </button>
            </RoleGate>
          </>
        }
      >
        {lab.busy ? <p className="state-loading">Working: {lab.busy}…</p> : null}
        {lab.actionError ? (
          <p className="state-error" role="alert">
            {lab.actionError}
          </p>
        ) : null}
        {lab.refreshError ? <p className="state-error">Refresh failed: {lab.refreshError}</p> : null}
        {shown.length === 0 ? (
          <p className="no-data">{scenarios.length === 0 ? 'The lab has no scenarios.' : 'No scenario matches the filters.'}</p>
        ) : (
          <ScenarioTable
            scenarios={shown}
            tunnels={lab.tunnels}
            busy={lab.busy}
            onStart={(scenario) => void lab.run(`start ${scenario.id}`, () => startLabScenario(scenario.id))}
            onStop={(scenario) => void lab.run(`stop ${scenario.id}`, () => stopLabScenario(scenario.id))}
          />
        )}
      </Panel>
      <Panel title="Lab activity" testId="panel-lab-activity">
        <LabActivity />
      </Panel>
    </div>
  );
}
