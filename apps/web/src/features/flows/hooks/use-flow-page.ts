/**
 * One page of the flow table as the server filtered, sorted and paged it,
 * kept current by the `flow` stream topic: flow.created / flow.removed
 * deltas do not patch the page (its order and paging are the server's) but
 * trigger a re-read, coalesced so a burst of flows costs one request at
 * most every REFRESH_MIN_INTERVAL_MS. The page also yields the offset
 * between the gateway's clock and the browser's, for live countdowns.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlowPage } from '@tunnelscope/api';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchFlowPage, type FlowPageRequest } from '../api/flows-api.ts';
import { clockOffsetMs } from './flow-format.ts';

const REFRESH_MIN_INTERVAL_MS = 750;
const FLOW_EVENT_TYPES = ['flow.created', 'flow.removed'];

export interface FlowPageState {
  page: FlowPage | null;
  /** Server clock minus browser clock (ms), from the last page. */
  clockOffset: number;
  error: string | null;
  loading: boolean;
  /** flow.created / flow.removed events seen since the view opened. */
  liveChanges: number;
  reload: () => void;
}

export function useFlowPage(request: FlowPageRequest): FlowPageState {
  const [page, setPage] = useState<FlowPage | null>(null);
  const [clockOffset, setClockOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [liveChanges, setLiveChanges] = useState(0);
  const [generation, setGeneration] = useState(0);
  const requestKey = JSON.stringify(request);
  const lastLoadAt = useRef(0);
  const pendingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const parsed = JSON.parse(requestKey) as FlowPageRequest;
    const startedAt = Date.now();
    lastLoadAt.current = startedAt;
    setLoading(true);
    fetchFlowPage(parsed, controller.signal)
      .then((next) => {
        if (controller.signal.aborted) return;
        setClockOffset(clockOffsetMs(next.time, startedAt, Date.now()));
        setPage(next);
        setError(null);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(describeError(err));
        setLoading(false);
      });
    return () => controller.abort();
  }, [requestKey, generation]);

  useEffect(
    () => () => {
      if (pendingTimer.current !== null) clearTimeout(pendingTimer.current);
    },
    [],
  );

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useStreamEvents('flow', { types: FLOW_EVENT_TYPES }, () => {
    setLiveChanges((n) => n + 1);
    if (pendingTimer.current !== null) return;
    const wait = Math.max(0, lastLoadAt.current + REFRESH_MIN_INTERVAL_MS - Date.now());
    pendingTimer.current = setTimeout(() => {
      pendingTimer.current = null;
      reload();
    }, wait);
  });

  return { page, clockOffset, error, loading, liveChanges, reload };
}
