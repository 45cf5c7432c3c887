/**
 * A dense sortable, filterable table with a column chooser
 * (@tanstack/react-table). Sorting, the filter text and hidden columns are
 * controlled by the caller (usually from the URL).
 */
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';

interface DataTableProps<T> {
  data: T[];
  columns: ColumnDef<T, unknown>[];
  getRowId: (row: T) => string;
  sorting: SortingState;
  onSortingChange: (next: SortingState) => void;
  filter: string;
  onFilterChange: (next: string) => void;
  visibility: VisibilityState;
  onVisibilityChange: (next: VisibilityState) => void;
  testId: string;
  emptyText: string;
  toolbar?: ReactNode;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const table = useReactTable({
    data: props.data,
    columns: props.columns,
    getRowId: props.getRowId,
    state: { sorting: props.sorting, globalFilter: props.filter, columnVisibility: props.visibility },
    onSortingChange: (updater) => props.onSortingChange(typeof updater === 'function' ? updater(props.sorting) : updater),
    onGlobalFilterChange: (updater: unknown) => {
      const next = typeof updater === 'function' ? (updater as (old: string) => string)(props.filter) : updater;
      props.onFilterChange(typeof next === 'string' ? next : '');
    },
    onColumnVisibilityChange: (updater) => props.onVisibilityChange(typeof updater === 'function' ? updater(props.visibility) : updater),
    globalFilterFn: 'includesString',
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    enableSortingRemoval: true,
  });
  const rows = table.getRowModel().rows;

  return (
    <div className="data-table" data-testid={props.testId}>
      <div className="table-toolbar">
        <label>
          Filter
          <input
            value={props.filter}
            onChange={(e) => props.onFilterChange(e.target.value)}
            placeholder="any column"
            aria-label={`Filter ${props.testId}`}
            data-testid={`${props.testId}-filter`}
          />
        </label>
        <details className="column-chooser">
          <summary>Columns</summary>
          <div className="column-chooser-menu">
            {table
              .getAllLeafColumns()
              .filter((column) => column.getCanHide())
              .map((column) => (
                <label key={column.id}>
                  <input type="checkbox" checked={column.getIsVisible()} onChange={column.getToggleVisibilityHandler()} />
                  {typeof column.columnDef.header === 'string' ? column.columnDef.header : column.id}
                </label>
              ))}
          </div>
        </details>
        <span className="muted small" data-testid={`${props.testId}-count`}>
          {rows.length} of {props.data.length}
        </span>
        {props.toolbar}
      </div>
      {props.data.length === 0 ? (
        <p className="no-data">{props.emptyText}</p>
      ) : (
        <div className="table-scroll">
          <table className="grid">
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    const sortable = header.column.getCanSort();
                    return (
                      <th
                        key={header.id}
                        aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                        data-column={header.column.id}
                      >
                        {sortable ? (
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
              {rows.map((row) => (
                <tr key={row.id} data-row-id={row.id}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} data-column={cell.column.id}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? <p className="no-data">No row matches the filter.</p> : null}
        </div>
      )}
    </div>
  );
}
