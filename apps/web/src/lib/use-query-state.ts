/**
 * View state kept in the URL's query string, so any view (filters, sort,
 * selected item) can be pasted into a ticket and opens the same way.
 */
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

export function useQueryParam(name: string, fallback = ''): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? fallback;
  const setValue = useCallback(
    (next: string) => {
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next === '' || next === fallback) updated.delete(name);
          else updated.set(name, next);
          return updated;
        },
        { replace: true },
      );
    },
    [name, fallback, setParams],
  );
  return [value, setValue];
}

/** Several params at once (e.g. a filter bar). */
export function useQueryParams<K extends string>(names: readonly K[]): [Record<K, string>, (patch: Partial<Record<K, string>>) => void] {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(names.map((name) => [name, params.get(name) ?? ''])) as Record<K, string>;
  const update = useCallback(
    (patch: Partial<Record<K, string>>) => {
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          for (const [name, value] of Object.entries(patch) as [K, string | undefined][]) {
            if (value === undefined || value === '') updated.delete(name);
            else updated.set(name, value);
          }
          return updated;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [values, update];
}
