/**
 * The findings for the view's tunnel filter, kept current: the list is
 * re-read (debounced) when a coded log or SA event arrives, since any of
 * them can add, strengthen or resolve a finding. The previous list stays on
 * screen while the next one loads.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchFindings } from '../api/diagnose-api.ts';

const REFRESH_DEBOUNCE_MS = 3000;

export function useFindings(tunnel: string) {
  const findings = useAsync((signal) => fetchFindings(tunnel, signal), [tunnel]);
  const { reload } = findings;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const scheduleReload = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, REFRESH_DEBOUNCE_MS);
  }, [reload]);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  useStreamEvents('log', {}, scheduleReload);
  useStreamEvents('sa', {}, scheduleReload);
  useStreamEvents('config', {}, scheduleReload);
  return findings;
}
