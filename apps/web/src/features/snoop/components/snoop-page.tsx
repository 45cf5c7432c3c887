/**
 * Snoop: the live `ike -snoop` stream with the stored history before it.
 * URL: ?peer= &tunnel= &exchange= &error= &q= &format=brief|full
 * &layout=text|structured &line=<key> &evidence=<event id>
 */
import { useMemo } from 'react';
import { Panel } from '../../../components/ui/panel.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import { decryptionTableUrl, pcapDownloadUrl } from '../api/snoop-api.ts';
import type { SnoopFilters } from '../hooks/snoop-line.ts';
import { useSnoopFeed } from '../hooks/use-snoop-feed.ts';
import { EvidencePanel } from './evidence-panel.tsx';
import { SnoopFilterBar } from './snoop-filter-bar.tsx';
import { SnoopLineList, type SnoopLayout } from './snoop-line-list.tsx';
import { SnoopMessageDetail } from './snoop-message-detail.tsx';
import { SnoopModeControl } from './snoop-mode-control.tsx';

const PARAMS = ['peer', 'tunnel', 'exchange', 'error', 'q', 'format', 'layout', 'line', 'evidence'] as const;

export function SnoopPage() {
  const [params, setParams] = useQueryParams(PARAMS);
  const filters: SnoopFilters = useMemo(
    () => ({ peer: params.peer, tunnel: params.tunnel, exchange: params.exchange, error: params.error, q: params.q }),
    [params.peer, params.tunnel, params.exchange, params.error, params.q],
  );
  const format = params.format === 'full' ? 'full' : 'brief';
  const layout: SnoopLayout = params.layout === 'structured' ? 'structured' : 'text';
  const feed = useSnoopFeed(filters, format);
  const selected = params.line === '' ? undefined : feed.lines.find((line) => line.key === params.line);
  const evidenceId = Number.parseInt(params.evidence, 10);
  const historyQuery = {
    peer: filters.peer || undefined,
    tunnel: filters.tunnel || undefined,
    exchange: filters.exchange || undefined,
    code: filters.error !== '' && filters.error !== 'any' ? filters.error : undefined,
    q: filters.q || undefined,
  };

  return (
    <div className="page snoop-page" data-testid="snoop">
      {Number.isFinite(evidenceId) ? <EvidencePanel eventId={evidenceId} onClose={() => setParams({ evidence: '' })} /> : null}
      <Panel
        title="ike -snoop"
        className="snoop-panel"
        actions={
          <>
            <SnoopModeControl />
            <span className="segmented" role="group" aria-label="Format">
              <button type="button" aria-pressed={format === 'brief'} onClick={() => setParams({ format: '' })}>
                -brief
              </button>
              <button type="button" aria-pressed={format === 'full'} onClick={() => setParams({ format: 'full' })}>
                -full
              </button>
            </span>
            <span className="segmented" role="group" aria-label="Layout">
              <button type="button" aria-pressed={layout === 'text'} onClick={() => setParams({ layout: '' })}>
                Text
              </button>
              <button type="button" aria-pressed={layout === 'structured'} onClick={() => setParams({ layout: 'structured' })}>
                Structured
              </button>
            </span>
            {feed.paused ? (
              <button type="button" className="primary" onClick={feed.resume} data-testid="snoop-resume">
                Resume ({feed.pendingCount} waiting)
              </button>
            ) : (
              <button type="button" onClick={feed.pause} data-testid="snoop-pause">
                Pause
              </button>
            )}
            <a className="button" href={pcapDownloadUrl(historyQuery)} download>
              pcap
            </a>
            <RoleGate role="admin">
              {filters.tunnel !== '' ? (
                <a className="button" href={decryptionTableUrl(filters.tunnel)} download>
                  decryption table
                </a>
              ) : (
                <span className="muted small" title="Filter by a tunnel to download its IKEv2 decryption table">
                  keys: pick a tunnel
                </span>
              )}
            </RoleGate>
          </>
        }
      >
        <SnoopFilterBar filters={filters} onChange={(patch) => setParams(patch)} />
        <div className="snoop-status" data-testid="snoop-status">
          <span data-testid="snoop-line-count">{feed.lines.length} lines</span>
          {feed.paused ? (
            <span className="badge badge-warn" data-testid="snoop-paused">
              paused — {feed.pendingCount} new line{feed.pendingCount === 1 ? '' : 's'} held
            </span>
          ) : null}
          {feed.loading ? <span className="muted">loading history…</span> : null}
          {feed.error ? <span className="state-error">{feed.error}</span> : null}
          {feed.hasOlder ? (
            <button type="button" className="link-button" onClick={feed.loadOlder}>
              load older
            </button>
          ) : null}
          <button type="button" className="link-button" onClick={feed.clear}>
            clear view
          </button>
        </div>
        <div className={`snoop-body${selected ? ' with-detail' : ''}`}>
          {feed.lines.length === 0 && !feed.loading ? (
            <p className="no-data">No snoop lines yet{filters.peer || filters.tunnel || filters.exchange || filters.error || filters.q ? ' for these filters' : ''}.</p>
          ) : (
            <SnoopLineList
              lines={feed.lines}
              version={feed.version}
              layout={layout}
              selectedKey={params.line}
              highlightedDatagrams={new Set()}
              onSelect={(line) => setParams({ line: line.key === params.line ? '' : line.key })}
            />
          )}
          {selected ? <SnoopMessageDetail line={selected} onClose={() => setParams({ line: '' })} /> : null}
        </div>
      </Panel>
    </div>
  );
}
