/**
 * Config editor. URL: ?section=tunnels|rules|routes|versions &tunnel=<index> &version=<id>
 * Viewers see the config read-only, without save, reorder or rollback.
 */
import { useState } from 'react';
import { Panel } from '../../../components/ui/panel.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { useHasRole } from '../../../lib/session-context.tsx';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import { errorsAt, normaliseFieldPath } from '../hooks/config-draft.ts';
import { useConfigEditor } from '../hooks/use-config-editor.ts';
import { FieldErrorsContext, ReadOnlyContext } from './field.tsx';
import { RowsEditor, type RowColumn } from './rows-editor.tsx';
import { TunnelForm } from './tunnel-form.tsx';
import { TunnelListEditor } from './tunnel-list-editor.tsx';
import { VersionsPanel } from './versions-panel.tsx';

const SECTIONS = ['tunnels', 'rules', 'routes', 'versions'] as const;

const RULE_COLUMNS: readonly RowColumn[] = [
  { key: 'name', label: 'Name' },
  { key: 'action', label: 'Action', kind: 'select', options: ['Allow', 'Drop', 'Reject'] },
  { key: 'sourceInterface', label: 'Src interface' },
  { key: 'sourceNetwork', label: 'Src network' },
  { key: 'destinationInterface', label: 'Dest interface' },
  { key: 'destinationNetwork', label: 'Dest network' },
  { key: 'service', label: 'Service' },
];

const ROUTE_COLUMNS: readonly RowColumn[] = [
  { key: 'network', label: 'Network' },
  { key: 'interface', label: 'Interface' },
  { key: 'gateway', label: 'Gateway' },
  { key: 'metric', label: 'Metric', kind: 'number' },
];

export function ConfigPage() {
  const editor = useConfigEditor();
  const canEdit = useHasRole('operator');
  const [params, setParams] = useQueryParams(['section', 'tunnel', 'version'] as const);
  const [comment, setComment] = useState('');
  const section = (SECTIONS as readonly string[]).includes(params.section) ? params.section : params.version !== '' ? 'versions' : 'tunnels';
  const draft = editor.draft;
  const tunnelIndex = Math.max(0, Number.parseInt(params.tunnel || '0', 10) || 0);
  const invalidTunnels = new Set(
    editor.errors
      .map((error) => /^tunnels\.(\d+)/.exec(normaliseFieldPath(error.path))?.[1])
      .filter((index): index is string => index !== undefined)
      .map(Number),
  );
  const unplaced = editor.errors.filter((error) => !/^(tunnels|ipRules|routes)\.\d+/.test(normaliseFieldPath(error.path)));

  return (
    <ReadOnlyContext.Provider value={!canEdit}>
      <FieldErrorsContext.Provider value={editor.errors}>
        <div className="page config-page" data-testid="config">
          <div className="toolbar">
            <span className="segmented" role="tablist" aria-label="Config section">
              {SECTIONS.map((name) => (
                <button key={name} type="button" role="tab" aria-selected={name === section} aria-pressed={name === section} onClick={() => setParams({ section: name })}>
                  {name}
                </button>
              ))}
            </span>
            {editor.version ? (
              <span className="muted small">
                version {editor.version.id} by {editor.version.author}
                {editor.dirty ? ' — unsaved changes' : ''}
              </span>
            ) : null}
            {!canEdit ? <span className="badge badge-muted">read only</span> : null}
            <RoleGate role="operator">
              <span className="save-bar">
                <input placeholder="comment for the audit log" value={comment} onChange={(e) => setComment(e.target.value)} aria-label="Change comment" />
                <button type="button" disabled={!editor.dirty || editor.busy} onClick={() => void editor.validate()}>
                  Validate
                </button>
                <button type="button" className="primary" disabled={!editor.dirty || editor.busy} onClick={() => void editor.save(comment)} data-testid="config-save">
                  Save
                </button>
                <button type="button" disabled={!editor.dirty || editor.busy} onClick={editor.discard}>
                  Discard
                </button>
              </span>
            </RoleGate>
          </div>
          {editor.message ? (
            <p className={editor.message.tone === 'ok' ? 'notice' : 'state-error'} role="status" data-testid="config-message">
              {editor.message.text}
            </p>
          ) : null}
          {unplaced.length > 0 ? (
            <ul className="state-error">
              {unplaced.map((error, index) => (
                <li key={index}>
                  <span className="mono">{error.path || '(config)'}</span>: {error.message}
                </li>
              ))}
            </ul>
          ) : null}
          {editor.loadError ? <p className="state-error">Could not load the config: {editor.loadError}</p> : null}
          {draft === null ? (
            editor.loadError ? null : <p className="state-loading">Loading…</p>
          ) : section === 'tunnels' ? (
            <div className="config-columns">
              <Panel title="Tunnel list (scanned top to bottom)">
                <TunnelListEditor
                  tunnels={draft.tunnels}
                  selected={tunnelIndex}
                  onSelect={(index) => setParams({ tunnel: String(index) })}
                  onChange={(tunnels) => editor.update((d) => ({ ...d, tunnels }))}
                  invalidIndexes={invalidTunnels}
                />
              </Panel>
              <Panel title={draft.tunnels[tunnelIndex] ? `Tunnel ${draft.tunnels[tunnelIndex]!.name}` : 'Tunnel'}>
                {draft.tunnels[tunnelIndex] ? (
                  <TunnelForm
                    key={tunnelIndex}
                    tunnel={draft.tunnels[tunnelIndex]!}
                    index={tunnelIndex}
                    onChange={(tunnel) => editor.update((d) => ({ ...d, tunnels: d.tunnels.map((t, i) => (i === tunnelIndex ? tunnel : t)) }))}
                  />
                ) : (
                  <p className="no-data">Choose a tunnel.</p>
                )}
                {errorsAt(editor.errors, 'tunnels').length > 0 && invalidTunnels.size === 0 ? <p className="state-error">The tunnel list has errors.</p> : null}
              </Panel>
            </div>
          ) : section === 'rules' ? (
            <Panel title="IP rule set (first match wins)">
              <RowsEditor
                rows={draft.ipRules}
                columns={RULE_COLUMNS}
                pathPrefix="ipRules"
                onChange={(ipRules) => editor.update((d) => ({ ...d, ipRules }))}
                createRow={() => ({ name: '', action: 'Allow' as const, sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'ICMP' })}
                testId="rules-editor"
                emptyText="No IP rules configured yet."
              />
            </Panel>
          ) : section === 'routes' ? (
            <Panel title="Routing table">
              <RowsEditor
                rows={draft.routes}
                columns={ROUTE_COLUMNS}
                pathPrefix="routes"
                onChange={(routes) => editor.update((d) => ({ ...d, routes }))}
                createRow={() => ({ network: '', interface: '', gateway: '', metric: 0 })}
                testId="routes-editor"
                emptyText="No routes configured yet."
              />
            </Panel>
          ) : (
            <Panel title="Versions">
              <VersionsPanel
                selected={params.version === '' ? null : Number(params.version)}
                onSelect={(id) => setParams({ version: id === null ? '' : String(id) })}
                onRolledBack={() => window.location.reload()}
              />
            </Panel>
          )}
        </div>
      </FieldErrorsContext.Provider>
    </ReadOnlyContext.Provider>
  );
}
