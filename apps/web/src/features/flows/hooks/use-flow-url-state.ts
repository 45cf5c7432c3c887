/**
 * Everything the Flows view shows is in the URL: the `flow -show` filters
 * under their CLI names (`?proto=icmp&destiface=loop-a`), the server-side
 * sort (`sort=timeout&order=desc`), the page (`offset`, `limit`), the
 * verbose toggle (`verbose=1`) and the tab (`tab=text`). A pasted link
 * opens the same page of the same flows.
 */
import { useCallback, useMemo } from 'react';
import { useQueryParams } from '../../../lib/use-query-state.ts';
import type { FlowFilterValues } from '../api/flows-api.ts';
import { FLOW_FILTER_NAMES, FLOW_SORT_KEYS } from './flow-format.ts';

export const PAGE_SIZES = [100, 500, 1000] as const;
const DEFAULT_PAGE_SIZE = 500;

const PARAM_NAMES = [...FLOW_FILTER_NAMES, 'sort', 'order', 'offset', 'limit', 'verbose', 'tab'] as const;
type ParamName = (typeof PARAM_NAMES)[number];

export type FlowTab = 'table' | 'text';

export interface FlowUrlState {
  filters: FlowFilterValues;
  setFilters: (next: FlowFilterValues) => void;
  sort: string;
  order: 'asc' | 'desc';
  setSort: (column: string, order: 'asc' | 'desc') => void;
  offset: number;
  limit: number;
  setPage: (offset: number, limit?: number) => void;
  verbose: boolean;
  setVerbose: (verbose: boolean) => void;
  tab: FlowTab;
  setTab: (tab: FlowTab) => void;
}

function nonNegativeInteger(text: string, fallback: number): number {
  return /^\d+$/.test(text) ? Number(text) : fallback;
}

export function useFlowUrlState(): FlowUrlState {
  const [params, setParams] = useQueryParams<ParamName>(PARAM_NAMES);
  const filters = useMemo<FlowFilterValues>(
    () => ({
      destiface: params.destiface,
      srciface: params.srciface,
      proto: params.proto,
      srcip: params.srcip,
      destip: params.destip,
      srcport: params.srcport,
      destport: params.destport,
    }),
    [params.destiface, params.srciface, params.proto, params.srcip, params.destip, params.srcport, params.destport],
  );
  const sort = FLOW_SORT_KEYS[params.sort] !== undefined ? params.sort : '';
  const order = params.order === 'desc' ? 'desc' : 'asc';
  const limitParam = nonNegativeInteger(params.limit, DEFAULT_PAGE_SIZE);
  const limit = (PAGE_SIZES as readonly number[]).includes(limitParam) ? limitParam : DEFAULT_PAGE_SIZE;
  const offset = nonNegativeInteger(params.offset, 0);

  const setFilters = useCallback(
    (next: FlowFilterValues) => setParams({ ...next, offset: '' }),
    [setParams],
  );
  const setSort = useCallback(
    (column: string, nextOrder: 'asc' | 'desc') => setParams({ sort: column, order: column === '' ? '' : nextOrder, offset: '' }),
    [setParams],
  );
  const setPage = useCallback(
    (nextOffset: number, nextLimit?: number) =>
      setParams({
        offset: nextOffset > 0 ? String(nextOffset) : '',
        ...(nextLimit !== undefined ? { limit: nextLimit === DEFAULT_PAGE_SIZE ? '' : String(nextLimit) } : {}),
      }),
    [setParams],
  );
  const setVerbose = useCallback((next: boolean) => setParams({ verbose: next ? '1' : '' }), [setParams]);
  const setTab = useCallback((next: FlowTab) => setParams({ tab: next === 'table' ? '' : next }), [setParams]);

  return {
    filters,
    setFilters,
    sort,
    order,
    setSort,
    offset,
    limit,
    setPage,
    verbose: params.verbose === '1',
    setVerbose,
    tab: params.tab === 'text' ? 'text' : 'table',
    setTab,
  };
}
