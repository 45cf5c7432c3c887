/**
 * The tunnel list in configured order with each tunnel's live state and
 * last failure, and the recent failures. Loaded from REST, kept live from
 * the `sa` and `log` stream topics; the tunnel list is re-read (debounced)
 * whenever an SA event arrives, so states are the server's, not guessed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoredEvent, TunnelStatusView } from '../../../lib/api-types.ts';
import { dedupeFailures, isFailure, tunnelEventKind } from '../../../lib/event-kinds.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchRecentEvents, fetchTunnels } from '../api/overview-api.ts';

export type TunnelDisplayState = 'up' | 'negotiating' | 'failed' | 'down';

export interface TunnelRow extends TunnelStatusView {
  position: number;
  display: TunnelDisplayState;
  lastFailure: StoredEvent | null;
  lastChangeAt: number | null;
}

export interface TunnelOverview {
  tunnels: TunnelRow[] | null;
  failures: StoredEvent[];
  error: string | null;
}

const RECENT_LIMIT = 300;
const FAILURES_SHOWN = 50;

function displayState(tunnel: TunnelStatusView, lastFailure: StoredEvent | null, lastUpAt: number | null): TunnelDisplayState {
  if (tunnel.state === 'up') return 'up';
  if (tunnel.state === 'connecting') return 'negotiating';
  if (lastFailure && (lastUpAt === null || lastFailure.time >= lastUpAt)) return 'failed';
  return 'down';
}

export function useTunnelOverview(): TunnelOverview {
  const [tunnels, setTunnels] = useState<TunnelStatusView[] | null>(null);
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const loadTunnels = useCallback(() => {
    fetchTunnels()
      .then((list) => {
        setTunnels(list.items);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, []);

  useEffect(() => {
    loadTunnels();
    Promise.all([fetchRecentEvents('sa', RECENT_LIMIT), fetchRecentEvents('log', RECENT_LIMIT)])
      .then(([sa, log]) => setEvents((live) => mergeEvents(live, [...sa.items, ...log.items])))
      .catch((err: unknown) => setError(describeError(err)));
    return () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    };
  }, [loadTunnels]);

  const onEvent = useCallback(
    (event: StoredEvent) => {
      setEvents((previous) => mergeEvents(previous, [event]));
      if (event.topic === 'sa' && refetchTimer.current === null) {
        refetchTimer.current = setTimeout(() => {
          refetchTimer.current = null;
          loadTunnels();
        }, 300);
      }
    },
    [loadTunnels],
  );
  useStreamEvents('sa', {}, onEvent);
  useStreamEvents('log', {}, onEvent);

  const failures = dedupeFailures(events.filter(isFailure));
  const rows =
    tunnels?.map((tunnel, position) => {
      const own = events.filter((event) => event.tunnel === tunnel.name);
      const lastFailure = failures.find((event) => event.tunnel === tunnel.name) ?? null;
      const lastUp = own.find((event) => tunnelEventKind(event) === 'up') ?? null;
      const lastChange = own.find((event) => ['up', 'down', 'failure', 'rekey'].includes(tunnelEventKind(event))) ?? null;
      return {
        ...tunnel,
        position,
        lastFailure,
        display: displayState(tunnel, lastFailure, lastUp?.time ?? null),
        lastChangeAt: lastChange?.time ?? null,
      };
    }) ?? null;

  return { tunnels: rows, failures: failures.slice(0, FAILURES_SHOWN), error };
}

/** Newest first, unique by id, bounded. */
function mergeEvents(current: StoredEvent[], incoming: StoredEvent[]): StoredEvent[] {
  const byId = new Map<number, StoredEvent>();
  for (const event of [...incoming, ...current]) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, RECENT_LIMIT * 2);
}
