/**
 * The flow table: columns from @tanstack/react-table (manual sorting: the
 * server sorts the whole table, this page only shows the result), rows
 * virtualized with @tanstack/react-virtual as the snoop list is — only the
 * rows in view are in the DOM, with fixed row heights so scrolling never
 * waits for measurement. Verbose adds the reverse flow under each row as
 * `flow -show -verbose` does ("...rev:"). ESP rows show the SPI in hex and
 * link to their CHILD_SA in the SAs view. Timeouts count down each second
 * on the gateway's clock.
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { Link } from 'react-router';
import type { FlowView } from '@tunnelscope/api';
import { formatBytes, formatDateTime } from '../../../lib/format.ts';
import { useSecondTick } from '../../../lib/use-now.ts';
import { FLOW_SORT_KEYS, flowSecondsLeft, flowSpi, formatFlowEndpoint } from '../hooks/flow-format.ts';

/** Must match .flow-row heights in flows.css. */
const ROW_HEIGHT = 22;
const VERBOSE_ROW_HEIGHT = 40;

interface FlowTableProps {
  flows: FlowView[];
  verbose: boolean;
  clockOffset: number;
  sort: string;
  order: 'asc' | 'desc';
  onSort: (column: string, order: 'asc' | 'desc') => void;
}

function Timeout({ flow, offset }: { flow: FlowView; offset: number }) {
  const now = useSecondTick();
  const left = flowSecondsLeft(flow.expiresAt, now, offset);
  return (
    <span className={`num mono ${left === 0 ? 'muted' : ''}`} data-testid="flow-timeout" title={`expires ${formatDateTime(flow.expiresAt)} (gateway clock)`}>
      {left === 0 ? 'expiring' : left}
    </span>
  );
}

function SaLink({ flow }: { flow: FlowView }) {
  if (flow.childSaId === undefined) return <span className="muted">—</span>;
  const query = new URLSearchParams();
  if (flow.tunnel !== undefined) query.set('tunnel', flow.tunnel);
  query.set('child.q', flow.childSaId);
  query.set('child.hide', 'ikeSaId');
  return (
    <Link to={`/sas?${query.toString()}`} className="mono" data-testid="flow-sa-link" title={`CHILD_SA ${flow.childSaId}`}>
      SA {flowSpi(flow) ?? flow.childSaId}
    </Link>
  );
}

export function FlowTable({ flows, verbose, clockOffset, sort, order, onSort }: FlowTableProps) {
  const columns = useMemo<ColumnDef<FlowView, unknown>[]>(
    () => [
      { id: 'protocol', header: 'Proto', cell: (ctx) => <span className="mono">{ctx.row.original.protocol}</span> },
      { id: 'source', header: 'Source', cell: (ctx) => <span className="mono">{formatFlowEndpoint(ctx.row.original.source, verbose)}</span> },
      { id: 'destination', header: 'Destination', cell: (ctx) => <span className="mono">{formatFlowEndpoint(ctx.row.original.destination, false)}</span> },
      { id: 'timeout', header: 'Timeout', cell: (ctx) => <Timeout flow={ctx.row.original} offset={clockOffset} /> },
      { id: 'packets', header: 'Packets', cell: (ctx) => <span className="num">{ctx.row.original.packets} / {ctx.row.original.reversePackets}</span> },
      { id: 'bytes', header: 'Bytes', cell: (ctx) => <span className="num">{formatBytes(ctx.row.original.bytes)} / {formatBytes(ctx.row.original.reverseBytes)}</span> },
      { id: 'rule', header: 'Rule', enableSorting: false, cell: (ctx) => ctx.row.original.rule ?? <span className="muted">—</span> },
      { id: 'tunnel', header: 'Tunnel / SA', enableSorting: false, cell: (ctx) => (
          <span>
            {ctx.row.original.tunnel ?? ''} <SaLink flow={ctx.row.original} />
          </span>
        ) },
      { id: 'created', header: 'Created', cell: (ctx) => <span className="mono">{formatDateTime(ctx.row.original.createdAt)}</span> },
      { id: 'lastSeen', header: 'Last seen', cell: (ctx) => <span className="mono">{formatDateTime(ctx.row.original.lastSeenAt)}</span> },
    ],
    [verbose, clockOffset],
  );
  const sorting = useMemo<SortingState>(() => (sort === '' ? [] : [{ id: sort, desc: order === 'desc' }]), [sort, order]);
  const table = useReactTable({
    data: flows,
    columns,
    getRowId: (flow) => flow.id,
    state: { sorting },
    manualSorting: true,
    enableSortingRemoval: true,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      onSort(first ? first.id : '', first?.desc ? 'desc' : 'asc');
    },
    getCoreRowModel: getCoreRowModel(),
  });
  const rows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const rowHeight = verbose ? VERBOSE_ROW_HEIGHT : ROW_HEIGHT;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 20,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const visibleColumns = table.getVisibleLeafColumns().length;

  return (
    <div ref={scroller} className="flow-scroller" data-testid="flow-table" data-count={rows.length}>
      <table className={`grid flow-grid ${verbose ? 'verbose' : ''}`}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} data-column={header.column.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                    {header.column.getCanSort() && FLOW_SORT_KEYS[header.column.id] !== undefined ? (
                      <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span className="sort-mark">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={visibleColumns} style={{ height: padTop, padding: 0, border: 'none' }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const flow = row.original;
            return (
              <tr
                key={row.id}
                className={`flow-row proto-${flow.protocol.toLowerCase()}`}
                style={{ height: item.size }}
                data-flow-id={flow.id}
                data-protocol={flow.protocol}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} data-column={cell.column.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    {verbose && cell.column.id === 'protocol' ? <div className="mono flow-rev" data-testid="flow-rev">...rev:</div> : null}
                    {verbose && cell.column.id === 'source' ? (
                      <div className="mono flow-rev">{formatFlowEndpoint(flow.reverse.source, true)}</div>
                    ) : null}
                    {verbose && cell.column.id === 'destination' ? (
                      <div className="mono flow-rev">{formatFlowEndpoint(flow.reverse.destination, false)}</div>
                    ) : null}
                  </td>
                ))}
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={visibleColumns} style={{ height: padBottom, padding: 0, border: 'none' }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
