/**
 * A table's sorting, filter and hidden columns kept in the URL under a
 * prefix (`ike.sort=tunnel:desc`, `ike.hide=spiResponder,vendors`,
 * `ike.q=...`), so a pasted link opens the same view.
 */
import type { SortingState, VisibilityState } from '@tanstack/react-table';
import { useCallback, useMemo } from 'react';
import { useQueryParams } from '../../../lib/use-query-state.ts';

export interface TableUrlState {
  sorting: SortingState;
  setSorting: (next: SortingState) => void;
  filter: string;
  setFilter: (next: string) => void;
  visibility: VisibilityState;
  setVisibility: (next: VisibilityState) => void;
}

export function useTableUrlState(prefix: string, defaultHidden: readonly string[] = []): TableUrlState {
  const sortKey = `${prefix}.sort`;
  const filterKey = `${prefix}.q`;
  const hideKey = `${prefix}.hide`;
  const [params, setParams] = useQueryParams([sortKey, filterKey, hideKey]);

  const sorting = useMemo<SortingState>(() => {
    const raw = params[sortKey] ?? '';
    if (!raw) return [];
    const [id, direction] = raw.split(':');
    return id ? [{ id, desc: direction === 'desc' }] : [];
  }, [params, sortKey]);

  const visibility = useMemo<VisibilityState>(() => {
    const raw = params[hideKey] ?? '';
    const hidden = raw === '' ? defaultHidden : raw === '-' ? [] : raw.split(',');
    return Object.fromEntries(hidden.map((id) => [id, false]));
  }, [params, hideKey, defaultHidden]);

  const setSorting = useCallback(
    (next: SortingState) => {
      const first = next[0];
      setParams({ [sortKey]: first ? `${first.id}:${first.desc ? 'desc' : 'asc'}` : '' });
    },
    [setParams, sortKey],
  );
  const setFilter = useCallback((next: string) => setParams({ [filterKey]: next }), [setParams, filterKey]);
  const setVisibility = useCallback(
    (next: VisibilityState) => {
      const hidden = Object.entries(next)
        .filter(([, visible]) => !visible)
        .map(([id]) => id);
      setParams({ [hideKey]: hidden.length === 0 ? '-' : hidden.join(',') });
    },
    [setParams, hideKey],
  );
  return { sorting, setSorting, filter: params[filterKey] ?? '', setFilter, visibility, setVisibility };
}
