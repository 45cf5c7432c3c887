/**
 * The snoop view's lines: the stored history (REST, filtered by the server)
 * followed by live `snoop.message` events (stream, filtered here by the same
 * rules). Built for tens of thousands of lines: lines live in a mutable
 * array and the view re-renders at most once per animation frame.
 *
 * Pause never drops a line: while paused, live lines wait in a buffer whose
 * size the view shows; resume appends them in arrival order.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchSnoopHistory } from '../api/snoop-api.ts';
import { lineFromEntry, lineFromEvent, lineMatches, type SnoopFilters, type SnoopLine } from './snoop-line.ts';

/** Lines kept in memory; the oldest go first beyond this. */
export const MAX_SNOOP_LINES = 100_000;
const HISTORY_PAGE = 500;

export interface SnoopFeed {
  lines: readonly SnoopLine[];
  /** Changes whenever `lines` changed (lines is mutated in place). */
  version: number;
  paused: boolean;
  pendingCount: number;
  loading: boolean;
  error: string | null;
  hasOlder: boolean;
  pause(): void;
  resume(): void;
  clear(): void;
  loadOlder(): void;
}

export function useSnoopFeed(filters: SnoopFilters, format: 'brief' | 'full'): SnoopFeed {
  const lines = useRef<SnoopLine[]>([]);
  const keys = useRef(new Set<string>());
  const pending = useRef<SnoopLine[]>([]);
  const pausedRef = useRef(false);
  const frame = useRef<number | null>(null);
  const [version, setVersion] = useState(0);
  const [paused, setPaused] = useState(false);
  const [pendingCount, setPendingCount] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [olderCursor, setOlderCursor] = useState<number | null>(null);
  const filterKey = JSON.stringify(filters);

  const scheduleRender = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
      setPendingCount(pending.current.length);
    });
  }, []);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const append = useCallback((incoming: SnoopLine[]) => {
    for (const line of incoming) {
      if (keys.current.has(line.key)) continue;
      keys.current.add(line.key);
      lines.current.push(line);
    }
    const excess = lines.current.length - MAX_SNOOP_LINES;
    if (excess > 0) {
      for (const dropped of lines.current.splice(0, excess)) keys.current.delete(dropped.key);
    }
  }, []);

  const historyQuery = useCallback(
    (beforeId?: number) => {
      const parsed = JSON.parse(filterKey) as SnoopFilters;
      return {
        peer: parsed.peer || undefined,
        tunnel: parsed.tunnel || undefined,
        exchange: parsed.exchange || undefined,
        code: parsed.error !== '' && parsed.error !== 'any' ? parsed.error : undefined,
        q: parsed.q || undefined,
        format,
        limit: HISTORY_PAGE,
        ...(beforeId !== undefined ? { beforeId } : {}),
      };
    },
    [filterKey, format],
  );

  // (Re)load the history whenever the filters or the format change.
  useEffect(() => {
    const controller = new AbortController();
    const parsed = JSON.parse(filterKey) as SnoopFilters;
    lines.current = [];
    keys.current = new Set();
    pending.current = [];
    setLoading(true);
    setError(null);
    scheduleRender();
    fetchSnoopHistory(historyQuery(), controller.signal)
      .then((page) => {
        const history = page.items.map(lineFromEntry).filter((line) => lineMatches(line, parsed)).reverse();
        // Live lines that arrived during the request are newer: history goes first.
        const live = lines.current;
        lines.current = [];
        keys.current = new Set();
        append(history);
        append(live);
        setOlderCursor(page.nextBeforeId);
        setLoading(false);
        scheduleRender();
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(describeError(err));
        setLoading(false);
      });
    return () => controller.abort();
  }, [filterKey, historyQuery, append, scheduleRender]);

  useStreamEvents('snoop', {}, (event) => {
    const line = lineFromEvent(event);
    if (!line || !lineMatches(line, JSON.parse(filterKey) as SnoopFilters)) return;
    if (pausedRef.current) pending.current.push(line);
    else append([line]);
    scheduleRender();
  });

  const pause = useCallback(() => {
    pausedRef.current = true;
    setPaused(true);
  }, []);

  const resume = useCallback(() => {
    pausedRef.current = false;
    setPaused(false);
    const buffered = pending.current;
    pending.current = [];
    append(buffered);
    scheduleRender();
  }, [append, scheduleRender]);

  const clear = useCallback(() => {
    lines.current = [];
    keys.current = new Set();
    pending.current = [];
    setOlderCursor(null);
    scheduleRender();
  }, [scheduleRender]);

  const loadOlder = useCallback(() => {
    if (olderCursor === null) return;
    const parsed = JSON.parse(filterKey) as SnoopFilters;
    setLoading(true);
    fetchSnoopHistory(historyQuery(olderCursor))
      .then((page) => {
        const older = page.items.map(lineFromEntry).filter((line) => lineMatches(line, parsed) && !keys.current.has(line.key)).reverse();
        for (const line of older) keys.current.add(line.key);
        lines.current = [...older, ...lines.current];
        setOlderCursor(page.nextBeforeId);
        setLoading(false);
        scheduleRender();
      })
      .catch((err: unknown) => {
        setError(describeError(err));
        setLoading(false);
      });
  }, [olderCursor, filterKey, historyQuery, scheduleRender]);

  return {
    lines: lines.current,
    version,
    paused,
    pendingCount,
    loading,
    error,
    hasOlder: olderCursor !== null,
    pause,
    resume,
    clear,
    loadOlder,
  };
}
