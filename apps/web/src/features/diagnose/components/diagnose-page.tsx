/**
 * Diagnose: the findings (the seed's troubleshooting chapter applied to the
 * running config and the recorded events) with their evidence, fixes and
 * tests, and the guided wizards.
 * URL: ?tunnel= (filter) &finding=<id> &wizard=<id> &run=<run id> &peer=
 * &code=<failure code> (a "Diagnose" link from a failure: resolved to its wizard)
 */
import { useEffect, useRef } from 'react';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { formatClock } from '../../../lib/format.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import { fetchWizards, type Finding } from '../api/diagnose-api.ts';
import { wizardForCode } from '../hooks/diagnosis-wording.ts';
import { useFindings } from '../hooks/use-findings.ts';
import { useTunnelNames } from '../hooks/use-tunnel-names.ts';
import { FindingDetailView } from './finding-detail.tsx';
import { FindingsList } from './findings-list.tsx';
import { WizardsPanel } from './wizards-panel.tsx';
import './diagnose.css';

const PARAMS = ['tunnel', 'finding', 'wizard', 'run', 'peer', 'code'] as const;

export function DiagnosePage() {
  const [params, setParams] = useQueryParams(PARAMS);
  const findings = useFindings(params.tunnel);
  const wizards = useAsync((signal) => fetchWizards(signal), []);
  const tunnelNames = useTunnelNames();
  const wizardList = wizards.data?.items ?? [];
  const resolvedFromCode = params.code !== '' && wizards.data ? wizardForCode(params.code, wizards.data.forFinding) : undefined;

  useEffect(() => {
    if (params.wizard === '' && params.run === '' && resolvedFromCode !== undefined) setParams({ wizard: resolvedFromCode });
  }, [params.wizard, params.run, resolvedFromCode, setParams]);

  // A finding chosen inside the wizard is shown in the panel below it: bring that panel into view.
  const detailPanel = useRef<HTMLDivElement>(null);
  const revealDetail = useRef(false);
  useEffect(() => {
    if (!revealDetail.current || params.finding === '') return;
    revealDetail.current = false;
    detailPanel.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [params.finding]);

  const openWizardFor = (finding: Finding) =>
    setParams({ wizard: finding.wizard, run: '', code: '', finding: finding.id, tunnel: finding.tunnel ?? '', peer: finding.peer ?? '' });
  const wizardOpen = params.wizard !== '' || params.run !== '';

  const wizardPanel = (
    <AsyncContent state={wizards}>
      {(list) => (
        <WizardsPanel
          wizards={list.items}
          wizardId={params.wizard}
          runId={params.run}
          tunnel={params.tunnel}
          peer={params.peer}
          findingId={params.finding}
          unresolvedCode={params.code !== '' && resolvedFromCode === undefined ? params.code : ''}
          tunnelNames={tunnelNames}
          findings={findings.data?.items}
          onChooseWizard={(wizard) => setParams({ wizard, run: '' })}
          onRunStarted={(run) => setParams({ run: run.id, wizard: run.wizardId, tunnel: run.tunnel, peer: run.peer ?? '' })}
          onClose={() => setParams({ wizard: '', run: '', code: '' })}
          onSelectFinding={(finding) => {
            revealDetail.current = true;
            setParams({ finding });
          }}
        />
      )}
    </AsyncContent>
  );

  return (
    <div className="page diagnose-page" data-testid="diagnose">
      {wizardOpen ? wizardPanel : null}
      <div className="diagnose-columns">
        <Panel
          title="Findings"
          testId="panel-findings"
          actions={
            <>
              <label className="muted">
                Tunnel{' '}
                <select value={params.tunnel} onChange={(event) => setParams({ tunnel: event.target.value })} aria-label="Tunnel filter" data-shortcut-focus>
                  <option value="">all tunnels</option>
                  {params.tunnel !== '' && !tunnelNames.includes(params.tunnel) ? <option value={params.tunnel}>{params.tunnel}</option> : null}
                  {tunnelNames.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" onClick={findings.reload} disabled={findings.status === 'loading'}>
                {findings.status === 'loading' ? 'Reading…' : 'Refresh'}
              </button>
            </>
          }
        >
          <AsyncContent state={findings}>
            {(list) => (
              <>
                <p className="muted small" data-testid="findings-window">
                  {list.items.length} finding{list.items.length === 1 ? '' : 's'} from {list.window.events} stored event{list.window.events === 1 ? '' : 's'}
                  {list.window.firstEventId !== null ? ` (ids ${list.window.firstEventId}–${list.window.lastEventId})` : ''}
                  {list.window.truncated ? ', newest only' : ''}, config version {list.configVersion}, as of {formatClock(list.generatedAt)}
                </p>
                <FindingsList findings={list.items} selectedId={params.finding} filtered={params.tunnel !== ''} onSelect={(finding) => setParams({ finding })} />
              </>
            )}
          </AsyncContent>
        </Panel>
        <div ref={detailPanel}>
          <Panel title="Finding" testId="panel-finding">
            {params.finding === '' ? (
              <NoData text="Choose a finding to see its evidence, explanation and fixes." />
            ) : (
              <FindingDetailView
                key={params.finding}
                findingId={params.finding}
                wizards={wizardList}
                onOpenWizard={openWizardFor}
                onApplied={findings.reload}
                onClose={() => setParams({ finding: '' })}
              />
            )}
          </Panel>
        </div>
      </div>
      {wizardOpen ? null : wizardPanel}
    </div>
  );
}
