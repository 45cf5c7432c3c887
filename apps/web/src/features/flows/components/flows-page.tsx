/**
 * Flows: the gateway's flow table (`flow -show [-verbose]` as a live,
 * server-sorted and -paged table), a text tab with the server's own
 * `flow -show` output, ping and trace through the data plane (operators),
 * and the data-plane counters.
 *
 * URL: the filters under their CLI names (destiface, srciface, proto,
 * srcip, destip, srcport, destport), sort, order, offset, limit,
 * verbose=1, tab=text.
 */
import { Panel } from '../../../components/ui/panel.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { useDataPlaneStatus } from '../hooks/use-data-plane-status.ts';
import { useFlowPage } from '../hooks/use-flow-page.ts';
import { PAGE_SIZES, useFlowUrlState } from '../hooks/use-flow-url-state.ts';
import { DataPlaneTiles } from './data-plane-tiles.tsx';
import { FlowFilterBar } from './flow-filter-bar.tsx';
import { FlowTable } from './flow-table.tsx';
import { PingForm } from '../../../components/ui/ping-form.tsx';
import { runPing } from '../api/flows-api.ts';
import { TraceForm } from './ping-trace-panel.tsx';
import './flows.css';

function FlowEmptyState({ filtered }: { filtered: boolean }) {
  return (
    <p className="no-data" data-testid="flows-empty">
      {filtered
        ? 'No flow matches these filters.'
        : 'The flow table is empty: flows appear when packets cross the data plane (a ping through a tunnel, keep-alive, ESP from a peer).'}
    </p>
  );
}

export function FlowsPage() {
  const url = useFlowUrlState();
  const flows = useFlowPage({
    filters: url.filters,
    sort: url.sort,
    order: url.order,
    offset: url.offset,
    limit: url.limit,
    text: url.tab === 'text',
    verbose: url.verbose,
  });
  const status = useDataPlaneStatus();
  const interfaceNames = status.interfaces?.map((i) => i.name) ?? [];
  const page = flows.page;
  const filtered = Object.values(url.filters).some((value) => value !== '');
  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : url.offset + 1;
  const last = Math.min(total, url.offset + (page?.flows.length ?? 0));

  const pager = (
    <div className="toolbar flow-pager">
      <span className="muted" data-testid="flow-count">
        {page === null ? '' : `${first}–${last} of ${total} flow${total === 1 ? '' : 's'}`}
      </span>
      <button type="button" disabled={url.offset === 0} onClick={() => url.setPage(Math.max(0, url.offset - url.limit))}>
        ‹ Prev
      </button>
      <button type="button" disabled={url.offset + url.limit >= total} onClick={() => url.setPage(url.offset + url.limit)}>
        Next ›
      </button>
      <label>
        per page
        <select value={url.limit} onChange={(e) => url.setPage(0, Number(e.target.value))} aria-label="Flows per page">
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </div>
  );

  return (
    <div className="page flows-page" data-testid="flows">
      <Panel
        title="Flow table"
        testId="flow-panel"
        actions={
          <>
            <div className="segmented" role="tablist" aria-label="Flow view">
              <button type="button" role="tab" aria-selected={url.tab === 'table'} aria-pressed={url.tab === 'table'} onClick={() => url.setTab('table')}>
                Table
              </button>
              <button type="button" role="tab" aria-selected={url.tab === 'text'} aria-pressed={url.tab === 'text'} onClick={() => url.setTab('text')}>
                flow -show
              </button>
            </div>
            <button type="button" aria-pressed={url.verbose} onClick={() => url.setVerbose(!url.verbose)} data-testid="flow-verbose">
              Verbose (reverse flows)
            </button>
            <span className="muted small" title="flow.created / flow.removed events on the stream since the view opened">
              {flows.liveChanges} live change{flows.liveChanges === 1 ? '' : 's'}
            </span>
          </>
        }
      >
        <FlowFilterBar filters={url.filters} onApply={url.setFilters} interfaces={interfaceNames} />
        {flows.error ? (
          <p className="state-error" role="alert" data-testid="flows-error">
            {flows.error}
          </p>
        ) : null}
        {pager}
        {page === null ? (
          flows.error ? null : <p className="state-loading">Loading…</p>
        ) : url.tab === 'text' ? (
          <FlowText text={page.text} verbose={url.verbose} />
        ) : page.flows.length === 0 ? (
          <FlowEmptyState filtered={filtered} />
        ) : (
          <FlowTable flows={page.flows} verbose={url.verbose} clockOffset={flows.clockOffset} sort={url.sort} order={url.order} onSort={url.setSort} />
        )}
      </Panel>
      <div className="flows-columns">
        <Panel title="Ping and trace" testId="dataplane-tools">
          <RoleGate role="operator" fallback={<p className="muted">Ping and trace need the operator role.</p>}>
            <h3 className="dp-subhead">ping</h3>
            <PingForm run={runPing} {...(interfaceNames.length > 0 ? { hint: `interfaces: ${interfaceNames.join(', ')}` } : {})} />
            <h3 className="dp-subhead">trace</h3>
            <TraceForm interfaces={interfaceNames} />
          </RoleGate>
        </Panel>
        <Panel title="Data-plane counters">
          {status.error ? <p className="state-error">{status.error}</p> : null}
          {status.counters === null ? status.error ? null : <p className="state-loading">Loading…</p> : <DataPlaneTiles counters={status.counters} />}
        </Panel>
      </div>
    </div>
  );
}

function FlowText({ text, verbose }: { text: string | undefined; verbose: boolean }) {
  if (text === undefined) return <p className="no-data">The server sent no `flow -show` text for this page.</p>;
  return (
    <div>
      <p className="muted small mono">
        System:/&gt; flow -show{verbose ? ' -verbose' : ''}
      </p>
      <pre className="flow-text" data-testid="flow-text">
        {text}
      </pre>
    </div>
  );
}
