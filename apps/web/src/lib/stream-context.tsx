/**
 * React face of the shared stream client: one StreamClient for the app,
 * started while a user is logged in, and hooks for panels.
 */
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { IkeStatCounters, StoredEvent, StreamFilter, StreamTopic } from './api-types.ts';
import { StreamClient, streamUrlFor, type ConnectionStatus, type EventMeta } from './stream-client.ts';

const StreamContext = createContext<StreamClient | null>(null);

export function StreamProvider({ client, children }: { client: StreamClient; children: ReactNode }) {
  return <StreamContext.Provider value={client}>{children}</StreamContext.Provider>;
}

export function createBrowserStreamClient(): StreamClient {
  return new StreamClient({ url: streamUrlFor(window.location) });
}

export function useStreamClient(): StreamClient {
  const client = useContext(StreamContext);
  if (!client) throw new Error('useStreamClient outside StreamProvider');
  return client;
}

export function useConnectionStatus(): ConnectionStatus {
  const client = useStreamClient();
  return useSyncExternalStore(
    (notify) => client.onStatus(notify),
    () => client.getStatus(),
  );
}

/**
 * Calls `onEvent` for every live event of `topic` matching `filter`. The
 * handler may change between renders without resubscribing; a filter change
 * resubscribes.
 */
export function useStreamEvents(
  topic: StreamTopic,
  filter: StreamFilter,
  onEvent: (event: StoredEvent, meta: EventMeta) => void,
  enabled = true,
): void {
  const client = useStreamClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    if (!enabled) return undefined;
    const parsed = JSON.parse(filterKey) as StreamFilter;
    return client.subscribe(topic, parsed, (event, meta) => handler.current(event, meta));
  }, [client, topic, filterKey, enabled]);
}

/**
 * Keeps a view fresh: `reload` runs on mount, every `pollMs`, and once per
 * `coalesceMs` burst of live events on `topic` (a burst of SA or flow
 * events re-reads once, not once per event).
 */
export function useLiveReload(topic: StreamTopic, reload: () => void, options: { pollMs: number; coalesceMs: number }): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { pollMs, coalesceMs } = options;
  useEffect(() => {
    reload();
    const periodic = setInterval(reload, pollMs);
    return () => {
      clearInterval(periodic);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [reload, pollMs]);
  useStreamEvents(topic, {}, () => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, coalesceMs);
  });
}

export function useStreamStats(intervalS: number, onStats: (counters: IkeStatCounters, time: number) => void): void {
  const client = useStreamClient();
  const handler = useRef(onStats);
  handler.current = onStats;
  useEffect(() => client.subscribeStats(intervalS, (counters, time) => handler.current(counters, time)), [client, intervalS]);
}
