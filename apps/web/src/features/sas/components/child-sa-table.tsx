import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import type { ChildSaView } from '../../../lib/api-types.ts';
import { formatSpi } from '../../../lib/format.ts';
import { SaDataTable, saActionsColumn } from './sa-data-table.tsx';
import { Age, Countdown, TrafficCounter } from './sa-cells.tsx';

const DEFAULT_HIDDEN = ['id', 'ikeSaId'] as const;

export function ChildSaTable({ items, onChanged }: { items: ChildSaView[]; onChanged: () => void }) {
  const columns = useMemo<ColumnDef<ChildSaView, unknown>[]>(
    () => [
      { id: 'id', header: 'Id', accessorFn: (sa) => sa.id },
      { id: 'ikeSaId', header: 'IKE SA', accessorFn: (sa) => sa.ikeSaId },
      { id: 'tunnel', header: 'Tunnel', accessorFn: (sa) => sa.tunnel ?? '' },
      {
        id: 'state',
        header: 'State',
        accessorFn: (sa) => sa.state,
        cell: (ctx) => <StatusBadge tone={ctx.row.original.state === 'installed' || ctx.row.original.state === 'established' ? 'ok' : 'warn'}>{ctx.row.original.state}</StatusBadge>,
      },
      { id: 'spiInbound', header: 'SPI in', accessorFn: (sa) => formatSpi(sa.spiInbound), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      { id: 'spiOutbound', header: 'SPI out', accessorFn: (sa) => formatSpi(sa.spiOutbound), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      { id: 'localTs', header: 'Local TS', accessorFn: (sa) => sa.localTs.join(' '), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      { id: 'remoteTs', header: 'Remote TS', accessorFn: (sa) => sa.remoteTs.join(' '), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      { id: 'proposal', header: 'Algorithms', accessorFn: (sa) => sa.proposal ?? '', cell: (ctx) => <span className="mono">{String(ctx.getValue()) || '—'}</span> },
      { id: 'age', header: 'Up for', accessorFn: (sa) => sa.establishedAt ?? 0, cell: (ctx) => <Age since={ctx.row.original.establishedAt} />, enableGlobalFilter: false },
      { id: 'rekey', header: 'Rekey in', accessorFn: (sa) => sa.rekeyAt ?? Number.MAX_SAFE_INTEGER, cell: (ctx) => <Countdown at={ctx.row.original.rekeyAt} />, enableGlobalFilter: false },
      { id: 'expires', header: 'Expires in', accessorFn: (sa) => sa.expiresAt ?? Number.MAX_SAFE_INTEGER, cell: (ctx) => <Countdown at={ctx.row.original.expiresAt} />, enableGlobalFilter: false },
      { id: 'bytesIn', header: 'Bytes in', accessorFn: (sa) => sa.bytesIn ?? -1, cell: (ctx) => <TrafficCounter value={ctx.row.original.bytesIn} unit="bytes" />, enableGlobalFilter: false },
      { id: 'bytesOut', header: 'Bytes out', accessorFn: (sa) => sa.bytesOut ?? -1, cell: (ctx) => <TrafficCounter value={ctx.row.original.bytesOut} unit="bytes" />, enableGlobalFilter: false },
      { id: 'packetsIn', header: 'Packets in', accessorFn: (sa) => sa.packetsIn ?? -1, cell: (ctx) => <TrafficCounter value={ctx.row.original.packetsIn} unit="packets" />, enableGlobalFilter: false },
      { id: 'packetsOut', header: 'Packets out', accessorFn: (sa) => sa.packetsOut ?? -1, cell: (ctx) => <TrafficCounter value={ctx.row.original.packetsOut} unit="packets" />, enableGlobalFilter: false },
      saActionsColumn<ChildSaView>('child', onChanged),
    ],
    [onChanged],
  );
  return <SaDataTable urlPrefix="child" defaultHidden={DEFAULT_HIDDEN} items={items} columns={columns} testId="child-sas" emptyText="No CHILD_SAs." />;
}
