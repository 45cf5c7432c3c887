/** The `ike -stat` counters: loaded once, then kept live by the stream's stats snapshots. */
import { useEffect, useRef, useState } from 'react';
import type { IkeStatCounters } from '../../../lib/api-types.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents, useStreamStats } from '../../../lib/stream-context.tsx';
import { fetchStatsNow } from '../api/overview-api.ts';

export interface LiveCounters {
  counters: IkeStatCounters | null;
  time: number | null;
  error: string | null;
}

export function useLiveCounters(intervalS = 2): LiveCounters {
  const [state, setState] = useState<LiveCounters>({ counters: null, time: null, error: null });
  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchStatsNow(controller.signal)
      .then((now) => setState((previous) => (previous.time !== null && previous.time > now.time ? previous : { counters: now.counters, time: now.time, error: null })))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error: describeError(error) }));
      });
    return () => {
      controller.abort();
      if (refresh.current) clearTimeout(refresh.current);
    };
  }, []);
  useStreamStats(intervalS, (counters, time) => setState({ counters, time, error: null }));
  // SA events change the counters: re-read them at once instead of waiting for the next snapshot.
  useStreamEvents('sa', {}, () => {
    if (refresh.current !== null) return;
    refresh.current = setTimeout(() => {
      refresh.current = null;
      fetchStatsNow()
        .then((now) => setState((previous) => (previous.time !== null && previous.time > now.time ? previous : { counters: now.counters, time: now.time, error: null })))
        .catch(() => undefined);
    }, 200);
  });
  return state;
}
