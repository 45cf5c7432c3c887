import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import type { IkeSaView } from '../../../lib/api-types.ts';
import { formatEndpoint, formatSpi } from '../../../lib/format.ts';
import { SaDataTable, saActionsColumn } from './sa-data-table.tsx';
import { Age, Countdown } from './sa-cells.tsx';

const DEFAULT_HIDDEN = ['id', 'vendors'] as const;

function stateTone(state: string) {
  if (state === 'established') return 'ok' as const;
  if (state.includes('fail') || state === 'deleting' || state === 'dead') return 'bad' as const;
  return 'warn' as const;
}

function natSide(sa: IkeSaView): string | null {
  if (!sa.nat) return null;
  return sa.nat.side === 'none' ? 'no NAT' : `NAT: ${sa.nat.side}`;
}

export function IkeSaTable({ items, onChanged }: { items: IkeSaView[]; onChanged: () => void }) {
  const columns = useMemo<ColumnDef<IkeSaView, unknown>[]>(
    () => [
      { id: 'id', header: 'Id', accessorFn: (sa) => sa.id },
      { id: 'tunnel', header: 'Tunnel', accessorFn: (sa) => sa.tunnel ?? '' },
      {
        id: 'state',
        header: 'State',
        accessorFn: (sa) => sa.state,
        cell: (ctx) => <StatusBadge tone={stateTone(ctx.row.original.state)}>{ctx.row.original.state}</StatusBadge>,
      },
      { id: 'role', header: 'Role', accessorFn: (sa) => sa.role },
      { id: 'local', header: 'Local', accessorFn: (sa) => formatEndpoint(sa.local), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      { id: 'remote', header: 'Remote', accessorFn: (sa) => formatEndpoint(sa.remote), cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span> },
      {
        id: 'peerCertificate',
        header: 'Peer certificate',
        accessorFn: (sa) => sa.peerCertificate ?? '',
        cell: (ctx) => (ctx.row.original.peerCertificate ? <span className="mono">{ctx.row.original.peerCertificate}</span> : <span className="muted">—</span>),
      },
      {
        id: 'virtualIp',
        header: 'Virtual IP',
        accessorFn: (sa) => sa.virtualIp ?? '',
        cell: (ctx) => (ctx.row.original.virtualIp ? <span className="mono">{ctx.row.original.virtualIp}</span> : <span className="muted">none</span>),
      },
      {
        id: 'spiInitiator',
        header: 'SPI i',
        accessorFn: (sa) => formatSpi(sa.spiInitiator),
        cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span>,
      },
      {
        id: 'spiResponder',
        header: 'SPI r',
        accessorFn: (sa) => formatSpi(sa.spiResponder),
        cell: (ctx) => <span className="mono">{String(ctx.getValue())}</span>,
      },
      { id: 'proposal', header: 'Algorithms', accessorFn: (sa) => sa.proposal ?? '', cell: (ctx) => <span className="mono">{String(ctx.getValue()) || '—'}</span> },
      { id: 'age', header: 'Up for', accessorFn: (sa) => sa.establishedAt ?? 0, cell: (ctx) => <Age since={ctx.row.original.establishedAt} />, enableGlobalFilter: false },
      { id: 'rekey', header: 'Rekey in', accessorFn: (sa) => sa.rekeyAt ?? Number.MAX_SAFE_INTEGER, cell: (ctx) => <Countdown at={ctx.row.original.rekeyAt} />, enableGlobalFilter: false },
      { id: 'expires', header: 'Expires in', accessorFn: (sa) => sa.expiresAt ?? Number.MAX_SAFE_INTEGER, cell: (ctx) => <Countdown at={ctx.row.original.expiresAt} />, enableGlobalFilter: false },
      { id: 'nat', header: 'NAT', accessorFn: (sa) => natSide(sa) ?? '', cell: (ctx) => natSide(ctx.row.original) ?? <span className="muted">not reported</span> },
      {
        id: 'vendors',
        header: 'Peer vendor IDs',
        accessorFn: (sa) => sa.peerVendorIds?.join(', ') ?? '',
        cell: (ctx) =>
          ctx.row.original.peerVendorIds === undefined ? <span className="muted">not reported</span> : ctx.row.original.peerVendorIds.join(', ') || 'none',
      },
      {
        id: 'lastPacket',
        header: 'Last packet',
        accessorFn: (sa) => sa.lastPeerPacketAt ?? 0,
        cell: (ctx) =>
          ctx.row.original.lastPeerPacketAt === undefined ? <span className="muted">not reported</span> : <Age since={ctx.row.original.lastPeerPacketAt} />,
        enableGlobalFilter: false,
      },
      {
        id: 'dpd',
        header: 'DPD',
        accessorFn: (sa) => (sa.dpd ? (sa.dpd.enabled ? sa.dpd.state : 'off') : ''),
        cell: (ctx) => (ctx.row.original.dpd === undefined ? <span className="muted">not reported</span> : String(ctx.getValue())),
      },
      { id: 'children', header: 'CHILD_SAs', accessorFn: (sa) => sa.childSaIds.length, enableGlobalFilter: false },
      saActionsColumn<IkeSaView>('ike', onChanged),
    ],
    [onChanged],
  );
  return <SaDataTable urlPrefix="ike" defaultHidden={DEFAULT_HIDDEN} items={items} columns={columns} testId="ike-sas" emptyText="No IKE SAs." />;
}
