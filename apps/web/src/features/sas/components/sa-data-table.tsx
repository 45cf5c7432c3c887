/**
 * What the IKE SA and CHILD_SA tables share: the table whose sorting,
 * filter and hidden columns live in the URL under a prefix, and the
 * actions column (rekey / delete for operators).
 */
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { useTableUrlState } from '../hooks/use-table-url-state.ts';
import { SaActions } from './sa-cells.tsx';

export function saActionsColumn<T extends { id: string }>(kind: 'ike' | 'child', onDone: () => void): ColumnDef<T, unknown> {
  return {
    id: 'actions',
    header: '',
    enableSorting: false,
    enableHiding: false,
    enableGlobalFilter: false,
    cell: (ctx) => <SaActions kind={kind} id={ctx.row.original.id} onDone={onDone} />,
  };
}

interface SaDataTableProps<T extends { id: string }> {
  /** URL parameter prefix: `<prefix>.sort`, `<prefix>.q`, `<prefix>.hide`. */
  urlPrefix: string;
  defaultHidden: readonly string[];
  items: T[];
  columns: ColumnDef<T, unknown>[];
  testId: string;
  emptyText: string;
}

export function SaDataTable<T extends { id: string }>({ urlPrefix, defaultHidden, items, columns, testId, emptyText }: SaDataTableProps<T>) {
  const state = useTableUrlState(urlPrefix, defaultHidden);
  return (
    <DataTable
      data={items}
      columns={columns}
      getRowId={(sa) => sa.id}
      sorting={state.sorting}
      onSortingChange={state.setSorting}
      filter={state.filter}
      onFilterChange={state.setFilter}
      visibility={state.visibility}
      onVisibilityChange={state.setVisibility}
      testId={testId}
      emptyText={emptyText}
    />
  );
}
